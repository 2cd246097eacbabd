package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// Messages screens send to the root to move through the flow.
type (
	// connectionChosenMsg: org is what the connection list already read
	// (plan, domains), or nil when nothing was (the real-Docker form).
	connectionChosenMsg struct {
		conn client.Connection
		org  *client.OrgInfo
	}
	scimReadyMsg struct {
		creds client.SCIMCredentials
		// refreshed is true when the sandbox issued a new API Token for a
		// connection that had one (the identity provider needs the new one).
		refreshed bool
	}
	credentialsDoneMsg struct{}
	idpChosenMsg       struct{ idp steps.IdP }
	// checkedMsg carries the checklist's ticks after a change. Commands run
	// concurrently, so two quick ticks can arrive out of order: seq orders
	// them and the root keeps the newest.
	checkedMsg struct {
		checked map[string]bool
		seq     int
	}
	checklistDoneMsg struct{}
	finishMsg        struct{}
	// preflightDoneMsg: the admin read the preflight findings and
	// continues. jitSaid is the admin's answer about JIT where the
	// environment cannot read it, else nil.
	preflightDoneMsg struct {
		facts   flow.Facts
		jitSaid *bool
	}
	// openURLMsg asks the root to open url in the browser (or show it).
	openURLMsg struct{ url string }
	// exportRunbookMsg asks the root to write the runbook to a file.
	exportRunbookMsg struct{}
	// verifiedMsg: the verify screen's probe passed and the admin continues.
	verifiedMsg struct{ result client.ProbeResult }
	// readBackDoneMsg: the admin leaves the read-back screen with what it saw.
	readBackDoneMsg  struct{ feed flow.Feed }
	tokenRevealedMsg struct{}
	startOverMsg     struct{}
)

// emit returns a command that delivers msg.
func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
