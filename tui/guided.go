package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// The guided Setup SCIM screen's fields, in tab order.
const (
	guidedFieldURL = iota
	guidedFieldToken
	guidedFields
)

// clipboardReadMsg carries what ctrl+v read from the native clipboard, for
// the field that had focus.
type clipboardReadMsg struct {
	field int
	text  string
	err   error
}

// readClipboardCmd reads the native clipboard in a command.
func readClipboardCmd(cb Clipboard, field int) tea.Cmd {
	return func() tea.Msg {
		text, err := cb.ReadAll()
		return clipboardReadMsg{field: field, text: text, err: err}
	}
}

// guidedSetupScreen walks the admin through Setup SCIM in the Admin Console
// (Docker has no API for it) and takes the SCIM Base URL and API Token they
// paste back, checking both as they type.
type guidedSetupScreen struct {
	guidedKeys
	c      *common
	conn   client.Connection
	keymap formKeys
	fields [guidedFields]textinput.Model
	focus  int
	// revealed shows the API Token in clear.
	revealed bool
	// opened is the result of the last `o`, nil before.
	opened *urlOpenedMsg
	// pasteNote says why a paste did not land (no clipboard, or no field to
	// take it).
	pasteNote string
	// tried is set when enter was refused, so empty fields are flagged.
	tried bool

	// Derived from the fields after every change.
	baseURL   string
	urlNotes  []string
	urlErr    error
	token     client.Secret
	tokenNote string
	tokenErr  error
}

// newGuidedSetupScreen returns the guided Setup SCIM screen for conn,
// prefilled from preset (the token stays masked until revealed).
func newGuidedSetupScreen(c *common, conn client.Connection, preset client.SCIMCredentials) *guidedSetupScreen {
	s := &guidedSetupScreen{guidedKeys: newGuidedKeys(),
		c:      c,
		conn:   conn,
		keymap: newFormKeys(),
	}
	s.fields[guidedFieldURL] = newTextField("paste the " + labelBaseURL)
	tok := newTextField("paste the " + labelToken)
	tok.EchoMode = textinput.EchoPassword
	tok.EchoCharacter = '•'
	s.fields[guidedFieldToken] = tok
	s.fields[guidedFieldURL].SetValue(preset.BaseURL)
	s.fields[guidedFieldToken].SetValue(preset.Token.Value())
	s.validate()
	s.focusOnEntry()
	return s
}

// focusOnEntry focuses the first field that still needs a value, so typed
// text (not only a bracketed paste) lands there and letters are text, not
// shortcuts; with both values set nothing is focused and enter continues.
func (s *guidedSetupScreen) focusOnEntry() {
	if s.valid() {
		s.setFocus(formUnfocused)
		return
	}
	s.setFocus(s.firstInvalid())
}

func (s *guidedSetupScreen) step() steps.StepID { return steps.StepSetupSCIM }

// guidedDraft is what the guided screen's fields hold, as typed.
type guidedDraft struct {
	baseURL string
	token   client.Secret
	// set is true once the admin left the screen with the fields as they
	// are, even empty.
	set bool
}

// draft is the fields as typed.
func (s *guidedSetupScreen) draft() guidedDraft {
	return guidedDraft{baseURL: s.fields[guidedFieldURL].Value(), token: client.NewSecret(s.fields[guidedFieldToken].Value()), set: true}
}

// restore puts back what the fields held when the admin went back.
func (s *guidedSetupScreen) restore(d guidedDraft) {
	if !d.set {
		return
	}
	s.fields[guidedFieldURL].SetValue(d.baseURL)
	s.fields[guidedFieldToken].SetValue(d.token.Value())
	s.validate()
	s.focusOnEntry()
}

// typing is true while a field has focus: q, ? and esc are text there (esc
// leaves the field, a second esc goes back).
func (s *guidedSetupScreen) typing() bool { return s.focus != formUnfocused }

func (s *guidedSetupScreen) Init() tea.Cmd { return nil }

func (s *guidedSetupScreen) keys() []key.Binding {
	open := s.open
	if s.typing() {
		open.SetHelp("ctrl+o", "open Docker Home")
	}
	var out []key.Binding
	if s.c.cfg.OpenURL != nil {
		out = append(out, open)
	}
	out = append(out, s.submit, s.reveal, s.keymap.Next)
	if s.typing() {
		out = append(out, s.keymap.Leave)
	}
	if s.c.cfg.Clipboard != nil {
		out = append(out, s.paste)
	}
	return out
}

