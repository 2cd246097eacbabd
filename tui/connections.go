package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// requestTimeout bounds each step's API calls: client.StepTimeout leaves
// room for a stalled attempt to be retried.
const requestTimeout = client.StepTimeout

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
	connectionsKeys
	c         *common
	keymap    listKeys
	spinner   spinner.Model
	filter    textinput.Model
	filtering bool
	loading   bool
	err       error
	org       client.OrgInfo
	conns     []client.Connection
	haystack  []string // per connection, the lower-cased text the filter searches
	// widest is the widest name, type and IdP label of the connections,
	// measured once when they load, not on every frame.
	widest     connColumns
	visible    []int // indexes into conns that match the filter
	cursor     int   // index into visible
	firstShown int   // first line of the list on screen (see scrollWindow)
}

// connectionsIntro opens the connection list.
const connectionsIntro = "Pick the SSO connection to provision through SCIM."

func newConnectionsScreen(c *common) *connectionsScreen {
	f := textinput.New()
	f.Prompt = "/ "
	f.Placeholder = "type to filter by name, type or IdP"
	f.KeyMap.Paste.SetEnabled(false)
	return &connectionsScreen{connectionsKeys: newConnectionsKeys(),
		c:       c,
		keymap:  newListKeys("choose"),
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		filter:  f,
		loading: true,
	}
}

func (s *connectionsScreen) step() steps.StepID { return steps.StepConnection }

func (s *connectionsScreen) typing() bool { return s.filtering }

func (s *connectionsScreen) Init() tea.Cmd {
	s.loading, s.err = true, nil
	return tea.Batch(s.spinner.Tick, loadConnections(s, s.c.cfg.Env))
}

// loadConnections reads the org with its SSO connections in one request
// (flow.Connections); the preflight step reuses the plan and domains.
func loadConnections(owner *connectionsScreen, env *flow.Env) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		info, err := flow.Connections(ctx, env)
		// Decode the checklists now, in the background, while the admin
		// reads the list: not before the first frame, whose CPU it would
		// share.
		steps.Preload()
		return connectionsLoadedMsg{owner: owner, org: info, err: err}
	}
}

func (s *connectionsScreen) keys() []key.Binding {
	switch {
	case s.loading:
		return nil
	case s.err != nil:
		return []key.Binding{s.retry}
	case s.filtering:
		return []key.Binding{
			s.filterMove,
			s.keymap.Choose,
			s.clearFilterKey,
		}
	case len(s.conns) == 0:
		return []key.Binding{s.retry}
	}
	keys := []key.Binding{s.keymap.Up, s.keymap.Down, s.keymap.Choose, s.filterKey}
	if s.filter.Value() != "" {
		keys = append(keys, s.clearFilterKey)
	}
	return keys
}

// clearFilter empties the filter and shows every connection again.
func (s *connectionsScreen) clearFilter() {
	s.filtering = false
	s.filter.Blur()
	s.filter.SetValue("")
	s.applyFilter()
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
		s.widest = connColumns{}
		for i, c := range s.conns {
			s.haystack[i] = strings.ToLower(c.Name + " " + c.Type.Label() + " " + idpLabel(c.IdP))
			s.widest.typ = max(s.widest.typ, ansi.StringWidth(c.Type.Label()))
			s.widest.name = max(s.widest.name, ansi.StringWidth(c.Name))
			s.widest.idp = max(s.widest.idp, ansi.StringWidth(idpLabel(c.IdP)))
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
		case (s.err != nil || len(s.conns) == 0) && key.Matches(msg, s.retry):
			return s, s.Init()
		case s.filter.Value() != "" && msg.String() == "esc":
			s.clearFilter()
		case key.Matches(msg, s.filterKey):
			s.filtering = true
			return s, s.filter.Focus()
		case key.Matches(msg, s.keymap.Up):
			s.move(-1)
		case key.Matches(msg, s.keymap.Down):
			s.move(1)
		case key.Matches(msg, s.keymap.Choose):
			return s, s.choose()
		}
	}
	return s, nil
}

// choose picks the connection under the cursor, if any.
func (s *connectionsScreen) choose() tea.Cmd {
	if len(s.visible) == 0 {
		return nil
	}
	org := s.org
	return emit(connectionChosenMsg{conn: s.conns[s.visible[s.cursor]], org: &org})
}

// updateFilter edits the filter; as in fzf or gum, ↑/↓ move the cursor
// meanwhile and enter chooses. esc clears the filter.
func (s *connectionsScreen) updateFilter(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	switch msg.String() {
	case "enter":
		s.filtering = false
		s.filter.Blur()
		return s, s.choose()
	case "esc":
		s.clearFilter()
		return s, nil
	case "up":
		s.move(-1)
		return s, nil
	case "down":
		s.move(1)
		return s, nil
	}
	var cmd tea.Cmd
	s.filter, cmd = s.filter.Update(msg)
	s.applyFilter()
	return s, cmd
}

