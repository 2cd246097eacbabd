package flow

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
	"github.com/docker-scim/docker-scim/steps"
)

// sandboxEnv serves a fresh sandbox over HTTP and returns its environment,
// signed in with the sandbox's organization access token.
func sandboxEnv(t testing.TB, opts ...sandbox.Option) (*Env, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(opts...)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	creds := sb.Credentials()
	hub, err := client.NewHub(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.SignIn(context.Background(), creds.Org, client.NewSecret(creds.OAT)); err != nil {
		t.Fatal(err)
	}
	return Sandbox(creds.Org, hub), sb
}

// connection returns the sandbox connection id.
func connection(t *testing.T, env *Env, id string) client.Connection {
	t.Helper()
	info, err := Connections(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(info.Connections, func(c client.Connection) bool { return c.ID == id })
	if i < 0 {
		t.Fatalf("no connection %s in %+v", id, info.Connections)
	}
	return info.Connections[i]
}

// TestSetupSCIMEditsOn409: when SCIM was set up on the connection after it
// was listed, Docker answers 409; the engine uses Edit SCIM instead of
// failing, and returns the token already issued, which keeps working.
func TestSetupSCIMEditsOn409(t *testing.T) {
	env, _ := sandboxEnv(t)
	ctx := context.Background()
	conn := connection(t, env, "conn-okta-saml")
	if conn.SCIMEnabled {
		t.Fatal("seed changed: conn-okta-saml already has SCIM")
	}
	first, err := env.Console.SetupSCIM(ctx, env.Org, conn.ID) // someone else, meanwhile
	if err != nil {
		t.Fatal(err)
	}
	creds, err := SetupSCIM(ctx, env, conn)
	if err != nil {
		t.Fatalf("Setup SCIM after a concurrent setup: %v", err)
	}
	if creds.Token.Value() != first.Token.Value() {
		t.Fatal("Edit SCIM after the 409 did not show the token already issued")
	}
	if p, err := Verify(ctx, env, creds); err != nil || !p.OK() {
		t.Fatalf("the shown token does not verify: %v %+v", err, p)
	}
}

// TestSetupSCIMOnAConnectionWithSCIMShowsItsValues: for a connection that
// has SCIM on, the engine runs Edit SCIM (the same token again, nothing
// issued); only RefreshSCIMToken issues a new one, and the old one stops.
func TestSetupSCIMOnAConnectionWithSCIMShowsItsValues(t *testing.T) {
	env, sb := sandboxEnv(t)
	ctx := context.Background()
	conn := connection(t, env, sandbox.SeededSCIMConnection)
	shown, err := SetupSCIM(ctx, env, conn)
	if err != nil || shown.Token.Value() != sb.Credentials().SCIMToken {
		t.Fatalf("Edit SCIM: %v, seeded token shown %v", err, shown.Token.Value() == sb.Credentials().SCIMToken)
	}
	fresh, err := RefreshSCIMToken(ctx, env, conn)
	if err != nil || fresh.Token.Value() == shown.Token.Value() {
		t.Fatalf("refresh: %v", err)
	}
	if p, _ := Verify(ctx, env, shown); p.OK() {
		t.Fatal("the token issued before the refresh still works")
	}
	if again, err := SetupSCIM(ctx, env, conn); err != nil || again.Token.Value() != fresh.Token.Value() {
		t.Fatalf("Edit SCIM after the refresh: %v", err)
	}
}

// TestPreflightMembersFailureIsAFinding: a failed member listing does not
// stop the preflight; it becomes a warning that names the cause.
func TestPreflightMembersFailureIsAFinding(t *testing.T) {
	env, _ := sandboxEnv(t, sandbox.WithFault(sandbox.Fault{Path: "/v2/orgs/moby/members", Status: 500}))
	ctx := context.Background()
	conn := connection(t, env, "conn-okta-saml")
	facts, err := Preflight(ctx, env, nil)
	if err != nil {
		t.Fatalf("a failed member listing stopped the preflight: %v", err)
	}
	if facts.MembersErr == nil || !facts.OrgKnown {
		t.Fatalf("facts = %+v", facts)
	}
	findings := Findings(env.Org, facts, conn, JIT(env, conn, nil))
	i := slices.IndexFunc(findings, func(f steps.Finding) bool { return strings.HasPrefix(f.Title, "Members not checked") })
	if i < 0 || findings[i].Severity != steps.Warning || !strings.Contains(findings[i].Detail, "500") {
		t.Fatalf("no warning about the unread members in %+v", findings)
	}
	if steps.Blocked(findings) {
		t.Fatal("the unread members block the flow")
	}
}

func TestPreflightOnSandboxLinksMembers(t *testing.T) {
	env, _ := sandboxEnv(t)
	conn := connection(t, env, "conn-okta-saml")
	facts, err := Preflight(context.Background(), env, nil)
	if err != nil {
		t.Fatal(err)
	}
	findings := Findings(env.Org, facts, conn, JIT(env, conn, nil))
	titles := ""
	for _, f := range findings {
		titles += f.Title + "\n"
	}
	for _, want := range []string{"JIT provisioning is on", "will be linked to SCIM, not re-created"} {
		if !strings.Contains(titles, want) {
			t.Errorf("findings lack %q:\n%s", want, titles)
		}
	}
}

// TestReadBackReadsUsersTeamsAndAuditLog: the read-back finds the pushed
// user, the team it joined (from its SCIM groups, no member list read) and
// the audit events, in one request for the users.
func TestReadBackReadsUsersTeamsAndAuditLog(t *testing.T) {
	env, sb := sandboxEnv(t)
	ctx := context.Background()
	conn := connection(t, env, "conn-okta-saml")
	var r Run
	r.ChooseConnection(conn)
	creds, err := SetupSCIM(ctx, env, conn)
	if err != nil {
		t.Fatal(err)
	}
	r.RecordCredentials(creds, time.Now().Add(-time.Second))
	req := client.PushRequest{Users: []client.PushUser{{UserName: "ada@moby.example", GivenName: "Ada", FamilyName: "Lovelace"}}, Group: "moby:research"}
	if _, err := PushTestUser(ctx, env, r.Creds, req); err != nil {
		t.Fatal(err)
	}
	// A broken member list is never read.
	sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/groups/research/members", Status: 500})
	feed, err := ReadBack(ctx, env, &r)
	if err != nil {
		t.Fatal(err)
	}
	if len(feed.Users) != 1 || feed.Users[0].UserName != "ada@moby.example" || feed.Requests != 1 {
		t.Fatalf("users = %+v in %d requests", feed.Users, feed.Requests)
	}
	if !slices.ContainsFunc(feed.Teams, func(t TeamRow) bool { return t.Name == "research" && slices.Contains(t.Users, "ada@moby.example") }) {
		t.Fatalf("team research not found: %+v", feed.Teams)
	}
	if feed.AuditErr != nil || len(feed.Audit) == 0 {
		t.Fatalf("audit log not read: %v %d", feed.AuditErr, len(feed.Audit))
	}
	if s := AuditSummary(feed.Audit, feed.AuditErr); !strings.HasPrefix(s, "Audit log since setup: ") {
		t.Fatalf("audit summary %q", s)
	}
}

// TestTeamsOf reads teams from the users' SCIM groups attribute and from
// team.member.add events naming a user's Docker ID.
func TestTeamsOf(t *testing.T) {
	users := []client.User{
		{UserName: "ada@moby.example", DisplayName: "ada", Groups: []string{"moby:developers", "other:ops"}},
		{UserName: "bob@moby.example", DisplayName: "Bob"},
	}
	audit := []client.AuditLog{
		{Action: "team.member.add", Data: map[string]any{"team": "company", "member": "bob"}},
		{Action: "team.member.add", Data: map[string]any{"team": "developers", "member": "ada"}},
		{Action: "team.member.remove", Data: map[string]any{"team": "designers", "member": "ada"}},
		{Action: "team.member.add", Data: map[string]any{"team": "owners", "member": "someone-else"}},
	}
	got := fmt.Sprint(TeamsOf("moby", users, audit))
	if want := "[{company [bob@moby.example]} {developers [ada@moby.example]}]"; got != want {
		t.Fatalf("TeamsOf = %s, want %s", got, want)
	}
}

// TestDockerEnvHasNoConsole: on real Docker the console steps report
// that they are guided, and nothing is sent.
func TestDockerEnvHasNoConsole(t *testing.T) {
	env := Docker("moby", nil)
	if env.ListsConnections() || env.IssuesSCIM() || env.KnowsPlan() || env.KnowsJIT() || env.SimulatesPush() || env.ReadsHub() {
		t.Fatalf("real Docker without a Hub sign-in claims a capability: %+v", env)
	}
	ctx := context.Background()
	if _, err := Connections(ctx, env); !errors.Is(err, ErrNoConsole) {
		t.Fatalf("Connections: %v", err)
	}
	if _, err := SetupSCIM(ctx, env, client.Connection{Name: "x"}); !errors.Is(err, ErrNoConsole) {
		t.Fatalf("SetupSCIM: %v", err)
	}
	if _, err := RefreshSCIMToken(ctx, env, client.Connection{Name: "x", SCIMEnabled: true}); !errors.Is(err, ErrNoConsole) {
		t.Fatalf("RefreshSCIMToken: %v", err)
	}
	facts, err := Preflight(ctx, env, nil)
	if err != nil || facts.OrgKnown || facts.Members != nil {
		t.Fatalf("Preflight: %+v %v", facts, err)
	}
	off := false
	if JIT(env, client.Connection{JIT: false}, nil) != true || JIT(env, client.Connection{JIT: true}, &off) != false {
		t.Fatal("on real Docker JIT is the admin's answer, on by default")
	}
}

func TestVerifyExportsAuthFailure(t *testing.T) {
	env, sb := sandboxEnv(t)
	base := strings.TrimSuffix(env.Hub.BaseURL(), "/") + sandbox.SCIMPath
	p, err := Verify(context.Background(), env, client.SCIMCredentials{BaseURL: base, Token: client.NewSecret("wrong-token")})
	if err != nil {
		t.Fatal(err)
	}
	v := Export(base, p)
	if v.OK || !v.AuthFailed || v.Failed() == 0 {
		t.Fatalf("a refused token: %+v", v)
	}
	for _, c := range v.Checks {
		if strings.Contains(c.Error, "wrong-token") {
			t.Fatal("the token leaked into a check error")
		}
	}
	good := client.SCIMCredentials{BaseURL: base, Token: client.NewSecret(sb.Credentials().SCIMToken)}
	if p, _ := Verify(context.Background(), env, good); !Export(base, p).OK {
		t.Fatalf("the seeded token does not verify: %+v", p)
	}
}

// TestCheckGroupsAcceptsTheConnectionsOrganizations: the seeded company
// connection serves moby and whale, so whale:team passes and a third org
// is refused with the list; each org's teams are read from the Hub, whale's
// too (whale:desktop exists, whale:backend will be created).
func TestCheckGroupsAcceptsTheConnectionsOrganizations(t *testing.T) {
	env, _ := sandboxEnv(t)
	conn := connection(t, env, "conn-okta-saml")
	got, err := CheckGroups(context.Background(), env, conn, []string{"moby:developers", "whale:desktop", "acme:x", "whale:backend"})
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].OK || !got[0].TeamExists || !strings.Contains(got[0].Message, "in moby") {
		t.Errorf("moby:developers: %+v", got[0])
	}
	if !got[1].OK || !got[1].TeamExists || !strings.Contains(got[1].Message, "whale") {
		t.Errorf("whale:desktop: %+v", got[1])
	}
	if !got[3].OK || got[3].TeamExists || !got[3].WillBeCreated {
		t.Errorf("whale:backend: %+v", got[3])
	}
	if got[2].OK || !strings.Contains(got[2].Message, "(moby, whale)") {
		t.Errorf("acme:x: %+v", got[2])
	}
	solo := connection(t, env, "conn-entra-saml")
	if got, _ := CheckGroups(context.Background(), env, solo, []string{"whale:desktop"}); got[0].OK {
		t.Errorf("a moby-only connection accepted whale: %+v", got[0])
	}
}