// validate normalises both fields and records the fixes or the refusals.
func (s *guidedSetupScreen) validate() {
	s.baseURL, s.urlNotes, s.urlErr = client.NormalizeBaseURL(s.fields[guidedFieldURL].Value())
	raw := s.fields[guidedFieldToken].Value()
	s.token, s.tokenErr = client.NormalizeToken(raw)
	s.tokenNote = tokenNote(raw, s.token)
}

// tokenNote says what NormalizeToken removed from raw, without quoting it.
func tokenNote(raw string, tok client.Secret) string {
	return strings.Join(client.TokenNotes(raw, tok), "; ")
}

func (s *guidedSetupScreen) valid() bool { return s.urlErr == nil && s.tokenErr == nil }

func (s *guidedSetupScreen) setFocus(f int) {
	s.focus = f
	for i := range s.fields {
		if i == f {
			s.fields[i].Focus()
		} else {
			s.fields[i].Blur()
		}
	}
}

// firstInvalid is the first field that still needs a value.
func (s *guidedSetupScreen) firstInvalid() int {
	if s.urlErr != nil {
		return guidedFieldURL
	}
	return guidedFieldToken
}

// bothSetNote answers a paste with no field focused once both values are set.
const bothSetNote = "Both values are set: press tab to choose the field to paste into."

// credentialPaste is what a paste holds, read as Docker's Setup SCIM dialog
// shows it: "SCIM Base URL", the URL, "API Token", the token; or "URL token"
// on one line; or one of the two values alone.
type credentialPaste struct {
	baseURL string
	// token is the token-shaped word of the paste, if any: never shown.
	token string
	// bearer is set when a "Bearer" before the token was dropped.
	bearer bool
}

// credentialLabels are the words of the dialog's labels, dropped from a
// paste.
var credentialLabels = map[string]bool{"scim": true, "base": true, "url": true, "url:": true, "api": true,
	"token": true, "token:": true, "authorization:": true}

// readCredentialPaste splits text into a base URL and a token-shaped word.
// A word is token-shaped when it has no scheme, no "@", at least 16
// characters, and the token normaliser takes it.
func readCredentialPaste(text string) credentialPaste {
	var p credentialPaste
	for _, word := range strings.Fields(text) {
		lower := strings.ToLower(word)
		switch {
		case credentialLabels[lower]:
		case lower == "bearer":
			p.bearer = true
		case strings.Contains(word, "://"):
			if p.baseURL == "" {
				p.baseURL = word
			}
		case tokenShaped(word) && p.token == "":
			p.token = word
		}
	}
	return p
}

// minTokenLen is the length below which a value is taken for a cut-off
// token rather than an API Token (Docker's are far longer).
const minTokenLen = 16

// tokenShaped reports whether word could be an API Token.
func tokenShaped(word string) bool {
	if len(word) < minTokenLen || strings.Contains(word, "://") || strings.Contains(word, "@") {
		return false
	}
	_, err := client.NormalizeToken(word)
	return err == nil
}

// pasteTarget is the field a paste goes to: the focused one, else the first
// that still needs a value; ok is false when nothing is focused and both
// values are set (a paste would corrupt one of them).
func (s *guidedSetupScreen) pasteTarget() (field int, ok bool) {
	switch {
	case s.focus != formUnfocused:
		return s.focus, true
	case s.valid():
		return formUnfocused, false
	}
	return s.firstInvalid(), true
}

