package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// advance moves the flow on when a screen reports that its step is done:
// it records the result in the run, then shows the screen for the step
// flow.Run.Next returns. ok is false for any other message.
//
// A flow message from a step that is no longer on top is dropped: flow
// messages arrive through commands, so a second key that reached a screen
// before the first one's message moved the flow on (type-ahead on a busy
// machine) would otherwise open the next screen twice.
func (m Model) advance(msg tea.Msg) (next tea.Model, cmd tea.Cmd, ok bool) {
	from, isFlow := flowStep(msg)
	if !isFlow {
		return m.advanceMembers(msg)
	}
	if m.top().step() != from {
		return m, nil, true
	}
	run := &m.session.Run
	switch msg := msg.(type) {
	case connectionChosenMsg:
		if msg.conn.ID != run.Conn.ID || msg.conn.Name != run.Conn.Name {
			// Another connection: what was typed for the last one is not its.
			m.session.draft = guidedDraft{}
		}
		run.ChooseConnection(msg.conn)
		run.Org = msg.org
	case preflightDoneMsg:
		run.RecordPreflight(m.c.cfg.Env, msg.facts, msg.jitSaid)
	case scimReadyMsg:
		if msg.refreshed {
			m.session.refreshed = true
		}
		if msg.creds.Token.Value() != run.Creds.Token.Value() {
			// A token the admin pasted is one they have; one Docker issued
			// here must be copied or revealed before quitting.
			m.session.secured = !m.c.cfg.Env.IssuesSCIM()
		}
		run.RecordCredentials(msg.creds, m.c.cfg.Now())
	case verifiedMsg:
		run.RecordProbe(msg.result)
	case idpChosenMsg:
		run.ChooseIdP(msg.idp)
	case readBackDoneMsg:
		run.RecordFeed(msg.feed)
	}
	detour := run.Waiting() == ""
	step := run.Next(from)
	if step == "" {
		return m, nil, true
	}
	next, cmd = m.show(step)
	if detour && run.Waiting() != "" {
		// The step needs what was not saved between runs.
		nm := next.(Model)
		nm.notice = "The API Token is never saved between runs: give it again to verify and read back."
		next = nm
	}
	return next, cmd, true
}

// show opens the screen of step with what the run has so far.
func (m Model) show(step steps.StepID) (tea.Model, tea.Cmd) {
	run := &m.session.Run
	switch step {
	case steps.StepPreflight:
		return m.push(newPreflightScreen(m.c, *run))
	case steps.StepSetupSCIM:
		return m.push(m.setupScreen())
	case steps.StepVerify:
		return m.push(newVerifyScreen(m.c, run.Creds))
	case steps.StepCredentials:
		return m.push(newCredentialsScreen(m.c, run.Creds, run.IdP, run.ConnectionType()))
	case steps.StepIdP:
		s := newIdPScreen(m.c, run.IdP, run.ConnectionType())
		s.connIdP, _ = steps.ParseIdP(run.Conn.IdP)
		return m.push(s)
	case steps.StepChecklist:
		return m.pushChecklist()
	case steps.StepReadBack:
		return m.push(m.readBackScreen())
	case steps.StepDone:
		return m.push(newDoneScreen(m.c, m.summary()))
	}
	m.stack = m.stack[:1]
	return m, m.persist()
}

// flowStep is the step whose screen sends msg when it is done; isFlow is
// false for any other message.
func flowStep(msg tea.Msg) (from steps.StepID, isFlow bool) {
	switch msg.(type) {
	case connectionChosenMsg:
		return steps.StepConnection, true
	case preflightDoneMsg:
		return steps.StepPreflight, true
	case scimReadyMsg:
		return steps.StepSetupSCIM, true
	case verifiedMsg:
		return steps.StepVerify, true
	case credentialsDoneMsg:
		return steps.StepCredentials, true
	case idpChosenMsg:
		return steps.StepIdP, true
	case checklistDoneMsg:
		return steps.StepChecklist, true
	case readBackDoneMsg:
		return steps.StepReadBack, true
	}
	return "", false
}

// connType is the checklist's connection type for the chosen connection.
func (m Model) connType() steps.ConnectionType { return m.session.ConnectionType() }

// runbook is the record of this setup for export; it has no token field.
func (m Model) runbook(at time.Time) steps.Runbook {
	return flow.Runbook(m.c.cfg.Env, &m.session.Run, at)
}

// readBackScreen watches for users and teams provisioned since setup.
func (m Model) readBackScreen() screen {
	run := m.session.Run
	return newReadBackScreen(m.c, readBackInput{
		org: m.c.cfg.Env.Org, conn: run.Conn, idp: run.IdP, creds: run.Creds, since: run.SetupAt,
	})
}

// setupScreen performs Setup SCIM where the environment issues SCIM
// credentials; elsewhere it guides the admin through the Admin Console and
// takes the pasted values.
//
// Credentials this session already has for the connection are reused, so
// going back and forth neither asks Docker for a new token nor loses a
// pasted one.
func (m Model) setupScreen() screen {
	run := m.session.Run
	if m.c.cfg.Env.IssuesSCIM() {
		var issued *client.SCIMCredentials
		if !run.Creds.Token.IsZero() {
			creds := run.Creds
			issued = &creds
		}
		return newSetupScreen(m.c, run.Conn, issued)
	}
	preset := m.c.cfg.Preset.Credentials
	if preset.BaseURL == "" {
		// The base URL saved with the progress (never the token).
		preset.BaseURL = run.Creds.BaseURL
	}
	if preset.Token.IsZero() {
		preset.Token = run.Creds.Token
	}
	s := newGuidedSetupScreen(m.c, run.Conn, preset)
	s.restore(m.session.draft)
	return s
}
