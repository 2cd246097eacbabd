package flow

import (
	"context"
	"errors"

	"github.com/docker-scim/docker-scim/client"
)

// ErrNoMembers is returned by ReadLinks without a Hub API sign-in: the
// member list comes from the Hub API.
var ErrNoMembers = errors.New("the link report needs the member list: sign in to the Hub API with an organization access token (scope-member-read)")

// ReadLinks reads the link report of env's organization: the members
// through env.Hub and the SCIM users with r's credentials, worded for r's
// IdP.
func ReadLinks(ctx context.Context, env *Env, r *Run) (LinkReport, error) {
	if !env.ReadsHub() {
		return LinkReport{}, ErrNoMembers
	}
	scim, err := env.SCIM(r.Creds)
	if err != nil {
		return LinkReport{}, err
	}
	return FetchLinkReport(ctx, env.Hub, scim, env.Org, r.IdP)
}

// PushToLink has env's IdP simulator push, for each member, what the IdP
// pushes once the admin fixes that member there (RehearsalPush), in one
// sync. Members with nothing to push are skipped.
func PushToLink(ctx context.Context, env *Env, creds client.SCIMCredentials, members ...MemberLink) (client.PushResult, error) {
	if !env.SimulatesPush() {
		return client.PushResult{}, errors.New("no IdP simulator here: assign the members in the identity provider")
	}
	var all client.PushRequest
	for _, m := range members {
		if req, ok := RehearsalPush(m); ok {
			all.Users = append(all.Users, req.Users...)
			all.Deactivate = append(all.Deactivate, req.Deactivate...)
		}
	}
	if len(all.Users) == 0 {
		return client.PushResult{}, errors.New("nothing to push: every member chosen is linked or outside SCIM")
	}
	return env.Simulator.SimulatePush(ctx, creds, all)
}

// TurnOffJIT disables JIT provisioning on conn through env's console when
// AdviseJIT says the migration is ready (DisableJIT). Against Docker, which
// publishes no console API, it returns ErrNoConsole: the admin does it in
// Docker Home.
func TurnOffJIT(ctx context.Context, env *Env, report LinkReport, conn client.Connection) (client.Connection, error) {
	if !env.SetsJIT() {
		return conn, ErrNoConsole
	}
	return DisableJIT(ctx, env.Console, env.Org, report, conn)
}

// Migration is where a run stands in the JIT-to-SCIM migration: the last
// link report, what it says about JIT for the run's connection, and
// whether this run turned JIT off. It holds no secret.
type Migration struct {
	LinkReport
	// Connection is the SSO connection as last read.
	Connection client.Connection `json:"connection"`
	JIT        JITAdvice         `json:"jit"`
	// JITDisabled is true when this run turned JIT off.
	JITDisabled bool `json:"jit_disabled"`
}

// RecordMigration records the last link report with conn and the JIT
// advice for it; a JIT turned off earlier in the run stays recorded.
func (r *Run) RecordMigration(report LinkReport, conn client.Connection) {
	m := &Migration{LinkReport: report, Connection: conn, JIT: AdviseJIT(report, conn)}
	if r.Migration != nil {
		m.JITDisabled = r.Migration.JITDisabled
	}
	r.Migration = m
}
