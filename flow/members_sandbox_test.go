package flow_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// mixSandbox serves a sandbox seeded with the migration mix over real HTTP
// and returns it with a signed-in Hub (OAT) and a SCIM client.
func mixSandbox(tb testing.TB, opts ...sandbox.Option) (*sandbox.Server, *client.Hub, *client.SCIM) {
	tb.Helper()
	sb := sandbox.New(append([]sandbox.Option{sandbox.WithMigrationMix()}, opts...)...)
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	creds := sb.Credentials()
	hub, err := client.NewHub(srv.URL, client.WithRetries(0, 0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
		tb.Fatal(err)
	}
	scim, err := client.NewSCIM(srv.URL+sandbox.SCIMPath, client.NewSecret(creds.SCIMToken), client.WithRetries(0, 0, 0))
	if err != nil {
		tb.Fatal(err)
	}
	return sb, hub, scim
}

func TestFetchLinkReportOnTheSeededMix(t *testing.T) {
	_, hub, scim := mixSandbox(t)
	r, err := flow.FetchLinkReport(context.Background(), hub, scim, "moby", steps.Okta)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]flow.LinkState{}
	for _, m := range r.Members {
		got[m.Username] = m.State
	}
	for _, u := range r.SCIMOnly {
		got[u.UserName] = u.State
	}
	want := map[string]flow.LinkState{
		"mobyadmin": flow.MemberWillLink, "janedoe": flow.MemberWillLink, "robsmith": flow.MemberWillLink, "kimchen": flow.MemberWillLink,
		"alexkim": flow.MemberEmailMismatch, "patjones": flow.MemberOutsideSCIM,
		"gracehopper": flow.MemberLinked, "akim": flow.MemberLinked,
		"tom.frost@moby.example": flow.SCIMUserDeactivated,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("report holds %v, want exactly %v", got, want)
	}
	if r.Unlinked() != 5 || r.Headline() != "5 of 7 members not yet linked" {
		t.Errorf("headline %q (unlinked %d)", r.Headline(), r.Unlinked())
	}
	if r.ReadAt.IsZero() {
		t.Error("the report does not say when it was read")
	}
}

// TestFetchLinkReportPagesWithoutPerMemberRequests counts the requests: the
// members come 100 a page and the SCIM users 200 a page, and nothing is
// asked per member.
func TestFetchLinkReportPagesWithoutPerMemberRequests(t *testing.T) {
	sb, hub, scim := mixSandbox(t, sandbox.WithRateLimit(1<<20))
	creds := sb.Credentials()
	console := client.SandboxConsole{Hub: hub}
	var users []client.PushUser
	for i := range 442 {
		users = append(users, client.PushUser{UserName: fmt.Sprintf("user%03d@moby.example", i), GivenName: "User", FamilyName: fmt.Sprint(i)})
	}
	scimCreds := client.SCIMCredentials{BaseURL: scim.BaseURL(), Token: client.NewSecret(creds.SCIMToken)}
	if _, err := console.SimulatePush(context.Background(), scimCreds, client.PushRequest{Users: users}); err != nil {
		t.Fatal(err)
	}
	before := sb.RequestCount()
	r, err := flow.FetchLinkReport(context.Background(), hub, scim, "moby", steps.Okta)
	if err != nil {
		t.Fatal(err)
	}
	// 450 members: 5 pages of 100; 445 SCIM users: 3 pages of 200.
	if r.Counts.Members != 450 || r.Counts.SCIMUsers != 445 {
		t.Fatalf("counts %+v, want 450 members and 445 SCIM users", r.Counts)
	}
	if n := sb.RequestCount() - before; n != 5+3 {
		t.Errorf("the report took %d requests, want 8 (5 member pages, 3 SCIM pages)", n)
	}
}

func TestFetchLinkReportNamesTheSideThatFailed(t *testing.T) {
	for _, tt := range []struct {
		name, path string
		status     int
		want       client.Kind
		wantOp     string
	}{
		{"members", "/v2/orgs/moby/members", 403, client.KindForbidden, "members of moby"},
		{"scim", sandbox.SCIMPath + "/Users", 401, client.KindUnauthorized, "SCIM users"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, hub, scim := mixSandbox(t, sandbox.WithFault(sandbox.Fault{Path: tt.path, Status: tt.status}))
			_, err := flow.FetchLinkReport(context.Background(), hub, scim, "moby", steps.Okta)
			var ce *client.Error
			if !errors.As(err, &ce) || ce.Kind != tt.want {
				t.Fatalf("error %v, want kind %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantOp) {
				t.Errorf("error %q does not name %q", err, tt.wantOp)
			}
		})
	}
}