// pasteInto inserts text at the cursor of field, focusing it. When the
// paste makes the field valid while the other still needs a value, the focus
// moves there, so pasting the base URL and then the token just works.
//
// A token-shaped word never lands in the unmasked base URL field: a paste
// holding both values (as selected in Docker's dialog) fills both fields,
// and a token alone replaces what the API Token field held.
func (s *guidedSetupScreen) pasteInto(field int, text string) tea.Cmd {
	s.pasteNote = ""
	if field == guidedFieldURL {
		if p := readCredentialPaste(text); p.token != "" {
			s.fields[guidedFieldToken].SetValue(p.token)
			note := "That was the API Token, not a URL: it replaced what the API Token field held (masked)"
			if p.baseURL != "" {
				s.fields[guidedFieldURL].SetValue(p.baseURL)
				note = "The paste held both values: the SCIM Base URL and the API Token (masked) are filled in"
			}
			if p.bearer {
				note += "; the “Bearer ” before the token was left out"
			}
			s.pasteNote = note + "."
			s.validate()
			switch {
			case s.urlErr != nil:
				s.setFocus(guidedFieldURL)
			default:
				s.setFocus(guidedFieldToken)
			}
			return nil
		}
	}
	s.setFocus(field)
	var cmd tea.Cmd
	s.fields[field], cmd = s.fields[field].Update(tea.PasteMsg{Content: text})
	s.validate()
	switch {
	case field == guidedFieldURL && s.urlErr == nil && s.tokenErr != nil:
		s.setFocus(guidedFieldToken)
	case field == guidedFieldToken && s.tokenErr == nil && s.urlErr != nil:
		s.setFocus(guidedFieldURL)
	}
	return cmd
}

func (s *guidedSetupScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case urlOpenedMsg:
		s.opened = &msg
		return s, nil
	case clipboardReadMsg:
		if msg.err != nil {
			s.pasteNote = "Could not read the clipboard (" + msg.err.Error() + "): paste with your terminal instead (ctrl+shift+v, or cmd+v on a Mac)."
			return s, nil
		}
		return s, s.pasteInto(msg.field, msg.text)
	case tea.PasteMsg:
		field, ok := s.pasteTarget()
		if !ok {
			s.pasteNote = bothSetNote
			return s, nil
		}
		return s, s.pasteInto(field, msg.Content)
	case tea.KeyPressMsg:
		return s.updateKey(msg)
	}
	return s, nil
}

func (s *guidedSetupScreen) updateKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	if focus, ok := s.keymap.move(msg, s.focus, guidedFields, s.typing()); ok {
		s.setFocus(focus)
		return s, nil
	}
	switch {
	case key.Matches(msg, s.submit):
		if s.valid() {
			return s, emit(scimReadyMsg{creds: client.SCIMCredentials{BaseURL: s.baseURL, Token: s.token}})
		}
		if s.focus == guidedFieldURL && s.urlErr == nil {
			s.setFocus(guidedFieldToken)
			return s, nil
		}
		s.tried = true
		s.setFocus(s.firstInvalid())
		return s, nil
	case key.Matches(msg, s.reveal):
		s.revealed = !s.revealed
		if s.revealed {
			s.fields[guidedFieldToken].EchoMode = textinput.EchoNormal
			s.reveal.SetHelp("ctrl+r", "hide token")
		} else {
			s.fields[guidedFieldToken].EchoMode = textinput.EchoPassword
			s.reveal.SetHelp("ctrl+r", "reveal token")
		}
		return s, nil
	case key.Matches(msg, s.paste):
		if s.c.cfg.Clipboard == nil {
			s.pasteNote = "No clipboard can be read here: paste with your terminal instead (ctrl+shift+v, or cmd+v on a Mac)."
			return s, nil
		}
		field, ok := s.pasteTarget()
		if !ok {
			s.pasteNote = bothSetNote
			return s, nil
		}
		return s, readClipboardCmd(s.c.cfg.Clipboard, field)
	case s.c.cfg.OpenURL != nil && key.Matches(msg, s.open) && (msg.String() == "ctrl+o" || !s.typing()):
		return s, openURLCmd(s.c.cfg.OpenURL, dockerHomeURL)
	case s.typing():
		var cmd tea.Cmd
		s.fields[s.focus], cmd = s.fields[s.focus].Update(msg)
		s.validate()
		return s, cmd
	}
	return s, nil
}

// Layout levels of the guided screen, from roomy to tight: each level drops
// something more so the screen fits short terminals.
const (
	layoutFull    = iota
	layoutNoBlank // no blank lines between sections
	layoutShort   // and a one-line intro without the connection line
	layoutTyping  // and, while a field has focus, no seed note
)

// View renders the roomiest layout that fits the window's height.
func (s *guidedSetupScreen) View() string {
	var v string
	for level := layoutFull; level <= layoutTyping; level++ {
		v = s.render(level)
		if lineCount(v) <= s.c.bodyRows {
			break
		}
	}
	return v
}

