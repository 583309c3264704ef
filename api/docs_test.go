package api_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/halo-oss/halo/api"
	"github.com/halo-oss/halo/docs"
)

// The served OpenAPI spec documents every route of the policy table: a handler added without
// regenerating docs/ (make docs) fails here.
func TestSwaggerDocumentsEveryRoute(t *testing.T) {
	var spec struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(docs.SwaggerInfo.ReadDoc()), &spec); err != nil {
		t.Fatalf("the generated spec is not JSON: %v", err)
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	s := &api.Server{}
	for key := range s.Policies() {
		method, path, _ := strings.Cut(key, " ")
		doc := param.ReplaceAllString(path, "{$1}")
		ops, ok := spec.Paths[doc]
		if !ok {
			t.Errorf("%s is not in the OpenAPI spec (run make docs)", key)
			continue
		}
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("%s: the spec documents %s but not %s", key, doc, method)
		}
	}
}
