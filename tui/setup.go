package tui

import (
	"context"
	"errors"
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
// Refreshing the API Token of a connection that has SCIM already is
// destructive (the old token stops working), so it asks first.
type setupScreen struct {
	setupKeys
	c       *common
	conn    client.Connection
	spinner spinner.Model
	busy    bool
	// asking is true while the refresh question is shown.
	asking bool
	// meanwhile is set when Docker answered 409: SCIM was set up on the
	// connection after the list was read.
	meanwhile bool
	err       error
	creds     *client.SCIMCredentials
}

// issued holds credentials this session already got for conn, or is nil:
// then enter goes on with them instead of asking Docker again.
func newSetupScreen(c *common, conn client.Connection, issued *client.SCIMCredentials) *setupScreen {
	return &setupScreen{setupKeys: newSetupKeys(),
		c:       c,
		conn:    conn,
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		creds:   issued,
	}
}

func (s *setupScreen) step() steps.StepID { return steps.StepSetupSCIM }

func (s *setupScreen) Init() tea.Cmd { return nil }

// typing is true while the refresh question is shown: esc answers it
// instead of going back.
func (s *setupScreen) typing() bool { return s.asking }

func (s *setupScreen) keys() []key.Binding {
	switch {
	case s.busy:
		return nil
	case s.asking:
		return []key.Binding{s.yes, s.no}
	}
	confirm := s.confirm
	switch {
	case s.creds != nil:
		confirm.SetHelp("enter", "continue")
	case s.err != nil:
		confirm.SetHelp("enter", "try again")
	case s.conn.SCIMEnabled:
		confirm.SetHelp("enter", "issue a new token (sandbox)…")
	default:
		confirm.SetHelp("enter", "enable SCIM")
	}
	return []key.Binding{confirm}
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
		if errors.Is(msg.err, flow.ErrSCIMAlreadyOn) {
			// Set up meanwhile: a refresh is what is left, asked first.
			s.err, s.conn.SCIMEnabled, s.asking, s.meanwhile = nil, true, true, true
			return s, nil
		}
		if msg.err != nil {
			return s, nil
		}
		s.creds = &msg.creds
		s.conn.SCIMEnabled = true
		return s, emit(scimReadyMsg{creds: msg.creds})
	case spinner.TickMsg:
		return s, tickSpinner(&s.spinner, s.busy, msg)
	case tea.KeyPressMsg:
		return s.updateKey(msg)
	}
	return s, nil
}

func (s *setupScreen) updateKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	switch {
	case s.busy:
		return s, nil
	case s.asking && key.Matches(msg, s.yes):
		s.asking = false
		return s, s.run()
	case s.asking && key.Matches(msg, s.no):
		s.asking = false
		return s, nil
	case s.asking || !key.Matches(msg, s.confirm):
		return s, nil
	case s.creds != nil:
		return s, emit(scimReadyMsg{creds: *s.creds})
	case s.conn.SCIMEnabled:
		s.asking = true
		return s, nil
	}
	return s, s.run()
}

// run starts Setup SCIM (or the refresh) in the background.
func (s *setupScreen) run() tea.Cmd {
	s.busy, s.err = true, nil
	return tea.Batch(s.spinner.Tick, runSetup(s, s.c.cfg.Env, s.conn))
}

func (s *setupScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(connHeading(st, s.conn, s.c.contentWidth()) + "\n\n")
	b.WriteString(st.wrap("In "+steps.EnableSCIMPath()+".", w) + "\n\n")
	b.WriteString(st.warn.Render("Note: ") + st.wrap(steps.Docker().SeedSSONote.Text, w-6) + "\n\n")
	switch {
	case s.busy:
		b.WriteString(s.spinner.View() + " Setting up SCIM…")
	case s.err != nil:
		b.WriteString(errorPanel(st, s.err, w))
	case s.creds != nil:
		b.WriteString(st.ok.Render("✓ SCIM is set up.") + " " + st.wrap("Press enter to see the SCIM Base URL and API Token.", w-18))
	case s.asking && s.meanwhile:
		b.WriteString(st.warn.Render("SCIM was set up on this connection meanwhile.") + "\n" +
			st.wrap("Docker answered 409: someone enabled SCIM after the list was read. Only a new API Token can be "+
				"issued now, and it stops the current one at once. Issue a new one?", w))
	case s.asking:
		b.WriteString(st.warn.Render("Have the sandbox issue a new API Token now?") + "\n" +
			st.wrap("In the sandbox the old token stops working at once: provisioning from the identity provider fails "+
				"until it has the new one. Do it only if you lost the token or mean to replace it.", w))
	case s.conn.SCIMEnabled:
		b.WriteString(st.wrap("SCIM is already on for this connection. In Docker, "+steps.Docker().EditSCIM.Text+
			" shows the values again; the sandbox keeps no copy of a token it issued, so press enter to have it issue a "+
			"new **API Token** (you are asked first; a sandbox-only action: "+steps.TokenLifetimeUnknown+")", w))
	default:
		b.WriteString("Press enter and the sandbox does this for the connection.")
	}
	return b.String()
}
