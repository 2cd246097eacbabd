package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/steps"
)

// checklistScreen walks the IdP's items: space ticks, the focused item shows
// its full instruction, what to paste, and its docs link.
type checklistScreen struct {
	c       *common
	list    steps.Checklist
	labels  steps.FieldLabels
	keymap  listKeys
	toggle  key.Binding
	open    key.Binding
	export  key.Binding
	bar     progress.Model
	cursor  int
	checked map[string]bool
	// seq numbers the ticks sent to the root.
	seq int
	// opened says what happened to the last `o`.
	opened string
	// entra is "Configure Entra for me", or nil where it is not offered.
	entra *entraAction
}

// seq continues the numbering of ticks sent to the root (see checkedMsg).
func newChecklistScreen(c *common, list steps.Checklist, checked map[string]bool, seq int) *checklistScreen {
	return &checklistScreen{
		c:       c,
		list:    list,
		labels:  steps.CredentialLabels(list.IdP, list.ConnectionType),
		keymap:  newListKeys("continue"),
		toggle:  key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "tick")),
		open:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open docs")),
		export:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export runbook")),
		bar:     progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'), progress.WithColors(progressColor)),
		checked: maps.Clone(checked),
		seq:     seq,
	}
}

func (s *checklistScreen) step() steps.StepID { return steps.StepChecklist }

func (s *checklistScreen) Init() tea.Cmd { return nil }

func (s *checklistScreen) keys() []key.Binding {
	keys := []key.Binding{s.keymap.Up, s.keymap.Down, s.toggle}
	if s.entra != nil && !s.entra.running {
		keys = append(keys, s.entra.key)
	}
	return append(keys, s.open, s.export, s.keymap.Choose)
}

// onEntra applies a "Configure Entra for me" message: a step done ticks
// its checklist item.
func (s *checklistScreen) onEntra(msg tea.Msg) (screen, tea.Cmd) {
	tick, cmd := s.entra.update(msg)
	if tick == "" || !slices.ContainsFunc(s.list.Items, func(it steps.Item) bool { return it.ID == tick }) || s.checked[tick] {
		return s, cmd
	}
	if s.checked == nil {
		s.checked = map[string]bool{}
	}
	s.checked[tick] = true
	s.seq++
	return s, tea.Batch(cmd, emit(checkedMsg{checked: maps.Clone(s.checked), seq: s.seq}))
}

// itemTitle is the title of the checklist item id, or id itself.
func (s *checklistScreen) itemTitle(id string) string {
	for _, it := range s.list.Items {
		if it.ID == id {
			return it.Title
		}
	}
	return id
}

func (s *checklistScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if opened, ok := msg.(urlOpenedMsg); ok {
		s.opened = opened.describe()
		return s, nil
	}
	switch msg.(type) {
	case entraProgressMsg, entraFinishedMsg, entraCodeMsg:
		if s.entra != nil {
			return s.onEntra(msg)
		}
		return s, nil
	}
	msgKey, ok := msg.(tea.KeyPressMsg)
	if !ok || len(s.list.Items) == 0 {
		return s, nil
	}
	item := s.list.Items[s.cursor]
	switch {
	case key.Matches(msgKey, s.keymap.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(msgKey, s.keymap.Down):
		s.cursor = min(len(s.list.Items)-1, s.cursor+1)
	case key.Matches(msgKey, s.toggle):
		if s.checked == nil {
			s.checked = map[string]bool{}
		}
		s.checked[item.ID] = !s.checked[item.ID]
		s.seq++
		return s, emit(checkedMsg{checked: maps.Clone(s.checked), seq: s.seq})
	case key.Matches(msgKey, s.open) && item.DocsURL != "":
		return s, emit(openURLMsg{url: item.DocsURL})
	case key.Matches(msgKey, s.export):
		return s, emit(exportRunbookMsg{})
	case key.Matches(msgKey, s.keymap.Choose):
		return s, emit(checklistDoneMsg{})
	case s.entra != nil && !s.entra.running && key.Matches(msgKey, s.entra.key):
		return s, s.entra.start(s)
	}
	return s, nil
}

func (s *checklistScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	p := s.list.Progress(s.checked)
	done, total := p.Done, p.Total
	bar := s.bar // View changes nothing: size a copy
	bar.SetWidth(min(30, w/3))
	head := st.bold.Render(s.list.IdP.Label()) + "  " + bar.ViewAs(float64(done)/float64(max(total, 1))) +
		st.subtle.Render(fmt.Sprintf(" %d of %d done", done, total))

	// Lines of the list, with where the focused item starts and ends, so the
	// window can scroll to keep it in view.
	var lines []string
	focusStart, focusEnd := 0, 0
	section := ""
	for i, it := range s.list.Items {
		if it.Section != section {
			section = it.Section
			lines = append(lines, st.subtle.Render(section))
		}
		box := "[ ]"
		if s.checked[it.ID] {
			box = st.ok.Render("[x]")
		}
		title := fmt.Sprintf("%d. %s", i+1, it.Title)
		if it.Optional {
			title += st.subtle.Render(" (optional)")
		}
		if i != s.cursor {
			lines = append(lines, ansi.Truncate("  "+box+" "+title, w, "…"))
			continue
		}
		focusStart = len(lines)
		wrapped := strings.Split(ansi.Wrap(title, w-6, ""), "\n")
		lines = append(lines, st.selected.Render("> ")+box+" "+st.selected.Render(wrapped[0]))
		for _, l := range wrapped[1:] {
			lines = append(lines, "      "+st.selected.Render(l))
		}
		lines = append(lines, s.details(it, w-6)...)
		focusEnd = len(lines)
	}
	var opened string
	if s.opened != "" {
		opened = "\n" + st.wrapIn(st.subtle, s.opened, w)
	}
	rows := max(3, s.c.bodyRows-1) // below the head line
	if opened != "" {
		rows = max(3, s.c.bodyRows-lineCount(opened))
	}
	if s.entra != nil {
		status := s.entra.status(st, func(id entra.StepID) string { return s.itemTitle(string(id)) }, w)
		rows = max(3, rows-lineCount(status))
		head += "\n" + status
	}
	view, _ := scrollWindow(st, lines, scrollTo(0, focusStart, focusEnd, rows, len(lines)), rows)
	return head + "\n" + view + opened
}

// details renders the focused item: the instruction with bold UI labels,
// what to paste where, how other docs word it, and the docs link.
func (s *checklistScreen) details(it steps.Item, w int) []string {
	st := s.c.styles
	var out []string
	add := func(text string) {
		for _, l := range strings.Split(st.wrap(text, w), "\n") {
			out = append(out, "      "+l)
		}
	}
	add(it.Text)
	if s.labels.AddsBearer && slices.ContainsFunc(it.Paste, func(p steps.Paste) bool { return p.Value == steps.PasteToken }) {
		add(st.subtle.Render("Paste the token alone: the IdP adds “Bearer ” itself."))
	}
	if it.Detail != "" {
		add(st.subtle.Render(it.Detail))
	}
	if it.Differs != "" {
		add(st.warn.Render("Note: ") + it.Differs)
	}
	if it.DocsURL != "" {
		add(st.subtle.Render("Docs (" + it.Source.Label() + "): " + it.DocsURL))
	}
	return out
}
