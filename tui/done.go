package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// summary is what the done screen reports.
type summary struct {
	org     string
	conn    client.Connection
	idp     steps.IdP
	baseURL string
	done    int
	total   int
	left    []string
}

// doneScreen sums up what was set up and what is left.
type doneScreen struct {
	c      *common
	sum    summary
	finish key.Binding
}

func newDoneScreen(c *common, sum summary) *doneScreen {
	return &doneScreen{c: c, sum: sum, finish: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish"))}
}

func (s *doneScreen) step() steps.StepID { return steps.StepDone }

func (s *doneScreen) Init() tea.Cmd { return nil }

func (s *doneScreen) keys() []key.Binding { return []key.Binding{s.finish} }

func (s *doneScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok && key.Matches(msg, s.finish) {
		return s, emit(finishMsg{})
	}
	return s, nil
}

func (s *doneScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(st.ok.Render("✓ SCIM is set up") + "\n\n")
	fmt.Fprintf(&b, "Organization     %s\n", s.sum.org)
	fmt.Fprintf(&b, "SSO connection   %s (%s)\n", s.sum.conn.Name, s.sum.conn.Type.Label())
	fmt.Fprintf(&b, "SCIM Base URL    %s\n", s.sum.baseURL)
	fmt.Fprintf(&b, "Identity provider %s: %d of %d checklist items done\n", s.sum.idp.Label(), s.sum.done, s.sum.total)
	if len(s.sum.left) > 0 {
		b.WriteString("\nStill to do in your IdP:\n")
		for _, l := range s.sum.left {
			b.WriteString("  • " + st.wrap(l, w-4) + "\n")
		}
	}
	b.WriteString("\n" + st.warn.Render("Note: ") + st.wrap(steps.SSONotEnforced, w-6) + "\n")
	b.WriteString(st.wrap(steps.EnforceSSO, w) + "\n")
	b.WriteString(st.subtle.Render(steps.EnforceSSODocs))
	return b.String()
}
