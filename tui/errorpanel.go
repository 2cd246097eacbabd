package tui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/docker-scim/docker-scim/client"
)

// errorPanel renders a failed call: what happened, why, and what to do next.
// The footer shows the keys that retry or go back.
func errorPanel(st styles, err error, width int) string {
	var b strings.Builder
	b.WriteString(st.err.Render("✗ Something went wrong") + "\n")
	var ce *client.Error
	if errors.As(err, &ce) {
		what := ce.Op
		switch {
		case ce.Status != 0:
			what += fmt.Sprintf(": %d %s", ce.Status, http.StatusText(ce.Status))
		default:
			what += ": " + ce.Kind.String()
		}
		b.WriteString(st.wrap(what, width) + "\n")
		if ce.Message != "" {
			b.WriteString(st.wrapIn(st.subtle, "Docker said: "+ce.Message, width) + "\n")
		} else if ce.Err != nil {
			b.WriteString(st.wrapIn(st.subtle, ce.Err.Error(), width) + "\n")
		}
		if ce.Hint != "" {
			b.WriteString(st.wrap("What to do: "+ce.Hint, width) + "\n")
		}
	} else {
		b.WriteString(st.wrap(err.Error(), width) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
