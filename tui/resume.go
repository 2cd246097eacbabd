package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/steps"
)

type resumeMsg struct{ state savedState }

// resumeScreen offers to continue from saved progress.
type resumeScreen struct {
	c          *common
	state      savedState
	resumeKey  key.Binding
	startAfres key.Binding
}

func newResumeScreen(c *common, st savedState) *resumeScreen {
	return &resumeScreen{
		c:          c,
		state:      st,
		resumeKey:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "resume")),
		startAfres: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "start over")),
	}
}

func (s *resumeScreen) step() steps.StepID { return steps.StepConnection }

func (s *resumeScreen) Init() tea.Cmd { return nil }

func (s *resumeScreen) keys() []key.Binding { return []key.Binding{s.resumeKey, s.startAfres} }

func (s *resumeScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, s.resumeKey):
			return s, emit(resumeMsg{state: s.state})
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
	b.WriteString("\n" + st.wrapIn(st.subtle, "The API Token is never saved: steps that need it resume at Enable SCIM.", s.c.contentWidth()))
	return b.String()
}
