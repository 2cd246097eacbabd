package tui

import (
	"errors"

	tea "charm.land/bubbletea/v2"
)

// dockerHomeURL is Docker Home, where the Admin Console lives (the address
// Docker's SCIM page names; the wizard links only to documented URLs).
const dockerHomeURL = "https://app.docker.com"

// errNoBrowser says why no browser was opened when none is available.
var errNoBrowser = errors.New("no browser can be opened from this terminal, for example under SSH")

// urlOpenedMsg reports whether url was opened in the browser.
type urlOpenedMsg struct {
	url string
	err error
}

// openURLCmd opens url with open in a command; a nil open (under SSH, or
// with no browser) reports errNoBrowser so the URL is shown instead.
func openURLCmd(open func(string) error, url string) tea.Cmd {
	return func() tea.Msg {
		if open == nil {
			return urlOpenedMsg{url: url, err: errNoBrowser}
		}
		return urlOpenedMsg{url: url, err: open(url)}
	}
}

// describe says honestly what happened: the URL was opened, or the admin
// must open it by hand (and why).
func (m urlOpenedMsg) describe() string {
	switch {
	case m.err == nil:
		return "Opened " + m.url + " in your browser."
	case errors.Is(m.err, errNoBrowser):
		return "Open this address in a browser: " + m.url + " (" + m.err.Error() + ")."
	}
	return "Could not open a browser (" + m.err.Error() + "). Open this address: " + m.url
}
