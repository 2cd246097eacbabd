package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/internal/testwait"
	"github.com/docker-scim/docker-scim/sandbox"
)

const console = sandbox.ConsolePrefix + "/orgs/moby"

func TestConsoleOrg(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.do("GET", console, e.jwt, nil), 200)
	var org sandbox.OrgSummary
	if err := json.Unmarshal(r.raw, &org); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(r.raw), `{"name":"moby","plan":"business","domains":[{"name":"moby.example","verified":true}],"connections":[`) {
		t.Fatalf("org: %s", r.raw)
	}
	// The same connections as the connections route: one request serves
	// the wizard's first screen and its preflight.
	list := e.must(e.do("GET", console+"/connections", e.jwt, nil), 200)
	var conns struct{ Connections []sandbox.Connection }
	if err := json.Unmarshal(list.raw, &conns); err != nil {
		t.Fatal(err)
	}
	if len(org.Connections) != 5 || fmt.Sprint(org.Connections) != fmt.Sprint(conns.Connections) {
		t.Fatalf("org connections %v, connections route %v", org.Connections, conns.Connections)
	}
	hubErrorShape(t, e.must(e.do("GET", sandbox.ConsolePrefix+"/orgs/acme", e.jwt, nil), 404))
	e.must(e.do("GET", console, "", nil), 401)
}

func TestConsoleConnectionsSeed(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.do("GET", console+"/connections", e.jwt, nil), 200)
	want := map[string]struct {
		typ  string
		scim bool
	}{
		"conn-okta-saml": {"saml", false}, "conn-entra-saml": {"saml", false}, "conn-entra-oidc": {"azure_ad_oidc", false},
		"conn-onelogin-saml": {"saml", false}, sandbox.SeededSCIMConnection: {"saml", true},
	}
	conns := r.list("connections")
	if len(conns) != len(want) {
		t.Fatalf("connections: %s", r.raw)
	}
	for _, c := range conns {
		m := c.(map[string]any)
		w, ok := want[m["id"].(string)]
		if !ok || m["type"] != w.typ || m["scim_enabled"] != w.scim || m["jit_enabled"] != true || m["default_team"] != "company" {
			t.Errorf("connection %v", m)
		}
	}
}

func TestSetupRefreshDisableSCIM(t *testing.T) {
	e := newEnv(t)
	path := console + "/connections/conn-entra-oidc/scim"
	r := e.must(e.do("POST", path, e.jwt, nil), 200)
	base, tok := r.str("scim_base_url"), r.str("api_token")
	if base != e.url+sandbox.SCIMPath || tok == "" {
		t.Fatalf("setup: %s", r.raw)
	}
	hubErrorShape(t, e.must(e.do("POST", path, e.jwt, nil), 409))
	// Edit SCIM shows the same values again and issues nothing new.
	for range 2 {
		if edit := e.must(e.do("GET", path, e.jwt, nil), 200); edit.str("scim_base_url") != base || edit.str("api_token") != tok {
			t.Fatalf("edit SCIM: %s", edit.raw)
		}
	}
	e.must(e.do("GET", base+"/ServiceProviderConfig", tok, nil), 200)
	ada := e.must(e.do("POST", base+"/Users", tok, map[string]any{"schemas": []string{userSchema}, "userName": "ada@moby.example"}), 201)

	// Refresh: the old token stops working at once.
	fresh := e.must(e.do("POST", path+"/token", e.jwt, nil), 200).str("api_token")
	if fresh == tok {
		t.Fatal("refresh returned the same token")
	}
	scimErrorShape(t, e.must(e.do("GET", base+"/Users", tok, nil), 401), "")
	e.must(e.do("GET", base+"/Users", fresh, nil), 200)
	if edit := e.must(e.do("GET", path, e.jwt, nil), 200); edit.str("api_token") != fresh {
		t.Fatalf("edit SCIM after a refresh shows %q, not the new token", edit.str("api_token"))
	}

	// Disable: the token stops working, provisioned users stay.
	e.must(e.do("POST", path+"/disable", e.jwt, nil), 204)
	e.must(e.do("GET", base+"/Users", fresh, nil), 401)
	if names := e.memberNames("?search=ada"); len(names) != 1 || names[0] != ada.str("displayName") {
		t.Fatalf("disable removed the provisioned user: %v", names)
	}
	hubErrorShape(t, e.must(e.do("POST", path+"/disable", e.jwt, nil), 409))
	hubErrorShape(t, e.must(e.do("POST", path+"/token", e.jwt, nil), 409))
	hubErrorShape(t, e.must(e.do("GET", path, e.jwt, nil), 409))
	// Set up again: a new token, the same users.
	again := e.must(e.do("POST", path, e.jwt, nil), 200).str("api_token")
	if r := e.must(e.do("GET", base+"/Users?filter=userName+eq+%22ada@moby.example%22", again, nil), 200); r.body["totalResults"].(float64) != 1 {
		t.Fatalf("user lost across disable/setup: %s", r.raw)
	}
	for _, p := range []string{"/scim", "/scim/token", "/scim/disable"} {
		hubErrorShape(t, e.must(e.do("POST", console+"/connections/nope"+p, e.jwt, nil), 404))
	}
	hubErrorShape(t, e.must(e.do("GET", console+"/connections/nope/scim", e.jwt, nil), 404))
}

