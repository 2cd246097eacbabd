package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// Docker's labels for the two values Setup SCIM shows.
const (
	labelBaseURL = steps.PasteBaseURL
	labelToken   = steps.PasteToken
)

// credentialsScreen shows the SCIM Base URL and API Token for copying, under
// Docker's labels and the identity provider's field labels.
type credentialsScreen struct {
	credentialsKeys
	c        *common
	creds    client.SCIMCredentials
	idp      steps.IdP
	labels   steps.FieldLabels
	focus    int // 0: base URL, 1: token
	revealed bool
	status   string
}

func newCredentialsScreen(c *common, creds client.SCIMCredentials, idp steps.IdP, ct steps.ConnectionType) *credentialsScreen {
	s := &credentialsScreen{credentialsKeys: newCredentialsKeys(),
		c:     c,
		creds: creds,
		idp:   idp,
	}
	if idp != "" {
		s.labels = steps.CredentialLabels(idp, ct)
	}
	return s
}

func (s *credentialsScreen) step() steps.StepID { return steps.StepCredentials }

func (s *credentialsScreen) Init() tea.Cmd { return nil }

func (s *credentialsScreen) keys() []key.Binding {
	return []key.Binding{s.up, s.down, s.copyKey, s.reveal, s.next}
}

func (s *credentialsScreen) focused() (label, value string) {
	if s.focus == 0 {
		return labelBaseURL, s.creds.BaseURL
	}
	return labelToken, s.creds.Token.Value()
}

func (s *credentialsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case copiedMsg:
		s.status = copyResult(msg, s.c.cfg.InTmux)
		if msg.path == copiedOSC52 {
			return s, tea.SetClipboard(msg.text)
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, s.up):
			s.focus = 0
		case key.Matches(msg, s.down):
			s.focus = 1
		case key.Matches(msg, s.reveal):
			s.revealed = !s.revealed
			if s.revealed {
				s.reveal.SetHelp("r", "hide token")
				return s, emit(tokenRevealedMsg{})
			}
			s.reveal.SetHelp("r", "reveal token")
		case key.Matches(msg, s.copyKey):
			label, value := s.focused()
			return s, copyCmd(s.c.cfg.Clipboard, s.c.cfg.ClipboardMode, label, value)
		case key.Matches(msg, s.next):
			return s, emit(credentialsDoneMsg{})
		}
	}
	return s, nil
}

// maskedToken hides the token; its length is not revealed either.
const maskedToken = "••••••••••••••••••••••••  (hidden: press r to reveal)"

func (s *credentialsScreen) View() string {
	st := s.c.styles
	w := s.c.contentWidth()
	var b strings.Builder
	b.WriteString(st.wrap(steps.Docker().SeedCopyValues.Text, w) + "\n\n")
	token := maskedToken
	if s.revealed {
		token = s.creds.Token.Value()
	}
	fields := []struct{ label, value, idpField string }{
		{labelBaseURL, s.creds.BaseURL, s.labels.BaseURL},
		{labelToken, token, s.labels.Token},
	}
	for i, f := range fields {
		marker, label := "  ", st.bold.Render(f.label)
		if i == s.focus {
			marker, label = st.selected.Render("> "), st.selected.Render(f.label)
		}
		if f.idpField != "" {
			label += st.subtle.Render("  →  "+shortLabel(s.idp)+": ") + st.bold.Render(f.idpField)
		}
		b.WriteString(marker + label + "\n    " + f.value + "\n\n")
	}
	if s.labels.BaseURL != "" {
		b.WriteString(st.wrapIn(st.subtle, "The field names are "+shortLabel(s.idp)+"'s, the connection's identity provider; "+
			"the next step lets you choose another.", w) + "\n")
	}
	if s.labels.AddsBearer {
		b.WriteString(st.wrapIn(st.subtle, "Paste the token alone: "+shortLabel(s.idp)+" adds “Bearer ” itself.", w) + "\n")
	}
	if s.status != "" {
		b.WriteString(st.wrap(s.status, w))
	}
	return strings.TrimRight(b.String(), "\n")
}
