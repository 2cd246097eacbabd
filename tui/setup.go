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

// setupDoneMsg carries the outcome of Enable SCIM, Edit SCIM or a new
// sandbox token to the screen that asked, even when the admin went back
// meanwhile (a token issued must not be lost).
type setupDoneMsg struct {
	owner     *setupScreen
	creds     client.SCIMCredentials
	refreshed bool
	err       error
}

func (m setupDoneMsg) ownerScreen() screen { return m.owner }

// setupScreen performs Enable SCIM on the chosen connection, or Edit SCIM
// (the values again, nothing issued) when it has SCIM already. Having the
// sandbox issue a new API Token is a separate action (r), asked first: the
// old token stops working. It is also offered when Edit SCIM cannot show a
// token issued before the sandbox restarted.
type setupScreen struct {
	setupKeys
	c       *common
	conn    client.Connection
	spinner spinner.Model
	busy    bool
	// asking is true while the new-token question is shown; lost says it
	// was asked because Edit SCIM could not show the token.
	asking, lost bool
	err          error
	creds        *client.SCIMCredentials
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

// typing is true while the new-token question is shown: esc answers it
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
		confirm.SetHelp("enter", "show the values again")
	default:
		confirm.SetHelp("enter", "enable SCIM")
	}
	if s.conn.SCIMEnabled {
		return []key.Binding{confirm, s.refresh}
	}
	return []key.Binding{confirm}
}

// runSetup performs Enable SCIM, or Edit SCIM on a connection that has SCIM
// already (flow.SetupSCIM), or, when refresh is set, has the sandbox issue
// a new API Token (flow.RefreshSCIMToken).
func runSetup(owner *setupScreen, env *flow.Env, conn client.Connection, refresh bool) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		do := flow.SetupSCIM
		if refresh {
			do = flow.RefreshSCIMToken
		}
		creds, err := do(ctx, env, conn)
		return setupDoneMsg{owner: owner, creds: creds, refreshed: refresh, err: err}
	}
}

func (s *setupScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case setupDoneMsg:
		s.busy, s.err = false, msg.err
		if errors.Is(msg.err, client.ErrTokenNotKept) {
			s.err, s.asking, s.lost = nil, true, true
			return s, nil
		}
		if msg.err != nil {
			return s, nil
		}
		s.creds = &msg.creds
		s.conn.SCIMEnabled = true
		return s, emit(scimReadyMsg{creds: msg.creds, refreshed: msg.refreshed})
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
		s.asking, s.lost = false, false
		return s, s.run(true)
	case s.asking && key.Matches(msg, s.no):
		s.asking, s.lost = false, false
		return s, nil
	case s.asking:
		return s, nil
	case s.conn.SCIMEnabled && key.Matches(msg, s.refresh):
		s.asking = true
		return s, nil
	case !key.Matches(msg, s.confirm):
		return s, nil
	case s.creds != nil:
		return s, emit(scimReadyMsg{creds: *s.creds})
	}
	return s, s.run(false)
}

// run starts Enable SCIM, Edit SCIM or (refresh) a new token in the
// background.
func (s *setupScreen) run(refresh bool) tea.Cmd {
	s.busy, s.err = true, nil
	return tea.Batch(s.spinner.Tick, runSetup(s, s.c.cfg.Env, s.conn, refresh))
}

func (s *setupScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	edit := steps.Docker().EditSCIM.Text
	var b strings.Builder
	b.WriteString(connHeading(st, s.conn, s.c.contentWidth()) + "\n\n")
	b.WriteString(st.wrap("In "+steps.EnableSCIMPath()+".", w) + "\n\n")
	b.WriteString(st.warn.Render("Note: ") + st.wrap(steps.Docker().SeedSSONote.Text, w-6) + "\n\n")
	switch {
	case s.busy:
		b.WriteString(s.spinner.View() + " Asking the sandbox…")
	case s.err != nil:
		b.WriteString(errorPanel(st, s.err, w))
	case s.creds != nil:
		b.WriteString(st.ok.Render("✓ SCIM is set up.") + " " + st.wrap("Press enter to see the SCIM Base URL and API Token.", w-18))
	case s.asking:
		if s.lost {
			b.WriteString(st.wrap(edit+" cannot show this connection's API Token: the sandbox restarted since it was issued "+
				"and kept only its hash.", w) + "\n")
		}
		b.WriteString(st.warn.Render("Have the sandbox issue a new API Token now?") + "\n" +
			st.wrap("The old token stops working at once: provisioning from the identity provider fails until it has "+
				"the new one. A sandbox-only action: "+steps.TokenLifetimeUnknown, w))
	case s.conn.SCIMEnabled:
		b.WriteString(st.wrap("SCIM is already on for this connection. Press enter for "+edit+": it shows the SCIM "+
			"Base URL and API Token again and issues nothing new. Press r to have the sandbox issue a new **API Token** "+
			"instead (you are asked first).", w))
	default:
		b.WriteString("Press enter and the sandbox does this for the connection.")
	}
	return b.String()
}
