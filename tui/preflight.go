package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// preflightFacts is what the preflight checks learn from Docker.
type preflightFacts struct {
	org client.OrgInfo
	// orgKnown is false on real Docker, which has no API for plan or domains.
	orgKnown bool
	// members is nil when the wizard could not list them (not signed in).
	members []client.Member
}

// preflightLoadedMsg is the preflight's facts for the screen that asked.
type preflightLoadedMsg struct {
	owner *preflightScreen
	facts preflightFacts
	err   error
}

func (m preflightLoadedMsg) ownerScreen() screen { return m.owner }

// loadPreflight reads the org's plan and domains (sandbox console only),
// unless known already, and, when signed in to the Hub API, its members.
func loadPreflight(owner *preflightScreen, console client.Console, hub *client.Hub, org string, known *client.OrgInfo) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		var facts preflightFacts
		if known != nil {
			facts.org, facts.orgKnown = *known, true
		} else if info, err := console.Org(ctx, org); err == nil {
			facts.org, facts.orgKnown = info, true
		} else if !errors.Is(err, client.ErrNoConsoleAPI) {
			return preflightLoadedMsg{owner: owner, err: err}
		}
		if hub != nil {
			members, err := hub.Members(ctx, org)
			if err != nil {
				return preflightLoadedMsg{owner: owner, err: err}
			}
			facts.members = members
		}
		return preflightLoadedMsg{owner: owner, facts: facts}
	}
}

// preflightScreen shows what could stop SCIM or surprise the admin: the
// prerequisites, JIT provisioning, and members SCIM will not manage.
type preflightScreen struct {
	c         *common
	conn      client.Connection
	spinner   spinner.Model
	next      key.Binding
	retry     key.Binding
	jitKey    key.Binding
	steps     key.Binding
	up, down  key.Binding
	loading   bool
	err       error
	facts     preflightFacts
	jit       bool
	showSteps bool
	// org is the org read with the connection list; nil makes Init read it.
	org *client.OrgInfo
	// scroll is the first finding line shown when they do not all fit.
	scroll int
}

// org is the org as the connection list read it, or nil.
func newPreflightScreen(c *common, conn client.Connection, org *client.OrgInfo) *preflightScreen {
	s := &preflightScreen{
		c:       c,
		conn:    conn,
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		next:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		retry:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check again")),
		jitKey:  key.NewBinding(key.WithKeys("j"), key.WithHelp("j", "JIT is on/off")),
		steps:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "details")),
		up:      key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "scroll")),
		down:    key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll")),
		jit:     conn.JIT,
		org:     org,
	}
	if !c.cfg.Sandbox {
		// Docker has no API for the JIT state; it is on by default.
		s.jit = true
	}
	return s
}

func (s *preflightScreen) step() steps.StepID { return steps.StepPreflight }

func (s *preflightScreen) Init() tea.Cmd {
	s.loading, s.err = true, nil
	return tea.Batch(s.spinner.Tick, loadPreflight(s, s.c.cfg.Console, s.c.cfg.Hub, s.c.cfg.Org, s.org))
}

func (s *preflightScreen) keys() []key.Binding {
	if s.loading {
		return nil
	}
	if s.err != nil {
		return []key.Binding{s.retry}
	}
	keys := []key.Binding{s.next, s.retry, s.steps}
	if body, tail := s.content(s.c.contentWidth()); len(body) > s.rows(tail) {
		keys = append(keys, s.up)
	}
	if !s.c.cfg.Sandbox {
		keys = append(keys, s.jitKey)
	}
	return keys
}

// findings are the preflight results for what is known now.
func (s *preflightScreen) findings() []steps.Finding {
	p := steps.Prereqs{HasSSOConnection: true, DomainsUnknown: !s.facts.orgKnown}
	if s.facts.orgKnown {
		p.Plan = s.facts.org.Plan
		for _, d := range s.facts.org.Domains {
			if d.Verified {
				p.VerifiedDomains = append(p.VerifiedDomains, d.Name)
			}
		}
	}
	out := append(steps.Prerequisites(p), steps.JITPreflight(s.jit, s.conn.SCIMEnabled)...)
	return append(out, steps.MembersPreflight(s.memberPlan())...)
}

// memberPlan sorts the org's members by what SCIM will do with them: the
// connection's domains decide who is linked (known on the sandbox only).
func (s *preflightScreen) memberPlan() steps.MemberPlan {
	members := make([]steps.OrgMember, 0, len(s.facts.members))
	for _, m := range s.facts.members {
		members = append(members, steps.OrgMember{Username: m.Username, Email: m.Email, Guest: m.IsGuest})
	}
	admin := ""
	if s.c.cfg.Hub != nil {
		admin = s.c.cfg.Hub.Identifier()
	}
	return steps.PlanMembers(members, s.conn.Domains, s.facts.orgKnown && len(s.conn.Domains) > 0, admin)
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
		case !s.c.cfg.Sandbox && key.Matches(msg, s.jitKey):
			s.jit = !s.jit
		case key.Matches(msg, s.next):
			if steps.Blocked(s.findings()) {
				return s, nil
			}
			return s, emit(preflightDoneMsg{findings: s.findings()})
		}
	}
	return s, nil
}

func (s *preflightScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(connHeading(st, s.conn) + "\n\n")
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
	if !s.c.cfg.Sandbox {
		state := "on (Docker's default)"
		if !s.jit {
			state = "off"
		}
		add(st.wrapIn(st.subtle, "Docker has no API for the JIT setting: you said it is "+state+"; press j to change.", w))
		if s.c.cfg.Hub == nil {
			add(st.wrapIn(st.subtle, "Sign in with an organization access token to also check the members SCIM will not manage.", w))
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
