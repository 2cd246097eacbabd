package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a failure the sandbox injects into matching requests, for tests
// of retries, timeouts and error handling. The first fault (in the order
// added) that matches a request and has uses left applies to it.
type Fault struct {
	Method   string            // "" = any method
	Path     string            // URL path prefix, e.g. "/v2/scim/2.0/Users"
	Status   int               // 0 = no status override (only latency etc.), else answer with this status
	Header   map[string]string // extra response headers, e.g. {"Retry-After": "2"} or {"X-Retry-After": "<unix>"}
	Body     string            // raw body to send with Status ("" = Docker's error shape for that status/route)
	BodySize int               // >0: answer 200 with a JSON-looking body of this many bytes (oversized bodies)
	Latency  time.Duration     // delay before handling
	Drop     bool              // hijack and close the connection without answering
	Times    int               // apply to the first Times matching requests; 0 = every matching request
}

// faultJSON is a Fault on the admin endpoint: latency is a Go duration
// string such as "200ms".
type faultJSON struct {
	Method   string            `json:"method"`
	Path     string            `json:"path"`
	Status   int               `json:"status"`
	Header   map[string]string `json:"header"`
	Body     string            `json:"body"`
	BodySize int               `json:"body_size"`
	Latency  string            `json:"latency"`
	Drop     bool              `json:"drop"`
	Times    int               `json:"times"`
}

// MaxFaultBodySize bounds Fault.BodySize (64 MiB): well past the client's
// 10 MiB cap, so an oversized answer can be tested, and small enough that a
// typo cannot make the sandbox stream gigabytes.
const MaxFaultBodySize = 64 << 20

// ParseFault reads the JSON form of a Fault used by the admin endpoint and
// the --fault flag, e.g. {"path":"/v2/scim/2.0/Users","status":503,"times":2}.
// The input must be exactly one JSON object (white space around it is fine).
func ParseFault(data []byte) (Fault, error) {
	var fj faultJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fj); err != nil {
		return Fault{}, fmt.Errorf("fault %s: %w (fields: method, path, status, header, body, body_size, latency, drop, times)", data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Fault{}, fmt.Errorf("fault %s: give one JSON object per fault; something follows the first one (repeat --fault for several)", data)
	}
	f := Fault{Method: strings.ToUpper(fj.Method), Path: fj.Path, Status: fj.Status, Header: fj.Header, Body: fj.Body,
		BodySize: fj.BodySize, Drop: fj.Drop, Times: fj.Times}
	if fj.Latency != "" {
		d, err := time.ParseDuration(fj.Latency)
		if err != nil || d < 0 {
			return Fault{}, fmt.Errorf("fault latency %q must be a Go duration such as 200ms or 2s", fj.Latency)
		}
		f.Latency = d
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		return Fault{}, fmt.Errorf("fault status %d must be an HTTP status (100-599)", f.Status)
	}
	if f.BodySize < 0 || f.Times < 0 {
		return Fault{}, fmt.Errorf("fault body_size and times must not be negative")
	}
	if f.BodySize > MaxFaultBodySize {
		return Fault{}, fmt.Errorf("fault body_size %d is over the limit of %d bytes (64 MiB)", f.BodySize, MaxFaultBodySize)
	}
	return f, nil
}

// WithFault injects f from the start.
func WithFault(f Fault) Option { return func(s *Server) { s.AddFault(f) } }

// AddFault injects f into the requests that follow.
func (s *Server) AddFault(f Fault) { s.faults.add(f) }

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// WithRateLimit sets the request budget per minute (default 100000). When it
// is spent the sandbox answers 429 with Retry-After (seconds) until the
// minute is over. Every response carries X-RateLimit-Limit, -Remaining and
// -Reset (unix time), as Docker's do.
func WithRateLimit(perMinute int) Option {
	return func(s *Server) { s.limiter.limit = perMinute }
}

type activeFault struct {
	Fault
	left int // uses left when Times > 0
}

type faultSet struct {
	mu     sync.Mutex
	faults []*activeFault
}

func (fs *faultSet) add(f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = append(fs.faults, &activeFault{Fault: f, left: f.Times})
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
}

