// Package sandboxtest serves the built-in sandbox over real HTTP for the
// tests of the packages that talk to it (entra, okta).
package sandboxtest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/docker-scim/docker-scim/sandbox"
)

// Serve starts a fresh sandbox behind an HTTP test server that closes when
// the test ends. wrap, when not nil, wraps the sandbox's handler (to record
// or fault the requests it serves).
func Serve(t testing.TB, wrap func(http.Handler) http.Handler) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	sb := sandbox.New()
	var h http.Handler = sb
	if wrap != nil {
		h = wrap(sb)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return sb, srv
}
