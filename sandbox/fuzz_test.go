package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/docker-scim/docker-scim/sandbox"
)

// FuzzSCIMFilter sends arbitrary filters to GET /Users, the way an identity
// provider's input reaches the sandbox: every answer is 200 or a 400 in
// Docker's scim_error shape, never a 500 or a panic.
func FuzzSCIMFilter(f *testing.F) {
	for _, seed := range []string{
		`userName eq "grace.hopper@moby.example"`,
		`userName sw "g" and not (active eq false)`,
		`emails[type eq "work" and value co "@"]`,
		`name.givenName pr or meta.created gt "2026-01-01T00:00:00Z"`,
		`urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole eq "owner"`,
		`userName eq`, `((`, `"`, ``,
	} {
		f.Add(seed)
	}
	sb := sandbox.New()
	token := sb.Credentials().SCIMToken
	f.Fuzz(func(t *testing.T, filter string) {
		req := httptest.NewRequest(http.MethodGet, sandbox.SCIMPath+"/Users?filter="+url.QueryEscape(filter), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
		case http.StatusBadRequest:
			var e struct{ Status, ScimType string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Status != "400" || e.ScimType == "" {
				t.Fatalf("filter %q: 400 not in scim_error shape: %s", filter, rec.Body)
			}
		default:
			t.Fatalf("filter %q: status %d: %s", filter, rec.Code, rec.Body)
		}
	})
}
