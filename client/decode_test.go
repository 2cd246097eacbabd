package client

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// unix is now+secs as a unix time in decimal.
func unix(secs int64) string { return strconv.FormatInt(now.Unix()+secs, 10) }

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"seconds", map[string]string{"Retry-After": "7"}, 7 * time.Second, true},
		{"zero seconds", map[string]string{"Retry-After": "0"}, 0, true},
		{"http date", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second, true},
		{"http date past", map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{"x-retry-after unix", map[string]string{"X-Retry-After": unix(30)}, 30 * time.Second, true},
		{"retry-after wins", map[string]string{"Retry-After": "3", "X-Retry-After": unix(30)}, 3 * time.Second, true},
		{"garbage falls back", map[string]string{"Retry-After": "soon", "X-Retry-After": unix(10)}, 10 * time.Second, true},
		{"negative", map[string]string{"Retry-After": "-5"}, 0, false},
		{"none", nil, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			got, ok := retryAfter(h, now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("retryAfter = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestPace(t *testing.T) {
	reset := now.Add(30 * time.Second)
	for _, tc := range []struct {
		name string
		rl   RateLimit
		want time.Duration
	}{
		{"no headers seen", RateLimit{}, 0},
		{"plenty left", RateLimit{Limit: 100, Remaining: 50, Reset: reset}, 0},
		{"just above the floor", RateLimit{Limit: 100, Remaining: 11, Reset: reset}, 0},
		{"at the floor: spread the window", RateLimit{Limit: 100, Remaining: 9, Reset: reset}, 3 * time.Second},
		{"none left: wait for the reset", RateLimit{Limit: 100, Remaining: 0, Reset: reset}, 30 * time.Second},
		{"reset passed", RateLimit{Limit: 100, Remaining: 0, Reset: now.Add(-time.Second)}, 0},
		{"long window capped", RateLimit{Limit: 10, Remaining: 0, Reset: now.Add(time.Hour)}, maxRateLimitNap},
	} {
		if got := pace(tc.rl, now); got != tc.want {
			t.Errorf("%s: pace = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestBackoffGrowsWithJitterAndHonoursServer(t *testing.T) {
	tr := &transport{now: func() time.Time { return now }}
	min, max := 100*time.Millisecond, 2*time.Second
	for attempt := range 8 {
		ceiling := min << attempt
		if ceiling > max {
			ceiling = max
		}
		for range 50 {
			if d := tr.backoff(min, max, attempt, nil); d < min/2 || d > ceiling {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, min/2, ceiling)
			}
		}
	}
	resp := &http.Response{Header: http.Header{"Retry-After": {"1"}}}
	if d := tr.backoff(min, max, 0, resp); d != time.Second {
		t.Fatalf("Retry-After 1 gave %v", d)
	}
	resp.Header.Set("Retry-After", "60")
	if d := tr.backoff(min, max, 0, resp); d != max {
		t.Fatalf("Retry-After beyond max gave %v, want the cap %v", d, max)
	}
}

func TestDecodeErrorBody(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"Error", `{"detail":"Not found","message":"team not found"}`, "team not found"},
		{"error", `{"errinfo":{"x":1},"detail":"d","message":"organization not found"}`, "organization not found"},
		{"detail only", `{"detail":"Rate limit exceeded","error":false}`, "Rate limit exceeded"},
		{"ValueError", `{"fields":{"token_label":["too long"],"scopes":"required"},"text":"invalid request"}`, "invalid request; scopes: required; token_label: too long"},
		{"rpcStatus", `{"code":7,"message":"permission denied","details":[]}`, "permission denied"},
		{"scim_error", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"bad filter"}`, "bad filter (scimType invalidFilter)"},
		{"scim numeric status", `{"status":401,"detail":"invalid SCIM token"}`, "invalid SCIM token"},
		{"control characters", "{\"message\":\"a\\nb\\u001b[31m\"}", "a b"},
		{"html", `<html>502 Bad Gateway</html>`, ""},
		{"empty", ``, ""},
		{"array", `[1,2]`, ""},
	} {
		if got := decodeErrorBody([]byte(tc.body)).message(); got != tc.want {
			t.Errorf("%s: message = %q, want %q", tc.name, got, tc.want)
		}
	}
	if s := decodeErrorBody([]byte(`{"status":"404"}`)).SCIMStatus; s != "404" {
		t.Errorf("scim status string = %q", s)
	}
	long := `{"message":"` + strings.Repeat("é", 400) + `"}`
	if got := cutMessage(decodeErrorBody([]byte(long)).message()); len(got) > 304 || !utf8.ValidString(got) {
		t.Errorf("long message not cut cleanly: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

func TestRedact(t *testing.T) {
	known := NewSecret("s3cr3t-scim-token-value")
	msg := "token s3cr3t-scim-token-value, pat dckr_pat_AbC123-_x, oat DCKR_OAT_zzz, jwt eyJhbGciOi.eyJzdWIiOiJ4In0.sig-_, header Bearer abc.def"
	got := redact(msg, []Secret{known})
	for _, leak := range []string{"s3cr3t", "AbC123", "zzz", "eyJ", "abc.def"} {
		if strings.Contains(got, leak) {
			t.Fatalf("redact left %q in %q", leak, got)
		}
	}
	unknown := "Zx9Qk2LmNp0RsTuVwXyZ12345678901234567890abcdEFGH"
	if got := redact("token "+unknown+" refused", nil); strings.Contains(got, unknown) {
		t.Fatalf("an unknown token-like run survived: %q", got)
	}
	keep := "user 123e4567-e89b-12d3-a456-426614174000 at https://hub.docker.com/v2/scim/2.0/Users/x is sso.connection.scim_token_refresh"
	if got := redact(keep, nil); got != keep {
		t.Fatalf("redact changed harmless text: %q", got)
	}
}

func jwtWith(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("sig"))
}

func TestJWTExpiry(t *testing.T) {
	exp, err := jwtExpiry(jwtWith(`{"exp":` + unix(0) + `,"sub":"x"}`))
	if err != nil || !exp.Equal(now) {
		t.Fatalf("jwtExpiry = %v, %v; want %v", exp, err, now)
	}
	if exp, err := jwtExpiry(jwtWith(`{"sub":"x"}`)); err != nil || !exp.IsZero() {
		t.Fatalf("no exp: %v, %v", exp, err)
	}
	for _, bad := range []string{"", "abc", "a.b.c", jwtWith(`{"exp":"soon"}`)} {
		if _, err := jwtExpiry(bad); err == nil {
			t.Errorf("jwtExpiry(%q) accepted", bad)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	h, err := NewHub("https://hub.docker.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		link string
		ok   bool
	}{
		{"https://hub.docker.com/v2/orgs/moby/members?page=2", true},
		{"/v2/orgs/moby/members?page=2", true},
		{"https://evil.example/v2/orgs/moby/members?page=2", false},
		{"http://hub.docker.com/v2/orgs/moby/members?page=2", false},
		{"https://hub.docker.com:8443/x", false},
	} {
		if _, err := h.sameOrigin(tc.link); (err == nil) != tc.ok {
			t.Errorf("sameOrigin(%q): err=%v, want ok=%v", tc.link, err, tc.ok)
		}
	}
}

func TestListResponseAcceptsBothSpellings(t *testing.T) {
	for _, key := range []string{"Resources", "resources"} {
		var l listResponse[User]
		body := `{"totalResults":1,"` + key + `":[{"id":"1","userName":"a@b.example","active":false,"meta":{"created":"2026-11-27T12:00:00Z"},"groups":[{"value":"g1","display":"moby:dev"}]}]}`
		if err := json.Unmarshal([]byte(body), &l); err != nil {
			t.Fatal(err)
		}
		if l.TotalResults != 1 || len(l.Resources) != 1 || l.Resources[0].UserName != "a@b.example" ||
			l.Resources[0].Active || !l.Resources[0].Created.Equal(now) || l.Resources[0].Groups[0] != "moby:dev" {
			t.Fatalf("%s: decoded %+v", key, l)
		}
	}
}

func TestHubTimes(t *testing.T) {
	for _, s := range []string{"2026-11-27T12:00:00Z", "2026-11-27T12:00:00.000000Z", "2026-11-27T12:00:00.000000", "2026-11-27T13:00:00+01:00"} {
		if got := parseHubTime(s); !got.Equal(now) {
			t.Errorf("parseHubTime(%q) = %v", s, got)
		}
	}
	var m Member
	if err := json.Unmarshal([]byte(`{"username":"jd","date_joined":"not a date","groups":["a"]}`), &m); err != nil || m.Username != "jd" || !m.DateJoined.IsZero() {
		t.Fatalf("member with a bad date: %+v, %v", m, err)
	}
}
