package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/docker-scim/docker-scim/steps"
)

// Layout helpers shared by every screen: the frame's parts, the footer,
// one scroll window, and small text shapes (indent, bullets, plurals).

// headerLines is how many lines the root draws above a screen: the title,
// the step line and a blank line. One blank line follows the screen.
const headerLines = 3

// indent prefixes every non-empty line of s with pad.
func indent(s, pad string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// bullet puts a bullet before wrapped text and indents its other lines.
func bullet(wrapped string) string {
	return "• " + strings.ReplaceAll(wrapped, "\n", "\n  ")
}

// listItem renders wrapped lines as one indented list item.
func listItem(wrapped string) string { return indent(bullet(wrapped), "  ") + "\n" }

// plural says "1 user" or "2 users".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// field renders "label  value" with labels padded to labelW columns and
// the value wrapped under itself in width.
func field(st styles, label, value string, labelW, width int) string {
	wrapped := st.wrap(value, max(10, width-labelW))
	return fmt.Sprintf("%-*s", labelW, label) + strings.ReplaceAll(wrapped, "\n", "\n"+strings.Repeat(" ", labelW))
}

// shortLabel is an identity provider's name without its parenthesis
// ("Microsoft Entra ID" for "Microsoft Entra ID (formerly Azure AD)"), for
// places that name it again after the full name was shown once.
func shortLabel(p steps.IdP) string {
	short, _, _ := strings.Cut(p.Label(), " (")
	return short
}

// lineCount is how many lines s takes on screen.
func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// scrollWindow shows at most rows lines of lines, from top on. When they
// do not all fit, a line above and a line below say how many lines are
// hidden there (each only when some are). top is clamped so the window is
// full; the clamped value is returned so the caller can keep it.
func scrollWindow(st styles, lines []string, top, rows int) (view string, clampedTop int) {
	top, end := visibleRange(len(lines), top, rows)
	var out []string
	if top > 0 {
		out = append(out, st.subtle.Render("↑ "+plural(top, "more line")))
	}
	out = append(out, lines[top:end]...)
	if end < len(lines) {
		out = append(out, st.subtle.Render("↓ "+plural(len(lines)-end, "more line")))
	}
	return strings.Join(out, "\n"), top
}

// visibleRange is the lines [top, end) of n that a scrollWindow of rows
// rows shows from top on, top clamped so that the window is full.
func visibleRange(n, top, rows int) (int, int) {
	if n <= rows {
		return 0, n
	}
	rows = max(rows, 3)
	top = min(max(0, top), n-(rows-1)) // the last page has only the "↑" line
	if top == 0 {
		return 0, rows - 1
	}
	if top+rows-1 >= n {
		return top, n
	}
	return top, top + rows - 2
}

// scrollTo is the top line that shows lines [start, end) of n in a
// scrollWindow of rows rows, moving as little as possible from top. A block
// taller than the window shows its start.
func scrollTo(top, start, end, rows, n int) int {
	if n <= rows {
		return 0
	}
	top, _ = visibleRange(n, top, rows)
	if start < top {
		top = start
	}
	for {
		t, e := visibleRange(n, top, rows)
		if e >= end || t >= start || e >= n {
			return t
		}
		top = t + 1
	}
}

// shortFooter renders bindings as "key desc" items joined by " • ", wrapped
// at item boundaries to width: every key stays whole and visible.
func shortFooter(st help.Styles, bindings []key.Binding, width int) string {
	sep := st.ShortSeparator.Render(" • ")
	sepW := ansi.StringWidth(sep)
	var lines []string
	var line strings.Builder
	lineW := 0
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		item := st.ShortKey.Render(h.Key) + " " + st.ShortDesc.Render(h.Desc)
		w := ansi.StringWidth(item)
		if lineW > 0 && lineW+sepW+w > width {
			lines = append(lines, line.String())
			line.Reset()
			lineW = 0
		}
		if lineW > 0 {
			line.WriteString(sep)
			lineW += sepW
		}
		line.WriteString(ansi.Truncate(item, width, "…"))
		lineW += min(w, width)
	}
	if lineW > 0 {
		lines = append(lines, line.String())
	}
	return strings.Join(lines, "\n")
}

// fullFooter renders every binding of groups in aligned columns that fit
// width, filled top to bottom: nothing is cut, however many keys there are.
func fullFooter(st help.Styles, groups [][]key.Binding, width int) string {
	type entry struct{ key, desc string }
	var entries []entry
	keyW, descW := 0, 0
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			entries = append(entries, entry{h.Key, h.Desc})
			keyW, descW = max(keyW, ansi.StringWidth(h.Key)), max(descW, ansi.StringWidth(h.Desc))
		}
	}
	if len(entries) == 0 {
		return ""
	}
	const gap = 4
	colW := keyW + 1 + descW
	cols := max(1, min(len(entries), (width+gap)/(colW+gap)))
	rows := (len(entries) + cols - 1) / cols
	lines := make([]string, rows)
	for i, e := range entries {
		r, c := i%rows, i/rows
		cell := st.FullKey.Render(fmt.Sprintf("%-*s", keyW, e.key)) + " " + st.FullDesc.Render(e.desc)
		if c > 0 {
			cell = strings.Repeat(" ", gap) + cell
		}
		if c+1 < cols && i+rows < len(entries) {
			cell += strings.Repeat(" ", descW-ansi.StringWidth(e.desc))
		}
		lines[r] += cell
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return strings.Join(lines, "\n")
}

// link renders url on one line of at most width cells, as a terminal
// hyperlink (OSC 8) to the whole URL: whole when it fits, else without its
// scheme, else elided in the middle ("docs.docker.com/…/#section"). A
// URL is never broken across lines, where it could be neither clicked nor
// copied.
func link(url string, width int) string {
	text := url
	if ansi.StringWidth(text) > width {
		text = strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
	}
	if ansi.StringWidth(text) > width {
		host, path, _ := strings.Cut(text, "/")
		tail := ansi.TruncateLeft(path, max(0, ansi.StringWidth(path)-(width-ansi.StringWidth(host)-2)), "")
		if i := strings.IndexAny(tail, "/#"); i > 0 {
			tail = tail[i:] // start the kept part at a path boundary
		}
		text = host + "/…" + tail
		if ansi.StringWidth(text) > width {
			text = ansi.Truncate(text, width, "…")
		}
	}
	return ansi.SetHyperlink(url) + text + ansi.ResetHyperlink()
}
