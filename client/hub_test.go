package client_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/sandbox"
)

// clock is a time source shared by the sandbox and the client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// hubSandbox serves a sandbox and returns a Hub signed in with the OAT.
func hubSandbox(t *testing.T, sbOpts []sandbox.Option, opts ...client.Option) (*sandbox.Server, *client.Hub) {
	t.Helper()
	sb := sandbox.New(sbOpts...)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	hub, err := client.NewHub(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.SignIn(context.Background(), sb.Credentials().Org, client.NewSecret(sb.Credentials().OAT)); err != nil {
		t.Fatal(err)
	}
	return sb, hub
}

func TestJWTIsRefreshedBeforeItExpires(t *testing.T) {
	clk := &clock{t: time.Now()}
	_, hub := hubSandbox(t, []sandbox.Option{sandbox.WithClock(clk.now)}, client.WithClock(clk.now))
	ctx := context.Background()
	for range 3 {
		// Each step passes the 10-minute lifetime of the previous JWT.
		clk.advance(10*time.Minute + time.Second)
		if _, err := hub.Teams(ctx, "moby"); err != nil {
			t.Fatalf("after the JWT expired: %v", err)
		}
	}
	clk.advance(9*time.Minute + 30*time.Second) // inside the refresh margin
	if _, err := hub.Teams(ctx, "moby"); err != nil {
		t.Fatalf("just before expiry: %v", err)
	}
}

func TestPagingFollowsNextToTheEnd(t *testing.T) {
	ctx := context.Background()
	_, all := hubSandbox(t, nil)
	for _, size := range []int{1, 2, 3, 100} {
		_, hub := hubSandbox(t, nil, client.WithPageSize(size))
		members, err := hub.Members(ctx, "moby")
		if err != nil {
			t.Fatal(err)
		}
		want, _ := all.Members(ctx, "moby")
		if len(members) != 5 || len(members) != len(want) {
			t.Fatalf("page size %d: %d members, want 5", size, len(members))
		}
		teams, err := hub.Teams(ctx, "moby")
		if err != nil || len(teams) != 4 {
			t.Fatalf("page size %d: %d teams (%v), want 4", size, len(teams), err)
		}
		company, err := hub.TeamMembers(ctx, "moby", "company")
		if err != nil || len(company) != 3 {
			t.Fatalf("page size %d: %d company members (%v), want 3", size, len(company), err)
		}
	}
}

func TestMembersRealShape(t *testing.T) {
	_, hub := hubSandbox(t, nil, client.WithPageSize(2))
	members, err := hub.Members(context.Background(), "moby")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]client.Member{}
	for _, m := range members {
		byName[m.Username] = m
	}
	jane := byName["janedoe"]
	sort.Strings(jane.Groups)
	if jane.Email != "jane.doe@moby.example" || jane.Role != "Member" || !slices.Equal(jane.Groups, []string{"company", "developers"}) ||
		jane.DateJoined.IsZero() || jane.FullName == "" {
		t.Fatalf("janedoe decoded as %+v", jane)
	}
	if byName["mobyadmin"].Role != "Owner" {
		t.Fatalf("mobyadmin decoded as %+v", byName["mobyadmin"])
	}
}

func TestValidateOrg(t *testing.T) {
	_, hub := hubSandbox(t, nil)
	ctx := context.Background()
	if err := hub.ValidateOrg(ctx, "moby"); err != nil {
		t.Fatal(err)
	}
	err := hub.ValidateOrg(ctx, "mobby")
	ce := assertKind(t, err, client.KindNotFound, 404)
	if !strings.Contains(ce.Error(), `"mobby"`) || !strings.Contains(ce.Error(), "spelling") {
		t.Fatalf("404 does not say what to check: %v", err)
	}
}

