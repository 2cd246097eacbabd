package entra_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/internal/sandboxtest"
	"github.com/docker-scim/docker-scim/sandbox"
)

// documentedCall is one call of testdata/graph_contract.json.
type documentedCall struct {
	Name    string   `json:"name"`
	Method  string   `json:"method"`
	Path    string   `json:"path"`
	Query   []string `json:"query"`
	Body    []string `json:"body"`
	KVArray string   `json:"kv_array"`
	KVKeys  []string `json:"kv_keys"`
	Status  int      `json:"status"`
	Page    string   `json:"page"`
	Commit  string   `json:"commit"`
}

// seenCall is a Graph request the client made and the stand-in's status.
type seenCall struct {
	method, path string
	query        []string
	body         map[string]json.RawMessage
	status       int
}

// seenCalls reads the Graph requests rec recorded; each body must be a
// JSON object.
func seenCalls(t *testing.T, rec *sandboxtest.Recorder) []seenCall {
	t.Helper()
	var out []seenCall
	for _, c := range rec.Calls() {
		sc := seenCall{method: c.Method, path: c.Path, query: c.Query, status: c.Status}
		if len(c.Body) > 0 {
			if err := json.Unmarshal(c.Body, &sc.body); err != nil {
				t.Errorf("%s %s: body is not a JSON object: %v", c.Method, c.Path, err)
			}
		}
		out = append(out, sc)
	}
	return out
}

// pathMatches matches a concrete path to a template whose {x} segments
// stand for any one segment.
func pathMatches(tmpl, path string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if !(strings.HasPrefix(ts[i], "{") && ps[i] != "") && ts[i] != ps[i] {
			return false
		}
	}
	return true
}

func TestEveryGraphCallIsTheDocumentedOne(t *testing.T) {
	raw, err := os.ReadFile("testdata/graph_contract.json")
	if err != nil {
		t.Fatal(err)
	}
	var contract struct {
		Calls []documentedCall `json:"calls"`
	}
	if err := json.Unmarshal(raw, &contract); err != nil {
		t.Fatal(err)
	}
	for _, c := range contract.Calls {
		if c.Page == "" || len(c.Commit) != 40 {
			t.Errorf("%s: no page and commit to check it against", c.Name)
		}
	}
	rec := sandboxtest.NewRecorder(sandbox.GraphPrefix, "/")
	e := newEnv(t, rec.Wrap)
	s := e.settings()
	s.AppName, s.CreateApp = "Docker SCIM", true
	if _, err := entra.Configure(context.Background(), e.graph(t, nil, true), s, nil); err != nil {
		t.Fatal(err)
	}
	seen := seenCalls(t, rec)
	used := map[string]bool{}
	for _, sc := range seen {
		var doc *documentedCall
		for i, c := range contract.Calls {
			if c.Method == sc.method && pathMatches(c.Path, sc.path) {
				doc = &contract.Calls[i]
				break
			}
		}
		if doc == nil {
			t.Errorf("%s %s is not a documented call", sc.method, sc.path)
			continue
		}
		used[doc.Name] = true
		for _, q := range sc.query {
			if !slices.Contains(doc.Query, q) {
				t.Errorf("%s: query option %s is not documented for it (%s)", doc.Name, q, doc.Page)
			}
		}
		keys := slices.Sorted(maps.Keys(sc.body))
		if want := slices.Sorted(slices.Values(doc.Body)); !slices.Equal(keys, want) {
			t.Errorf("%s: body keys %v, the page documents %v (%s)", doc.Name, keys, want, doc.Page)
		}
		if doc.KVArray != "" {
			var pairs []map[string]string
			if err := json.Unmarshal(sc.body[doc.KVArray], &pairs); err != nil {
				t.Errorf("%s: %s is not a list of key/value pairs: %v", doc.Name, doc.KVArray, err)
			}
			for _, p := range pairs {
				if len(p) != 2 || !slices.Contains(doc.KVKeys, p["key"]) {
					t.Errorf("%s: pair with key %q is not documented", doc.Name, p["key"])
				}
			}
		}
		if sc.status != doc.Status {
			t.Errorf("%s: the stand-in answered %d, the page documents %d", doc.Name, sc.status, doc.Status)
		}
	}
	for _, c := range contract.Calls {
		if !used[c.Name] && c.Name != "read the app by id" {
			t.Errorf("documented call %q was never made: drop it from the contract or test it", c.Name)
		}
	}
	// The by-id lookup is the other way to pick the app.
	byID := e.settings()
	byID.AppName, byID.ServicePrincipalID = "", findSPID(t, e)
	before := len(rec.Calls())
	if _, err := entra.Configure(context.Background(), e.graph(t, nil, true), byID, nil); err != nil {
		t.Fatal(err)
	}
	if first := seenCalls(t, rec)[before]; first.method != http.MethodGet || !pathMatches("/servicePrincipals/{id}", first.path) {
		t.Errorf("by id, the first call is %s %s", first.method, first.path)
	}
}

func findSPID(t *testing.T, e env) string {
	t.Helper()
	found, err := e.graph(t, nil, true).FindServicePrincipals(context.Background(), "Docker")
	if err != nil || len(found) != 1 {
		t.Fatalf("%v %v", found, err)
	}
	return found[0].ID
}

func TestPlanListsTheCallsConfigureMakes(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	e := newEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, sandbox.GraphPrefix+"/") {
				mu.Lock()
				seen = append(seen, r.Method+" "+strings.TrimPrefix(r.URL.Path, sandbox.GraphPrefix))
				mu.Unlock()
			}
			h.ServeHTTP(w, r)
		})
	})
	s := e.settings()
	s.AppName, s.CreateApp = "Docker SCIM", true
	plan, err := entra.Plan(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := entra.Configure(context.Background(), e.graph(t, nil, true), s, nil); err != nil {
		t.Fatal(err)
	}
	// Every call made is planned, in order (the plan also lists the
	// conditional calls, which a run may skip).
	i := 0
	for _, call := range seen {
		for i < len(plan) && !planMatches(plan[i], call) {
			i++
		}
		if i == len(plan) {
			t.Fatalf("call %s is not in the plan (or out of order)", call)
		}
		// i stays: a planned call may repeat (one assignment per group).
	}
	for _, p := range plan {
		if b, _ := json.Marshal(p.Body); bytes.Contains(b, []byte(e.token.Value())) {
			t.Errorf("the plan shows the SCIM token in %s %s", p.Method, p.Path)
		}
	}
}

func planMatches(p entra.PlannedCall, call string) bool {
	method, path, _ := strings.Cut(call, " ")
	tmpl, _, _ := strings.Cut(p.Path, "?")
	tmpl = strings.NewReplacer("{spId}", "{x}", "{jobId}", "{x}").Replace(tmpl)
	if p.Method != method {
		return false
	}
	if strings.HasPrefix(tmpl, "/users/") {
		return strings.HasPrefix(path, "/users/")
	}
	return pathMatches(tmpl, path)
}
