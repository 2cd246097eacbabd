// Package idpapi holds what the identity providers' API clients (entra,
// okta) share.
package idpapi

import (
	"net"
	"net/url"
)

// PlannedCall is one API call a client's Configure makes, for --dry-run;
// S is the client's step type.
type PlannedCall[S ~string] struct {
	Step   S      `json:"step"`
	Method string `json:"method"`
	Path   string `json:"path"`
	// Body is the request body with every secret shown as [redacted].
	Body any `json:"body,omitempty"`
	// When says when the call is made, if not always.
	When string `json:"when,omitempty"`
}

// TokenSafe reports whether an API token may travel to u: over https, or
// over plain http only to this machine (localhost or a loopback address,
// where the sandbox's stand-ins run).
func TokenSafe(u *url.URL) bool {
	switch u.Scheme {
	case "https":
		return true
	case "http":
		host := u.Hostname()
		ip := net.ParseIP(host)
		return host == "localhost" || (ip != nil && ip.IsLoopback())
	}
	return false
}
