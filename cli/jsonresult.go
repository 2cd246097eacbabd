package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/docker-scim/docker-scim/client"
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

// newJSONError describes err for a --json result.
func newJSONError(err error) *jsonError {
	je := &jsonError{Message: err.Error(), ExitCode: exitCode(err)}
	var ce *client.Error
	if errors.As(err, &ce) {
		je.Hint = ce.Hint
	}
	return je
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
