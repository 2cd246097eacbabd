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
	probe   client.ProbeResult
	users   int
	teams   int
	// readBack is true when the read-back step ran.
	readBack bool
}

func (m Model) summary() summary {
	cl, _ := steps.ChecklistFor(m.session.idp, m.connType())
	s := summary{
		org: m.c.cfg.Org, conn: m.session.conn, idp: m.session.idp, baseURL: m.session.creds.BaseURL,
		probe: m.session.probe, users: len(m.session.users), teams: len(m.session.teams),
		readBack: m.session.users != nil || m.session.teams != nil,
	}
	for _, it := range cl.Items {
		if m.session.checked[it.ID] {
			s.done++
		} else if !it.Optional {
			s.left = append(s.left, it.Title)
		}
	}
	s.total = len(cl.Items)
	return s
}

// doneScreen sums up what was set up, what was verified and what is left.
type doneScreen struct {
	c       *common
	sum     summary
	finish  key.Binding
	export  key.Binding
	members key.Binding
}

func newDoneScreen(c *common, sum summary) *doneScreen {
	return &doneScreen{
		c:       c,
		sum:     sum,
		finish:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish")),
		export:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export runbook")),
		members: membersKey(),
	}
}

func (s *doneScreen) step() steps.StepID { return steps.StepDone }

func (s *doneScreen) Init() tea.Cmd { return nil }

func (s *doneScreen) keys() []key.Binding { return []key.Binding{s.finish, s.export, s.members} }

func (s *doneScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, s.finish):
			return s, emit(finishMsg{})
		case key.Matches(msg, s.export):
			return s, emit(exportRunbookMsg{})
		case key.Matches(msg, s.members):
			return s, emit(openMembersMsg{})
		}
	}
	return s, nil
}

func (s *doneScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	sum := s.sum
	var b strings.Builder
	b.WriteString(st.ok.Render("✓ SCIM is set up") + "\n\n")
	fmt.Fprintf(&b, "Organization       %s\n", sum.org)
	fmt.Fprintf(&b, "SSO connection     %s (%s)\n", sum.conn.Name, sum.conn.Type.Label())
	fmt.Fprintf(&b, "SCIM Base URL      %s\n", sum.baseURL)
	fmt.Fprintf(&b, "Identity provider  %s: %d of %d checklist items done\n", sum.idp.Label(), sum.done, sum.total)

	b.WriteString("\n" + st.bold.Render("Verified") + "\n")
	if len(sum.probe.Checks) > 0 {
		passed := 0
		for _, c := range sum.probe.Checks {
			if c.OK {
				passed++
			}
		}
		fmt.Fprintf(&b, "  %d of %d SCIM API checks passed with the API Token\n", passed, len(sum.probe.Checks))
	} else {
		b.WriteString("  The credentials were not verified in this session.\n")
	}
	if sum.readBack {
		fmt.Fprintf(&b, "  Read back: %s provisioned since setup, %s\n", plural(sum.users, "user"), plural(sum.teams, "team"))
	}

	b.WriteString("\n" + st.bold.Render("Left to do") + "\n")
	if n := len(sum.left); n > 0 {
		list := strings.Join(sum.left, ", ")
		lines := strings.Split(st.wrap(fmt.Sprintf("%d required checklist item(s) not ticked: %s", n, list), w-4), "\n")
		if len(lines) > 2 {
			lines = append(lines[:2:2], "…press e to export the runbook with every item")
		}
		b.WriteString(listItem(strings.Join(lines, "\n")))
	}
	if sum.conn.JIT || !s.c.cfg.Sandbox {
		b.WriteString(listItem(st.wrap(steps.DisableJITAdvice(), w-4)))
	}
	b.WriteString(listItem(st.wrap(steps.EnforceSSOAdvice(), w-4)))
	if s.c.height >= 32 {
		b.WriteString("\n" + st.subtle.Render(steps.SCIMDocs) + "\n" + st.subtle.Render(steps.EnforceSSODocs))
	}
	return strings.TrimRight(b.String(), "\n")
}
