package client

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzNormalizeBaseURL(f *testing.F) {
	for _, s := range []string{"https://hub.docker.com/v2/scim/2.0", " hub.docker.com//v2/scim/2.0/ ", "http://[::1]:8080", "/v2/scim/2.0",
		"https://a.example/v2/scim/2.0/Users/x", "HTTPS://A.EXAMPLE/V2/SCIM/2.0?x#y", "localhost", "https://u:p@x.example", "\"<https://x.example>\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, _, err := NormalizeBaseURL(raw)
		if err != nil {
			return
		}
		u, perr := url.Parse(got)
		if perr != nil || u.Host == "" || u.User != nil || u.RawQuery != "" {
			t.Fatalf("NormalizeBaseURL(%q) = %q, not a clean absolute URL", raw, got)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
			t.Fatalf("NormalizeBaseURL(%q) = %q: insecure scheme", raw, got)
		}
		if !strings.HasSuffix(got, SCIMPath) || strings.Contains(u.Path, "//") {
			t.Fatalf("NormalizeBaseURL(%q) = %q: bad path", raw, got)
		}
		again, notes, err := NormalizeBaseURL(got)
		if err != nil || again != got || len(notes) != 0 {
			t.Fatalf("not idempotent: %q -> %q -> %q %q %v", raw, got, again, notes, err)
		}
		if _, err := NewSCIM(got, NewSecret("x")); err != nil {
			t.Fatalf("NewSCIM refuses the normalised %q: %v", got, err)
		}
	})
}

func FuzzNormalizeToken(f *testing.F) {
	for _, s := range []string{"abc", " Bearer abc\n", "Authorization: Bearer \"abc\"", "dckr_pat_x", "", "bearer", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := NormalizeToken(raw)
		if err != nil {
			if v := strings.TrimSpace(raw); len(v) >= 12 && strings.Contains(err.Error(), v) {
				t.Fatalf("error quotes the token: %v", err)
			}
			return
		}
		v := tok.Value()
		if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			t.Fatalf("NormalizeToken(%q) = %q", raw, v)
		}
		if again, err := NormalizeToken(v); err != nil || again.Value() != v {
			t.Fatalf("not idempotent: %q -> %q -> %q %v", raw, v, again.Value(), err)
		}
	})
}

func FuzzDecodeErrorBody(f *testing.F) {
	for _, s := range []string{`{"detail":"d","message":"m"}`, `{"errinfo":{},"message":"m"}`, `{"fields":{"a":["b"]},"text":"t"}`,
		`{"status":"401","scimType":"x","detail":"d"}`, `{"code":3,"message":"m"}`, `{"detail":"Rate limit exceeded","error":false}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg := decodeErrorBody(raw).message()
		if len(msg) > 303 || strings.ContainsAny(msg, "\n\r\x1b") {
			t.Fatalf("message %q from %q", msg, raw)
		}
		if utf8.Valid(raw) && !utf8.ValidString(msg) {
			t.Fatalf("message %q is not valid UTF-8", msg)
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"7", "0", "-1", "Fri, 27 Nov 2026 12:01:00 GMT", "99999999999999999999", "1795780830", ""} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, ra, xra string) {
		h := http.Header{}
		h.Set("Retry-After", ra)
		h.Set("X-Retry-After", xra)
		if d, ok := retryAfter(h, now); d < 0 || (!ok && d != 0) {
			t.Fatalf("retryAfter(%q, %q) = %v, %v", ra, xra, d, ok)
		}
	})
}

func FuzzSCIMListResponse(f *testing.F) {
	for _, s := range []string{`{"totalResults":1,"Resources":[{"id":"1","userName":"a","meta":{"created":"2026-01-01T00:00:00Z"}}]}`,
		`{"resources":[{"groups":[{"display":"x"}],"active":null}]}`, `{"Resources":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var l listResponse[User]
		if json.Unmarshal(raw, &l) != nil {
			return
		}
		for _, u := range l.Resources {
			_ = u.Created.Before(u.LastModified)
		}
	})
}

func FuzzHubList(f *testing.F) {
	for _, s := range []string{`{"count":1,"next":null,"results":[{"username":"a","date_joined":"2026-01-01T00:00:00.000000Z","groups":["x"]}]}`,
		`{"next":"https://x","results":[{"date_joined":5}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var p page[Member]
		_ = json.Unmarshal(raw, &p)
		var a struct {
			Logs []AuditLog `json:"logs"`
		}
		_ = json.Unmarshal(raw, &a)
		var o page[Org]
		_ = json.Unmarshal(raw, &o)
	})
}

func FuzzJWTExpiry(f *testing.F) {
	f.Add(jwtWith(`{"exp":1795780800}`))
	f.Add("a.b.c")
	f.Add(jwtWith(`{"exp":1e300}`))
	f.Fuzz(func(t *testing.T, tok string) {
		_, _ = jwtExpiry(tok)
	})
}

func FuzzRedact(f *testing.F) {
	f.Add("the token is s3cret-value here", "s3cret-value")
	f.Add("dckr_pat_abc", "zzzz")
	f.Fuzz(func(t *testing.T, msg, secret string) {
		got := redact(msg, []Secret{NewSecret(secret)})
		if len(secret) >= 4 && strings.Contains(got, secret) && !strings.Contains("[redacted]", secret) {
			t.Fatalf("redact(%q) left the secret %q: %q", msg, secret, got)
		}
	})
}
