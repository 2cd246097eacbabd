package sandbox_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/sandbox"
)

func TestAuthToken(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, identifier, secret string
		want                     int
	}{
		{"OAT with org", "moby", e.creds.OAT, 200},
		{"OAT org name is case-insensitive", "MOBY", e.creds.OAT, 200},
		{"PAT with user", e.creds.User, e.creds.PAT, 200},
		{"password with user", e.creds.User, "sandbox-password", 200},
		{"OAT with user", e.creds.User, e.creds.OAT, 401},
		{"PAT with org", "moby", e.creds.PAT, 401},
		{"wrong PAT", e.creds.User, "dckr_pat_wrong", 401},
		{"missing secret", e.creds.User, "", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.must(e.do("POST", "/v2/auth/token", "", map[string]string{"identifier": tc.identifier, "secret": tc.secret}), tc.want)
			if tc.want != 200 {
				hubErrorShape(t, r)
				return
			}
			parts := strings.Split(r.str("access_token"), ".")
			if len(parts) != 3 {
				t.Fatalf("not a JWT: %s", r.raw)
			}
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			var c struct{ Exp, Iat int64 }
			if err := json.Unmarshal(payload, &c); err != nil || c.Exp-c.Iat != 600 {
				t.Fatalf("JWT exp is not 10 minutes after iat: %s", payload)
			}
		})
	}
}

