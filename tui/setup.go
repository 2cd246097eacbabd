package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// setupDoneMsg carries the outcome of Setup SCIM to the screen that asked,
// even when the admin went back meanwhile (the token is issued only once).
type setupDoneMsg struct {
	owner *setupScreen
	creds client.SCIMCredentials
	err   error
}

func (m setupDoneMsg) ownerScreen() screen { return m.owner }

// setupScreen confirms and performs Setup SCIM on the chosen connection.
type setupScreen struct {
	c       *common
	conn    client.Connection
	confirm key.Binding
	spinner spinner.Model
	busy    bool
	err     error
	creds   *client.SCIMCredentials
}

// issued holds credentials this session already got for conn, or is nil:
// then enter goes on with them instead of asking Docker again.
func newSetupScreen(c *common, conn client.Connection, issued *client.SCIMCredentials) *setupScreen {
	label := "set up SCIM"
	switch {
	case issued != nil:
		label = "continue"
	case conn.SCIMEnabled:
		label = "refresh the API Token"
	}
	return &setupScreen{
		c:       c,
		conn:    conn,
		confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", label)),
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		creds:   issued,
	}
}

func (s *setupScreen) step() steps.StepID { return steps.StepSetupSCIM }

func (s *setupScreen) Init() tea.Cmd { return nil }

func (s *setupScreen) keys() []key.Binding {
	if s.busy {
		return nil
	}
	return []key.Binding{s.confirm}
}

// runSetup performs Setup SCIM (flow.SetupSCIM: a connection that has
// SCIM already, or gets it meanwhile, has its token refreshed).
func runSetup(owner *setupScreen, env *flow.Env, conn client.Connection) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		creds, err := flow.SetupSCIM(ctx, env, conn)
		return setupDoneMsg{owner: owner, creds: creds, err: err}
	}
}

func (s *setupScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case setupDoneMsg:
		s.busy, s.err = false, msg.err
		if msg.err != nil {
			return s, nil
		}
		s.creds = &msg.creds
		s.conn.SCIMEnabled = true
		return s, emit(scimReadyMsg{creds: msg.creds})
	case spinner.TickMsg:
		return s, tickSpinner(&s.spinner, s.busy, msg)
	case tea.KeyPressMsg:
		if s.busy || !key.Matches(msg, s.confirm) {
			return s, nil
		}
		if s.creds != nil {
			return s, emit(scimReadyMsg{creds: *s.creds})
		}
		s.busy, s.err = true, nil
		return s, tea.Batch(s.spinner.Tick, runSetup(s, s.c.cfg.Env, s.conn))
	}
	return s, nil
}

func (s *setupScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(connHeading(st, s.conn) + "\n\n")
	b.WriteString(st.wrap("In Docker: "+steps.SetupSCIMPath, w) + "\n\n")
	b.WriteString(st.warn.Render("Note: ") + st.wrap(steps.SSONotEnforced, w-6) + "\n\n")
	switch {
	case s.busy:
		b.WriteString(s.spinner.View() + " Setting up SCIM…")
	case s.err != nil:
		b.WriteString(st.err.Render("✗ ") + st.wrap(s.err.Error(), w-2) + "\n\nPress enter to try again.")
	case s.creds != nil:
		b.WriteString(st.ok.Render("✓ SCIM is set up.") + " Press enter to see the SCIM Base URL and API Token.")
	case s.conn.SCIMEnabled:
		b.WriteString(st.wrap("SCIM is already set up on this connection. Press enter to refresh the **API Token**: "+
			"the old token stops working at once, so the IdP needs the new one.", w))
	default:
		b.WriteString("Press enter to run " + st.bold.Render("Setup SCIM") + " on this connection.")
	}
	return b.String()
}
