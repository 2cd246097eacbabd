package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// advance moves the flow on when a screen reports that its step is done:
// it records the result in the session and opens the next screen. ok is
// false for any other message.
//
// A flow message from a step that is no longer on top is dropped: flow
// messages arrive through commands, so a second key that reached a screen
// before the first one's message moved the flow on (type-ahead on a busy
// machine) would otherwise open the next screen twice.
func (m Model) advance(msg tea.Msg) (next tea.Model, cmd tea.Cmd, ok bool) {
	if from, isFlow := flowStep(msg); isFlow && m.top().step() != from {
		return m, nil, true
	}
	switch msg := msg.(type) {
	case connectionChosenMsg:
		if msg.conn.ID != m.session.conn.ID || msg.conn.Name != m.session.conn.Name {
			// Another connection: what was issued for the last one is not its.
			m.session.creds, m.session.setupAt, m.session.probe = client.SCIMCredentials{}, time.Time{}, client.ProbeResult{}
			m.session.draft = guidedDraft{}
		}
		scimOn := m.session.conn.SCIMEnabled && msg.conn.ID == m.session.conn.ID
		m.session.conn = msg.conn
		m.session.conn.SCIMEnabled = m.session.conn.SCIMEnabled || scimOn
		if idp, err := steps.ParseIdP(msg.conn.IdP); err == nil {
			m.session.idp = idp
		}
		next, cmd = m.push(newPreflightScreen(m.c, msg.conn, msg.org))
	case preflightDoneMsg:
		m.session.findings = msg.findings
		next, cmd = m.push(m.setupScreen())
	case scimReadyMsg:
		if msg.creds.Token.Value() != m.session.creds.Token.Value() {
			// A token the admin pasted is one they have; one the sandbox
			// issued must be copied or revealed before quitting.
			m.session.secured = !m.c.cfg.Sandbox
		}
		m.session.creds = msg.creds
		m.session.conn.SCIMEnabled = true
		if m.session.readBackDepth == 0 || m.session.setupAt.IsZero() {
			m.session.setupAt = m.c.cfg.Now()
		}
		next, cmd = m.push(newVerifyScreen(m.c, msg.creds))
	case verifiedMsg:
		m.session.probe = msg.result
		if m.session.readBackDepth > 0 {
			// Resumed after the checklist: the token was asked for again
			// only to read back.
			m.session.readBackDepth = 0
			next, cmd = m.push(m.readBackScreen())
			break
		}
		next, cmd = m.push(newCredentialsScreen(m.c, m.session.creds, m.session.idp, m.connType()))
	case credentialsDoneMsg:
		next, cmd = m.push(newIdPScreen(m.c, m.session.idp, m.connType()))
	case idpChosenMsg:
		m.session.idp = msg.idp
		next, cmd = m.pushChecklist()
	case checklistDoneMsg:
		if m.session.creds.Token.IsZero() {
			// Resumed: the token is never saved, and reading back needs it.
			m.session.readBackDepth = len(m.stack) + 1
			next, cmd = m.push(m.setupScreen())
			nm := next.(Model)
			nm.notice = "The API Token is never saved between runs: give it again to verify and read back."
			next = nm
			break
		}
		next, cmd = m.push(m.readBackScreen())
	case readBackDoneMsg:
		m.session.users, m.session.teams = msg.users, msg.teams
		next, cmd = m.push(newDoneScreen(m.c, m.summary()))
	default:
		return m.advanceMembers(msg)
	}
	return next, cmd, true
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
func (m Model) connType() steps.ConnectionType { return connectionType(m.session.conn.Type) }

// runbook is the record of this setup for export; it has no token field.
func (m Model) runbook(at time.Time) steps.Runbook {
	return steps.Runbook{
		Org:            m.c.cfg.Org,
		Connection:     m.session.conn.Name,
		IdP:            m.session.idp,
		ConnectionType: m.connType(),
		BaseURL:        m.session.creds.BaseURL,
		Checked:        m.session.checked,
		Findings:       m.session.findings,
		Verification:   verification(m.session.probe),
		GeneratedAt:    at,
	}
}

// readBackScreen watches for users and teams provisioned since setup.
func (m Model) readBackScreen() screen {
	return newReadBackScreen(m.c, readBackInput{
		org: m.c.cfg.Org, conn: m.session.conn, idp: m.session.idp, creds: m.session.creds, since: m.session.setupAt,
	})
}

// setupScreen performs Setup SCIM on the sandbox; against real Docker it
// guides the admin through the Admin Console and takes the pasted values.
//
// Credentials this session already has for the connection are reused, so
// going back and forth neither asks Docker for a new token nor loses a
// pasted one.
func (m Model) setupScreen() screen {
	if m.c.cfg.Sandbox {
		var issued *client.SCIMCredentials
		if !m.session.creds.Token.IsZero() {
			creds := m.session.creds
			issued = &creds
		}
		return newSetupScreen(m.c, m.session.conn, issued)
	}
	preset := m.c.cfg.Preset.Credentials
	if preset.BaseURL == "" {
		// The base URL saved with the progress (never the token).
		preset.BaseURL = m.session.creds.BaseURL
	}
	if preset.Token.IsZero() {
		preset.Token = m.session.creds.Token
	}
	s := newGuidedSetupScreen(m.c, m.session.conn, preset)
	s.restore(m.session.draft)
	return s
}
