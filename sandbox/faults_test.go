package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/sandbox"
)

func TestFaultStatusTimesAndShape(t *testing.T) {
	e := newEnv(t)
	e.sb.AddFault(sandbox.Fault{Method: "GET", Path: "/v2/scim/2.0/Users", Status: 503, Times: 2})
	for range 2 {
		scimErrorShape(t, e.must(e.scim("GET", "/Users", nil), 503), "")
	}
	e.must(e.scim("GET", "/Users", nil), 200)
	// Method must match; Hub routes get Docker's hub error shape.
	e.sb.AddFault(sandbox.Fault{Method: "POST", Path: "/v2/orgs/", Status: 500})
	e.must(e.do("GET", "/v2/orgs/moby/groups", e.jwt, nil), 200)
	hubErrorShape(t, e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "x"}), 500))
	hubErrorShape(t, e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "x"}), 500))
	e.sb.ClearFaults()
	e.must(e.do("POST", "/v2/orgs/moby/groups", e.jwt, map[string]string{"name": "x"}), 201)
}

func TestFault429RetryAfterHeaders(t *testing.T) {
	e := newEnv(t)
	e.sb.AddFault(sandbox.Fault{Path: "/v2/auth/token", Status: 429, Times: 1})
	r := e.must(e.do("POST", "/v2/auth/token", "", map[string]string{}), 429)
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("429 without Retry-After: %v", r.header)
	}
	e.sb.AddFault(sandbox.Fault{Path: "/v2/auth/token", Status: 429, Header: map[string]string{"X-Retry-After": "1767225600"}, Times: 1})
	r = e.must(e.do("POST", "/v2/auth/token", "", map[string]string{}), 429)
	if r.header.Get("X-Retry-After") != "1767225600" || r.header.Get("Retry-After") != "" {
		t.Fatalf("spec-old X-Retry-After: %v", r.header)
	}
}

func TestFaultMalformedAndOversizedBodies(t *testing.T) {
	e := newEnv(t)
	e.sb.AddFault(sandbox.Fault{Path: "/v2/scim/2.0/Users", Status: 200, Body: `{"Resources": [`, Times: 1})
	r := e.must(e.scim("GET", "/Users", nil), 200)
	if string(r.raw) != `{"Resources": [` || r.header.Get("Content-Type") != "application/scim+json" {
		t.Fatalf("malformed body: %q %v", r.raw, r.header)
	}
	for _, n := range []int{5, 14, 11 << 20} {
		e.sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/members", BodySize: n, Times: 1})
		r := e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 200)
		if len(r.raw) != n || json.Valid(r.raw) != (n >= 14) {
			t.Fatalf("body size %d: got %d bytes, valid JSON %v", n, len(r.raw), json.Valid(r.raw))
		}
	}
}

func TestFaultLatencyAndHeader(t *testing.T) {
	e := newEnv(t)
	e.sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/members", Latency: time.Second, Header: map[string]string{"X-Injected": "yes"}, Times: 1})
	// A client that gives up before the latency proves it was applied,
	// without asserting on wall-clock time.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/v2/orgs/moby/members", nil)
	req.Header.Set("Authorization", "Bearer "+e.jwt)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("latency not applied: %v", err)
	}
	e.sb.AddFault(sandbox.Fault{Path: "/v2/orgs/moby/members", Header: map[string]string{"X-Injected": "yes"}, Times: 1})
	r := e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 200)
	if r.header.Get("X-Injected") != "yes" || r.body["count"] == nil {
		t.Fatalf("header-only fault: %v %s", r.header, r.raw)
	}
}

func TestFaultDropConnection(t *testing.T) {
	e := newEnv(t)
	e.sb.AddFault(sandbox.Fault{Path: "/v2/scim/2.0/ServiceProviderConfig", Drop: true, Times: 1})
	req, _ := http.NewRequest("GET", e.url+"/v2/scim/2.0/ServiceProviderConfig", nil)
	req.Header.Set("Authorization", "Bearer "+e.creds.SCIMToken)
	// A fresh connection: Go's transport silently retries a GET whose
	// reused keep-alive connection was closed.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := fresh.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("connection not dropped: %d", res.StatusCode)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Fatalf("unexpected error: %v", err)
	}
	e.must(e.scim("GET", "/ServiceProviderConfig", nil), 200)
}

