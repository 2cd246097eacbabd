package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// preflightLoadedMsg is the preflight's facts for the screen that asked.
type preflightLoadedMsg struct {
	owner *preflightScreen
	facts flow.Facts
	err   error
}

func (m preflightLoadedMsg) ownerScreen() screen { return m.owner }

// loadPreflight reads what the checks need (flow.Preflight): the plan and
// domains unless known already, and the members when signed in.
func loadPreflight(owner *preflightScreen, env *flow.Env, known *client.OrgInfo) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		facts, err := flow.Preflight(ctx, env, known)
		return preflightLoadedMsg{owner: owner, facts: facts, err: err}
	}
}

// preflightScreen shows what could stop SCIM or surprise the admin: the
// prerequisites, JIT provisioning, and members SCIM will not manage.
type preflightScreen struct {
	preflightKeys
	c         *common
	conn      client.Connection
	spinner   spinner.Model
	loading   bool
	err       error
	facts     flow.Facts
	jit       bool
	showSteps bool
	// org is the org read with the connection list; nil makes Init read it.
	org *client.OrgInfo
	// scroll is the first finding line shown when they do not all fit.
	scroll int
}

// newPreflightScreen checks run's connection, reusing the org the
// connection list read and starting from what the admin said about JIT.
func newPreflightScreen(c *common, run flow.Run) *preflightScreen {
	s := &preflightScreen{preflightKeys: newPreflightKeys(),
		c:       c,
		conn:    run.Conn,
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		jit:     run.JIT(c.cfg.Env),
		org:     run.Org,
	}
	return s
}

func (s *preflightScreen) step() steps.StepID { return steps.StepPreflight }

func (s *preflightScreen) Init() tea.Cmd {
	s.loading, s.err = true, nil
	return tea.Batch(s.spinner.Tick, loadPreflight(s, s.c.cfg.Env, s.org))
}

func (s *preflightScreen) keys() []key.Binding {
	if s.loading {
		return nil
	}
	if s.err != nil {
		return []key.Binding{s.retry}
	}
	keys := []key.Binding{s.next, s.retry, s.steps}
	// The footer's height decides the rows and the rows decide whether
	// the scroll keys show: count with the tallest short footer (three
	// lines) so the answer does not flip between frames.
	if body, tail := s.content(s.c.contentWidth()); len(body) > max(3, s.c.height-headerLines-1-3-2-lineCount(tail)) {
		keys = append(keys, s.up)
	}
	if !s.c.cfg.Env.KnowsJIT() {
		keys = append(keys, s.jitKey)
	}
	return keys
}

// findings are the preflight results for what is known now.
func (s *preflightScreen) findings() []steps.Finding {
	return flow.Findings(s.c.cfg.Env.Org, s.facts, s.conn, s.jit)
}

func (s *preflightScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case preflightLoadedMsg:
		s.loading, s.err, s.facts = false, msg.err, msg.facts
	case spinner.TickMsg:
		return s, tickSpinner(&s.spinner, s.loading, msg)
	case tea.KeyPressMsg:
		if s.loading {
			return s, nil
		}
		switch {
		case key.Matches(msg, s.retry):
			return s, s.Init()
		case s.err != nil:
		case key.Matches(msg, s.steps):
			s.showSteps = !s.showSteps
		case key.Matches(msg, s.up):
			s.scroll = max(0, s.scroll-1)
		case key.Matches(msg, s.down):
			body, tail := s.content(s.c.contentWidth())
			_, s.scroll = scrollWindow(s.c.styles, body, s.scroll+1, s.rows(tail))
		case !s.c.cfg.Env.KnowsJIT() && key.Matches(msg, s.jitKey):
			s.jit = !s.jit
		case key.Matches(msg, s.next):
			if steps.Blocked(s.findings()) {
				return s, nil
			}
			done := preflightDoneMsg{facts: s.facts}
			if !s.c.cfg.Env.KnowsJIT() {
				jit := s.jit // a copy: the run's answer is not the screen's
				done.jitSaid = &jit
			}
			return s, emit(done)
		}
	}
	return s, nil
}

func (s *preflightScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(connHeading(st, s.conn, s.c.contentWidth()) + "\n\n")
	switch {
	case s.loading:
		b.WriteString(s.spinner.View() + " Checking the organization…")
		return b.String()
	case s.err != nil:
		b.WriteString(errorPanel(st, s.err, w))
		return b.String()
	}
	body, tail := s.content(w)
	// The window shows what fits; ↑/↓ scroll the rest. The line that says
	// how to go on always stays in view.
	view, _ := scrollWindow(st, body, s.scroll, s.rows(tail))
	b.WriteString(view + "\n" + tail)
	return b.String()
}

// content is the findings as lines, and the last line (how to go on).
func (s *preflightScreen) content(w int) (body []string, tail string) {
	st := s.c.styles
	findings := s.findings()
	add := func(text string) { body = append(body, strings.Split(text, "\n")...) }
	if passed := steps.PassedPrerequisites(s.facts.Prereqs()); len(passed) > 0 {
		add(st.ok.Render("✓") + " " + strings.ReplaceAll(st.wrap("Passed: "+strings.Join(passed, ", ")+".", w-2), "\n", "\n  "))
	}
	for _, f := range findings {
		icon := st.ok.Render("i")
		switch f.Severity {
		case steps.Warning:
			icon = st.warn.Render("!")
		case steps.Blocker:
			icon = st.err.Render("✗")
		}
		add(icon + " " + st.bold.Render(f.Title))
		if s.showSteps || f.Fix == "" {
			add(indent(st.wrap(f.Detail, w-2), "  "))
		}
		if f.Fix != "" {
			add(indent(st.wrap("Fix: "+f.Fix, w-2), "  "))
		}
		if s.showSteps {
			for i, step := range f.Steps {
				add(indent(st.wrap(fmt.Sprintf("%d. %s", i+1, step), w-4), "    "))
			}
		}
	}
	if !s.c.cfg.Env.KnowsJIT() {
		state := "on (Docker's default)"
		if !s.jit {
			state = "off"
		}
		add(st.wrapIn(st.subtle, "Docker has no API for the JIT setting: you said it is "+state+"; press t to change.", w))
		if !s.c.cfg.Env.ReadsHub() {
			add(st.wrapIn(st.subtle, "To also check the organization's members: "+hubSignInHow, w))
		}
	}
	tail = "Press enter to continue to " + steps.Title(steps.StepSetupSCIM) + "."
	if steps.Blocked(findings) {
		tail = st.wrapIn(st.err, "Fix the blockers above before setting up SCIM: it will not work until they are resolved.", w)
	}
	return body, tail
}

// rows is how many finding lines fit above tail, below the connection
// line and its gap.
func (s *preflightScreen) rows(tail string) int {
	return max(3, s.c.bodyRows-2-lineCount(tail))
}
