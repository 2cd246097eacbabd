package client

import (
	"strings"
	"testing"
)

func TestNormalizeBaseURL(t *testing.T) {
	const want = "https://hub.docker.com/v2/scim/2.0"
	for _, tc := range []struct {
		name, raw, want string
		notes           int    // how many fixes are reported
		refused         string // a word the refusal must contain
	}{
		{"exact", want, want, 0, ""},
		{"spaces and newline around", "  " + want + "\n", want, 1, ""},
		{"line break inside", "https://hub.docker.com/v2/\nscim/2.0", want, 1, ""},
		{"one trailing slash", want + "/", want, 1, ""},
		{"several trailing slashes", want + "///", want, 1, ""},
		{"doubled slash", "https://hub.docker.com/v2//scim/2.0", want, 1, ""},
		{"doubled slash and trailing", "https://hub.docker.com//v2/scim/2.0/", want, 2, ""},
		{"no scheme", "hub.docker.com/v2/scim/2.0", want, 1, ""},
		{"plain http refused, not rewritten", "http://hub.docker.com/v2/scim/2.0", "", 0, "write https://hub.docker.com"},
		{"scheme in capitals", "HTTPS://hub.docker.com/v2/scim/2.0", want, 0, ""},
		{"host in capitals", "https://Hub.Docker.com/v2/scim/2.0", want, 1, ""},
		{"path missing", "https://hub.docker.com", want, 1, ""},
		{"path missing, slash", "https://hub.docker.com/", want, 1, ""},
		{"path partial", "https://hub.docker.com/v2/scim", want, 1, ""},
		{"endpoint pasted too", want + "/Users", want, 1, ""},
		{"endpoint with id", want + "/Users/1234", want, 1, ""},
		{"service provider config", want + "/ServiceProviderConfig/", want, 2, ""},
		{"path case", "https://hub.docker.com/V2/SCIM/2.0", want, 1, ""},
		{"quoted", `"` + want + `"`, want, 1, ""},
		{"query dropped", want + "?x=1", want, 1, ""},
		{"loopback http kept", "http://127.0.0.1:8080/v2/scim/2.0", "http://127.0.0.1:8080/v2/scim/2.0", 0, ""},
		{"localhost without scheme", "localhost:8080/v2/scim/2.0", "http://localhost:8080/v2/scim/2.0", 1, ""},
		{"proxy prefix kept", "https://proxy.example/docker/v2/scim/2.0", "https://proxy.example/docker/v2/scim/2.0", 0, ""},
		{"empty", "   ", "", 1, "empty"},
		{"relative", "/v2/scim/2.0", "", 0, "path"},
		{"not a url", "the token", "", 1, "not a URL"},
		{"ftp", "ftp://hub.docker.com/v2/scim/2.0", "", 0, "https"},
		{"user info", "https://admin:pw@hub.docker.com/v2/scim/2.0", "", 0, "password"},
		{"wrong path", "https://hub.docker.com/v2/orgs/moby", "", 0, "does not end"},
		{"goes on past", want + "/extra", "", 0, "goes on past"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, notes, err := NormalizeBaseURL(tc.raw)
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("NormalizeBaseURL(%q) = %q, %v; want a refusal mentioning %q", tc.raw, got, err, tc.refused)
				}
				if strings.Contains(tc.raw, "pw@") && strings.Contains(err.Error(), "pw") {
					t.Fatalf("refusal repeats the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizeBaseURL(%q): %v", tc.raw, err)
			}
			if got != tc.want || len(notes) != tc.notes {
				t.Fatalf("NormalizeBaseURL(%q) = %q, notes %q; want %q with %d notes", tc.raw, got, notes, tc.want, tc.notes)
			}
		})
	}
}

func TestNormalizeToken(t *testing.T) {
	const tok = "Zx9Qk2LmNp0RsTuVwXyZ12345678901234567890abcdEFGH"
	for _, tc := range []struct {
		name, raw, want, refused string
	}{
		{"plain", tok, tok, ""},
		{"spaces", "  " + tok + "\n", tok, ""},
		{"wrapped line", tok[:20] + "\n" + tok[20:], tok, ""},
		{"bearer", "Bearer " + tok, tok, ""},
		{"bearer lower", "bearer   " + tok, tok, ""},
		{"header", "Authorization: Bearer " + tok, tok, ""},
		{"quoted", `"` + tok + `"`, tok, ""},
		{"empty", " \t\n", "", "empty"},
		{"bearer only", "Bearer ", "", "empty"},
		{"pat", "dckr_pat_abcdefghijklmnop", "", "Docker access token"},
		{"oat", "dckr_oat_abcdefghijklmnop", "", "Docker access token"},
		{"url", "https://hub.docker.com/v2/scim/2.0", "", "URL"},
		{"control char", tok + "\x00", "", "characters"},
		{"non-ascii", tok + "é", "", "characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeToken(tc.raw)
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("want a refusal mentioning %q, got %v", tc.refused, err)
				}
				if len(tc.raw) > 12 && strings.Contains(err.Error(), strings.TrimSpace(tc.raw)) {
					t.Fatalf("refusal quotes the token: %v", err)
				}
				return
			}
			if err != nil || got.Value() != tc.want {
				t.Fatalf("NormalizeToken(%q) = %q, %v; want %q", tc.raw, got.Value(), err, tc.want)
			}
		})
	}
}
