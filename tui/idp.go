package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/steps"
)

// idpScreen asks which identity provider the admin configures; only those
// with a checklist for the connection's type are offered.
type idpScreen struct {
	idpKeys
	c      *common
	keymap listKeys
	ct     steps.ConnectionType
	idps   []steps.IdP
	cursor int
	// connIdP is the identity provider the connection was set up for in
	// Docker, or empty when unknown: choosing another asks first.
	connIdP steps.IdP
	// asking is true while that question is shown.
	asking bool
}

func newIdPScreen(c *common, preselect steps.IdP, ct steps.ConnectionType) *idpScreen {
	s := &idpScreen{idpKeys: newIdpKeys(), c: c, keymap: newListKeys("choose"), ct: ct}
	for _, p := range steps.IdPs() {
		if slices.Contains(p.ConnectionTypes(), ct) {
			s.idps = append(s.idps, p)
		}
	}
	if i := slices.Index(s.idps, preselect); i >= 0 {
		s.cursor = i
	}
	return s
}

func (s *idpScreen) step() steps.StepID { return steps.StepIdP }

func (s *idpScreen) Init() tea.Cmd { return nil }

func (s *idpScreen) keys() []key.Binding {
	if s.asking {
		return []key.Binding{s.yes, s.no}
	}
	return []key.Binding{s.keymap.Up, s.keymap.Down, s.keymap.Choose}
}

// typing is true while the question is shown: esc answers it.
func (s *idpScreen) typing() bool { return s.asking }

func (s *idpScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	msgKey, ok := msg.(tea.KeyPressMsg)
	if !ok || len(s.idps) == 0 {
		return s, nil
	}
	chosen := s.idps[s.cursor]
	switch {
	case s.asking && key.Matches(msgKey, s.yes):
		s.asking = false
		return s, emit(idpChosenMsg{idp: chosen})
	case s.asking && key.Matches(msgKey, s.no):
		s.asking = false
	case s.asking:
	case key.Matches(msgKey, s.keymap.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(msgKey, s.keymap.Down):
		s.cursor = min(len(s.idps)-1, s.cursor+1)
	case key.Matches(msgKey, s.keymap.Choose):
		if s.connIdP != "" && chosen != s.connIdP {
			s.asking = true
			return s, nil
		}
		return s, emit(idpChosenMsg{idp: chosen})
	}
	return s, nil
}

func (s *idpScreen) View() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString(st.wrap("Which identity provider holds the Docker app to configure?", s.c.contentWidth()) + "\n\n")
	for i, p := range s.idps {
		if i == s.cursor {
			b.WriteString(st.selected.Render("> "+p.Label()) + "\n")
		} else {
			b.WriteString("  " + p.Label() + "\n")
		}
	}
	if s.asking {
		b.WriteString("\n" + st.warn.Render("Use "+shortLabel(s.idps[s.cursor])+"?") + "\n" +
			st.wrap("The connection was set up for "+shortLabel(s.connIdP)+" in Docker. The checklist follows the identity "+
				"provider you choose: pick "+shortLabel(s.connIdP)+" unless the Docker app really lives in "+shortLabel(s.idps[s.cursor])+".",
				s.c.contentWidth()))
		return b.String()
	}
	if len(s.idps) < len(steps.IdPs()) {
		b.WriteString("\n" + st.wrapIn(st.subtle, "Only identity providers that support an "+s.ct.Label()+" connection are listed.", s.c.contentWidth()))
	}
	return strings.TrimRight(b.String(), "\n")
}
