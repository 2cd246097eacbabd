package tui

import (
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/cli/browser"
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

// BrowserOpener returns the function that opens a URL in the admin's
// browser, or nil when none can be opened from this terminal: under SSH, or
// on Linux without a display. getenv reads the environment (os.Getenv).
// The launcher's own output is discarded: it would corrupt the screen.
func BrowserOpener(goos string, getenv func(string) string) func(string) error {
	for _, v := range []string{"SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"} {
		if getenv(v) != "" {
			return nil
		}
	}
	if goos == "linux" && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return nil
	}
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL
}