func TestBadRequestBodies(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, body string
		want       int
		detail     string
	}{
		{"malformed", `{"identifier":`, 400, "malformed JSON"},
		{"wrong type", `{"identifier":5,"secret":"x"}`, 400, `field "identifier" must be a JSON string`},
		{"empty", ``, 400, "empty"},
		{"huge", `{"identifier":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.must(e.do("POST", "/v2/auth/token", "", tc.body), tc.want)
			hubErrorShape(t, r)
			if !strings.Contains(r.str("detail"), tc.detail) {
				t.Fatalf("detail %q does not say %q", r.str("detail"), tc.detail)
			}
		})
	}
}

func TestUsersLoginDeprecated(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.do("POST", "/v2/users/login", "", map[string]string{"username": e.creds.User, "password": e.creds.PAT}), 200)
	if r.str("token") == "" {
		t.Fatalf("no token: %s", r.raw)
	}
	e.must(e.do("GET", "/v2/orgs/moby/", r.str("token"), nil), 200)
	r = e.must(e.do("POST", "/v2/users/login/", "", map[string]string{"username": "moby", "password": e.creds.OAT}), 401)
	if _, ok := r.body["login_2fa_token"]; !ok || r.str("detail") == "" {
		t.Fatalf("not PostUsersLoginErrorResponse: %s", r.raw)
	}
}

func TestJWTExpires(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := newEnv(t, sandbox.WithClock(func() time.Time { return now }))
	e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 200)
	now = now.Add(10 * time.Minute)
	hubErrorShape(t, e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 401))
	e.must(e.do("GET", "/v2/orgs/moby/members", "not-a-jwt", nil), 401)
	e.must(e.do("GET", "/v2/orgs/moby/members", "", nil), 401)
}

// TestPATForbiddenOnOrgEndpoints: a PAT-derived JWT gets Docker's exact 403
// on the organization endpoints; an OAT and a password JWT do not.
func TestPATForbiddenOnOrgEndpoints(t *testing.T) {
	e := newEnv(t)
	pat := e.signIn(e.creds.User, e.creds.PAT)
	pw := e.signIn(e.creds.User, "sandbox-password")
	for _, path := range []string{"/v2/orgs/moby/members", "/v2/orgs/moby/groups", "/v2/orgs/moby/groups/developers/members", "/v2/auditlogs/moby"} {
		r := e.must(e.do("GET", path, pat, nil), 403)
		if string(r.raw) != `{"message":"token issued from personal access token is not allowed","errinfo":{}}`+"\n" {
			t.Errorf("%s: body %s", path, r.raw)
		}
		e.must(e.do("GET", path, e.jwt, nil), 200)
		e.must(e.do("GET", path, pw, nil), 200)
	}
	// As on Docker, GET /v2/orgs/{org}/ and the user's org list take a PAT.
	if r := e.must(e.do("GET", "/v2/orgs/moby/", pat, nil), 200); r.str("orgname") != "moby" {
		t.Fatalf("org: %s", r.raw)
	}
	r := e.must(e.do("GET", "/v2/user/orgs/", pat, nil), 200)
	if r.body["count"].(float64) != 1 || r.list("results")[0].(map[string]any)["orgname"] != "moby" {
		t.Fatalf("user orgs: %s", r.raw)
	}
	// An OAT is not a user.
	r = e.must(e.do("GET", "/v2/user/orgs/", e.jwt, nil), 403)
	if !strings.Contains(r.str("message"), "organization access token") {
		t.Fatalf("user orgs with OAT: %s", r.raw)
	}
}

func TestUnknownOrgTeamAndRoute(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/v2/orgs/nope/members", "/v2/orgs/moby/groups/nope/members", "/v2/orgs/moby/groups/nope", "/v2/nothing", "/v2/auditlogs/nope"} {
		hubErrorShape(t, e.must(e.do("GET", path, e.jwt, nil), 404))
	}
	r := e.must(e.do("DELETE", "/v2/auth/token", "", nil), 405)
	hubErrorShape(t, r)
	if r.header.Get("Allow") == "" {
		t.Error("405 without Allow")
	}
	scimErrorShape(t, e.must(e.scim("DELETE", "/ServiceProviderConfig", nil), 405), "")
}

func TestRateLimitHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	for _, r := range []resp{
		e.do("GET", "/v2/orgs/moby/members", e.jwt, nil),
		e.do("GET", "/v2/nothing", "", nil),
		e.scim("GET", "/ServiceProviderConfig", nil),
		e.do("POST", "/v2/auth/token", "", "{"),
	} {
		for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
			if _, err := strconv.ParseInt(r.header.Get(h), 10, 64); err != nil {
				t.Errorf("%s missing or not a number on a %d: %q", h, r.status, r.header.Get(h))
			}
		}
	}
}

func TestMembersPagingFollowsAbsoluteNext(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		e.createUser("user"+strconv.Itoa(i)+"@moby.example", "User", strconv.Itoa(i))
	}
	first := e.must(e.do("GET", "/v2/orgs/moby/members?page_size=3", e.jwt, nil), 200)
	if first.body["count"].(float64) != 12 || len(first.list("results")) != 3 || first.body["previous"] != nil {
		t.Fatalf("first page: %s", first.raw)
	}
	if next := first.str("next"); !strings.HasPrefix(next, e.url+"/v2/orgs/moby/members?") || !strings.Contains(next, "page=2") {
		t.Fatalf("next is not an absolute URL to page 2: %q", next)
	}
	names := e.memberNames("?page_size=3")
	if len(names) != 12 || names[0] != "mobyadmin" || !slices.Contains(names, "user6") {
		t.Fatalf("paged members: %v", names)
	}
	last := e.must(e.do("GET", "/v2/orgs/moby/members?page_size=3&page=4", e.jwt, nil), 200)
	if last.body["next"] != nil || !strings.Contains(last.str("previous"), "page=3") {
		t.Fatalf("last page links: %s", last.raw)
	}
	hubErrorShape(t, e.must(e.do("GET", "/v2/orgs/moby/members?page=9", e.jwt, nil), 404))
	hubErrorShape(t, e.must(e.do("GET", "/v2/orgs/moby/members?page=zero", e.jwt, nil), 400))
	hubErrorShape(t, e.must(e.do("GET", "/v2/orgs/moby/members?role=boss", e.jwt, nil), 400))
}

func TestMembersFilters(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?role=owner", []string{"mobyadmin"}},
		{"?role=editor", []string{"kimchen"}},
		{"?search=doe", []string{"janedoe"}},
		{"?search=ROB.SMITH@", []string{"robsmith"}},
		{"?type=invitee", nil},
	} {
		if got := e.memberNames(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	r := e.must(e.do("GET", "/v2/orgs/moby/members?search=jane", e.jwt, nil), 200)
	m := r.list("results")[0].(map[string]any)
	if m["email"] != "jane.doe@moby.example" || m["role"] != "Member" || m["full_name"] != "Jane Doe" || m["type"] != "User" ||
		!slices.Equal(toStrings(m["groups"]), []string{"company", "developers"}) || len(m["id"].(string)) != 32 {
		t.Fatalf("member shape: %s", r.raw)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestGroups(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.do("GET", "/v2/orgs/moby/groups", e.jwt, nil), 200)
	if r.body["count"].(float64) != 4 {
		t.Fatalf("seeded teams: %s", r.raw)
	}
	r = e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "ops", "description": "Operations"}), 201)
	if r.str("name") != "ops" || r.str("uuid") == "" || r.body["member_count"].(float64) != 0 {
		t.Fatalf("created group: %s", r.raw)
	}
	hubErrorShape(t, e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "ops"}), 409))
	hubErrorShape(t, e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "no spaces"}), 400))
	hubErrorShape(t, e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]any{"name": 7}), 400))
	e.must(e.do("GET", "/v2/orgs/moby/groups/ops", e.jwt, nil), 200)

	r = e.must(e.do("GET", "/v2/orgs/moby/groups?username=janedoe", e.jwt, nil), 200)
	if r.body["count"].(float64) != 2 {
		t.Fatalf("janedoe's teams: %s", r.raw)
	}
	r = e.must(e.do("GET", "/v2/orgs/moby/groups/developers/members?page_size=1", e.jwt, nil), 200)
	if r.body["count"].(float64) != 2 || r.list("results")[0].(map[string]any)["email"] != "jane.doe@moby.example" || r.str("next") == "" {
		t.Fatalf("developers: %s", r.raw)
	}
}

func TestAuditLogRecordsEvents(t *testing.T) {
	e := newEnv(t)
	e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "ops"}), 201)
	e.createUser("ada@moby.example", "Ada", "Lovelace")
	e.must(e.do("POST", sandbox.ConsolePrefix+"/orgs/moby/connections/conn-okta-saml/scim", e.jwt, nil), 200)
	e.must(e.do("POST", sandbox.ConsolePrefix+"/orgs/moby/connections/conn-okta-saml/scim/token", e.jwt, nil), 200)
	r := e.must(e.do("GET", "/v2/auditlogs/moby?page_size=100", e.jwt, nil), 200)
	var actions []string
	for _, l := range r.list("logs") {
		m := l.(map[string]any)
		if _, err := time.Parse(time.RFC3339, m["timestamp"].(string)); err != nil || m["account"] != "moby" {
			t.Fatalf("log entry: %v", m)
		}
		actions = append(actions, m["action"].(string))
	}
	for _, want := range []string{"team.create", "member.add", "team.member.add", "sso.connection.scim_toggle", "sso.connection.scim_token_refresh"} {
		if !slices.Contains(actions, want) {
			t.Errorf("no %s in %v", want, actions)
		}
	}
	if actions[0] != "sso.connection.scim_token_refresh" {
		t.Errorf("newest first: got %s", actions[0])
	}
	r = e.must(e.do("GET", "/v2/auditlogs/moby?action=team.create&actor=mobyadmin", e.jwt, nil), 200)
	if len(r.list("logs")) != 0 {
		t.Errorf("the OAT created ops, not mobyadmin: %s", r.raw)
	}
	r = e.must(e.do("GET", "/v2/auditlogs/moby?action=team.create&name=ops", e.jwt, nil), 200)
	if len(r.list("logs")) != 1 {
		t.Errorf("filter by action and name: %s", r.raw)
	}
	hubErrorShape(t, e.must(e.do("GET", "/v2/auditlogs/moby?from=yesterday", e.jwt, nil), 400))
	if r := e.do("GET", "/v2/auditlogs/moby", e.jwt, nil); r.header.Get("Content-Type") != "application/json" {
		t.Errorf("content type %q", r.header.Get("Content-Type"))
	}
}
