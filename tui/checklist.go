package tui

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/steps"
)

// checklistScreen walks the IdP's items: space ticks, the focused item shows
// its full instruction, what to paste, and its docs link.
type checklistScreen struct {
	c      *common
	list   steps.Checklist
	labels steps.FieldLabels
	keymap checklistKeys
	bar    progress.Model
	// creds are the SCIM Base URL and API Token, for c on the items that
	// paste them (empty after a resume, until the token is given again).
	creds client.SCIMCredentials
	// sources shows where each item's text comes from.
	sources bool
	// copied is the result of the last c.
	copied  string
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
		keymap:  newChecklistKeys(),
		bar:     progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'), progress.WithColors(progressColor)),
		checked: maps.Clone(checked),
		seq:     seq,
	}
}

func (s *checklistScreen) step() steps.StepID { return steps.StepChecklist }

func (s *checklistScreen) Init() tea.Cmd { return nil }

func (s *checklistScreen) keys() []key.Binding {
	k := s.keymap
	keys := []key.Binding{k.Up, k.Down, k.Tick}
	if _, _, ok := s.pasteValue(); ok {
		keys = append(keys, k.Copy)
	}
	if s.entra != nil && !s.entra.running {
		keys = append(keys, s.entra.key)
	}
	return append(keys, k.Open, k.Sources, k.Export, k.Continue)
}

// fullKeys adds the keys that jump through the list, for the full help.
func (s *checklistScreen) fullKeys() []key.Binding {
	return append(s.keys(), s.top(), s.keymap.Bottom, s.keymap.PageUp, s.keymap.PageDown)
}

// top is the key to the first item: g and home, or home alone where g
// starts "Configure Entra for me".
func (s *checklistScreen) top() key.Binding {
	if s.entra != nil {
		return s.keymap.Home
	}
	return s.keymap.Top
}

// pasteValue is the value the focused item pastes (its label and the
// value), when the wizard has it.
func (s *checklistScreen) pasteValue() (label, value string, ok bool) {
	if len(s.list.Items) == 0 {
		return "", "", false
	}
	for _, p := range s.list.Items[s.cursor].Paste {
		switch {
		case p.Value == steps.PasteBaseURL && s.creds.BaseURL != "":
			return labelBaseURL, s.creds.BaseURL, true
		case p.Value == steps.PasteToken && !s.creds.Token.IsZero():
			return labelToken, s.creds.Token.Value(), true
		}
	}
	return "", "", false
}

// docsRef is a reference to a docs pull request or issue in an item's
// text: provenance, shown with the sources (s) only.
var docsRef = regexp.MustCompile(` ?\(docker/(?:docs|roadmap)(?: PR )?#\d+\)`)

// checklistPage is how far pgup and pgdown move.
const checklistPage = 5

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
	cmds := []tea.Cmd{cmd, emit(checkedMsg{checked: maps.Clone(s.checked), seq: s.seq})}
	if tick == string(entra.StepCredentials) {
		// Entra holds the API Token now: quitting no longer loses it.
		cmds = append(cmds, emit(tokenRevealedMsg{}))
	}
	return s, tea.Batch(cmds...)
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
	if copied, ok := msg.(copiedMsg); ok {
		s.copied = copyResult(copied, s.c.cfg.InTmux)
		if copied.path == copiedOSC52 {
			return s, tea.SetClipboard(copied.text)
		}
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
	k, last := s.keymap, len(s.list.Items)-1
	s.copied = ""
	switch {
	case key.Matches(msgKey, k.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(msgKey, k.Down):
		s.cursor = min(last, s.cursor+1)
	case s.entra != nil && !s.entra.running && key.Matches(msgKey, s.entra.key):
		return s, s.entra.start(s)
	case key.Matches(msgKey, s.top()):
		s.cursor = 0
	case key.Matches(msgKey, k.Bottom):
		s.cursor = last
	case key.Matches(msgKey, k.PageUp):
		s.cursor = max(0, s.cursor-checklistPage)
	case key.Matches(msgKey, k.PageDown):
		s.cursor = min(last, s.cursor+checklistPage)
	case key.Matches(msgKey, k.Tick):
		if s.checked == nil {
			s.checked = map[string]bool{}
		}
		s.checked[item.ID] = !s.checked[item.ID]
		s.seq++
		return s, emit(checkedMsg{checked: maps.Clone(s.checked), seq: s.seq})
	case key.Matches(msgKey, k.Copy):
		if label, value, ok := s.pasteValue(); ok {
			return s, copyCmd(s.c.cfg.Clipboard, s.c.cfg.ClipboardMode, label, value)
		}
	case key.Matches(msgKey, k.Open) && item.DocsURL != "":
		return s, emit(openURLMsg{url: item.DocsURL})
	case key.Matches(msgKey, k.Sources):
		s.sources = !s.sources
	case key.Matches(msgKey, k.Export):
		return s, emit(exportRunbookMsg{})
	case key.Matches(msgKey, k.Continue):
		return s, emit(checklistDoneMsg{})
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
		st.subtle.Render(fmt.Sprintf(" %d of %d done", done, total)) +
		"\n" + st.subtle.Render(ansi.Truncate("Follows Docker's docs at "+steps.DocsCommit(), w, "…"))

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
		if it.NeedsOptionalMark() {
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
	if s.copied != "" {
		opened += "\n" + st.wrap(s.copied, w)
	}
	rows := max(3, s.c.bodyRows-2) // below the head and docs lines
	if opened != "" {
		rows = max(3, s.c.bodyRows-1-lineCount(opened))
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
	if s.labels.AddsBearer && slices.ContainsFunc(it.Paste, func(p steps.Paste) bool { return p.Value == steps.PasteToken }) &&
		!strings.Contains(strings.ToLower(it.Detail), "bearer") {
		add(st.subtle.Render("Paste the token alone: the IdP adds “Bearer ” itself."))
	}
	if label, _, ok := s.pasteValue(); ok {
		add(st.subtle.Render("Press c to copy the " + label + "."))
	}
	if detail := strings.TrimSpace(docsRef.ReplaceAllString(it.Detail, "")); detail != "" && !s.sources {
		add(st.subtle.Render(detail))
	} else if it.Detail != "" && s.sources {
		add(st.subtle.Render(it.Detail))
	}
	if it.DocsURL != "" {
		out = append(out, "      "+st.subtle.Render("Docs: ")+link(it.DocsURL, w-len("Docs: ")))
	}
	if s.sources {
		src := "Source: " + it.Source.Label()
		if it.Ref != "" && it.Ref != steps.SourceSeedRef {
			src += ", " + it.Ref + " (Docker docs at " + steps.DocsCommit() + ")"
		}
		add(st.subtle.Render(src))
		if it.Differs != "" {
			add(st.warn.Render("Other docs: ") + it.Differs)
		}
	} else if it.Differs != "" {
		add(st.subtle.Render("Other docs word this step differently: press s."))
	}
	return out
}
