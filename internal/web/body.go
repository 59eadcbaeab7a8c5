package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// maxBody is the largest request body the API reads.
const maxBody = 1 << 20

// decode reads the request's JSON body into v, a pointer to a struct of
// the route's own. An empty body is {}. Anything else must be one JSON
// object sent as application/json, no larger than maxBody, with no field
// the route does not take and no NUL character in any text (PostgreSQL
// stores none).
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &requestError{status: http.StatusRequestEntityTooLarge, code: "too_large", msg: "the body is larger than 1 MiB"}
		}
		return badRequest("", "the body could not be read: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", field: "Content-Type",
			msg: "send the body as application/json"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "the body holds more than one JSON value")
	}
	if field, ok := nulIn(reflect.ValueOf(v), ""); ok {
		return badRequest(field, "must not hold a NUL character")
	}
	return nil
}

// jsonError names what was wrong with a body, and the field where it can.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return badRequest("", "the body is not valid JSON: %v (at byte %d)", syntax, syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("", "the body must be a JSON object, not %s", typ.Value)
		}
		return badRequest(typ.Field, "must be %s, not %s", kindOf(typ.Type), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "the body ends in the middle of its JSON")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(name, "this route takes no field %q (see docs/api.md)", name)
	}
	return badRequest("", "the body could not be read as JSON: %v", err)
}

// kindOf says in JSON's terms what a Go type takes.
func kindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// nulIn finds a string holding NUL in a decoded body and names its field
// by its JSON path.
func nulIn(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return nulIn(v.Elem(), path)
	case reflect.String:
		return path, strings.IndexByte(v.String(), 0) >= 0
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			p := path // an embedded struct's fields are the outer one's
			if !f.Anonymous || name != "" {
				if name == "" {
					name = f.Name
				}
				p = join(path, name)
			}
			if p, ok := nulIn(v.Field(i), p); ok {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p, ok := nulIn(v.Index(i), path+"["+strconv.Itoa(i)+"]"); ok {
				return p, true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			key := it.Key().String()
			if strings.IndexByte(key, 0) >= 0 {
				return path, true
			}
			if p, ok := nulIn(it.Value(), join(path, key)); ok {
				return p, true
			}
		}
	}
	return "", false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// query is a request's query string, read parameter by parameter; the
// first problem is kept, and a parameter the route does not take is one.
type query struct {
	q   url.Values
	err error
}

// readQuery reads r's query string, refusing parameters not in allowed and
// parameters given twice, but for a list parameter, named in allowed with
// a trailing "*" ("links*"), which may repeat.
func readQuery(r *http.Request, allowed ...string) *query {
	q := &query{q: r.URL.Query()}
	keys := make([]string, 0, len(q.q))
	for k := range q.q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch {
		case slices.Contains(allowed, k+"*"):
		case !slices.Contains(allowed, k):
			q.fail(badRequest(k, "this route takes no query parameter %q (it takes: %s)", k, strings.ReplaceAll(strings.Join(allowed, ", "), "*", "")))
		case len(q.q[k]) > 1:
			q.fail(badRequest(k, "given %d times; give it once", len(q.q[k])))
		}
	}
	return q
}

func (q *query) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

func (q *query) str(name string) string { return strings.TrimSpace(q.q.Get(name)) }

// oneOf is the parameter, which must be one of choices; def when absent.
func (q *query) oneOf(name, def string, choices ...string) string {
	v := q.str(name)
	if v == "" {
		return def
	}
	if !slices.Contains(choices, v) {
		q.fail(badRequest(name, "%q is not %s", v, strings.Join(choices, ", ")))
	}
	return v
}

// boolean is true, false, or absent (false).
func (q *query) boolean(name string) bool {
	v := q.str(name)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		q.fail(badRequest(name, "%q is not true or false", v))
	}
	return b
}

// integer is a whole number from 0 to most; def when absent.
func (q *query) integer(name string, def, most int) int {
	v := q.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > most {
		q.fail(badRequest(name, "%q is not a whole number from 0 to %d", v, most))
	}
	return n
}
