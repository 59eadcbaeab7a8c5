package web

// ServedRoutes lists every route the server registers, as "METHOD PATTERN",
// for the policy test to hold its tables to.
func ServedRoutes() []string {
	var a api
	var out []string
	for _, rt := range append(a.routes(), a.pageRoutes()...) {
		out = append(out, rt.method+" "+rt.path)
	}
	return out
}
