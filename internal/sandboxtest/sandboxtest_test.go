package sandboxtest

import (
	"net/http"
	"testing"

	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

// TestServeWrapsTheSandbox checks that a request reaches the sandbox
// through wrap, and that the server is this sandbox's.
func TestServeWrapsTheSandbox(t *testing.T) {
	var paths []string
	sb, srv := Serve(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			paths = append(paths, r.URL.Path)
			h.ServeHTTP(w, r)
		})
	})
	req, err := http.NewRequest(http.MethodGet, srv.URL+sandbox.SCIMPath+"/ServiceProviderConfig", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+sb.Credentials().SCIMToken)
	resp, err := testwait.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET ServiceProviderConfig with the sandbox's SCIM token: %d, want 200", resp.StatusCode)
	}
	if want := sandbox.SCIMPath + "/ServiceProviderConfig"; len(paths) != 1 || paths[0] != want {
		t.Errorf("wrap saw %q, want [%s]", paths, want)
	}
}
