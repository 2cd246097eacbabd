package sandbox_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/sandbox"
)

const (
	userSchema   = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema  = "urn:ietf:params:scim:schemas:core:2.0:Group"
	patchSchema  = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	dockerSchema = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"
)

func TestSCIMAuth(t *testing.T) {
	e := newEnv(t)
	for _, tok := range []string{"", "wrong", e.jwt} {
		r := e.must(e.do("GET", "/v2/scim/2.0/Users", tok, nil), 401)
		scimErrorShape(t, r, "")
	}
	scimErrorShape(t, e.must(e.scim("GET", "/Nope", nil), 404), "")
}

func TestSCIMDiscovery(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.scim("GET", "/ServiceProviderConfig", nil), 200)
	if r.header.Get("Content-Type") != "application/scim+json" || r.body["patch"].(map[string]any)["supported"] != true ||
		r.body["filter"].(map[string]any)["maxResults"].(float64) != 200 || len(r.list("authenticationSchemes")) != 1 {
		t.Fatalf("ServiceProviderConfig: %s", r.raw)
	}
	r = e.must(e.scim("GET", "/ResourceTypes", nil), 200)
	if r.body["totalResults"].(float64) != 2 || len(r.list("Resources")) != 2 {
		t.Fatalf("ResourceTypes: %s", r.raw)
	}
	if r := e.must(e.scim("GET", "/ResourceTypes/user", nil), 200); r.str("endpoint") != "/Users" {
		t.Fatalf("ResourceTypes/User: %s", r.raw)
	}
	scimErrorShape(t, e.must(e.scim("GET", "/ResourceTypes/Device", nil), 404), "")
	r = e.must(e.scim("GET", "/Schemas", nil), 200)
	if r.body["totalResults"].(float64) != 3 {
		t.Fatalf("Schemas: %s", r.raw)
	}
	r = e.must(e.scim("GET", "/Schemas/"+dockerSchema, nil), 200)
	var names []string
	for _, a := range r.list("attributes") {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"dockerRole", "dockerOrg", "dockerTeam"}) {
		t.Fatalf("Docker extension schema: %s", r.raw)
	}
	scimErrorShape(t, e.must(e.scim("GET", "/Schemas/urn:nope", nil), 404), "")
}

func TestCreateUserBecomesMember(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.scim("POST", "/Users", map[string]any{
		"schemas": []string{userSchema, dockerSchema}, "userName": "ada.lovelace@moby.example",
		"name":       map[string]string{"givenName": "Ada", "familyName": "Lovelace"},
		dockerSchema: map[string]string{"dockerRole": "editor", "dockerTeam": "analysts"},
	}), 201)
	id := r.str("id")
	if len(id) != 36 || id[14] != '4' || r.str("displayName") != "adalovelace" || r.body["active"] != true ||
		r.str("userName") != "ada.lovelace@moby.example" || !strings.HasSuffix(r.body["meta"].(map[string]any)["location"].(string), "/v2/scim/2.0/Users/"+id) {
		t.Fatalf("created user: %s", r.raw)
	}
	if r.header.Get("Location") == "" {
		t.Error("no Location header")
	}
	if names := e.memberNames("?search=ada"); !slices.Equal(names, []string{"adalovelace"}) {
		t.Fatalf("not an org member: %v", names)
	}
	m := e.must(e.do("GET", "/v2/orgs/moby/members?search=ada", e.jwt, nil), 200).list("results")[0].(map[string]any)
	if m["role"] != "Editor" || !slices.Equal(toStrings(m["groups"]), []string{"company", "analysts"}) {
		t.Fatalf("member: %v", m)
	}
	tm := e.must(e.do("GET", "/v2/orgs/moby/groups/analysts/members", e.jwt, nil), 200)
	if tm.body["count"].(float64) != 1 {
		t.Fatalf("dockerTeam did not create the team with the user in it: %s", tm.raw)
	}
	got := e.must(e.scim("GET", "/Users/"+id, nil), 200)
	if got.body[dockerSchema].(map[string]any)["dockerRole"] != "editor" || len(got.list("groups")) != 2 {
		t.Fatalf("GET user: %s", got.raw)
	}
}