func TestOrgsIsBestEffort(t *testing.T) {
	sb, oat := hubSandbox(t, nil)
	ctx := context.Background()
	_, err := oat.Orgs(ctx)
	ce := assertKind(t, err, client.KindForbidden, 403)
	if !strings.Contains(ce.Hint, "type the organization name") {
		t.Fatalf("hint %q", ce.Hint)
	}
	pat, _ := client.NewHub(oat.BaseURL())
	if err := pat.SignIn(ctx, sb.Credentials().User, client.NewSecret(sb.Credentials().PAT)); err != nil {
		t.Fatal(err)
	}
	orgs, err := pat.Orgs(ctx)
	if err != nil || len(orgs) != 1 || orgs[0].Name != "moby" || orgs[0].FullName == "" {
		t.Fatalf("Orgs = %+v, %v", orgs, err)
	}
}

func TestPATDerivedTokenIsDetected(t *testing.T) {
	sb, oat := hubSandbox(t, nil)
	ctx := context.Background()
	pat, _ := client.NewHub(oat.BaseURL())
	if err := pat.SignIn(ctx, sb.Credentials().User, client.NewSecret(sb.Credentials().PAT)); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"members":      func() error { _, err := pat.Members(ctx, "moby"); return err },
		"teams":        func() error { _, err := pat.Teams(ctx, "moby"); return err },
		"team members": func() error { _, err := pat.TeamMembers(ctx, "moby", "company"); return err },
		"validate":     func() error { return pat.ValidateOrg(ctx, "moby") },
		"audit logs":   func() error { _, err := pat.AuditLogs(ctx, "moby", client.AuditLogOptions{}); return err },
	} {
		err := call()
		ce := assertKind(t, err, client.KindPATNotAllowed, 403)
		if !strings.Contains(ce.Error(), "organization access token") {
			t.Errorf("%s: error does not point at organization access tokens: %v", name, err)
		}
	}
}

func TestTeamMembersOfMissingTeam(t *testing.T) {
	_, hub := hubSandbox(t, nil)
	_, err := hub.TeamMembers(context.Background(), "moby", "nope")
	ce := assertKind(t, err, client.KindNotFound, 404)
	if !strings.Contains(ce.Hint, "identity provider first pushes") {
		t.Fatalf("hint %q", ce.Hint)
	}
}

func TestAuditLogsPageToTheEnd(t *testing.T) {
	_, hub := hubSandbox(t, nil)
	ctx := context.Background()
	console := client.SandboxConsole{Hub: hub}
	for _, enabled := range []bool{false, true, false, true, false} {
		if _, err := console.SetJIT(ctx, "moby", sandbox.SeededSCIMConnection, enabled); err != nil {
			t.Fatal(err)
		}
	}
	all, err := hub.AuditLogs(ctx, "moby", client.AuditLogOptions{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	paged, err := hub.AuditLogs(ctx, "moby", client.AuditLogOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 5 || len(paged) != len(all) {
		t.Fatalf("%d events in pages of 2, %d in one page", len(paged), len(all))
	}
	jit, err := hub.AuditLogs(ctx, "moby", client.AuditLogOptions{Action: "sso.connection.jit_toggle", PageSize: 2})
	if err != nil || len(jit) != 5 {
		t.Fatalf("%d jit_toggle events (%v), want 5", len(jit), err)
	}
	if jit[0].Timestamp.IsZero() || jit[0].Actor == "" || jit[0].Data["connection"] != sandbox.SeededSCIMConnection {
		t.Fatalf("event decoded as %+v", jit[0])
	}
}

// TestUnexpected401SignsInAgain: a JWT Docker no longer accepts before its
// exp (revoked, or the server restarted) is replaced once, and the call goes
// through; a second 401 is reported.
func TestUnexpected401SignsInAgain(t *testing.T) {
	sb, hub := hubSandbox(t, nil)
	ctx := context.Background()
	sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/groups", Status: 401, Times: 1})
	before := sb.RequestCount()
	if _, err := hub.Teams(ctx, "moby"); err != nil {
		t.Fatalf("Teams after one 401: %v", err)
	}
	// The refused call, a sign-in, and the call again.
	if got := sb.RequestCount() - before; got != 3 {
		t.Fatalf("%d requests, want 3 (refused call, sign-in, call)", got)
	}
	sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/groups", Status: 401, Times: 2})
	_, err := hub.Teams(ctx, "moby")
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Kind != client.KindUnauthorized {
		t.Fatalf("two 401s: %v, want an unauthorized error", err)
	}
}