// take returns the fault for r, using it up.
func (fs *faultSet) take(r *http.Request) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.faults {
		if (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) || !strings.HasPrefix(r.URL.Path, f.Path) {
			continue
		}
		if f.Times > 0 {
			f.left--
			if f.left == 0 {
				fs.faults = append(fs.faults[:i:i], fs.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// apply runs the fault matching r, if any, and reports whether the request
// should still be handled normally.
func (fs *faultSet) apply(w http.ResponseWriter, r *http.Request) bool {
	f, ok := fs.take(r)
	if !ok {
		return true
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		}
	}
	if f.Drop {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
			return false
		}
		// HTTP/2 cannot be hijacked: abort the stream instead.
		panic(http.ErrAbortHandler)
	}
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	isSCIM := strings.HasPrefix(r.URL.Path, SCIMPath+"/")
	contentType := "application/json"
	if isSCIM {
		contentType = "application/scim+json"
	}
	switch {
	case f.BodySize > 0:
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(f.BodySize))
		w.WriteHeader(http.StatusOK)
		writePaddedJSON(w, min(f.BodySize, MaxFaultBodySize))
		return false
	case f.Status == 0:
		return true
	case f.Status == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" && w.Header().Get("X-Retry-After") == "":
		w.Header().Set("Retry-After", "1")
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return false
	}
	msg := fmt.Sprintf("injected fault: %d %s", f.Status, http.StatusText(f.Status))
	switch {
	case isSCIM:
		writeSCIMError(w, f.Status, "", msg)
	case strings.HasPrefix(r.URL.Path, GraphPrefix+"/"):
		writeGraphError(w, f.Status, strings.ReplaceAll(http.StatusText(f.Status), " ", ""), msg)
	case strings.HasPrefix(r.URL.Path, OktaPrefix+"/"):
		writeOktaError(w, f.Status, oktaFaultCode(f.Status), msg)
	default:
		writeHubError(w, f.Status, msg)
	}
	return false
}

// writePaddedJSON streams a valid JSON object of exactly n bytes when
// n >= 14, and a truncated one (malformed JSON) below that, 32 KiB at a
// time: memory stays flat whatever n is.
func writePaddedJSON(w io.Writer, n int) {
	const head, tail = `{"padding":"`, `"}`
	if n < len(head)+len(tail) {
		_, _ = io.WriteString(w, (head + tail)[:n])
		return
	}
	if _, err := io.WriteString(w, head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for left := n - len(head) - len(tail); left > 0; {
		k := min(left, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return // the client went away
		}
		left -= k
	}
	_, _ = io.WriteString(w, tail)
}

// rateLimiter is a fixed one-minute window request budget.
type rateLimiter struct {
	mu          sync.Mutex
	limit       int
	windowStart time.Time
	used        int
}

// roll starts a new window when the current one is over; the caller holds mu.
func (l *rateLimiter) roll(now time.Time) {
	if l.windowStart.IsZero() || !now.Before(l.windowStart.Add(time.Minute)) {
		l.windowStart, l.used = now, 0
	}
}

func (l *rateLimiter) setHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(l.limit-l.used, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(l.windowStart.Add(time.Minute).Unix(), 10))
}

// headers writes the rate-limit headers without spending budget.
func (l *rateLimiter) headers(w http.ResponseWriter, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	l.setHeaders(w)
}

// take spends one request of the budget and writes the headers. When the
// budget is spent it answers 429 with Retry-After and returns false.
func (l *rateLimiter) take(w http.ResponseWriter, r *http.Request, now time.Time) bool {
	l.mu.Lock()
	l.roll(now)
	exhausted := l.used >= l.limit
	if !exhausted {
		l.used++
	}
	l.setHeaders(w)
	wait := l.windowStart.Add(time.Minute).Sub(now)
	l.mu.Unlock()
	if !exhausted {
		return true
	}
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	switch {
	case strings.HasPrefix(r.URL.Path, SCIMPath+"/"):
		writeSCIMError(w, http.StatusTooManyRequests, "", "rate limit exceeded: retry after "+strconv.Itoa(secs)+" s")
	case strings.HasPrefix(r.URL.Path, GraphPrefix+"/"):
		writeGraphError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests: retry after "+strconv.Itoa(secs)+" s.")
	case strings.HasPrefix(r.URL.Path, OktaPrefix+"/"):
		w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(now.Add(wait).Unix(), 10))
		writeOktaError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
	case strings.HasPrefix(r.URL.Path, "/v2/auditlogs/"):
		// The body Docker documents for the audit-log routes.
		writeHub(w, http.StatusTooManyRequests, struct {
			Detail string `json:"detail"`
			Error  bool   `json:"error"`
		}{"Rate limit exceeded", false})
	default:
		writeHubError(w, http.StatusTooManyRequests, "Rate limit exceeded: retry after "+strconv.Itoa(secs)+" s")
	}
	return false
}

// addFaultHTTP serves POST /sandbox/admin/faults with a JSON Fault.
func (s *Server) addFaultHTTP(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if !decodeBody(w, r, &raw) {
		return
	}
	f, err := ParseFault(raw)
	if err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.AddFault(f)
	w.WriteHeader(http.StatusNoContent)
}

// clearFaultsHTTP serves DELETE /sandbox/admin/faults.
func (s *Server) clearFaultsHTTP(w http.ResponseWriter, r *http.Request) {
	s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}
