package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// The connection form's fields, in tab order; formUnfocused means none has
// focus (also used by the guided Setup SCIM screen).
const (
	formUnfocused = iota - 1
	connFieldName
	connFieldType
	connFieldIdP
	connFields
)

// connectionTypes are the Admin Console's authentication methods, in its order.
var connectionTypes = []client.ConnectionType{client.SAML, client.AzureOIDC}

// newTextField returns a single-line input with a steady cursor (no blink
// timers, so views are stable and nothing ticks while the admin reads). Its
// own ctrl+v is off: it would read the clipboard behind Config.Clipboard's
// back; the terminal's bracketed paste still arrives as tea.PasteMsg.
func newTextField(placeholder string) textinput.Model {
	f := textinput.New()
	f.KeyMap.Paste.SetEnabled(false)
	f.Prompt = ""
	f.Placeholder = placeholder
	st := textinput.DefaultDarkStyles()
	st.Cursor.Blink = false
	f.SetStyles(st)
	return f
}

// connectionFormScreen asks which SSO connection to use when the wizard runs
// against Docker, which publishes no API to list connections: the admin types
// the name shown in the Admin Console and picks its type and IdP.
type connectionFormScreen struct {
	connFormKeys
	c      *common
	keymap formKeys
	name   textinput.Model
	focus  int
	ctype  client.ConnectionType
	idp    steps.IdP
	// tried is set when enter was refused, so the missing name is flagged.
	tried bool
}

// newConnectionFormScreen returns the form, prefilled from preset (and the
// preset IdP from the command line when preset has none).
func newConnectionFormScreen(c *common, preset client.Connection) *connectionFormScreen {
	s := &connectionFormScreen{connFormKeys: newConnFormKeys(),
		c:      c,
		keymap: newFormKeys(),
		name:   newTextField("e.g. Okta SAML"),
		ctype:  client.SAML,
	}
	s.name.SetValue(strings.TrimSpace(preset.Name))
	if preset.Type == client.AzureOIDC {
		s.ctype = client.AzureOIDC
	}
	if p, err := steps.ParseIdP(preset.IdP); err == nil {
		s.idp = p
	} else {
		s.idp = c.cfg.Preset.IdP
	}
	s.fitIdP()
	s.setFocus(connFieldName)
	return s
}

func (s *connectionFormScreen) step() steps.StepID { return steps.StepConnection }

// typing is true while the name field has focus: q, ? and esc are text there
// (esc leaves the field).
func (s *connectionFormScreen) typing() bool { return s.focus == connFieldName }

func (s *connectionFormScreen) Init() tea.Cmd { return nil }

func (s *connectionFormScreen) keys() []key.Binding {
	out := []key.Binding{s.submit, s.keymap.Next, s.keymap.Prev}
	switch s.focus {
	case connFieldType, connFieldIdP:
		out = append(out, s.cycle)
	case connFieldName:
		out = append(out, s.keymap.Leave)
	}
	return out
}

// idps are the identity providers that have a checklist for the chosen type.
func (s *connectionFormScreen) idps() []steps.IdP {
	var out []steps.IdP
	for _, p := range steps.IdPs() {
		if slices.Contains(p.ConnectionTypes(), flow.ConnectionType(s.ctype)) {
			out = append(out, p)
		}
	}
	return out
}

// fitIdP keeps the IdP when it fits the type, else picks the first that does.
func (s *connectionFormScreen) fitIdP() {
	fit := s.idps()
	if !slices.Contains(fit, s.idp) && len(fit) > 0 {
		s.idp = fit[0]
	}
}

func (s *connectionFormScreen) setFocus(f int) {
	s.focus = f
	if f == connFieldName {
		s.name.Focus()
	} else {
		s.name.Blur()
	}
}

// connection is what the form describes; ID stays empty (Docker has none to
// offer).
func (s *connectionFormScreen) connection() client.Connection {
	return client.Connection{Name: strings.TrimSpace(s.name.Value()), Type: s.ctype, IdP: string(s.idp)}
}

