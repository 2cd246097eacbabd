package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/atotto/clipboard"
	"github.com/docker-scim/docker-scim/client"
)

// clipboardTTL is how long the API Token may stay on the native clipboard.
const clipboardTTL = 60 * time.Second

// clearClipboardMsg asks to clear the native clipboard if it still holds token.
type clearClipboardMsg struct{ token client.Secret }

// clipboardClearedMsg reports whether the clipboard was cleared.
type clipboardClearedMsg struct{ cleared bool }

// clearClipboardCmd empties the clipboard if it still holds token.
func clearClipboardCmd(cb Clipboard, token client.Secret) tea.Cmd {
	return func() tea.Msg {
		if cb == nil {
			return clipboardClearedMsg{}
		}
		if cur, err := cb.ReadAll(); err != nil || cur != token.Value() {
			return clipboardClearedMsg{}
		}
		return clipboardClearedMsg{cleared: cb.WriteAll("") == nil}
	}
}

// copyPath says how a value reached a clipboard.
type copyPath int

const (
	copiedNative copyPath = iota
	copiedOSC52
	copyFailed
)

// copiedMsg reports a copy attempt for the field named label.
type copiedMsg struct {
	label string
	path  copyPath
	// text is what was copied: OSC 52 sends it, whatever has the focus by
	// the time this message arrives.
	text string
}

// copyCmd writes text to the native clipboard when mode allows and it works.
// Otherwise it reports OSC 52, which the screen then sends with
// tea.SetClipboard (the program writes it to the terminal).
func copyCmd(cb Clipboard, mode ClipboardMode, label, text string) tea.Cmd {
	return func() tea.Msg {
		if mode == ClipboardOSC52 || cb == nil {
			if mode == ClipboardNative {
				return copiedMsg{label: label, path: copyFailed, text: text}
			}
			return copiedMsg{label: label, path: copiedOSC52, text: text}
		}
		if err := cb.WriteAll(text); err == nil {
			return copiedMsg{label: label, path: copiedNative, text: text}
		}
		if mode == ClipboardNative {
			return copiedMsg{label: label, path: copyFailed, text: text}
		}
		return copiedMsg{label: label, path: copiedOSC52, text: text}
	}
}

// copyResult is the honest one-line result of a copy.
func copyResult(m copiedMsg, inTmux bool) string {
	switch m.path {
	case copiedNative:
		return "✓ " + m.label + " copied to the clipboard."
	case copiedOSC52:
		s := "→ " + m.label + " sent to your terminal's clipboard (OSC 52); if pasting gives nothing, press r to reveal and copy it by hand."
		if inTmux {
			s += " In tmux, `set -g set-clipboard on` lets it through."
		}
		return s
	}
	return "✗ No clipboard is available: press r to reveal the value and copy it by hand."
}

// nativeClipboard is the operating system's clipboard, through
// github.com/atotto/clipboard (xclip, xsel, wl-clipboard, pbcopy, …).
type nativeClipboard struct{}

// NativeClipboard returns the operating system's clipboard, or nil when no
// clipboard tool is installed.
func NativeClipboard() Clipboard {
	if clipboard.Unsupported {
		return nil
	}
	return nativeClipboard{}
}

// WriteAll copies text to the clipboard.
func (nativeClipboard) WriteAll(text string) error { return clipboard.WriteAll(text) }

// ReadAll reads the clipboard.
func (nativeClipboard) ReadAll() (string, error) { return clipboard.ReadAll() }
