// Package flow is the headless engine of a SCIM setup: the state of one run,
// the environment it runs in (real Docker or the built-in sandbox, described
// by capabilities), one function per step, and Next, which walks
// steps.Flow(). The terminal wizard (package tui) and the plain mode
// (package cli) both render it. It imports client, steps and other
// packages without UI (entra, textsafe), never a front-end.
package flow

import (
	"context"

	"github.com/docker-scim/docker-scim/client"
)

// Simulator pushes users and groups the way an identity provider does.
type Simulator interface {
	SimulatePush(ctx context.Context, creds client.SCIMCredentials, req client.PushRequest) (client.PushResult, error)
}

// Env is where a run happens: the organization and the Docker it talks to.
// What a front-end offers follows from the capabilities (ListsConnections,
// IssuesSCIM, …), never from where the run happens.
type Env struct {
	// Org is the Docker organization being set up.
	Org string
	// Sandbox is true for the built-in sandbox. It only names the place in
	// headers, results and saved progress; behaviour follows capabilities.
	Sandbox bool
	// Console is the API for Docker Home's SSO connections and Enable
	// SCIM. The sandbox has one; Docker publishes none, so it is nil there
	// and those steps are guided.
	Console client.Console
	// Simulator pushes a test user as the IdP would; nil without one.
	Simulator Simulator
	// Hub is a signed-in Hub API client, or nil: it adds the member, team
	// and audit-log checks.
	Hub *client.Hub
	// SCIMOptions configure the SCIM API clients of verify and read-back.
	SCIMOptions []client.Option
}

// Sandbox is the environment of the built-in sandbox, signed in as its
// organization through hub: its console lists connections, runs Setup
// SCIM, reads the plan and JIT, and simulates IdP pushes.
func Sandbox(org string, hub *client.Hub, opts ...client.Option) *Env {
	c := client.SandboxConsole{Hub: hub}
	return &Env{Org: org, Sandbox: true, Console: c, Simulator: c, Hub: hub, SCIMOptions: opts}
}

// Docker is the environment of real Docker: no console API (its steps are
// guided), and hub (nil when not signed in) for the optional checks.
func Docker(org string, hub *client.Hub, opts ...client.Option) *Env {
	return &Env{Org: org, Hub: hub, SCIMOptions: opts}
}

// ListsConnections reports whether the SSO connections can be listed; if
// not, the admin names the connection.
func (e *Env) ListsConnections() bool { return e.Console != nil }

// IssuesSCIM reports whether Setup SCIM runs through an API; if not, the
// admin runs it by hand in Docker Home and pastes the two values.
func (e *Env) IssuesSCIM() bool { return e.Console != nil }

// KnowsPlan reports whether the plan and verified domains can be read.
func (e *Env) KnowsPlan() bool { return e.Console != nil }

// KnowsJIT reports whether the connection's JIT setting can be read; if
// not, the admin says it (Docker's default is on).
func (e *Env) KnowsJIT() bool { return e.Console != nil }

// SetsJIT reports whether the connection's JIT setting can be changed
// through an API; if not, the admin turns it off in the Admin Console.
func (e *Env) SetsJIT() bool { return e.Console != nil }

// SimulatesPush reports whether a test user can be pushed as the IdP would.
func (e *Env) SimulatesPush() bool { return e.Simulator != nil }

// ReadsHub reports whether the Hub API is signed in: members, teams and
// the audit log can be read.
func (e *Env) ReadsHub() bool { return e.Hub != nil }

// SCIM is a SCIM API client for creds.
func (e *Env) SCIM(creds client.SCIMCredentials) (*client.SCIM, error) {
	return client.NewSCIM(creds.BaseURL, creds.Token, e.SCIMOptions...)
}
