package okta_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/okta"
)

// TestOktaTextIsCleaned: group names Okta sends reach the caller without
// escape sequences (a window title, a clipboard write).
func TestOktaTextIsCleaned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":"g1","profile":{"name":"moby:eng\u001b]0;pwned\u0007\u001b]52;c;Y3VybA==\u0007ineers"}}]`))
	}))
	defer srv.Close()
	c, err := okta.New(srv.URL, client.NewSecret("okta-api-token"), nil)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := c.GroupsWithPrefix(context.Background(), "moby:")
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].Profile.Name != "moby:engineers" {
		t.Fatalf("groups %+v, want the name without escape sequences", groups)
	}
}

// TestOktaRedirectElsewhereRefused: a redirect to another host never gets
// the request (and its SSWS token).
func TestOktaRedirectElsewhereRefused(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		_, _ = w.Write([]byte(`[]`))
	}))
	defer other.Close()
	elsewhere := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, err := okta.New(srv.URL, client.NewSecret("okta-api-token"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GroupsWithPrefix(context.Background(), "moby:"); err == nil || reached.Load() != 0 {
		t.Fatalf("redirect to another host followed (%d requests there): %v", reached.Load(), err)
	}
}
