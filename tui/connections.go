package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// requestTimeout bounds every API call the wizard makes.
const requestTimeout = 30 * time.Second

type connectionsLoadedMsg struct {
	conns []client.Connection
	err   error
}

// connectionsScreen lists the organization's SSO connections.
type connectionsScreen struct {
	c       *common
	keymap  listKeys
	retry   key.Binding
	spinner spinner.Model
	loading bool
	err     error
	conns   []client.Connection
	cursor  int
}

func newConnectionsScreen(c *common) *connectionsScreen {
	return &connectionsScreen{
		c:       c,
		keymap:  newListKeys("set up SCIM"),
		retry:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		loading: true,
	}
}

func (s *connectionsScreen) step() steps.StepID { return steps.StepConnection }

func (s *connectionsScreen) Init() tea.Cmd {
	s.loading, s.err = true, nil
	return tea.Batch(s.spinner.Tick, loadConnections(s.c.cfg.Console, s.c.cfg.Org))
}

func loadConnections(console client.Console, org string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		conns, err := console.Connections(ctx, org)
		return connectionsLoadedMsg{conns: conns, err: err}
	}
}

func (s *connectionsScreen) keys() []key.Binding {
	if s.err != nil {
		return []key.Binding{s.retry}
	}
	return []key.Binding{s.keymap.Up, s.keymap.Down, s.keymap.Choose}
}

func (s *connectionsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case connectionsLoadedMsg:
		s.loading, s.err, s.conns = false, msg.err, msg.conns
		return s, nil
	case spinner.TickMsg:
		if !s.loading {
			return s, nil
		}
		var cmd tea.Cmd
		s.spinner, cmd = s.spinner.Update(msg)
		return s, cmd
	case tea.KeyPressMsg:
		if s.loading {
			return s, nil
		}
		switch {
		case s.err != nil && key.Matches(msg, s.retry):
			return s, s.Init()
		case key.Matches(msg, s.keymap.Up):
			s.cursor = max(0, s.cursor-1)
		case key.Matches(msg, s.keymap.Down):
			s.cursor = min(len(s.conns)-1, s.cursor+1)
		case key.Matches(msg, s.keymap.Choose) && len(s.conns) > 0:
			return s, emit(connectionChosenMsg{conn: s.conns[s.cursor]})
		}
	}
	return s, nil
}

func (s *connectionsScreen) View() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString(st.wrap("Pick the SSO connection to provision through SCIM.", s.c.contentWidth()) + "\n\n")
	switch {
	case s.loading:
		b.WriteString(s.spinner.View() + " Loading SSO connections…")
	case s.err != nil:
		b.WriteString(st.err.Render("✗ ") + st.wrap(s.err.Error(), s.c.contentWidth()-2))
	case len(s.conns) == 0:
		b.WriteString("This organization has no SSO connection. Create one first: " +
			st.rich("**Admin Console** → **SSO and SCIM** → **Create Connection**."))
	default:
		for i, c := range s.conns {
			scim := st.subtle.Render("SCIM off")
			if c.SCIMEnabled {
				scim = st.ok.Render("SCIM on")
			}
			line := fmt.Sprintf("%-22s %-16s %-30s %s", c.Name, c.Type.Label(), idpLabel(c.IdP), scim)
			if i == s.cursor {
				b.WriteString(st.selected.Render("> " + line))
			} else {
				b.WriteString("  " + line)
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func idpLabel(id string) string {
	if p, err := steps.ParseIdP(id); err == nil {
		return p.Label()
	}
	return id
}
