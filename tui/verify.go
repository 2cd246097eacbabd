package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// probeDoneMsg carries the probe's result to the verify screen that ran it.
type probeDoneMsg struct {
	owner  *verifyScreen
	result client.ProbeResult
	// err is set when no request could be sent (e.g. an invalid base URL).
	err error
}

func (m probeDoneMsg) ownerScreen() screen { return m.owner }

// runProbe tests creds with the client's read-only probe (flow.Verify).
func runProbe(owner *verifyScreen, env *flow.Env, creds client.SCIMCredentials) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		result, err := flow.Verify(ctx, env, creds)
		return probeDoneMsg{owner: owner, result: result, err: err}
	}
}

// verifyScreen tests the SCIM Base URL and API Token the way the identity
// provider's own test button will, before the admin leaves the terminal.
type verifyScreen struct {
	verifyKeys
	c       *common
	creds   client.SCIMCredentials
	spinner spinner.Model
	running bool
	err     error
	result  *client.ProbeResult
}

func newVerifyScreen(c *common, creds client.SCIMCredentials) *verifyScreen {
	return &verifyScreen{verifyKeys: newVerifyKeys(),
		c:       c,
		creds:   creds,
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
	}
}

func (s *verifyScreen) step() steps.StepID { return steps.StepVerify }

// Init starts the probe.
func (s *verifyScreen) Init() tea.Cmd {
	s.running, s.err, s.result = true, nil, nil
	return tea.Batch(s.spinner.Tick, runProbe(s, s.c.cfg.Env, s.creds))
}

func (s *verifyScreen) keys() []key.Binding {
	switch {
	case s.running:
		return nil
	case s.passed():
		return []key.Binding{s.rerun, s.next}
	}
	return []key.Binding{s.rerun}
}

func (s *verifyScreen) passed() bool { return s.result != nil && s.result.OK() }

func (s *verifyScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case probeDoneMsg:
		if msg.owner != s {
			return s, nil
		}
		s.running, s.err = false, msg.err
		if msg.err == nil {
			s.result = &msg.result
		}
		return s, nil
	case spinner.TickMsg:
		return s, tickSpinner(&s.spinner, s.running, msg)
	case tea.KeyPressMsg:
		if s.running {
			return s, nil
		}
		switch {
		case key.Matches(msg, s.rerun):
			return s, s.Init()
		case key.Matches(msg, s.next):
			if s.passed() {
				return s, emit(verifiedMsg{result: *s.result})
			}
		}
	}
	return s, nil
}

func (s *verifyScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(st.wrap("Testing the **SCIM Base URL** and **API Token** as the identity provider's **Test Connection** button will:", w) + "\n")
	b.WriteString(st.subtle.Render(s.creds.BaseURL) + "\n\n")
	switch {
	case s.running:
		b.WriteString(s.spinner.View() + " Testing…")
	case s.err != nil:
		b.WriteString(errorPanel(st, s.err, w))
	case s.result != nil:
		b.WriteString(s.resultView(w))
	}
	return strings.TrimRight(b.String(), "\n")
}

// resultView gives the verdict first, then each check and what the probe
// learned.
func (s *verifyScreen) resultView(w int) string {
	st := s.c.styles
	r := s.result
	var b strings.Builder
	passed := 0
	for _, c := range r.Checks {
		if c.OK {
			passed++
		}
	}
	verdict := fmt.Sprintf("%d of %d checks passed in %s.", passed, len(r.Checks), latency(r.Elapsed))
	if r.OK() {
		b.WriteString(st.ok.Render("✓ The credentials work.") + " " + st.wrap(verdict, w-25) + "\n")
		b.WriteString(st.wrap(fmt.Sprintf("%s SCIM users provisioned so far: %d.", sentence(r.ExtensionNote()), r.TotalUsers), w) + "\n\n")
	} else {
		b.WriteString(st.err.Render("✗ The credentials do not work yet.") + "\n" + st.wrap(verdict, w) + "\n\n")
	}
	nameW := 0
	for _, c := range r.Checks {
		nameW = max(nameW, len(c.Name))
	}
	for i, c := range r.Checks {
		mark := st.ok.Render("✓")
		if !c.OK {
			mark = st.err.Render("✗")
		}
		fmt.Fprintf(&b, "%s %-*s %8s\n", mark, nameW, c.Name, latency(c.Latency))
		if c.OK {
			b.WriteString(indent(st.wrapIn(st.subtle, c.Detail, w-4), "    ") + "\n")
			continue
		}
		// Checks that failed for the same reason share one explanation,
		// under the last of them.
		if i+1 < len(r.Checks) && sameCause(c, r.Checks[i+1]) {
			continue
		}
		b.WriteString(indent(st.wrap(sentence(c.Diagnosis), w-4), "    ") + "\n")
		if c.Fix != "" {
			b.WriteString(indent(st.wrap("Fix: "+sentence(c.Fix), w-4), "    ") + "\n")
		}
	}
	if !r.OK() {
		b.WriteString("\n" + st.wrapIn(st.warn, "The identity provider would fail the same way, so the wizard does not go on. "+
			"Press esc to go back and paste the values again (nothing else is lost), or r to test again.", w) + "\n")
	}
	return b.String()
}

// verdictLine sums a probe up in words: "4 of 4 checks passed".
func verdictLine(r client.ProbeResult) string {
	passed := 0
	for _, c := range r.Checks {
		if c.OK {
			passed++
		}
	}
	return fmt.Sprintf("%d of %d SCIM API checks passed", passed, len(r.Checks))
}

// sameCause reports whether two checks failed for the same reason.
func sameCause(a, b client.CheckResult) bool {
	return !a.OK && !b.OK && a.Diagnosis == b.Diagnosis && a.Fix == b.Fix
}

// sentence ends s with a full stop unless it has one.
func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// latency formats a duration for the checks table: "12 ms", "1.4 s".
func latency(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