func TestAdminFaultEndpoint(t *testing.T) {
	e := newEnv(t)
	e.must(e.do("POST", sandbox.AdminPrefix+"/faults", "", `{"path":"/v2/orgs/","status":502,"latency":"1ms","times":1}`), 204)
	hubErrorShape(t, e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 502))
	e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 200)
	e.must(e.do("POST", sandbox.AdminPrefix+"/faults", "", `{"path":"/","status":500}`), 204)
	// A fault on every path does not block the admin endpoint itself.
	e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 500)
	e.must(e.do("DELETE", sandbox.AdminPrefix+"/faults", "", nil), 204)
	e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 200)
	for _, bad := range []string{`{"latency":"soon"}`, `{"status":1000}`, `{"colour":"red"}`, `{"times":-1}`, `{`} {
		hubErrorShape(t, e.must(e.do("POST", sandbox.AdminPrefix+"/faults", "", bad), 400))
	}
}

func TestWithFaultOption(t *testing.T) {
	e := newEnv(t, sandbox.WithFault(sandbox.Fault{Path: "/v2/orgs/moby/groups", Status: 404, Body: `{"message":"gone"}`}))
	r := e.must(e.do("GET", "/v2/orgs/moby/groups", e.jwt, nil), 404)
	if r.str("message") != "gone" {
		t.Fatalf("raw body not sent: %s", r.raw)
	}
}

func TestRateLimitBudget(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	// newEnv signs in once, which spends one request of the budget.
	e := newEnv(t, sandbox.WithRateLimit(3), sandbox.WithClock(func() time.Time { return now }))
	r := e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 200)
	if r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Remaining") != "1" ||
		r.header.Get("X-RateLimit-Reset") != strconv.FormatInt(now.Add(time.Minute).Unix(), 10) {
		t.Fatalf("headers: %v", r.header)
	}
	e.must(e.scim("GET", "/Users", nil), 200)
	now = now.Add(20 * time.Second)
	r = e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 429)
	hubErrorShape(t, r)
	if r.header.Get("Retry-After") != "40" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("429 headers: %v", r.header)
	}
	scimErrorShape(t, e.must(e.scim("GET", "/Users", nil), 429), "")
	r = e.must(e.do("GET", "/v2/auditlogs/moby", e.jwt, nil), 429)
	if string(r.raw) != `{"detail":"Rate limit exceeded","error":false}`+"\n" {
		t.Fatalf("audit-log 429 body: %s", r.raw)
	}
	now = now.Add(40 * time.Second)
	e.must(e.do("GET", "/v2/orgs/moby/members", e.jwt, nil), 200)
}

func TestRequestCount(t *testing.T) {
	e := newEnv(t)
	before := e.sb.RequestCount()
	e.scim("GET", "/Users", nil)
	e.do("GET", "/nope", "", nil)
	e.do("DELETE", sandbox.AdminPrefix+"/faults", "", nil)
	if got := e.sb.RequestCount() - before; got != 2 {
		t.Fatalf("counted %d requests, want 2 (admin calls are not counted)", got)
	}
}

func TestParseFault(t *testing.T) {
	f, err := sandbox.ParseFault([]byte(`{"method":"post","path":"/v2/scim/2.0/Users","status":429,"header":{"Retry-After":"2"},"latency":"200ms","times":3,"drop":false,"body_size":0}`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Method != "POST" || f.Latency != 200*time.Millisecond || f.Times != 3 || f.Header["Retry-After"] != "2" {
		t.Fatalf("parsed %+v", f)
	}
}

func TestParseFaultRefusesTrailingDataAndHugeBodies(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"status":503}{"status":500}`, "one JSON object"},
		{`{"status":503} x`, "one JSON object"},
		{`{"body_size":3000000000}`, "body_size"},
		{`{"body_size":-1}`, "negative"},
	} {
		if _, err := sandbox.ParseFault([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFault(%s) = %v, want an error saying %q", tc.in, err, tc.want)
		}
	}
	if _, err := sandbox.ParseFault([]byte(" {\"status\":503}\n")); err != nil {
		t.Fatalf("white space around the object refused: %v", err)
	}
	if _, err := sandbox.ParseFault([]byte(`{"body_size":` + strconv.Itoa(sandbox.MaxFaultBodySize) + `}`)); err != nil {
		t.Fatalf("the largest body_size refused: %v", err)
	}
}