func TestLinksNeedTheHubAndJITNeedsTheConsole(t *testing.T) {
	ctx := context.Background()
	docker := flow.Docker("moby", nil)
	if _, err := flow.ReadLinks(ctx, docker, &flow.Run{}); !errors.Is(err, flow.ErrNoMembers) {
		t.Errorf("ReadLinks without a Hub sign-in: %v", err)
	}
	ready := flow.ComputeLinkReport("moby", steps.Okta, nil, nil)
	conn := client.Connection{ID: "c", JIT: true, SCIMEnabled: true}
	if _, err := flow.TurnOffJIT(ctx, docker, ready, conn); !errors.Is(err, flow.ErrNoConsole) {
		t.Errorf("TurnOffJIT against Docker: %v, want ErrNoConsole (done by hand)", err)
	}
	if _, err := flow.PushToLink(ctx, docker, client.SCIMCredentials{}, flow.MemberLink{State: flow.MemberWillLink}); err == nil {
		t.Error("PushToLink without a simulator succeeded")
	}
}

func TestTurnOffJITRefusesBeforeEverythingIsLinked(t *testing.T) {
	_, hub, scim := mixSandbox(t)
	env := flow.Sandbox("moby", hub)
	run := &flow.Run{IdP: steps.Okta, Creds: client.SCIMCredentials{BaseURL: scim.BaseURL(), Token: client.NewSecret("unused")}}
	r, err := flow.FetchLinkReport(context.Background(), hub, scim, "moby", run.IdP)
	if err != nil {
		t.Fatal(err)
	}
	conn := client.Connection{ID: sandbox.SeededSCIMConnection, JIT: true, SCIMEnabled: true}
	if _, err := flow.TurnOffJIT(context.Background(), env, r, conn); !errors.Is(err, flow.ErrJITNotReady) {
		t.Fatalf("JIT off with 5 members left: %v", err)
	}
	conns, err := env.Console.Connections(context.Background(), "moby")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.ID == sandbox.SeededSCIMConnection && !c.JIT {
			t.Error("the refused request turned JIT off anyway")
		}
	}
}

// TestMigrationWalkOnTheSandbox walks Docker's migration on the seeded mix:
// five members left to link, the IdP pushes them (the mismatch with its
// Docker email, the look-alike deactivated, which takes its second account
// out of the organization), every member SCIM can manage is linked, and
// JIT goes off.
func TestMigrationWalkOnTheSandbox(t *testing.T) {
	sb, hub, scim := mixSandbox(t)
	ctx := context.Background()
	env := flow.Sandbox("moby", hub)
	run := &flow.Run{IdP: steps.Okta, Creds: client.SCIMCredentials{BaseURL: scim.BaseURL(), Token: client.NewSecret(sb.Credentials().SCIMToken)}}
	before, err := flow.ReadLinks(ctx, env, run)
	if err != nil {
		t.Fatal(err)
	}
	if before.Unlinked() != 5 {
		t.Fatalf("%s, want 5 left to link", before.Headline())
	}
	left := before.Only(flow.MemberWillLink, flow.MemberEmailMismatch).Members
	if _, err := flow.PushToLink(ctx, env, run.Creds, left...); err != nil {
		t.Fatal(err)
	}
	after, err := flow.ReadLinks(ctx, env, run)
	if err != nil {
		t.Fatal(err)
	}
	if !after.AllLinked() || after.Counts.Linked != 6 || after.Counts.Members != 7 || after.Counts.OutsideSCIM != 1 {
		t.Fatalf("after the push: %s, counts %+v", after.Headline(), after.Counts)
	}
	for _, m := range after.Members {
		if m.Username == "alexkim" && (m.SCIMUser == nil || !m.SCIMUser.Active) {
			t.Errorf("alexkim is not linked to an active SCIM user: %+v", m)
		}
	}
	gone := after.Only(flow.SCIMUserDeactivated)
	var names []string
	for _, u := range gone.SCIMOnly {
		names = append(names, u.UserName)
	}
	if !slices.Contains(names, "akim@moby.example") || !slices.Contains(names, "tom.frost@moby.example") {
		t.Errorf("deactivated SCIM users %v, want the look-alike and the seeded one", names)
	}
	conns, err := env.Console.Connections(ctx, "moby")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(conns, func(c client.Connection) bool { return c.ID == sandbox.SeededSCIMConnection })
	updated, err := flow.TurnOffJIT(ctx, env, after, conns[i])
	if err != nil {
		t.Fatal(err)
	}
	if updated.JIT || !flow.AdviseJIT(after, updated).Done {
		t.Errorf("JIT still on: %+v", updated)
	}
}
