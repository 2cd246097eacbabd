package tui

import (
	"charm.land/bubbles/v2/key"
)

// globalKeys work on every screen; the root handles them.
type globalKeys struct {
	Back, Help, Quit key.Binding
	// PageUp and PageDown scroll a screen taller than the window.
	PageUp, PageDown key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
	}
}

// listKeys move a cursor through a list and choose.
type listKeys struct {
	Up, Down, Choose key.Binding
}

func newListKeys(chooseHelp string) listKeys {
	return listKeys{
		Up:     upKey(),
		Down:   downKey(),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", chooseHelp)),
	}
}

// helpKeys joins a screen's bindings with the global ones for the footer.
type helpKeys struct {
	screen    []key.Binding
	global    globalKeys
	canGoBack bool
	// typing hides the global keys: while a field has focus they are text.
	typing bool
	// scrolling adds pgup/pgdn: the screen is taller than the window.
	scrolling bool
}

// ShortHelp implements help.KeyMap.
func (h helpKeys) ShortHelp() []key.Binding {
	out := append([]key.Binding(nil), h.screen...)
	if h.scrolling {
		out = append(out, h.global.PageDown)
	}
	if h.typing {
		return out
	}
	if h.canGoBack {
		out = append(out, h.global.Back)
	}
	return append(out, h.global.Help, h.global.Quit)
}

// FullHelp implements help.KeyMap.
func (h helpKeys) FullHelp() [][]key.Binding {
	screen := h.screen
	if h.scrolling {
		screen = append(screen[:len(screen):len(screen)], h.global.PageUp, h.global.PageDown)
	}
	if h.typing {
		return [][]key.Binding{screen}
	}
	g := []key.Binding{h.global.Help, h.global.Quit}
	if h.canGoBack {
		g = append([]key.Binding{h.global.Back}, g...)
	}
	return [][]key.Binding{screen, g}
}

// confirmHelp is the footer of the quit question: its keys only.
type confirmHelp []key.Binding

// ShortHelp implements help.KeyMap.
func (c confirmHelp) ShortHelp() []key.Binding { return c }

// FullHelp implements help.KeyMap.
func (c confirmHelp) FullHelp() [][]key.Binding { return [][]key.Binding{c} }

// confirmKeys are the quit question's keys.
func confirmKeys() confirmHelp {
	return confirmHelp{
		key.NewBinding(key.WithKeys("y", "q"), key.WithHelp("y", "quit")),
		key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "stay")),
	}
}

// checklistKeys walk the IdP checklist.
type checklistKeys struct {
	Up, Down, Top, Home, Bottom, PageUp, PageDown key.Binding
	Tick, Copy, Open, Sources, Export, Continue   key.Binding
}

func newChecklistKeys() checklistKeys {
	return checklistKeys{
		Up:       upKey(),
		Down:     downKey(),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first item")),
		Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first item")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last item")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "5 items up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "5 items down")),
		Tick:     key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "tick")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy value")),
		Open:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open docs")),
		Sources:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sources")),
		Export:   exportRunbookKey(),
		Continue: continueKey(),
	}
}

// connectionsKeys retry and filter the connection list (it moves with listKeys).
type connectionsKeys struct {
	retry, filterKey, filterMove, clearFilterKey key.Binding
}

func newConnectionsKeys() connectionsKeys {
	return connectionsKeys{
		retry:          key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		filterKey:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		filterMove:     key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		clearFilterKey: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// connFormKeys change a choice and submit the connection form (fields move with formKeys).
type connFormKeys struct {
	cycle, submit key.Binding
}

func newConnFormKeys() connFormKeys {
	return connFormKeys{
		cycle:  key.NewBinding(key.WithKeys("left", "right", "space"), key.WithHelp("←/→/space", "change")),
		submit: continueKey(),
	}
}

// credentialsKeys move between, copy and reveal the SCIM Base URL and API Token.
type credentialsKeys struct {
	up, down, copyKey, reveal, next key.Binding
}

func newCredentialsKeys() credentialsKeys {
	return credentialsKeys{
		up:      upKey(),
		down:    downKey(),
		copyKey: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		reveal:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal token")),
		next:    continueKey(),
	}
}

// doneKeys finish, export the runbook, or open the members report.
type doneKeys struct {
	finish, export, members key.Binding
}

func newDoneKeys() doneKeys {
	return doneKeys{
		finish:  finishKey(),
		export:  exportRunbookKey(),
		members: membersKey(),
	}
}

// guidedKeys open Docker Home, reveal and paste the token, and submit the guided form.
type guidedKeys struct {
	open, reveal, paste, submit key.Binding
}

func newGuidedKeys() guidedKeys {
	return guidedKeys{
		open:   key.NewBinding(key.WithKeys("o", "ctrl+o"), key.WithHelp("o", "open Docker Home")),
		reveal: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reveal token")),
		paste:  key.NewBinding(key.WithKeys("ctrl+v"), key.WithHelp("ctrl+v", "paste")),
		submit: continueKey(),
	}
}

// idpKeys answer the question asked when another IdP than the connection's is chosen.
type idpKeys struct {
	yes, no key.Binding
}

func newIdpKeys() idpKeys {
	return idpKeys{
		yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "use it anyway")),
		no:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "choose again")),
	}
}

// preflightKeys continue, check again, toggle JIT, show details and scroll the findings.
type preflightKeys struct {
	next, retry, jitKey, steps, up, down key.Binding
}

func newPreflightKeys() preflightKeys {
	return preflightKeys{
		next:   continueKey(),
		retry:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check again")),
		jitKey: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "toggle JIT")),
		steps:  key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "details")),
		up:     key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "scroll")),
		down:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll")),
	}
}

// readBackKeys poll now, push a test user, open the members report and finish.
type readBackKeys struct {
	pollNow, push, members, finish key.Binding
}

func newReadBackKeys() readBackKeys {
	return readBackKeys{
		pollNow: checkNowKey(),
		push:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "push a test user")),
		members: membersKey(),
		finish:  finishKey(),
	}
}

// resumeKeys resume saved progress or start over.
type resumeKeys struct {
	resumeKey, startAfres key.Binding
}

func newResumeKeys() resumeKeys {
	return resumeKeys{
		resumeKey:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "resume")),
		startAfres: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "start over")),
	}
}

// setupKeys run Enable SCIM or Edit SCIM, ask for a new sandbox token, and
// answer that question.
type setupKeys struct {
	confirm, refresh, yes, no key.Binding
}

func newSetupKeys() setupKeys {
	return setupKeys{
		confirm: key.NewBinding(key.WithKeys("enter")),
		refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "new token (sandbox)…")),
		yes:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "issue a new token")),
		no:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "keep the old token")),
	}
}

// verifyKeys test again or continue.
type verifyKeys struct {
	rerun, next key.Binding
}

func newVerifyKeys() verifyKeys {
	return verifyKeys{
		rerun: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "test again")),
		next:  continueKey(),
	}
}

// formKeys move through a form's fields.
type formKeys struct {
	Next, Prev, Leave key.Binding
}

func newFormKeys() formKeys {
	return formKeys{
		Next:  key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:  key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Leave: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave field")),
	}
}

// membersKeys are the members screen's bindings.
type membersKeys struct {
	up, down, filter, refresh, push, pushAll, jitOff, export, done key.Binding
}

func newMembersKeys() membersKeys {
	return membersKeys{
		up:      upKey(),
		down:    downKey(),
		filter:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		refresh: checkNowKey(),
		push:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "push selected")),
		pushAll: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "push all left")),
		jitOff:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "turn JIT off")),
		export:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export report")),
		done:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
	}
}

// membersKey opens the members screen from the read-back and Done screens.
func membersKey() key.Binding {
	return key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "members linked"))
}

// entraKey starts "Configure Entra for me" on the Entra checklist.
func entraKey() key.Binding {
	return key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "configure Entra for me"))
}

// upKey moves a cursor or selection up.
func upKey() key.Binding {
	return key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
}

// downKey moves a cursor or selection down.
func downKey() key.Binding {
	return key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
}

// continueKey goes on to the next screen.
func continueKey() key.Binding {
	return key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue"))
}

// finishKey ends the wizard from the read-back and Done screens.
func finishKey() key.Binding {
	return key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish"))
}

// exportRunbookKey writes the runbook from the checklist and Done screens.
func exportRunbookKey() key.Binding {
	return key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export runbook"))
}

// checkNowKey reads Docker again at once on the read-back and members screens.
func checkNowKey() key.Binding {
	return key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check now"))
}