func (s *guidedSetupScreen) render(level int) string {
	st := s.c.styles
	w := s.c.contentWidth()
	gap := "\n\n"
	if level >= layoutNoBlank {
		gap = "\n"
	}
	var b strings.Builder
	if s.conn.Name != "" && level < layoutShort {
		b.WriteString(connHeading(st, s.conn, s.c.contentWidth()) + gap)
	}
	if level < layoutShort {
		b.WriteString(st.wrap(steps.EnableSCIMGuide()[0], w) + "\n")
	} else {
		b.WriteString(st.wrap("In "+steps.EnableSCIMPath()+".", w) + "\n")
	}
	if level < layoutTyping || !s.typing() {
		b.WriteString(st.warn.Render("Note: ") + st.wrap(steps.Docker().SeedSSONote.Text, w-6) + "\n")
	}
	switch {
	case s.opened != nil && s.opened.err == nil:
		b.WriteString(st.wrapIn(st.ok, "✓ "+s.opened.describe(), w) + "\n")
	case s.opened != nil:
		b.WriteString(st.wrapIn(st.warn, s.opened.describe(), w) + "\n")
	case s.c.cfg.OpenURL == nil:
		b.WriteString(st.wrap("Open Docker Home in a browser: "+dockerHomeURL, w) + "\n")
	default:
		b.WriteString(st.wrap("Press o to open Docker Home ("+dockerHomeURL+") in your browser.", w) + "\n")
	}
	if s.pasteNote != "" {
		b.WriteString(st.wrapIn(st.warn, s.pasteNote, w) + "\n")
	}
	b.WriteString(gap[1:])
	b.WriteString(s.fieldView(guidedFieldURL, labelBaseURL, s.urlStatus(w-4)) + gap)
	b.WriteString(s.fieldView(guidedFieldToken, labelToken, s.tokenStatus(w-4)))
	return b.String()
}

// fieldView renders a field's label, input and status lines.
func (s *guidedSetupScreen) fieldView(field int, label, status string) string {
	st := s.c.styles
	in := s.fields[field]
	in.SetWidth(max(10, s.c.contentWidth()-6))
	head := "  " + st.bold.Render(label)
	if s.focus == field {
		head = st.selected.Render("> " + label)
	}
	return head + "\n    " + in.View() + "\n" + indent(status, "    ")
}

// urlStatus is the normalised URL with its fixes, or why it was refused.
func (s *guidedSetupScreen) urlStatus(w int) string {
	st := s.c.styles
	switch {
	case strings.TrimSpace(s.fields[guidedFieldURL].Value()) == "" && !s.tried:
		return st.wrapIn(st.subtle, "Starts with https:// and ends in "+client.SCIMPath+".", w)
	case s.urlErr != nil:
		return st.wrapIn(st.err, "✗ "+s.urlErr.Error(), w)
	}
	out := st.ok.Render("✓ ") + s.baseURL
	if len(s.urlNotes) > 0 {
		out += "\n" + st.wrapIn(st.subtle, "Fixed: "+strings.Join(s.urlNotes, "; ")+".", w)
	}
	return out
}

// tokenStatus says whether the token is usable, what was cleaned up, or why
// it was refused; it never shows the token.
func (s *guidedSetupScreen) tokenStatus(w int) string {
	st := s.c.styles
	hidden := "Hidden; ctrl+r reveals it."
	if s.revealed {
		hidden = "Shown; ctrl+r hides it."
	}
	switch {
	case s.fields[guidedFieldToken].Value() == "" && !s.tried:
		return st.wrapIn(st.subtle, "Kept in memory only, never saved. "+hidden, w)
	case s.tokenErr != nil:
		return st.wrapIn(st.err, "✗ "+s.tokenErr.Error(), w)
	case s.tokenNote != "":
		return st.ok.Render("✓ ") + st.wrap("Fixed: "+s.tokenNote+".", w-2)
	}
	if len(s.token.Value()) < minTokenLen {
		return st.warn.Render("! ") + st.wrap("This is shorter than an API Token: check that it was copied whole. "+hidden, w-2)
	}
	return st.ok.Render("✓ ") + st.wrap("API Token ready. "+hidden, w-2)
}
