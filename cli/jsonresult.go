package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/entra"
	"github.com/docker-scim/docker-scim/okta"
)

// jsonError is the "error" member of a --json result: every --json run
// prints one JSON object, and a failed one says why in it.
type jsonError struct {
	// Message is the whole error, as printed on stderr.
	Message string `json:"message"`
	// Hint is what to do next, when the error carries one.
	Hint string `json:"hint,omitempty"`
	// ExitCode is the process's exit code.
	ExitCode int `json:"exit_code"`
}

// newJSONError describes err for a --json result; the hint is that of the
// Docker, Microsoft Graph or Okta error err wraps, if any.
func newJSONError(err error) *jsonError {
	return &jsonError{Message: err.Error(), Hint: errorHint(err), ExitCode: exitCode(err)}
}

// errorHint is what to do next, from the client error err wraps; "" when
// it wraps none or that error has no hint.
func errorHint(err error) string {
	var ce *client.Error
	var ge *entra.Error
	var oe *okta.Error
	switch {
	case errors.As(err, &ce):
		return ce.Hint
	case errors.As(err, &ge):
		return ge.Hint
	case errors.As(err, &oe):
		return oe.Hint
	}
	return ""
}

// writeJSONResult writes v, a JSON object, with an "error" member added
// when err is not nil; the members of v keep their order.
func writeJSONResult(w io.Writer, v any, err error) error {
	if err == nil {
		return writeJSON(w, v)
	}
	raw, merr := json.Marshal(v)
	if merr != nil {
		return merr
	}
	je, merr := json.Marshal(newJSONError(err))
	if merr != nil {
		return merr
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '{' || raw[len(raw)-1] != '}' {
		return fmt.Errorf("a --json result must be an object, got %.20s", raw)
	}
	var joined bytes.Buffer
	joined.Write(raw[:len(raw)-1])
	if len(raw) > 2 {
		joined.WriteByte(',')
	}
	joined.WriteString(`"error":`)
	joined.Write(je)
	joined.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, joined.Bytes(), "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, werr := w.Write(out.Bytes())
	return werr
}

// writtenWriter records whether anything was written to stdout, so that a
// --json run that failed before its result was printed still prints one
// object, with the error.
type writtenWriter struct {
	w       io.Writer
	mu      sync.Mutex
	written bool
}

// Write passes p on and remembers that stdout is no longer empty.
func (o *writtenWriter) Write(p []byte) (int, error) {
	o.mu.Lock()
	o.written = o.written || len(p) > 0
	o.mu.Unlock()
	return o.w.Write(p)
}

// empty reports whether nothing was written.
func (o *writtenWriter) empty() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return !o.written
}
