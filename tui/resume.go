package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/flow"
	"github.com/docker-scim/docker-scim/steps"
)

// resumeMsg resumes from state, as checked against the server; notice says
// what the check changed or could not do.
type resumeMsg struct {
	state  savedState
	notice string
	// gone is set when the saved connection no longer exists: the wizard
	// starts at the connection list instead.
	gone bool
}

// resumeCheckedMsg is the saved state compared with what the server says
// now, for the resume screen that asked.
type resumeCheckedMsg struct {
	owner *resumeScreen
	resumeMsg
}

func (m resumeCheckedMsg) ownerScreen() screen { return m.owner }

// checkResumeCmd re-reads the saved connection where the console can list
// connections (the sandbox, which is new at every start): a saved "SCIM on"
// or JIT state is only what was true then. Where it cannot (real Docker),
// the saved state stands.
func checkResumeCmd(owner *resumeScreen, env *flow.Env, st savedState) tea.Cmd {
	return func() tea.Msg {
		if !env.ListsConnections() {
			return resumeCheckedMsg{owner: owner, resumeMsg: resumeMsg{state: st}}
		}
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		info, err := flow.Connections(ctx, env)
		if err != nil {
			return resumeCheckedMsg{owner: owner, resumeMsg: resumeMsg{state: st,
				notice: "Could not check the saved connection against Docker (" + err.Error() + "): the saved state is used as it is."}}
		}
		for _, c := range info.Connections {
			if c.ID == st.Connection.ID && c.Name == st.Connection.Name {
				now := st
				now.Connection = c
				if st.Connection.SCIMEnabled && !c.SCIMEnabled {
					now.BaseURL, now.SetupAt = "", time.Time{}
					return resumeCheckedMsg{owner: owner, resumeMsg: resumeMsg{state: now,
						notice: "SCIM is no longer set up on " + c.Name + " (a new sandbox starts without it): run " + steps.Title(steps.StepSetupSCIM) + " again."}}
				}
				return resumeCheckedMsg{owner: owner, resumeMsg: resumeMsg{state: now}}
			}
		}
		return resumeCheckedMsg{owner: owner, resumeMsg: resumeMsg{state: st, gone: true,
			notice: "The saved connection " + st.Connection.Name + " no longer exists: pick one again."}}
	}
}

// resumeScreen offers to continue from saved progress.
type resumeScreen struct {
	resumeKeys
	c     *common
	state savedState
	// checking is true while the saved connection is being re-read.
	checking bool
}

func newResumeScreen(c *common, st savedState) *resumeScreen {
	return &resumeScreen{resumeKeys: newResumeKeys(),
		c:     c,
		state: st,
	}
}

func (s *resumeScreen) step() steps.StepID { return steps.StepConnection }

func (s *resumeScreen) Init() tea.Cmd { return nil }

func (s *resumeScreen) keys() []key.Binding {
	if s.checking {
		return nil
	}
	return []key.Binding{s.resumeKey, s.startAfres}
}

func (s *resumeScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(resumeCheckedMsg); ok {
		s.checking = false
		return s, emit(msg.resumeMsg)
	}
	if msg, ok := msg.(tea.KeyPressMsg); ok && !s.checking {
		switch {
		case key.Matches(msg, s.resumeKey):
			s.checking = true
			return s, checkResumeCmd(s, s.c.cfg.Env, s.state)
		case key.Matches(msg, s.startAfres):
			return s, tea.Batch(emit(startOverMsg{}), clearStateCmd(s.c.cfg.StateDir))
		}
	}
	return s, nil
}

// checklistPosition is the checklist step's number in the flow.
func checklistPosition() int {
	n, _ := steps.Position(steps.StepChecklist)
	return n
}

func (s *resumeScreen) View() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString(st.bold.Render("Resume where you left off?") + "\n\n")
	w := s.c.contentWidth()
	const labelW = 13
	b.WriteString(field(st, "Saved", s.state.SavedAt.Local().Format("2006-01-02 15:04"), labelW, w) + "\n")
	b.WriteString(field(st, "Connection", s.state.Connection.Name+" ("+s.state.Connection.Type.Label()+")", labelW, w) + "\n")
	b.WriteString(field(st, "Step", steps.Title(s.state.Step), labelW, w) + "\n")
	if at, _ := steps.Position(s.state.Step); s.state.IdP != "" && at >= checklistPosition() {
		done := 0
		for _, v := range s.state.Checked {
			if v {
				done++
			}
		}
		b.WriteString(field(st, "Checklist", fmt.Sprintf("%s, %s ticked", s.state.IdP.Label(), plural(done, "item")), labelW, w) + "\n")
	}
	if s.checking {
		b.WriteString("\nChecking the saved connection…\n")
	}
	b.WriteString("\n" + st.wrapIn(st.subtle, "The API Token is never saved: steps that need it resume at "+steps.Title(steps.StepSetupSCIM)+".", s.c.contentWidth()))
	return b.String()
}
