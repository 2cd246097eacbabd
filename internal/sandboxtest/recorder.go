package sandboxtest

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Call is one request a Recorder saw and the status the sandbox answered.
type Call struct {
	// Method is the request's method.
	Method string
	// Path is the request's path without the Recorder's prefix.
	Path string
	// Query is the names of the query's parameters, sorted.
	Query []string
	// Body is the request's body.
	Body []byte
	// Status is the status the sandbox answered.
	Status int
}

// Recorder records the requests to one of the sandbox's stand-ins, for the
// contract tests that check every call against the API's documentation.
type Recorder struct {
	prefix, under string

	mu    sync.Mutex
	calls []Call
}

// NewRecorder records the requests whose path starts with prefix+under
// (e.g. sandbox.OktaPrefix and "/api/"); their Path drops prefix.
func NewRecorder(prefix, under string) *Recorder {
	return &Recorder{prefix: prefix, under: under}
}

// Wrap returns h recording the requests in r's scope; others pass through.
func (r *Recorder) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.HasPrefix(req.URL.Path, r.prefix+r.under) {
			h.ServeHTTP(w, req)
			return
		}
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, req)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls = append(r.calls, Call{Method: req.Method, Path: strings.TrimPrefix(req.URL.Path, r.prefix),
			Query: slices.Sorted(maps.Keys(req.URL.Query())), Body: body, Status: sw.status})
	})
}

// Calls returns the requests recorded so far, in order.
func (r *Recorder) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// Reset forgets the requests recorded so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = nil
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records code and writes it.
func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }
