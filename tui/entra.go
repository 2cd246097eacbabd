package tui

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/flow"
)

// entraAction is "Configure Entra for me" on the Entra checklist: it does
// the checklist's items through Microsoft Graph, ticking each as it is done.
type entraAction struct {
	graph    flow.EntraGraph
	settings entra.Settings
	key      key.Binding
	running  bool
	// current is the step being done, failed the step that stopped the run
	// and err its error (cause and fix); done is set after a full run.
	current, failed entra.StepID
	err             string
	done            bool
	// detail is what the last finished step reported.
	detail string
	// signIn is the device code instruction while the admin signs in.
	signIn string
}

func newEntraAction(g flow.EntraGraph, s entra.Settings) *entraAction {
	return &entraAction{graph: g, settings: s,
		key: entraKey()}
}

// entraEvents is how many progress messages a run can send: two per step
// and the final one, so the run never blocks on a screen that is gone.
const entraEvents = 32

// Messages of a "Configure Entra for me" run, delivered to the checklist
// screen that started it.
type (
	entraProgressMsg struct {
		owner *checklistScreen
		p     entra.Progress
		next  <-chan tea.Msg
	}
	entraFinishedMsg struct {
		owner *checklistScreen
		err   error
	}
	// entraCodeMsg: the device code sign-in waits for the admin.
	entraCodeMsg struct {
		owner  *checklistScreen
		prompt entra.DeviceCodePrompt
		next   <-chan tea.Msg
	}
)

func (m entraProgressMsg) ownerScreen() screen { return m.owner }
func (m entraFinishedMsg) ownerScreen() screen { return m.owner }
func (m entraCodeMsg) ownerScreen() screen     { return m.owner }

// configureEntraCmd runs flow.ConfigureEntra in the background and delivers
// its progress one message at a time (see listenEntra).
func configureEntraCmd(owner *checklistScreen, g flow.EntraGraph, s entra.Settings) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan tea.Msg, entraEvents)
		go func() {
			show := func(p entra.DeviceCodePrompt) { ch <- entraCodeMsg{owner: owner, prompt: p, next: ch} }
			_, err := flow.ConfigureEntra(context.Background(), g, s, show, func(p entra.Progress) {
				ch <- entraProgressMsg{owner: owner, p: p, next: ch}
			})
			ch <- entraFinishedMsg{owner: owner, err: err}
			close(ch)
		}()
		return <-ch
	}
}

// listenEntra delivers the next message of a run.
func listenEntra(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

// update applies a run's message to the action; it returns the checklist
// item to tick ("" for none) and the command that waits for the next one.
func (a *entraAction) update(msg tea.Msg) (tick string, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case entraCodeMsg:
		a.signIn = msg.prompt.Message
		return "", listenEntra(msg.next)
	case entraProgressMsg:
		a.signIn = ""
		cmd = listenEntra(msg.next)
		switch msg.p.State {
		case entra.Running:
			a.current = msg.p.Step
		case entra.Done:
			a.detail = msg.p.Detail
			return string(msg.p.Step), cmd
		case entra.Failed:
			a.failed, a.err = msg.p.Step, msg.p.Err.Error()
		}
		return "", cmd
	case entraFinishedMsg:
		a.running, a.current = false, ""
		if msg.err != nil && a.err == "" {
			a.err = msg.err.Error()
		}
		a.done = msg.err == nil
	}
	return "", nil
}

// start begins a run (or resumes one that stopped).
func (a *entraAction) start(owner *checklistScreen) tea.Cmd {
	a.running, a.done, a.failed, a.err, a.detail, a.signIn = true, false, "", "", "", ""
	return configureEntraCmd(owner, a.graph, a.settings)
}

// status is the action's line(s) above the checklist, given the title of
// a checklist item by id.
func (a *entraAction) status(st styles, title func(entra.StepID) string, w int) string {
	switch {
	case a.running && a.current != "":
		return st.wrapIn(st.subtle, "Configuring through Microsoft Graph: "+title(a.current)+" …", w)
	case a.running && a.signIn != "":
		return st.wrap("Sign in to Microsoft Graph: "+a.signIn, w)
	case a.running:
		return st.wrapIn(st.subtle, "Signing in to Microsoft Graph …", w)
	case a.err != "":
		where := "Stopped"
		if a.failed != "" {
			where = "Stopped at " + title(a.failed)
		}
		return st.warn.Render(where+": ") + st.wrap(a.err+" Press g to resume.", w)
	case a.done:
		return st.wrapIn(st.ok, "Done through Microsoft Graph ("+a.detail+"). Press enter to see the users arrive in Docker.", w)
	}
	return st.wrapIn(st.subtle, "Press g to have docker-scim do these steps in Entra through Microsoft Graph (needs the Application Administrator role).", w)
}