// TestToggleJIT: JIT can be turned off only while SCIM is on, and SCIM can
// be disabled only while JIT is on (provision-scim.md § "Disable SCIM",
// migrate-scim.md § "Disable JIT provisioning").
func TestToggleJIT(t *testing.T) {
	e := newEnv(t)
	noSCIM := console + "/connections/conn-entra-saml/jit"
	r := e.must(e.do("PUT", noSCIM, e.jwt, map[string]bool{"enabled": false}), 409)
	hubErrorShape(t, r)
	if !strings.Contains(r.str("message"), "only while SCIM is on") {
		t.Fatalf("JIT off without SCIM: %s", r.raw)
	}
	path := console + "/connections/conn-okta-saml/jit"
	e.must(e.do("POST", console+"/connections/conn-okta-saml/scim", e.jwt, nil), 200)
	r = e.must(e.do("PUT", path, e.jwt, map[string]bool{"enabled": false}), 200)
	if r.body["jit_enabled"] != false || r.str("id") != "conn-okta-saml" {
		t.Fatalf("jit off: %s", r.raw)
	}
	hubErrorShape(t, e.must(e.do("PUT", path, e.jwt, map[string]string{"enabled": "no"}), 400))
	hubErrorShape(t, e.must(e.do("PUT", path, e.jwt, map[string]any{}), 400))
	logs := e.must(e.do("GET", "/v2/auditlogs/moby?action=sso.connection.jit_toggle", e.jwt, nil), 200)
	if len(logs.list("logs")) != 1 {
		t.Fatalf("jit toggle not audited: %s", logs.raw)
	}
	// With JIT off, SCIM cannot be disabled; JIT on again, it can.
	r = e.must(e.do("POST", console+"/connections/conn-okta-saml/scim/disable", e.jwt, nil), 409)
	if !strings.Contains(r.str("message"), "only while JIT provisioning is on") || !strings.Contains(r.str("message"), "turn JIT on") {
		t.Fatalf("SCIM off without JIT: %s", r.raw)
	}
	e.must(e.do("PUT", path, e.jwt, map[string]bool{"enabled": true}), 200)
	e.must(e.do("POST", console+"/connections/conn-okta-saml/scim/disable", e.jwt, nil), 204)
}

func TestIdPPushEndpoint(t *testing.T) {
	e := newEnv(t)
	push := func(body any) resp {
		return e.do("POST", sandbox.IdPPushPath, e.creds.SCIMToken, body)
	}
	r := e.must(push(map[string]any{
		"users": []map[string]string{{"userName": "ada@moby.example", "givenName": "Ada", "familyName": "Lovelace"},
			{"userName": "alan@moby.example", "givenName": "Alan", "familyName": "Turing"}},
		"group": "moby:research",
	}), 200)
	if len(r.list("created")) != 2 || r.body["group"].(map[string]any)["displayName"] != "moby:research" {
		t.Fatalf("push: %s", r.raw)
	}
	hub := e.must(e.do("GET", "/v2/orgs/moby/groups/research/members", e.jwt, nil), 200)
	if hub.body["count"].(float64) != 2 {
		t.Fatalf("group push did not create the team with members: %s", hub.raw)
	}
	// A second push updates, adds to the existing group, and deactivates.
	r = e.must(push(map[string]any{
		"users":      []map[string]string{{"userName": "ada@moby.example", "givenName": "Augusta", "familyName": "King"}},
		"group":      "moby:developers",
		"deactivate": []string{"alan@moby.example"},
	}), 200)
	if len(r.list("updated")) != 1 || len(r.list("created")) != 0 || len(r.list("deactivated")) != 1 {
		t.Fatalf("second push: %s", r.raw)
	}
	if names := e.memberNames("?search=alan"); len(names) != 0 {
		t.Fatalf("deactivated user still a member: %v", names)
	}
	if dev := e.must(e.do("GET", "/v2/orgs/moby/groups/developers/members?search=augusta", e.jwt, nil), 200); dev.body["count"].(float64) != 1 {
		t.Fatalf("push to the existing group: %s", dev.raw)
	}
	// Errors: bad token, bad body, a SCIM error stops the push with 502.
	e.must(e.do("POST", sandbox.IdPPushPath, "wrong", map[string]any{}), 401)
	hubErrorShape(t, e.must(push(map[string]any{"users": []map[string]string{{"givenName": "x"}}}), 400))
	r = e.must(push(map[string]any{"group": "acme:x"}), 502)
	if !strings.Contains(r.str("message"), "POST /Groups answered 400") {
		t.Fatalf("502 does not say which request failed: %s", r.raw)
	}
	r = e.must(push(map[string]any{"deactivate": []string{"nobody@moby.example"}}), 502)
	if strings.Contains(string(r.raw), e.creds.SCIMToken) {
		t.Fatal("the SCIM token leaked into an error")
	}
}

func TestSeededSCIMTokenOption(t *testing.T) {
	const tok = "fixed-token-for-golden-files-0123456789"
	sb := sandbox.New(sandbox.WithSeededSCIMToken(tok))
	if sb.Credentials().SCIMToken != tok {
		t.Fatalf("SCIMToken = %q", sb.Credentials().SCIMToken)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	for token, want := range map[string]int{tok: http.StatusOK, tok + "x": http.StatusUnauthorized} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+sandbox.SCIMPath+"/ServiceProviderConfig", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := testwait.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("token %q: status %d, want %d", token, resp.StatusCode, want)
		}
	}
}

// TestSeedPredatesStart: seeded users were provisioned before the sandbox
// started, so "users since setup" never includes them.
func TestSeedPredatesStart(t *testing.T) {
	start := time.Now()
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+sandbox.SCIMPath+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+sb.Credentials().SCIMToken)
	resp, err := testwait.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Resources []struct {
			Meta struct{ Created time.Time } `json:"meta"`
		} `json:"Resources"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list.Resources) == 0 {
		t.Fatal("no seeded SCIM user")
	}
	for _, u := range list.Resources {
		if !u.Meta.Created.Before(start.Add(-time.Hour)) {
			t.Errorf("seeded user created at %v, not before the sandbox started (%v)", u.Meta.Created, start)
		}
	}
}
