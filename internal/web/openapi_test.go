package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/caselink/caselink/internal/access"
)

// TestOpenAPIDescribesEveryRouteAndNoOther holds openapi.json to the
// routes the server registers, each with the policy action it checks.
func TestOpenAPIDescribesEveryRouteAndNoOther(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q, want 3.x", doc.OpenAPI)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			key := strings.ToUpper(method) + " " + path
			described[key] = true
			var o struct {
				OperationID string `json:"operationId"`
				Action      string `json:"x-caselink-action"`
				Responses   map[string]json.RawMessage
			}
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if o.OperationID == "" || len(o.Responses) == 0 {
				t.Errorf("%s: no operationId or no responses", key)
			}
			if o.Action != "none" && !slices.Contains(access.Actions, access.Action(o.Action)) {
				t.Errorf("%s: x-caselink-action %q is no policy action", key, o.Action)
			}
		}
	}
	var a api
	served := map[string]bool{}
	for _, rt := range a.routes() {
		key := rt.method + " " + rt.path
		served[key] = true
		if !described[key] {
			t.Errorf("%s is served but not in openapi.json", key)
		}
	}
	for key := range described {
		if !served[key] {
			t.Errorf("%s is in openapi.json but not served", key)
		}
	}
}
