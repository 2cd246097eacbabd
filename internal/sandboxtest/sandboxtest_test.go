package sandboxtest

import (
	"net/http"
	"slices"
	"testing"

	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// TestRecorderSeesTheSandboxAnswer checks that Serve's wrap gets the
// sandbox's requests and that a Recorder keeps those in its scope, with
// the sandbox's status, and lets the others through unrecorded.
func TestRecorderSeesTheSandboxAnswer(t *testing.T) {
	rec := NewRecorder(sandbox.SCIMPath, "/")
	sb, srv := Serve(t, rec.Wrap)
	get := func(path, token string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := testwait.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(sandbox.SCIMPath+"/Users?count=1", sb.Credentials().SCIMToken); got != http.StatusOK {
		t.Fatalf("GET Users with the sandbox's SCIM token: %d, want 200", got)
	}
	get(sandbox.SCIMPath+"/Users", "wrong-token")
	get("/v2/orgs", "")
	want := []Call{
		{Method: http.MethodGet, Path: "/Users", Query: []string{"count"}, Body: []byte{}, Status: http.StatusOK},
		{Method: http.MethodGet, Path: "/Users", Query: []string{}, Body: []byte{}, Status: http.StatusUnauthorized},
	}
	got := rec.Calls()
	if !slices.EqualFunc(got, want, func(a, b Call) bool {
		return a.Method == b.Method && a.Path == b.Path && slices.Equal(a.Query, b.Query) && string(a.Body) == string(b.Body) && a.Status == b.Status
	}) {
		t.Errorf("recorded %+v, want %+v", got, want)
	}
	rec.Reset()
	if got := rec.Calls(); len(got) != 0 {
		t.Errorf("after Reset: %+v", got)
	}
}
