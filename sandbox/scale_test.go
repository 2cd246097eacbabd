package sandbox_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// ids lists the ids of a SCIM list response, in order.
func ids(r resp) []string {
	var out []string
	for _, res := range r.list("Resources") {
		out = append(out, res.(map[string]any)["id"].(string))
	}
	return out
}

// TestSortByLastModifiedMatchesTheGenericSort: GET /Users sorted by
// meta.lastModified is served without building every user's JSON, in the
// same order as the generic sort (here forced by a filter that keeps all).
func TestSortByLastModifiedMatchesTheGenericSort(t *testing.T) {
	e := newEnv(t, sandbox.WithScale(300))
	ada := e.createUser("ada@moby.example", "Ada", "Lovelace")
	e.createUser("bob@moby.example", "Bob", "Bobson")
	// A scaled user modified now moves to the front of a descending sort.
	first := ids(e.must(e.scim("GET", "/Users?count=1", nil), 200))[0]
	e.must(e.scim("PATCH", "/Users/"+first, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "name.givenName", "value": "Changed"}},
	}), 200)
	for _, order := range []string{"descending", "ascending"} {
		fast := url.Values{"sortBy": {"meta.lastModified"}, "sortOrder": {order}, "count": {"200"}, "startIndex": {"50"}}
		generic := url.Values{"sortBy": {"meta.lastModified"}, "sortOrder": {order}, "count": {"200"}, "startIndex": {"50"}, "filter": {"userName pr"}}
		a := e.must(e.scim("GET", "/Users?"+fast.Encode(), nil), 200)
		b := e.must(e.scim("GET", "/Users?"+generic.Encode(), nil), 200)
		if fmt.Sprint(ids(a)) != fmt.Sprint(ids(b)) || a.body["totalResults"] != b.body["totalResults"] || len(ids(a)) != 200 {
			t.Fatalf("%s: the indexed sort differs from the generic one (%d and %d ids)", order, len(ids(a)), len(ids(b)))
		}
	}
	top := ids(e.must(e.scim("GET", "/Users?sortBy=meta.lastModified&sortOrder=descending&count=3", nil), 200))
	if !slices.Contains(top, first) || !slices.Contains(top, ada) {
		t.Fatalf("newest first = %v, want the changed user %s and the new ones", top, first)
	}
}

// TestTeamIndexFollowsMembership: the team-membership index stays right as
// members join and leave, in every view of it (SCIM groups, org members'
// groups, team lists by username).
func TestTeamIndexFollowsMembership(t *testing.T) {
	e := newEnv(t, sandbox.WithScale(50))
	id := e.createUser("ada@moby.example", "Ada", "Lovelace")
	groups := func() []string {
		var out []string
		for _, g := range e.must(e.scim("GET", "/Users/"+id, nil), 200).list("groups") {
			out = append(out, g.(map[string]any)["display"].(string))
		}
		return out
	}
	if g := groups(); !slices.Contains(g, "moby:company") {
		t.Fatalf("new user's groups %v, want moby:company (the connection's default team)", g)
	}
	deactivate := map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}},
	}
	e.must(e.scim("PATCH", "/Users/"+id, deactivate), 200)
	if g := groups(); len(g) != 0 {
		t.Fatalf("deactivated user's groups %v, want none", g)
	}
	company := e.must(e.do("GET", "/v2/orgs/moby/groups/company", e.jwt, nil), 200)
	if n := company.body["member_count"].(float64); n != 50+3 { // the scaled members and the seeded jane, kim, grace
		t.Fatalf("company has %v members, want 53", n)
	}
}

// BenchmarkPreflightMembers10k lists the members of an org of 10,000 the
// way the preflight does (every page of 100), and reports the requests.
func BenchmarkPreflightMembers10k(b *testing.B) {
	sb := sandbox.New(sandbox.WithScale(10_000), sandbox.WithRateLimit(1<<30))
	srv := httptest.NewServer(sb)
	b.Cleanup(srv.Close)
	ctx := context.Background()
	hub, err := client.NewHub(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	if err := hub.SignIn(ctx, sb.Credentials().Org, client.NewSecret(sb.Credentials().OAT)); err != nil {
		b.Fatal(err)
	}
	requests := 0
	for b.Loop() {
		before := sb.RequestCount()
		members, err := hub.Members(ctx, "moby")
		if err != nil || len(members) < 10_000 {
			b.Fatalf("%d members, %v", len(members), err)
		}
		requests += sb.RequestCount() - before
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests")
}
