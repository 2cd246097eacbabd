// Package steps is the wizard's flow and every identity provider's checklist
// as data. It holds all user-facing text for the IdP steps, shared by the TUI,
// the plain mode and exports. It has no UI code.
package steps

// StepID names one step of the flow.
type StepID string

// The steps of the wizard, in order.
const (
	StepConnection  StepID = "connection"
	StepSetupSCIM   StepID = "setup-scim"
	StepCredentials StepID = "credentials"
	StepIdP         StepID = "idp"
	StepChecklist   StepID = "checklist"
	StepDone        StepID = "done"
)

// Step is one screen of the wizard.
type Step struct {
	ID    StepID
	Title string
	// Guided is true when, against real Docker, the admin does this step by
	// hand in the Admin Console (Docker publishes no API for it); the sandbox
	// performs it through its console API.
	Guided bool
}

// Flow returns the steps in order.
func Flow() []Step {
	return []Step{
		{ID: StepConnection, Title: "SSO connection", Guided: true},
		{ID: StepSetupSCIM, Title: "Setup SCIM", Guided: true},
		{ID: StepCredentials, Title: "SCIM Base URL and API Token"},
		{ID: StepIdP, Title: "Identity provider"},
		{ID: StepChecklist, Title: "Group mapping checklist"},
		{ID: StepDone, Title: "Done"},
	}
}

// Position returns the 1-based position of id in the flow and the number of
// steps, for headers such as "Step 2 of 6".
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

// Text that the wizard shows around the steps, from Docker's SCIM page.
const (
	// SetupSCIMPath is where Setup SCIM lives in Docker's Admin Console.
	SetupSCIMPath = "**Admin Console** → **SSO and SCIM** → **SSO connections** → **Actions** → **Setup SCIM**"
	// SetupSCIMIntro is the seed's first step.
	SetupSCIMIntro = "In the **Single Sign-On Connections**, select the **Actions** icon and **Setup SCIM**."
	// CopyCredentials is the seed's second step.
	CopyCredentials = "Copy the **SCIM Base URL** and **API Token** and paste the values into your IdP."
	// SSONotEnforced is the seed's note on Setup SCIM.
	SSONotEnforced = "Establishing the SSO connection lets you set up SCIM. However, this doesn't enforce SSO."
	// EnforceSSO says what to do about it.
	EnforceSSO = "To enforce SSO: **Admin Console** → **SSO and SCIM** → **SSO connections** → **Actions** → **Enable enforcement** → **Turn on enforcement**."
	// EnforceSSODocs is Docker's page on enforcing SSO.
	EnforceSSODocs = "https://docs.docker.com/enterprise/security/single-sign-on/connect/#optional-enforce-sso"
	// SCIMDocs is Docker's SCIM page.
	SCIMDocs = "https://docs.docker.com/enterprise/security/provisioning/scim/"
)