// rows is how many lines the list (its column heads included) gets.
func (s *connectionsScreen) rows() int {
	used := lineCount(s.c.styles.wrap(connectionsIntro, s.c.contentWidth())) + 1
	if s.filtering || s.filter.Value() != "" {
		used++
	}
	return max(3, s.c.bodyRows-used)
}

func (s *connectionsScreen) move(by int) {
	s.cursor = min(max(0, s.cursor+by), max(0, len(s.visible)-1))
	s.firstShown = scrollTo(s.firstShown, s.cursor, s.cursor+1, s.rows()-1, len(s.visible))
}

func (s *connectionsScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(st.wrap(connectionsIntro, w) + "\n\n")
	switch {
	case s.loading:
		b.WriteString(s.spinner.View() + " Loading SSO connections…")
	case s.err != nil:
		b.WriteString(errorPanel(st, s.err, w))
	case len(s.conns) == 0:
		b.WriteString(st.wrap("This organization has no SSO connection. Create one first: "+
			steps.Path(steps.Docker().SSOAndSCIM.Text, steps.Docker().CreateConnection.Text)+", then press r.", w))
	default:
		if s.filtering || s.filter.Value() != "" {
			f := s.filter
			f.SetWidth(max(10, w-20))
			b.WriteString(f.View() + st.subtle.Render(fmt.Sprintf("  %d of %d", len(s.visible), len(s.conns))) + "\n")
		}
		cols := s.columns(w - 2)
		// Only the rows in the scroll window are laid out: a filter can
		// keep thousands.
		rows := s.rows() - 1
		top := scrollTo(s.firstShown, s.cursor, s.cursor+1, rows, len(s.visible))
		first, end := visibleRange(len(s.visible), top, rows)
		lines := make([]string, 1, len(s.visible)+2)
		lines[0] = st.subtle.Render("  " + cols.row("NAME", "TYPE", "IDP", "SCIM"))
		lines = lines[:len(s.visible)+1]
		for row := first; row < end; row++ {
			c := s.conns[s.visible[row]]
			line := cols.row(c.Name, c.Type.Label(), idpLabel(c.IdP), scimState(c))
			if row == s.cursor {
				line = st.selected.Render("> " + line)
			} else {
				line = "  " + line
			}
			lines[row+1] = line
		}
		if len(s.visible) == 0 {
			lines = append(lines, st.subtle.Render("  No connection matches the filter: esc clears it."))
		}
		// The column heads stay; the rows scroll under them.
		view, _ := scrollWindow(st, lines[1:], scrollTo(s.firstShown, s.cursor, s.cursor+1, rows, len(lines)-1), rows)
		b.WriteString(lines[0] + "\n" + view)
	}
	return strings.TrimRight(b.String(), "\n")
}

// scimState is the connection's SCIM column.
func scimState(c client.Connection) string {
	if c.SCIMEnabled {
		return "SCIM on"
	}
	return "SCIM off"
}

// connColumns are the connection list's column widths.
type connColumns struct{ name, typ, idp int }

// columns fits name, type, IdP and SCIM state in width: the type and SCIM
// columns are as wide as their longest value, the name and IdP share the
// rest (names are cut with "…"; long IdP labels lose their parenthesis).
func (s *connectionsScreen) columns(width int) connColumns {
	const scimW = len("SCIM off")
	c := connColumns{typ: s.widest.typ, name: s.widest.name}
	idpW := s.widest.idp
	rest := width - c.typ - scimW - 3
	c.idp = min(idpW, max(rest/2, rest-c.name))
	c.name = max(4, rest-c.idp)
	return c
}

// row lays out one connection's cells in the columns.
func (c connColumns) row(name, typ, idp, scim string) string {
	if ansi.StringWidth(idp) > c.idp {
		if short, _, ok := strings.Cut(idp, " ("); ok {
			idp = short
		}
	}
	return fmt.Sprintf("%s %s %s %s", pad(name, c.name), pad(typ, c.typ), pad(idp, c.idp), scim)
}

// pad cuts s to w columns with "…", or pads it with spaces to w.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// connHeading names the connection in bold, with its type and IdP, as the
// screens after the connection step open.
func connHeading(st styles, conn client.Connection, width int) string {
	tail := "  " + conn.Type.Label() + " · " + idpLabel(conn.IdP)
	if ansi.StringWidth(conn.Name+tail) > width {
		if p, err := steps.ParseIdP(conn.IdP); err == nil {
			tail = "  " + conn.Type.Label() + " · " + shortLabel(p)
		}
	}
	// A long name is cut with "…" so that the type and IdP stay in view.
	name := ansi.Truncate(conn.Name, max(8, width-ansi.StringWidth(tail)), "…")
	return st.bold.Render(name) + st.subtle.Render(ansi.Truncate(tail, max(0, width-ansi.StringWidth(name)), "…"))
}

func idpLabel(id string) string {
	if p, err := steps.ParseIdP(id); err == nil {
		return p.Label()
	}
	return id
}
