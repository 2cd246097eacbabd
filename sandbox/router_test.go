package sandbox

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestOpenLeavesTheRoutesToTheFirstRequest: Open registers no route (the
// wizard starts its sandbox before its first frame, and the routes were
// most of that CPU); the first request builds them and is served.
func TestOpenLeavesTheRoutesToTheFirstRequest(t *testing.T) {
	s := New()
	if s.mux != nil {
		t.Fatal("Open built the router: leave it to the first request")
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, SCIMPath+"/ServiceProviderConfig", nil))
	if s.mux == nil {
		t.Fatal("the first request did not build the router")
	}
	// Unauthenticated: the route exists and answers 401, not 404.
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("GET %s/ServiceProviderConfig without a token: %d %s, want 401", SCIMPath, w.Code, w.Body)
	}
}
