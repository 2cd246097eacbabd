// Package steps is the wizard's flow and every identity provider's checklist
// as data. It holds all user-facing text for the IdP steps, shared by the TUI,
// the plain mode and exports. It has no UI code.
package steps

import "slices"

// StepID names one step of the flow.
type StepID string

// The steps of the wizard, in order.
const (
	StepConnection  StepID = "connection"
	StepPreflight   StepID = "preflight"
	StepSetupSCIM   StepID = "setup-scim"
	StepVerify      StepID = "verify"
	StepCredentials StepID = "credentials"
	StepIdP         StepID = "idp"
	StepChecklist   StepID = "checklist"
	StepReadBack    StepID = "readback"
	StepDone        StepID = "done"
)

// Mode says who performs a step.
type Mode string

// The ways a step is performed.
const (
	// ModeAutomatic: the wizard does it itself through an API.
	ModeAutomatic Mode = "automatic"
	// ModeGuided: the admin does it by hand in Docker Home, which has no API
	// for it; the wizard shows the exact labels and waits.
	ModeGuided Mode = "guided"
	// ModeInput: the admin answers in the wizard.
	ModeInput Mode = "input"
	// ModeIdP: the admin does it by hand in the identity provider's console.
	ModeIdP Mode = "idp"
)

// Step is one screen of the wizard.
type Step struct {
	ID    StepID
	Title string
	// Summary says what the step does, in one sentence.
	Summary string
	// Needs lists what the step uses, produced by earlier steps or given.
	Needs []string
	// Produces lists what the step hands to later steps.
	Produces []string
	// Guided is true when, against real Docker, the admin does this step by
	// hand in Docker Home (Docker publishes no API for it); the sandbox
	// performs it through its console API. It equals Real == ModeGuided.
	Guided bool
	// Real is how the step runs against real Docker.
	Real Mode
	// Sandbox is how the step runs against the built-in sandbox.
	Sandbox Mode
	// Requires lists the inputs the step cannot run without; the flow
	// engine goes to the step that gives a missing one first.
	Requires []Input
	// Gives lists the inputs the step provides to later steps.
	Gives []Input
}

// Input is something a step needs, given by an earlier step.
type Input string

// The inputs steps pass on.
const (
	// InputConnection is the SSO connection (with its type).
	InputConnection Input = "connection"
	// InputCredentials are the SCIM Base URL and the API Token.
	InputCredentials Input = "credentials"
	// InputIdP is the identity provider.
	InputIdP Input = "idp"
)

// Giver returns the first step of the flow that gives in, or "" when none
// does.
func Giver(in Input) StepID {
	for _, s := range Flow() {
		if slices.Contains(s.Gives, in) {
			return s.ID
		}
	}
	return ""
}

// Flow returns the steps in order.
func Flow() []Step {
	return []Step{
		{ID: StepConnection, Title: "SSO connection",
			Summary:  "Pick the SSO connection to set SCIM up on; Docker has no API that lists connections, so the admin names it.",
			Needs:    []string{"organization name"},
			Produces: []string{"connection name", "connection type (SAML or Azure AD (OIDC))"},
			Guided:   true, Real: ModeGuided, Sandbox: ModeAutomatic,
			Gives: []Input{InputConnection}},
		{ID: StepPreflight, Title: "Preflight checks",
			Summary:  "Check the Business plan, the SSO connection, a verified domain, JIT provisioning, and which members SCIM will link and which stay outside it.",
			Needs:    []string{"organization name", "connection", "plan, verified domains and JIT state (asked on real Docker)", "org members (Hub API, optional)"},
			Produces: []string{"findings with fixes"},
			Real:     ModeInput, Sandbox: ModeAutomatic,
			Requires: []Input{InputConnection}},
		{ID: StepSetupSCIM, Title: "Enable SCIM",
			Summary:  "Turn SCIM on for the connection in Docker Home (Enable SCIM; the seed calls it Setup SCIM) and copy the SCIM Base URL and API Token.",
			Needs:    []string{"connection name"},
			Produces: []string{"SCIM Base URL", "API Token (kept in memory only)"},
			Guided:   true, Real: ModeGuided, Sandbox: ModeAutomatic,
			Requires: []Input{InputConnection}, Gives: []Input{InputCredentials}},
		{ID: StepVerify, Title: "Verify the credentials",
			Summary:  "Call GET /ServiceProviderConfig and GET /Users with the token, read-only, to prove the pair works.",
			Needs:    []string{"SCIM Base URL", "API Token"},
			Produces: []string{"verification results"},
			Real:     ModeAutomatic, Sandbox: ModeAutomatic,
			Requires: []Input{InputCredentials}},
		{ID: StepCredentials, Title: "SCIM Base URL and API Token",
			Summary:  "Copy the two values for pasting into the identity provider.",
			Needs:    []string{"SCIM Base URL", "API Token"},
			Produces: []string{"values on the clipboard"},
			Real:     ModeInput, Sandbox: ModeInput,
			Requires: []Input{InputCredentials}},
		{ID: StepIdP, Title: "Identity provider",
			Summary:  "Choose the identity provider; the connection type narrows the choice.",
			Needs:    []string{"connection type"},
			Produces: []string{"identity provider"},
			Real:     ModeInput, Sandbox: ModeInput,
			Requires: []Input{InputConnection}, Gives: []Input{InputIdP}},
		{ID: StepChecklist, Title: "IdP checklist",
			Summary:  "Tick off each step in the identity provider's console, with the field label for each pasted value.",
			Needs:    []string{"identity provider", "connection type"},
			Produces: []string{"checked items"},
			Real:     ModeIdP, Sandbox: ModeIdP,
			Requires: []Input{InputIdP}},
		{ID: StepReadBack, Title: "Read back",
			Summary:  "Read users through SCIM and teams through the Hub API to confirm that provisioning and group mapping arrived.",
			Needs:    []string{"SCIM Base URL", "API Token", "organization name", "Hub access (optional, for teams)"},
			Produces: []string{"verification results"},
			Real:     ModeAutomatic, Sandbox: ModeAutomatic,
			Requires: []Input{InputCredentials}},
		{ID: StepDone, Title: "Done",
			Summary:  "Show what is left and export the runbook (Markdown or JSON, never the token).",
			Needs:    []string{"checked items", "verification results", "findings"},
			Produces: []string{"runbook"},
			Real:     ModeInput, Sandbox: ModeInput},
	}
}

// Position returns the 1-based position of id in the flow and the number of
// steps, for headers such as "Step 3 of 9"; 0 when id is not in the flow.
func Position(id StepID) (int, int) {
	flow := Flow()
	for i, s := range flow {
		if s.ID == id {
			return i + 1, len(flow)
		}
	}
	return 0, len(flow)
}

// Title returns the title of step id.
func Title(id StepID) string {
	for _, s := range Flow() {
		if s.ID == id {
			return s.Title
		}
	}
	return string(id)
}