func TestCreateUserErrors(t *testing.T) {
	e := newEnv(t)
	e.createUser("ada@moby.example", "Ada", "L")
	for _, tc := range []struct {
		name     string
		body     any
		status   int
		scimType string
		detail   string
	}{
		{"duplicate userName", map[string]any{"schemas": []string{userSchema}, "userName": "ADA@moby.example"}, 409, "uniqueness", "already exists"},
		{"no schemas", map[string]any{"userName": "x@moby.example"}, 400, "invalidSyntax", "schemas"},
		{"no userName", map[string]any{"schemas": []string{userSchema}}, 400, "invalidValue", "userName"},
		{"not an email", map[string]any{"schemas": []string{userSchema}, "userName": "ada"}, 400, "invalidValue", "email"},
		{"active wrong type", map[string]any{"schemas": []string{userSchema}, "userName": "b@moby.example", "active": "yes"}, 400, "invalidSyntax", `"active"`},
		{"bad role", map[string]any{"schemas": []string{userSchema}, "userName": "b@moby.example", dockerSchema: map[string]string{"dockerRole": "king"}}, 400, "invalidValue", "dockerRole"},
		{"other org", map[string]any{"schemas": []string{userSchema}, "userName": "b@moby.example", dockerSchema: map[string]string{"dockerOrg": "acme"}}, 400, "invalidValue", "dockerOrg"},
		{"malformed", `{"schemas":`, 400, "invalidSyntax", "malformed"},
		{"huge", `{"userName":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "", "larger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.must(e.scim("POST", "/Users", tc.body), tc.status)
			scimErrorShape(t, r, tc.scimType)
			if !strings.Contains(r.str("detail"), tc.detail) {
				t.Fatalf("detail %q does not mention %q", r.str("detail"), tc.detail)
			}
		})
	}
	if n := len(e.must(e.scim("GET", "/Users", nil), 200).list("Resources")); n != 2 {
		t.Fatalf("failed creates left users behind: %d SCIM users", n)
	}
}

// TestCreateUserLinksExistingMembers: POST /Users for a member added before
// SCIM on a verified domain (JIT, by hand, or the owner) links that account:
// 201, the same Docker ID, role and teams, no second member; SCIM then
// manages it. A member on an unverified domain (a guest) is refused.
func TestCreateUserLinksExistingMembers(t *testing.T) {
	e := newEnv(t, sandbox.WithMigrationMix())
	before := len(e.memberNames(""))
	for _, m := range []struct{ email, username string }{
		{"jane.doe@moby.example", "janedoe"}, {"rob.smith@moby.example", "robsmith"},
		{"kim.chen@moby.example", "kimchen"}, {"admin@moby.example", "mobyadmin"},
	} {
		r := e.must(e.scim("POST", "/Users", map[string]any{"schemas": []string{userSchema}, "userName": m.email}), 201)
		if r.str("displayName") != m.username {
			t.Fatalf("%s linked as %q, want the existing Docker ID %q: %s", m.email, r.str("displayName"), m.username, r.raw)
		}
	}
	if after := len(e.memberNames("")); after != before {
		t.Fatalf("linking changed the member count from %d to %d", before, after)
	}
	kim := e.must(e.do("GET", "/v2/orgs/moby/members?search=kim.chen", e.jwt, nil), 200).list("results")
	if len(kim) != 1 || !strings.EqualFold(kim[0].(map[string]any)["role"].(string), "editor") {
		t.Fatalf("kimchen's role or membership changed: %v", kim)
	}
	dev := e.must(e.do("GET", "/v2/orgs/moby/groups/developers/members", e.jwt, nil), 200)
	if dev.body["count"].(float64) != 2 {
		t.Fatalf("linking dropped team memberships: %s", dev.raw)
	}
	// Linked, SCIM manages the account: it is listed and can be deactivated.
	found := e.must(e.scim("GET", "/Users?filter=userName+eq+%22jane.doe@moby.example%22", nil), 200)
	if found.body["totalResults"].(float64) != 1 {
		t.Fatalf("linked user not in /Users: %s", found.raw)
	}
	id := found.list("Resources")[0].(map[string]any)["id"].(string)
	e.must(e.scim("PATCH", "/Users/"+id, map[string]any{"schemas": []string{patchSchema},
		"Operations": []map[string]any{{"op": "replace", "value": map[string]any{"active": false}}}}), 200)
	if slices.Contains(e.memberNames("?search=janedoe"), "janedoe") {
		t.Fatal("deactivating the linked user left it in the organization")
	}
	logs := e.must(e.do("GET", "/v2/auditlogs/moby?action=scim.user.link", e.jwt, nil), 200)
	if len(logs.list("logs")) != 4 {
		t.Fatalf("links not audited: %s", logs.raw)
	}
	// A guest: its domain is not on the connection, so SCIM does not link it.
	r := e.must(e.scim("POST", "/Users", map[string]any{"schemas": []string{userSchema}, "userName": "pat.jones@partner.example"}), 409)
	scimErrorShape(t, r, "uniqueness")
	if !strings.Contains(r.str("detail"), "not verified on this SSO connection") {
		t.Fatalf("guest refusal does not say why: %s", r.raw)
	}
}

// TestCreateUserAttachesExistingAccount: POST /Users with the email of a
// Docker account outside the org attaches that account (keeping its Docker
// ID); DELETE detaches it, and a new POST attaches it again with a new id.
func TestCreateUserAttachesExistingAccount(t *testing.T) {
	e := newEnv(t)
	if len(e.memberNames("?search=sam")) != 0 {
		t.Fatal("the seeded outside account is a member")
	}
	body := map[string]any{"schemas": []string{userSchema}, "userName": "sam.lee@moby.example"}
	r := e.must(e.scim("POST", "/Users", body), 201)
	if r.str("displayName") != "samlee" {
		t.Fatalf("not the existing account: %s", r.raw)
	}
	m := e.must(e.do("GET", "/v2/orgs/moby/members?search=sam", e.jwt, nil), 200).list("results")[0].(map[string]any)
	if !slices.Equal(toStrings(m["groups"]), []string{"company"}) {
		t.Fatalf("not on the company team: %v", m)
	}
	e.must(e.scim("DELETE", "/Users/"+r.str("id"), nil), 204)
	again := e.must(e.scim("POST", "/Users", body), 201)
	if again.str("displayName") != "samlee" || again.str("id") == r.str("id") {
		t.Fatalf("re-attach: %s", again.raw)
	}
	e.must(e.scim("GET", "/Users/"+r.str("id"), nil), 404)
	// Renaming another SCIM user onto an outside account's email is a conflict.
	ada := e.createUser("ada@moby.example", "Ada", "L")
	e.must(e.scim("DELETE", "/Users/"+again.str("id"), nil), 204)
	r = e.must(e.scim("PUT", "/Users/"+ada, map[string]any{"schemas": []string{userSchema}, "userName": "sam.lee@moby.example", "active": true}), 409)
	scimErrorShape(t, r, "uniqueness")
	if !strings.Contains(r.str("detail"), "another Docker account (samlee)") {
		t.Fatalf("detail: %s", r.raw)
	}
}

func TestPutUserMissingActiveDeactivates(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("ada@moby.example", "Ada", "Lovelace")
	r := e.must(e.scim("PUT", "/Users/"+id, map[string]any{"schemas": []string{userSchema}, "userName": "ada@moby.example", "name": map[string]string{"givenName": "Augusta"}}), 200)
	if r.body["active"] != false || r.body["name"].(map[string]any)["givenName"] != "Augusta" || r.body["name"].(map[string]any)["familyName"] != "Lovelace" {
		t.Fatalf("PUT without active: %s", r.raw)
	}
	if names := e.memberNames("?search=ada"); len(names) != 0 {
		t.Fatalf("deactivated user is still a member: %v", names)
	}
	r = e.must(e.scim("PUT", "/Users/"+id, map[string]any{"schemas": []string{userSchema}, "enabled": true}), 200)
	if r.body["active"] != true || len(e.memberNames("?search=ada")) != 1 {
		t.Fatalf("spec-new `enabled` did not reactivate: %s", r.raw)
	}
	scimErrorShape(t, e.must(e.scim("PUT", "/Users/"+id, map[string]any{"schemas": []string{userSchema}, "userName": "grace.hopper@moby.example", "active": true}), 409), "uniqueness")
	scimErrorShape(t, e.must(e.scim("PUT", "/Users/nope", map[string]any{"schemas": []string{userSchema}}), 404), "")
}

func TestPatchUser(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("ada@moby.example", "Ada", "Lovelace")
	patch := func(ops ...map[string]any) resp {
		return e.scim("PATCH", "/Users/"+id, map[string]any{"schemas": []string{patchSchema}, "Operations": ops})
	}
	// Entra ID style: capitalised op, string boolean.
	r := e.must(patch(map[string]any{"op": "Replace", "path": "active", "value": "False"}), 200)
	if r.body["active"] != false || len(e.memberNames("?search=ada")) != 0 {
		t.Fatalf("deactivate: %s", r.raw)
	}
	// Okta style: no path, object value.
	r = e.must(patch(map[string]any{"op": "replace", "value": map[string]any{"active": true, "name": map[string]string{"familyName": "King"}}}), 200)
	if r.body["active"] != true || r.body["name"].(map[string]any)["familyName"] != "King" {
		t.Fatalf("reactivate: %s", r.raw)
	}
	r = e.must(patch(map[string]any{"op": "add", "path": dockerSchema + ":dockerRole", "value": "owner"},
		map[string]any{"op": "replace", "path": "userName", "value": "ada.king@moby.example"}), 200)
	if r.body[dockerSchema].(map[string]any)["dockerRole"] != "owner" || r.str("userName") != "ada.king@moby.example" {
		t.Fatalf("role and userName: %s", r.raw)
	}
	if names := e.memberNames("?role=owner"); !slices.Contains(names, "ada") && !slices.Contains(names, r.str("displayName")) {
		t.Fatalf("role not applied to membership: %v", names)
	}
	for _, tc := range []struct {
		op       map[string]any
		scimType string
	}{
		{map[string]any{"op": "replace", "path": "displayName", "value": "x"}, "mutability"},
		{map[string]any{"op": "replace", "path": "nickName", "value": "x"}, "invalidPath"},
		{map[string]any{"op": "replace", "path": "active", "value": "maybe"}, "invalidValue"},
		{map[string]any{"op": "move", "path": "active", "value": true}, "invalidSyntax"},
		{map[string]any{"op": "remove"}, "noTarget"},
	} {
		scimErrorShape(t, e.must(patch(tc.op), 400), tc.scimType)
	}
	// A bad operation after a good one changes nothing.
	e.must(patch(map[string]any{"op": "replace", "path": "name.givenName", "value": "Changed"}, map[string]any{"op": "replace", "path": "nickName", "value": "x"}), 400)
	if g := e.must(e.scim("GET", "/Users/"+id, nil), 200); g.body["name"].(map[string]any)["givenName"] != "Ada" {
		t.Fatalf("partial PATCH was applied: %s", g.raw)
	}
	scimErrorShape(t, e.must(e.scim("PATCH", "/Users/"+id, map[string]any{"Operations": []any{}}), 400), "invalidSyntax")
}

func TestDeleteUser(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("ada@moby.example", "Ada", "Lovelace")
	e.must(e.scim("DELETE", "/Users/"+id, nil), 204)
	scimErrorShape(t, e.must(e.scim("GET", "/Users/"+id, nil), 404), "")
	if len(e.memberNames("?search=ada")) != 0 {
		t.Fatal("deleted user is still a member")
	}
	e.must(e.scim("DELETE", "/Users/"+id, nil), 404)
	// Users added before SCIM are invisible to it.
	jane := e.must(e.do("GET", "/v2/orgs/moby/members?search=jane", e.jwt, nil), 200).list("results")[0].(map[string]any)["id"].(string)
	e.must(e.scim("GET", "/Users/"+jane, nil), 404)
}

func TestListUsersFilterSortPage(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"carol", "alice", "bob", "dave", "alfred"} {
		e.createUser(n+"@moby.example", strings.ToUpper(n[:1])+n[1:], "Test")
	}
	list := func(q url.Values) []string {
		t.Helper()
		r := e.must(e.scim("GET", "/Users?"+q.Encode(), nil), 200)
		var out []string
		for _, u := range r.list("Resources") {
			out = append(out, strings.TrimSuffix(u.(map[string]any)["userName"].(string), "@moby.example"))
		}
		if int(r.body["itemsPerPage"].(float64)) != len(out) {
			t.Fatalf("itemsPerPage %v, %d resources", r.body["itemsPerPage"], len(out))
		}
		return out
	}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`userName eq "ALICE@moby.example"`, []string{"alice"}},
		{`USERNAME Eq "alice@moby.example"`, []string{"alice"}},
		{`userName sw "al"`, []string{"alice", "alfred"}},
		{`name.givenName co "O"`, []string{"carol", "bob"}},
		{`name.givenName eq "Dave"`, []string{"dave"}},
		{`userName sw "al" and name.givenName ne "Alice"`, []string{"alfred"}},
		{`userName eq "bob@moby.example" or userName eq "dave@moby.example"`, []string{"bob", "dave"}},
		{`not (userName sw "a") and name.familyName eq "Test"`, []string{"carol", "bob", "dave"}},
		{`(userName sw "c" or userName sw "d") and active eq true`, []string{"carol", "dave"}},
		{`emails[value co "bob"]`, []string{"bob"}},
		{`emails.value ew "fred@moby.example"`, []string{"alfred"}},
		{`displayName pr and userName sw "grace"`, []string{"grace.hopper"}},
	} {
		if got := list(url.Values{"filter": {tc.filter}}); !slices.Equal(got, tc.want) {
			t.Errorf("filter %s: %v, want %v", tc.filter, got, tc.want)
		}
	}
	if got := list(url.Values{"sortBy": {"userName"}}); !slices.Equal(got, []string{"alfred", "alice", "bob", "carol", "dave", "grace.hopper"}) {
		t.Errorf("sort ascending: %v", got)
	}
	if got := list(url.Values{"sortBy": {"name.givenName"}, "sortOrder": {"descending"}, "count": {"2"}}); !slices.Equal(got, []string{"grace.hopper", "dave"}) {
		t.Errorf("sort descending, count 2: %v", got)
	}
	if got := list(url.Values{"sortBy": {"userName"}, "startIndex": {"5"}, "count": {"10"}}); !slices.Equal(got, []string{"dave", "grace.hopper"}) {
		t.Errorf("startIndex 5: %v", got)
	}
	if got := list(url.Values{"startIndex": {"-3"}, "count": {"1"}}); len(got) != 1 {
		t.Errorf("startIndex below 1 counts as 1: %v", got)
	}
	r := e.must(e.scim("GET", "/Users?count=0", nil), 200)
	if r.body["totalResults"].(float64) != 6 || len(r.list("Resources")) != 0 {
		t.Errorf("count=0: %s", r.raw)
	}
	r = e.must(e.scim("GET", "/Users?"+url.Values{"attributes": {"userName,name.givenName"}, "filter": {`userName eq "bob@moby.example"`}}.Encode(), nil), 200)
	u := r.list("Resources")[0].(map[string]any)
	if _, ok := u["active"]; ok || u["id"] == nil || u["meta"] == nil || u["userName"] == nil || len(u["name"].(map[string]any)) != 1 {
		t.Errorf("attributes projection: %v", u)
	}
	for _, bad := range []string{`userName eq`, `userName xx "a"`, `(userName eq "a"`, `userName eq "a" and`} {
		scimErrorShape(t, e.must(e.scim("GET", "/Users?"+url.Values{"filter": {bad}}.Encode(), nil), 400), "invalidFilter")
	}
	scimErrorShape(t, e.must(e.scim("GET", "/Users?sortOrder=sideways", nil), 400), "invalidValue")
	scimErrorShape(t, e.must(e.scim("GET", "/Users?count=many", nil), 400), "invalidValue")
}

func TestListUsersCountCappedAt200(t *testing.T) {
	e := newEnv(t)
	for i := range 205 {
		e.createUser("u"+strconv.Itoa(i)+"@moby.example", "U", strconv.Itoa(i))
	}
	r := e.must(e.scim("GET", "/Users?count=500", nil), 200)
	if len(r.list("Resources")) != 200 || r.body["totalResults"].(float64) != 206 {
		t.Fatalf("count not capped: %d resources, total %v", len(r.list("Resources")), r.body["totalResults"])
	}
}

func TestGroupPushCreatesTeams(t *testing.T) {
	e := newEnv(t)
	ada := e.createUser("ada@moby.example", "Ada", "L")
	bob := e.createUser("bob@moby.example", "Bob", "B")
	r := e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "moby:platform",
		"members": []map[string]string{{"value": ada}, {"value": bob}}}), 201)
	gid := r.str("id")
	if r.str("displayName") != "moby:platform" || len(r.list("members")) != 2 {
		t.Fatalf("created group: %s", r.raw)
	}
	hub := e.must(e.do("GET", "/v2/orgs/moby/groups/platform/members", e.jwt, nil), 200)
	if hub.body["count"].(float64) != 2 {
		t.Fatalf("team members: %s", hub.raw)
	}
	// A group whose team exists reuses it: same id, no second team, and its
	// SCIM members become exactly the group's (a group sync).
	again := e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "moby:platform",
		"members": []map[string]string{{"value": bob}}}), 201)
	if again.str("id") != gid || len(again.list("members")) != 1 {
		t.Fatalf("second POST for moby:platform: %s", again.raw)
	}
	devGroup := e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "moby:developers",
		"members": []map[string]string{{"value": ada}}}), 201)
	devTeam := e.must(e.do("GET", "/v2/orgs/moby/groups/developers/members", e.jwt, nil), 200)
	if devTeam.body["count"].(float64) != 3 || devGroup.str("id") == gid {
		t.Fatalf("the seeded developers team (janedoe, robsmith) was not reused with ada added: %s", devTeam.raw)
	}
	teams := e.must(e.do("GET", "/v2/orgs/moby/groups?page_size=100", e.jwt, nil), 200)
	n := 0
	for _, g := range teams.list("results") {
		if name := g.(map[string]any)["name"].(string); name == "developers" || name == "platform" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("POST /Groups for existing teams made new ones: %s", teams.raw)
	}
	reuse := e.must(e.do("GET", "/v2/auditlogs/moby?action=scim.group.reuse", e.jwt, nil), 200)
	if len(reuse.list("logs")) != 2 {
		t.Fatalf("reuse not audited: %s", reuse.raw)
	}
	for _, bad := range []map[string]any{
		{"schemas": []string{groupSchema}, "displayName": "platform"},
		{"schemas": []string{groupSchema}, "displayName": "acme:platform"},
		{"schemas": []string{groupSchema}, "displayName": "moby:bad name"},
		{"schemas": []string{groupSchema}, "displayName": "moby:x", "members": []map[string]string{{"value": "nope"}}},
	} {
		scimErrorShape(t, e.must(e.scim("POST", "/Groups", bad), 400), "invalidValue")
	}
	// PATCH: remove one by value filter, add back, rename.
	patch := func(ops ...map[string]any) resp {
		return e.scim("PATCH", "/Groups/"+gid, map[string]any{"schemas": []string{patchSchema}, "Operations": ops})
	}
	r = e.must(patch(map[string]any{"op": "remove", "path": `members[value eq "` + ada + `"]`}), 200)
	if len(r.list("members")) != 1 {
		t.Fatalf("remove by filter: %s", r.raw)
	}
	r = e.must(patch(map[string]any{"op": "add", "path": "members", "value": []map[string]string{{"value": ada}}},
		map[string]any{"op": "replace", "value": map[string]any{"displayName": "moby:platform-team"}}), 200)
	if len(r.list("members")) != 2 || r.str("displayName") != "moby:platform-team" {
		t.Fatalf("add and rename: %s", r.raw)
	}
	e.must(e.do("GET", "/v2/orgs/moby/groups/platform-team", e.jwt, nil), 200)
	// Filter groups the way Okta looks them up.
	r = e.must(e.scim("GET", "/Groups?"+url.Values{"filter": {`displayName eq "moby:platform-team"`}}.Encode(), nil), 200)
	if r.body["totalResults"].(float64) != 1 {
		t.Fatalf("group filter: %s", r.raw)
	}
	// PUT on a seeded team replaces its SCIM members but keeps JIT/manual ones.
	dev := e.must(e.scim("GET", "/Groups?"+url.Values{"filter": {`displayName eq "moby:developers"`}}.Encode(), nil), 200).list("Resources")[0].(map[string]any)["id"].(string)
	e.must(e.scim("PUT", "/Groups/"+dev, map[string]any{"schemas": []string{groupSchema}, "displayName": "moby:developers", "members": []map[string]string{{"value": bob}}}), 200)
	hub = e.must(e.do("GET", "/v2/orgs/moby/groups/developers/members", e.jwt, nil), 200)
	if hub.body["count"].(float64) != 3 {
		t.Fatalf("PUT removed non-SCIM members or did not add bob: %s", hub.raw)
	}
	scimErrorShape(t, e.must(patch(map[string]any{"op": "replace", "path": "description", "value": "x"}), 400), "invalidPath")
	e.must(e.scim("DELETE", "/Groups/"+gid, nil), 204)
	e.must(e.do("GET", "/v2/orgs/moby/groups/platform-team", e.jwt, nil), 404)
	if len(e.memberNames("?search=ada")) != 1 {
		t.Fatal("deleting a group removed its members from the org")
	}
}

// TestCompanyConnectionServesTwoOrgs: the seeded Okta connections serve the
// company's two organizations, so a group may be whale:team and dockerOrg
// may be whale; a connection of moby alone refuses both, naming what it
// serves.
func TestCompanyConnectionServesTwoOrgs(t *testing.T) {
	e := newEnv(t)
	conns := e.must(e.do("GET", console+"/connections", e.jwt, nil), 200).list("connections")
	for _, c := range conns {
		m := c.(map[string]any)
		if m["id"] == sandbox.SeededSCIMConnection && len(m["organizations"].([]any)) != 2 {
			t.Fatalf("the company connection does not list two organizations: %v", m)
		}
	}
	ada := e.createUser("ada@moby.example", "Ada", "L")
	// whale:desktop exists: reused; whale:backend is created; neither is a moby team.
	desk := e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "whale:desktop",
		"members": []map[string]string{{"value": ada}}}), 201)
	if desk.str("displayName") != "whale:desktop" || len(desk.list("members")) != 1 {
		t.Fatalf("whale:desktop: %s", desk.raw)
	}
	e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "whale:backend"}), 201)
	e.must(e.do("GET", "/v2/orgs/moby/groups/desktop", e.jwt, nil), 404)
	r := e.must(e.scim("POST", "/Groups", map[string]any{"schemas": []string{groupSchema}, "displayName": "acme:backend"}), 400)
	if !strings.Contains(r.str("detail"), "(moby, whale)") {
		t.Fatalf("refusal does not name the served organizations: %s", r.raw)
	}
	// dockerOrg whale with dockerTeam: in whale's team, not a moby member.
	u := e.must(e.scim("POST", "/Users", map[string]any{"schemas": []string{userSchema}, "userName": "wendy@moby.example",
		dockerSchema: map[string]string{"dockerOrg": "whale", "dockerTeam": "desktop"}}), 201)
	ext := u.body[dockerSchema].(map[string]any)
	if ext["dockerOrg"] != "whale" || !strings.Contains(string(u.raw), `"display":"whale:desktop"`) {
		t.Fatalf("user provisioned into whale: %s", u.raw)
	}
	if names := e.memberNames("?search=wendy"); len(names) != 0 {
		t.Fatalf("a user of whale joined moby's member list: %v", names)
	}
	// A connection of moby alone: whale is refused.
	tok := e.must(e.do("POST", console+"/connections/conn-entra-saml/scim", e.jwt, nil), 200).str("api_token")
	r = e.must(e.do("POST", sandbox.SCIMPath+"/Groups", tok, map[string]any{"schemas": []string{groupSchema}, "displayName": "whale:desktop"}), 400)
	if !strings.Contains(r.str("detail"), "(moby)") {
		t.Fatalf("moby-only connection: %s", r.raw)
	}
	r = e.must(e.do("POST", sandbox.SCIMPath+"/Users", tok, map[string]any{"schemas": []string{userSchema}, "userName": "x@moby.example",
		dockerSchema: map[string]string{"dockerOrg": "whale"}}), 400)
	if !strings.Contains(r.str("detail"), "dockerOrg") {
		t.Fatalf("moby-only connection, dockerOrg whale: %s", r.raw)
	}
}

// TestHubServesTheCompanysSecondOrg: the Hub API's members and teams routes
// serve whale too: a user SCIM provisions into whale appears in whale's
// member list with whale's teams (and not in moby's), leaves it when
// deactivated, and whale's teams are listed, read and created apart from
// moby's. The console stays moby's.
func TestHubServesTheCompanysSecondOrg(t *testing.T) {
	e := newEnv(t)
	u := e.must(e.scim("POST", "/Users", map[string]any{"schemas": []string{userSchema}, "userName": "wendy@moby.example",
		dockerSchema: map[string]string{"dockerOrg": "whale", "dockerTeam": "desktop"}}), 201)
	whaleMembers := func() []string {
		var out []string
		for _, m := range e.must(e.do("GET", "/v2/orgs/whale/members", e.jwt, nil), 200).list("results") {
			mm := m.(map[string]any)
			out = append(out, fmt.Sprintf("%v %v", mm["email"], mm["groups"]))
		}
		return out
	}
	if got := whaleMembers(); len(got) != 1 || got[0] != "wendy@moby.example [desktop]" {
		t.Fatalf("whale's members: %v", got)
	}
	for _, m := range e.must(e.do("GET", "/v2/orgs/moby/members?page_size=100", e.jwt, nil), 200).list("results") {
		if m.(map[string]any)["email"] == "wendy@moby.example" {
			t.Fatal("a user of whale is in moby's member list")
		}
	}
	groupNames := func(org string) string {
		var out []string
		for _, g := range e.must(e.do("GET", "/v2/orgs/"+org+"/groups", e.jwt, nil), 200).list("results") {
			out = append(out, g.(map[string]any)["name"].(string))
		}
		return strings.Join(out, ",")
	}
	if got := groupNames("whale"); got != "desktop" {
		t.Fatalf("whale's teams: %s", got)
	}
	if got := groupNames("moby"); strings.Contains(got, "desktop") {
		t.Fatalf("moby lists whale's team: %s", got)
	}
	e.must(e.do("POST", "/v2/orgs/whale/groups", e.jwt, map[string]string{"name": "developers"}), 201)
	e.must(e.do("POST", "/v2/orgs/whale/groups", e.jwt, map[string]string{"name": "developers"}), 409)
	if got := groupNames("whale"); got != "desktop,developers" {
		t.Fatalf("whale's teams after a create: %s", got)
	}
	desk := e.must(e.do("GET", "/v2/orgs/whale/groups/desktop/members", e.jwt, nil), 200).list("results")
	if len(desk) != 1 || desk[0].(map[string]any)["email"] != "wendy@moby.example" {
		t.Fatalf("whale:desktop members: %v", desk)
	}
	e.must(e.do("GET", "/v2/orgs/moby/groups/desktop", e.jwt, nil), 404)
	e.must(e.do("GET", "/v2/orgs/acme/members", e.jwt, nil), 404)
	e.must(e.do("GET", sandbox.ConsolePrefix+"/orgs/whale", e.jwt, nil), 404)

	e.must(e.scim("PATCH", "/Users/"+u.str("id"), map[string]any{"schemas": []string{patchSchema},
		"Operations": []map[string]any{{"op": "replace", "value": map[string]any{"active": false}}}}), 200)
	if got := whaleMembers(); len(got) != 0 {
		t.Fatalf("a deactivated user is still in whale's members: %v", got)
	}
}
