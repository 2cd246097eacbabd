package flow

import (
	"slices"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// Run is the state of one setup: what the admin chose and what Docker
// answered, step by step. Front-ends record each step's result with the
// Record… and Choose… methods, then show the step Next returns.
type Run struct {
	// Conn is the SSO connection, with its type and IdP when known.
	Conn client.Connection
	// IdP is the identity provider.
	IdP steps.IdP
	// Creds are the SCIM Base URL and API Token (the token in memory only).
	Creds client.SCIMCredentials
	// SetupAt is when the credentials were issued or pasted: the read-back
	// looks for users provisioned since then.
	SetupAt time.Time
	// Org is the organization as the connection list read it (plan,
	// domains); nil where connections are not listed. The preflight reuses
	// it instead of reading it again.
	Org *client.OrgInfo
	// Facts are what the preflight read (plan, domains, members); nil until
	// it ran.
	Facts *Facts
	// JITSaid is the admin's answer to "is JIT on?" where the environment
	// cannot read the setting; nil when not given (Docker's default, on).
	JITSaid *bool
	// Findings are the preflight results.
	Findings []steps.Finding
	// Probe is the verify step's result; nil until it ran.
	Probe *client.ProbeResult
	// Checked holds the ids of the ticked checklist items.
	Checked map[string]bool
	// Groups are the checked IdP group names (see CheckGroups).
	Groups []steps.GroupNameResult
	// Feed is what the read-back saw; nil until it ran.
	Feed *Feed
	// Migration is the last link report and the JIT advice; nil until read.
	Migration *Migration
	// Entra lists the Entra checklist items done through Microsoft Graph.
	Entra []EntraStep

	// waiting is a step that could not run for a missing input: the flow
	// went to the step that gives it and comes back here afterwards.
	waiting steps.StepID
	// waitingFrom is the step whose Next found the input missing.
	waitingFrom steps.StepID
}

// ConnectionType is the checklist's connection type for the connection.
func (r *Run) ConnectionType() steps.ConnectionType { return ConnectionType(r.Conn.Type) }

// ChooseConnection records the SSO connection. Credentials issued for
// another connection are dropped; the IdP follows the connection's when it
// names one.
func (r *Run) ChooseConnection(c client.Connection) {
	same := c.ID == r.Conn.ID && c.Name == r.Conn.Name
	if !same {
		r.Creds, r.SetupAt, r.Probe = client.SCIMCredentials{}, time.Time{}, nil
		// The preflight's answers were about the other connection.
		r.Facts, r.JITSaid, r.Findings = nil, nil, nil
	}
	scimOn := r.Conn.SCIMEnabled && c.ID == r.Conn.ID
	r.Conn = c
	r.Conn.SCIMEnabled = c.SCIMEnabled || scimOn
	if idp, err := steps.ParseIdP(c.IdP); err == nil {
		r.IdP = idp
	}
}

// RecordOrg records the organization as the connection list read it: the
// preflight reuses its plan and domains.
func (r *Run) RecordOrg(info client.OrgInfo) { r.Org = &info }

// RecordPreflight records what the preflight read, the admin's answer
// about JIT (nil where none was given or the environment reads it), and
// the findings they give in env.
func (r *Run) RecordPreflight(env *Env, f Facts, jitSaid *bool) {
	r.Facts, r.JITSaid = &f, jitSaid
	r.Findings = r.PreflightFindings(env)
}

// JIT reports whether JIT provisioning is on for the connection: as Docker
// says where env reads it, else as the admin said, else Docker's default
// (on).
func (r *Run) JIT(env *Env) bool { return JIT(env, r.Conn, r.JITSaid) }

// PreflightFindings are the preflight results for the facts read and the
// JIT setting known now; nil before the preflight ran.
func (r *Run) PreflightFindings(env *Env) []steps.Finding {
	if r.Facts == nil {
		return nil
	}
	return Findings(env.Org, *r.Facts, r.Conn, r.JIT(env))
}

// RecordCredentials records the SCIM Base URL and API Token at now. When
// they were asked for again only because a later step needed the token
// (it is never saved), the original setup time is kept.
func (r *Run) RecordCredentials(creds client.SCIMCredentials, now time.Time) {
	if r.waiting == "" || r.SetupAt.IsZero() {
		r.SetupAt = now
	}
	r.Creds, r.Probe = creds, nil
	r.Conn.SCIMEnabled = true
}

// RecordProbe records the verify step's result.
func (r *Run) RecordProbe(p client.ProbeResult) { r.Probe = &p }

// ChooseIdP records the identity provider.
func (r *Run) ChooseIdP(p steps.IdP) { r.IdP = p }

// RecordChecked records the ticked checklist items.
func (r *Run) RecordChecked(checked map[string]bool) { r.Checked = checked }

// RecordEntraStep records an Entra checklist item done (or failed)
// through Microsoft Graph.
func (r *Run) RecordEntraStep(s EntraStep) { r.Entra = append(r.Entra, s) }

// RecordGroups records the checked IdP group names.
func (r *Run) RecordGroups(g []steps.GroupNameResult) { r.Groups = g }

// RecordFeed records what the read-back saw.
func (r *Run) RecordFeed(f Feed) { r.Feed = &f }

// Has reports whether the run has in.
func (r *Run) Has(in steps.Input) bool {
	switch in {
	case steps.InputConnection:
		// Named, listed, or (real Docker, no name given) of a known type.
		return r.Conn.Name != "" || r.Conn.ID != "" || r.Conn.Type != ""
	case steps.InputCredentials:
		return r.Creds.BaseURL != "" && !r.Creds.Token.IsZero()
	case steps.InputIdP:
		return r.IdP != ""
	}
	return false
}

// checkedBy is the step after which a step waiting for in resumes: the
// credentials are verified before they are used; any other input is used
// as soon as it is given.
func checkedBy(in steps.Input) steps.StepID {
	if in == steps.InputCredentials {
		return steps.StepVerify
	}
	return steps.Giver(in)
}

// Next returns the step to show after from, walking steps.Flow(): the next
// step in order, or the step that was waiting for what from gave. When
// that step requires an input the run lacks (say the API Token, which is
// never saved between runs), Next returns the step that gives it and
// remembers to come back. After the last step Next returns "".
func (r *Run) Next(from steps.StepID) steps.StepID {
	flow := steps.Flow()
	next := steps.StepID("")
	if i := slices.IndexFunc(flow, func(s steps.Step) bool { return s.ID == from }); i >= 0 && i+1 < len(flow) {
		next = flow[i+1].ID
	}
	if r.waiting != "" && r.resumesAfter(from) {
		next, r.waiting, r.waitingFrom = r.waiting, "", ""
	}
	if next == "" {
		return ""
	}
	for _, in := range stepByID(next).Requires {
		if !r.Has(in) {
			r.waiting, r.waitingFrom = next, from
			return steps.Giver(in)
		}
	}
	return next
}

// resumesAfter reports whether the waiting step resumes after from.
func (r *Run) resumesAfter(from steps.StepID) bool {
	for _, in := range stepByID(r.waiting).Requires {
		if checkedBy(in) == from {
			return true
		}
	}
	return false
}

// Back tells the run that the admin went back to step to. Going back to
// the step that found an input missing cancels the detour: the flow is the
// normal one again.
func (r *Run) Back(to steps.StepID) {
	if r.waiting != "" && to == r.waitingFrom {
		r.waiting, r.waitingFrom = "", ""
	}
}

// Waiting is the step the flow comes back to once a missing input is
// given, or "".
func (r *Run) Waiting() steps.StepID { return r.waiting }

// stepByID returns the flow step id (zero Step when unknown).
func stepByID(id steps.StepID) steps.Step {
	for _, s := range steps.Flow() {
		if s.ID == id {
			return s
		}
	}
	return steps.Step{}
}
