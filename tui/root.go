package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// screen is one step of the wizard. Screens return strings; only the root
// builds a tea.View.
type screen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (screen, tea.Cmd)
	View() string
	// step is the flow step the screen belongs to.
	step() steps.StepID
	// keys are the screen's own bindings, for the footer.
	keys() []key.Binding
}

// session is what the admin has chosen so far.
type session struct {
	conn    client.Connection
	creds   client.SCIMCredentials
	idp     steps.IdP
	checked map[string]bool
}

// Model is the root of the wizard.
type Model struct {
	c       *common
	global  globalKeys
	help    help.Model
	stack   []screen
	session session
}

// New returns the wizard, starting at the SSO connection screen.
func New(cfg Config) Model {
	if cfg.ClipboardMode == "" {
		cfg.ClipboardMode = ClipboardAuto
	}
	c := &common{cfg: cfg, width: 80, height: 24, styles: newStyles(true)}
	h := help.New()
	h.Styles = c.styles.help
	return Model{c: c, global: newGlobalKeys(), help: h, stack: []screen{newConnectionsScreen(c)}}
}

// Init starts the first screen.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.top().Init(), tea.RequestBackgroundColor)
}

func (m Model) top() screen { return m.stack[len(m.stack)-1] }

// Update handles global keys and flow messages, and passes everything else to
// the current screen.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case tea.BackgroundColorMsg:
		m.c.styles = newStyles(msg.IsDark())
		m.help.Styles = m.c.styles.help
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.global.Quit):
			return m, tea.Quit
		case key.Matches(msg, m.global.Help):
			m.help.ShowAll = !m.help.ShowAll
			return m, nil
		case key.Matches(msg, m.global.Back):
			if len(m.stack) > 1 {
				m.stack = m.stack[:len(m.stack)-1]
			}
			return m, nil
		}
	case connectionChosenMsg:
		m.session.conn = msg.conn
		if idp, err := steps.ParseIdP(msg.conn.IdP); err == nil {
			m.session.idp = idp
		}
		return m.push(newSetupScreen(m.c, msg.conn))
	case scimReadyMsg:
		m.session.creds = msg.creds
		return m.push(newCredentialsScreen(m.c, msg.creds))
	case credentialsDoneMsg:
		return m.push(newIdPScreen(m.c, m.session.idp))
	case idpChosenMsg:
		m.session.idp = msg.idp
		cl, err := steps.ChecklistFor(msg.idp, connectionType(m.session.conn.Type))
		if err != nil {
			return m, nil
		}
		return m.push(newChecklistScreen(m.c, cl, m.session.checked))
	case checkedMsg:
		m.session.checked = msg.checked
		return m, nil
	case checklistDoneMsg:
		return m.push(newDoneScreen(m.c, m.summary()))
	case finishMsg:
		return m, tea.Quit
	}
	s, cmd := m.top().Update(msg)
	m.stack[len(m.stack)-1] = s
	return m, cmd
}

func (m Model) push(s screen) (tea.Model, tea.Cmd) {
	m.stack = append(m.stack[:len(m.stack):len(m.stack)], s)
	return m, s.Init()
}

// connectionType maps the client's connection type to the checklist's.
func connectionType(t client.ConnectionType) steps.ConnectionType {
	if t == client.AzureOIDC {
		return steps.OIDC
	}
	return steps.SAML
}

func (m Model) summary() summary {
	cl, _ := steps.ChecklistFor(m.session.idp, connectionType(m.session.conn.Type))
	s := summary{org: m.c.cfg.Org, conn: m.session.conn, idp: m.session.idp, baseURL: m.session.creds.BaseURL}
	for _, it := range cl.Items {
		if m.session.checked[it.ID] {
			s.done++
		} else if !it.Optional {
			s.left = append(s.left, it.Text)
		}
	}
	s.total = len(cl.Items)
	return s
}

// View renders the header, the current screen and the help footer.
func (m Model) View() tea.View {
	top := m.top()
	n, total := steps.Position(top.step())
	header := m.c.styles.title.Render("docker-scim") + m.c.styles.subtle.Render(" · "+m.c.cfg.Org)
	if m.c.cfg.Sandbox {
		header += m.c.styles.warn.Render(" · sandbox")
	}
	stepLine := m.c.styles.header.Render(fmt.Sprintf("Step %d of %d: %s", n, total, steps.Title(top.step())))
	footer := m.help.View(helpKeys{screen: top.keys(), global: m.global, canGoBack: len(m.stack) > 1})
	body := indent(top.View(), "  ")
	content := strings.Join([]string{header, stepLine, "", body, "", footer}, "\n")
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "docker-scim"
	return v
}

// indent prefixes every non-empty line of s with pad.
func indent(s, pad string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}
