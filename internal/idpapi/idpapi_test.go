package idpapi

import (
	"net/url"
	"testing"
)

func TestTokenSafe(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://graph.microsoft.com/v1.0": true,
		"https://moby.okta.com":            true,
		"http://127.0.0.1:8080/graph":      true,
		"http://[::1]:8080":                true,
		"http://localhost:8080":            true,
		"http://moby.okta.com":             false,
		"http://10.0.0.1":                  false,
		"ftp://localhost":                  false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := TokenSafe(u); got != want {
			t.Errorf("TokenSafe(%s) = %v, want %v", raw, got, want)
		}
	}
}
