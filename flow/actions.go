package flow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// ErrNoConsole is returned by the steps that need an API for Docker Home's
// SSO and SCIM page when the environment has none (real Docker).
var ErrNoConsole error = noConsoleError{}

// noConsoleError builds its message when asked: the page's path comes from
// the steps data, whose decode must not run at start-up (it would delay the
// first frame of every run).
type noConsoleError struct{}

func (noConsoleError) Error() string {
	return "this step needs an API Docker does not publish: do it by hand in " + steps.SSOAndSCIMPage()
}

// Connections reads the organization with its SSO connections in one
// request; the preflight step reuses its plan and domains.
func Connections(ctx context.Context, env *Env) (client.OrgInfo, error) {
	if !env.ListsConnections() {
		return client.OrgInfo{}, ErrNoConsole
	}
	return env.Console.Org(ctx, env.Org)
}

// Facts is what the preflight checks learn from Docker.
type Facts struct {
	// Org is the plan and domains; OrgKnown is false where they cannot be
	// read (real Docker).
	Org      client.OrgInfo
	OrgKnown bool
	// Members are the org's members; nil when the Hub is not signed in or
	// the list could not be read (MembersErr says why).
	Members    []client.Member
	MembersErr error
	// Admin is the Docker ID or organization the Hub client signed in with,
	// so the member check can mark the admin's own account; "" when unknown.
	Admin string
}

// Preflight reads what the checks need: the plan and domains (unless known
// already, e.g. read with the connection list) where the environment knows
// them, and the members when signed in to the Hub. The member check is
// optional: a failed listing becomes a finding, not an error.
func Preflight(ctx context.Context, env *Env, known *client.OrgInfo) (Facts, error) {
	var f Facts
	switch {
	case known != nil:
		f.Org, f.OrgKnown = *known, true
	case env.KnowsPlan():
		info, err := env.Console.Org(ctx, env.Org)
		if err != nil {
			return Facts{}, err
		}
		f.Org, f.OrgKnown = info, true
	}
	if env.ReadsHub() {
		f.Admin = env.Hub.Identifier()
		f.Members, f.MembersErr = env.Hub.Members(ctx, env.Org)
		if f.MembersErr != nil && ctx.Err() != nil {
			return Facts{}, f.MembersErr
		}
	}
	return f, nil
}

// Prereqs is what the prerequisite checks know from f: the plan and the
// verified domains where they could be read, and the SSO connection.
func (f Facts) Prereqs() steps.Prereqs {
	p := steps.Prereqs{HasSSOConnection: true, DomainsUnknown: !f.OrgKnown}
	if f.OrgKnown {
		p.Plan = f.Org.Plan
		for _, d := range f.Org.Domains {
			if d.Verified {
				p.VerifiedDomains = append(p.VerifiedDomains, d.Name)
			}
		}
	}
	return p
}

// Findings are the preflight results for conn, with JIT on or off: the
// prerequisites (plan, SSO connection, verified domain), how JIT and SCIM
// work together, and which members SCIM will link and which stay outside
// it (by the connection's domains, where known). Nobody is listed for
// removal: SCIM links existing accounts.
func Findings(org string, f Facts, conn client.Connection, jit bool) []steps.Finding {
	p := f.Prereqs()
	members := make([]steps.OrgMember, 0, len(f.Members))
	for _, m := range f.Members {
		members = append(members, steps.OrgMember{Username: m.Username, Email: m.Email, Guest: m.IsGuest})
	}
	out := append(steps.Prerequisites(p), steps.JITPreflight(jit, conn.SCIMEnabled)...)
	plan := steps.PlanMembers(members, conn.Domains, f.OrgKnown && len(conn.Domains) > 0, f.Admin)
	out = append(out, steps.MembersPreflight(plan)...)
	if f.MembersErr != nil {
		out = append(out, steps.MembersUnchecked(org, f.MembersErr.Error()))
	}
	return out
}

// JIT is the connection's JIT setting where the environment knows it;
// elsewhere the admin's answer, or Docker's default (on) when there is
// none.
func JIT(env *Env, conn client.Connection, said *bool) bool {
	if env.KnowsJIT() {
		return conn.JIT
	}
	if said != nil {
		return *said
	}
	return true
}

