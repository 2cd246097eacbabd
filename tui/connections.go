package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// requestTimeout bounds every API call the wizard makes.
const requestTimeout = 30 * time.Second

// chromeLines is how many lines the header, intro and footer take around a
// list, so the list gets the rest of the window.
const chromeLines = 10

// connectionsLoadedMsg is the org read for the connection list that asked:
// it reaches that screen even while another one (the resume offer) is on top.
type connectionsLoadedMsg struct {
	owner *connectionsScreen
	org   client.OrgInfo
	err   error
}

func (m connectionsLoadedMsg) ownerScreen() screen { return m.owner }

// connectionsScreen lists the organization's SSO connections, with a filter.
type connectionsScreen struct {
	c          *common
	keymap     listKeys
	retry      key.Binding
	filterKey  key.Binding
	spinner    spinner.Model
	filter     textinput.Model
	filtering  bool
	loading    bool
	err        error
	org        client.OrgInfo
	conns      []client.Connection
	haystack   []string // per connection, the lower-cased text the filter searches
	visible    []int    // indexes into conns that match the filter
	cursor     int      // index into visible
	firstShown int      // index into visible of the first row on screen
}

func newConnectionsScreen(c *common) *connectionsScreen {
	f := textinput.New()
	f.Prompt = "/ "
	f.Placeholder = "filter by name, type or IdP"
	return &connectionsScreen{
		c:         c,
		keymap:    newListKeys("choose"),
		retry:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		filterKey: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		spinner:   spinner.New(spinner.WithSpinner(spinner.Dot)),
		filter:    f,
		loading:   true,
	}
}

func (s *connectionsScreen) step() steps.StepID { return steps.StepConnection }

func (s *connectionsScreen) typing() bool { return s.filtering }

func (s *connectionsScreen) Init() tea.Cmd {
	s.loading, s.err = true, nil
	return tea.Batch(s.spinner.Tick, loadConnections(s, s.c.cfg.Console, s.c.cfg.Org))
}

// loadConnections reads the org with its SSO connections in one request;
// the preflight step reuses the plan and domains.
func loadConnections(owner *connectionsScreen, console client.Console, org string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		info, err := console.Org(ctx, org)
		return connectionsLoadedMsg{owner: owner, org: info, err: err}
	}
}

func (s *connectionsScreen) keys() []key.Binding {
	switch {
	case s.err != nil:
		return []key.Binding{s.retry}
	case s.filtering:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter/esc", "done filtering"))}
	}
	return []key.Binding{s.keymap.Up, s.keymap.Down, s.keymap.Choose, s.filterKey}
}

// applyFilter recomputes the visible rows for the filter text.
func (s *connectionsScreen) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(s.filter.Value()))
	s.visible = s.visible[:0]
	for i := range s.conns {
		if q == "" || strings.Contains(s.haystack[i], q) {
			s.visible = append(s.visible, i)
		}
	}
	s.cursor, s.firstShown = 0, 0
}

func (s *connectionsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case connectionsLoadedMsg:
		s.loading, s.err, s.org, s.conns = false, msg.err, msg.org, msg.org.Connections
		// What the filter searches, lower-cased once rather than per key.
		s.haystack = make([]string, len(s.conns))
		for i, c := range s.conns {
			s.haystack[i] = strings.ToLower(c.Name + " " + c.Type.Label() + " " + idpLabel(c.IdP))
		}
		s.applyFilter()
		return s, nil
	case spinner.TickMsg:
		return s, tickSpinner(&s.spinner, s.loading, msg)
	case tea.KeyPressMsg:
		if s.filtering {
			return s.updateFilter(msg)
		}
		if s.loading {
			return s, nil
		}
		switch {
		case s.err != nil && key.Matches(msg, s.retry):
			return s, s.Init()
		case key.Matches(msg, s.filterKey):
			s.filtering = true
			return s, s.filter.Focus()
		case key.Matches(msg, s.keymap.Up):
			s.move(-1)
		case key.Matches(msg, s.keymap.Down):
			s.move(1)
		case key.Matches(msg, s.keymap.Choose) && len(s.visible) > 0:
			org := s.org
			return s, emit(connectionChosenMsg{conn: s.conns[s.visible[s.cursor]], org: &org})
		}
	}
	return s, nil
}

func (s *connectionsScreen) updateFilter(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	switch msg.String() {
	case "enter", "esc":
		s.filtering = false
		s.filter.Blur()
		return s, nil
	}
	var cmd tea.Cmd
	s.filter, cmd = s.filter.Update(msg)
	s.applyFilter()
	return s, cmd
}

// rows is how many list rows fit in the window.
func (s *connectionsScreen) rows() int { return max(3, s.c.height-chromeLines) }

func (s *connectionsScreen) move(by int) {
	s.cursor = min(max(0, s.cursor+by), max(0, len(s.visible)-1))
	if s.cursor < s.firstShown {
		s.firstShown = s.cursor
	}
	if s.cursor >= s.firstShown+s.rows() {
		s.firstShown = s.cursor - s.rows() + 1
	}
}

func (s *connectionsScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(st.wrap("Pick the SSO connection to provision through SCIM.", w) + "\n\n")
	switch {
	case s.loading:
		b.WriteString(s.spinner.View() + " Loading SSO connections…")
	case s.err != nil:
		b.WriteString(errorPanel(st, s.err, w))
	case len(s.conns) == 0:
		b.WriteString(st.wrap("This organization has no SSO connection. Create one first: "+
			steps.Path(steps.Docker().SSOAndSCIM.Text, steps.Docker().CreateConnection.Text)+".", w))
	default:
		if s.filtering || s.filter.Value() != "" {
			b.WriteString(s.filter.View() + st.subtle.Render(fmt.Sprintf("  %d of %d", len(s.visible), len(s.conns))) + "\n")
		}
		end := min(len(s.visible), s.firstShown+s.rows())
		for row := s.firstShown; row < end; row++ {
			line := s.row(s.conns[s.visible[row]], w-2)
			if row == s.cursor {
				b.WriteString(st.selected.Render("> "+line) + "\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
		if len(s.visible) == 0 {
			b.WriteString(st.subtle.Render("No connection matches the filter.") + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// row lays out one connection in width columns: name, type, IdP, SCIM state.
// Columns line up across rows; narrow windows drop the IdP column.
func (s *connectionsScreen) row(c client.Connection, width int) string {
	const typeW, scimW = 16, 8
	scim := "SCIM off"
	if c.SCIMEnabled {
		scim = "SCIM on"
	}
	idpW := 0
	for _, p := range steps.IdPs() {
		idpW = max(idpW, len(p.Label()))
	}
	if nameW := min(28, width-typeW-idpW-scimW-3); nameW >= 14 {
		return fmt.Sprintf("%-*s %-*s %-*s %s", nameW, ansi.Truncate(c.Name, nameW, "…"), typeW, c.Type.Label(), idpW, idpLabel(c.IdP), scim)
	}
	nameW := max(8, width-typeW-scimW-2)
	return fmt.Sprintf("%-*s %-*s %s", nameW, ansi.Truncate(c.Name, nameW, "…"), typeW, c.Type.Label(), scim)
}

// connHeading names the connection in bold, with its type and IdP, as the
// screens after the connection step open.
func connHeading(st styles, conn client.Connection) string {
	return st.bold.Render(conn.Name) + st.subtle.Render("  "+conn.Type.Label()+" · "+idpLabel(conn.IdP))
}

func idpLabel(id string) string {
	if p, err := steps.ParseIdP(id); err == nil {
		return p.Label()
	}
	return id
}