func (s *connectionFormScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if s.focus != connFieldName {
			s.setFocus(connFieldName)
		}
		var cmd tea.Cmd
		s.name, cmd = s.name.Update(msg)
		return s, cmd
	case tea.KeyPressMsg:
		if focus, ok := s.keymap.move(msg, s.focus, connFields, s.typing()); ok {
			s.setFocus(focus)
			return s, nil
		}
		switch {
		case key.Matches(msg, s.submit):
			if s.connection().Name == "" {
				s.tried = true
				s.setFocus(connFieldName)
				return s, nil
			}
			return s, emit(connectionChosenMsg{conn: s.connection()})
		case s.focus == connFieldType && key.Matches(msg, s.cycle):
			s.ctype = cycleChoice(connectionTypes, s.ctype, msg.String() == "left")
			s.fitIdP()
			return s, nil
		case s.focus == connFieldIdP && key.Matches(msg, s.cycle):
			s.idp = cycleChoice(s.idps(), s.idp, msg.String() == "left")
			return s, nil
		case s.focus == connFieldName:
			var cmd tea.Cmd
			s.name, cmd = s.name.Update(msg)
			return s, cmd
		}
	}
	return s, nil
}

// move is the field tab/↓ or shift+tab/↑ focuses among n fields, or
// formUnfocused for esc while in a text field (inText); ok is false for any
// other key.
func (k formKeys) move(msg tea.KeyPressMsg, focus, n int, inText bool) (next int, ok bool) {
	switch {
	case key.Matches(msg, k.Next):
		return nextField(focus, n), true
	case key.Matches(msg, k.Prev):
		return prevField(focus, n), true
	case inText && key.Matches(msg, k.Leave):
		return formUnfocused, true
	}
	return focus, false
}

// nextField is the field after focus among n, wrapping; from formUnfocused
// it is the first.
func nextField(focus, n int) int { return (focus + 1) % n }

// prevField is the field before focus among n, wrapping; from formUnfocused
// it is the last.
func prevField(focus, n int) int {
	if focus <= 0 {
		return n - 1
	}
	return focus - 1
}

// cycleChoice returns the option after cur (before it when back), wrapping.
func cycleChoice[T comparable](options []T, cur T, back bool) T {
	if len(options) == 0 {
		return cur
	}
	i := slices.Index(options, cur)
	switch {
	case back && i <= 0:
		i = len(options) - 1
	case back:
		i--
	default:
		i = (i + 1) % len(options)
	}
	return options[i]
}

func (s *connectionFormScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	name := s.name
	name.SetWidth(max(10, w-6))
	var b strings.Builder
	b.WriteString(st.wrap("Docker publishes no API that lists SSO connections, so tell the wizard which one to use. "+
		"Find it in "+steps.Path(steps.Docker().SSOAndSCIM.Text, steps.Docker().SSOConnections.Text)+".", w) + "\n\n")

	b.WriteString(s.label(connFieldName, "Connection name") + "\n")
	b.WriteString("    " + name.View() + "\n")
	switch {
	case s.tried && s.connection().Name == "":
		b.WriteString(indent(st.wrapIn(st.err, "✗ Type the connection's name as the **SSO connections** table shows it.", w-4), "    ") + "\n")
	default:
		b.WriteString(indent(st.wrapIn(st.subtle, "As the **SSO connections** table shows it.", w-4), "    ") + "\n")
	}
	b.WriteString("\n")

	b.WriteString(s.label(connFieldType, "Type") + "\n")
	b.WriteString(indent(renderChoices(st, connectionTypes, s.ctype, client.ConnectionType.Label, w-4), "    ") + "\n\n")

	b.WriteString(s.label(connFieldIdP, "Identity provider") + "\n")
	b.WriteString(indent(renderChoices(st, s.idps(), s.idp, steps.IdP.Label, w-4), "    ") + "\n")
	if s.ctype == client.AzureOIDC {
		b.WriteString(indent(st.wrapIn(st.subtle, "Azure AD (OIDC) connections are Entra ID only.", w-4), "    ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// label renders a field's label with a marker when it has focus.
func (s *connectionFormScreen) label(field int, text string) string {
	st := s.c.styles
	if s.focus == field {
		return st.selected.Render("> " + text)
	}
	return "  " + st.bold.Render(text)
}

// renderChoices renders options side by side, the chosen one marked ●,
// starting a new line when the next option would not fit in width.
func renderChoices[T comparable](st styles, options []T, chosen T, label func(T) string, width int) string {
	const gap = "   "
	var b strings.Builder
	lineW := 0
	for i, o := range options {
		text := "○ " + label(o)
		if o == chosen {
			text = "● " + label(o)
		}
		w := ansi.StringWidth(text)
		switch {
		case i == 0:
		case lineW+len(gap)+w > width:
			b.WriteString("\n")
			lineW = 0
		default:
			b.WriteString(gap)
			lineW += len(gap)
		}
		if o == chosen {
			text = st.selected.Render(text)
		}
		b.WriteString(text)
		lineW += w
	}
	return b.String()
}