// SetupSCIM runs Enable SCIM (the seed's Setup SCIM) on conn. A connection
// that has SCIM already, also one Docker answers 409 for because it was set
// up meanwhile, gets Edit SCIM instead: its values are shown again and no
// new token is issued. Edit SCIM fails wrapping client.ErrTokenNotKept when
// the sandbox restarted since the token was issued; RefreshSCIMToken (ask
// the admin first) is then the way on.
func SetupSCIM(ctx context.Context, env *Env, conn client.Connection) (client.SCIMCredentials, error) {
	if !env.IssuesSCIM() {
		return client.SCIMCredentials{}, ErrNoConsole
	}
	var creds client.SCIMCredentials
	var err error
	if !conn.SCIMEnabled {
		creds, err = env.Console.SetupSCIM(ctx, env.Org, conn.ID)
	}
	var ce *client.Error
	if conn.SCIMEnabled || errors.As(err, &ce) && ce.Kind == client.KindConflict {
		creds, err = env.Console.EditSCIM(ctx, env.Org, conn.ID)
	}
	return creds, err
}

// RefreshSCIMToken has the sandbox issue a new API Token for conn, which
// has SCIM on; the old token stops working, so front-ends ask first. It is
// a sandbox-only action: Docker documents no token refresh.
func RefreshSCIMToken(ctx context.Context, env *Env, conn client.Connection) (client.SCIMCredentials, error) {
	if !env.IssuesSCIM() {
		return client.SCIMCredentials{}, ErrNoConsole
	}
	return env.Console.RefreshSCIMToken(ctx, env.Org, conn.ID)
}

// Verify runs the identity providers' read-only checks with creds. err is
// set only when no request could be sent (an invalid base URL).
func Verify(ctx context.Context, env *Env, creds client.SCIMCredentials) (client.ProbeResult, error) {
	scim, err := env.SCIM(creds)
	if err != nil {
		return client.ProbeResult{}, err
	}
	return scim.Probe(ctx), nil
}

// TestTeam is the team a simulated push creates (as the group
// "<org>:docker-scim-test").
const TestTeam = "docker-scim-test"

// TestPush is a push of one new test user, at the connection's first
// domain, into the group "<org>:docker-scim-test".
func TestPush(org string, conn client.Connection) client.PushRequest {
	domain := "example.com"
	if len(conn.Domains) > 0 {
		domain = conn.Domains[0]
	}
	id := make([]byte, 3)
	_, _ = rand.Read(id)
	return client.PushRequest{
		Users: []client.PushUser{{UserName: "docker-scim-test-" + hex.EncodeToString(id) + "@" + domain, GivenName: "Test", FamilyName: "User"}},
		Group: org + ":" + TestTeam,
	}
}

// PushTestUser has the environment's IdP simulator push req with creds.
func PushTestUser(ctx context.Context, env *Env, creds client.SCIMCredentials, req client.PushRequest) (client.PushResult, error) {
	if !env.SimulatesPush() {
		return client.PushResult{}, errors.New("no IdP simulator here: provision a test user from the identity provider")
	}
	return env.Simulator.SimulatePush(ctx, creds, req)
}

// CheckGroups checks the IdP group names the admin plans against Docker's
// group mapping (organization:team, steps.ValidateGroupName), with the
// org's teams when the Hub is signed in (a team that does not exist yet is
// created when the group syncs).
// conn's other organizations (a company's connection can serve several)
// are accepted too; only the chosen org's teams are read.
func CheckGroups(ctx context.Context, env *Env, conn client.Connection, names []string) ([]steps.GroupNameResult, error) {
	g := steps.GroupOrgs{Orgs: append([]string{env.Org}, conn.Organizations...), Teams: map[string][]string{}}
	if env.ReadsHub() && len(names) > 0 {
		ts, err := env.Hub.Teams(ctx, env.Org)
		if err != nil {
			return nil, err
		}
		var teams []string
		for _, t := range ts {
			teams = append(teams, t.Name)
		}
		g.Teams[env.Org] = teams
	} else {
		g.Teams[env.Org] = nil
	}
	out := make([]steps.GroupNameResult, 0, len(names))
	for _, n := range names {
		out = append(out, steps.ValidateGroupNameFor(g, n))
	}
	return out, nil
}
