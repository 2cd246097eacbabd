package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
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
	// refreshed is true when this session refreshed a working API Token:
	// the identity provider still holds the old one.
	refreshed bool
	// jit is true when JIT provisioning is (or may be) on: Docker's
	// setting, or the admin's answer where it cannot be read.
	jit bool
}

func (m Model) summary() summary {
	run := m.session.Run
	s := summary{org: m.c.cfg.Env.Org, conn: run.Conn, idp: run.IdP, baseURL: run.Creds.BaseURL, refreshed: m.session.refreshed,
		jit: run.JIT(m.c.cfg.Env)}
	if run.Probe != nil {
		s.probe = *run.Probe
	}
	if f := run.Feed; f != nil {
		s.readBack, s.users, s.teams = true, len(f.Users), len(f.Teams)
	}
	cl, _ := steps.ChecklistFor(run.IdP, run.ConnectionType())
	p := cl.Progress(run.Checked)
	s.done, s.total = p.Done, p.Total
	for _, it := range p.RequiredLeft {
		s.left = append(s.left, it.Title)
	}
	return s
}

// doneScreen sums up what was set up, what was verified and what is left.
type doneScreen struct {
	doneKeys
	c   *common
	sum summary
}

func newDoneScreen(c *common, sum summary) *doneScreen {
	return &doneScreen{doneKeys: newDoneKeys(),
		c:   c,
		sum: sum,
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
	verified := sum.probe.OK()
	var b strings.Builder
	switch {
	case verified && len(sum.left) == 0:
		b.WriteString(st.ok.Render("✓ SCIM is set up and verified") + "\n\n")
	case verified:
		b.WriteString(st.wrapIn(st.warn, "SCIM is set up in Docker and its credentials work; the identity provider's side is not finished.", w) + "\n\n")
	default:
		b.WriteString(st.wrapIn(st.warn, "SCIM is set up in Docker; its credentials were not verified in this session.", w) + "\n\n")
	}
	const labelW = 19
	b.WriteString(field(st, "Organization", sum.org, labelW, w) + "\n")
	b.WriteString(field(st, "SSO connection", sum.conn.Name+" ("+sum.conn.Type.Label()+")", labelW, w) + "\n")
	b.WriteString(field(st, "SCIM Base URL", sum.baseURL, labelW, w) + "\n")
	b.WriteString(field(st, "Identity provider", fmt.Sprintf("%s: %d of %d checklist items ticked", sum.idp.Label(), sum.done, sum.total), labelW, w) + "\n")

	b.WriteString("\n" + st.bold.Render("Checked") + "\n")
	if len(sum.probe.Checks) > 0 {
		passed := len(sum.probe.Checks) - flow.Export(sum.baseURL, sum.probe).Failed()
		b.WriteString(listItem(st.wrap(fmt.Sprintf("%d of %d SCIM API checks passed with the API Token", passed, len(sum.probe.Checks)), w-4)))
	} else {
		b.WriteString(listItem(st.wrap("The credentials were not verified in this session.", w-4)))
	}
	if sum.readBack {
		b.WriteString(listItem(st.wrap(fmt.Sprintf("Read back: %s provisioned since setup, in %s", plural(sum.users, "user"), plural(sum.teams, "team")), w-4)))
	} else {
		b.WriteString(listItem(st.wrap("Read back: not run in this session.", w-4)))
	}

	b.WriteString("\n" + st.bold.Render("Left to do") + "\n")
	if sum.refreshed {
		b.WriteString(listItem(st.wrapIn(st.warn, "Paste the new API Token into "+sum.idp.Label()+": the token was refreshed, "+
			"so the one it holds no longer works.", w-4)))
	}
	if n := len(sum.left); n > 0 {
		list := strings.Join(sum.left, ", ")
		lines := strings.Split(st.wrap(fmt.Sprintf("%s not ticked: %s", plural(n, "required checklist item"), list), w-4), "\n")
		if len(lines) > 2 {
			lines = append(lines[:2:2], "…press e to export the runbook with every item")
		}
		b.WriteString(listItem(strings.Join(lines, "\n")))
	}
	if sum.jit {
		b.WriteString(listItem(st.wrap(steps.DisableJITAdvice(), w-4)))
	}
	b.WriteString(listItem(st.wrap(steps.EnforceSSOAdvice(), w-4)))
	b.WriteString("\n" + st.wrapIn(st.subtle, steps.SCIMDocs, w) + "\n" + st.wrapIn(st.subtle, steps.EnforceSSODocs, w))
	return strings.TrimRight(b.String(), "\n")
}
