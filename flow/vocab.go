package flow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// ConnectionType is the checklist's connection type (saml or oidc) for a
// connection type as the client names it (saml or azure_ad_oidc).
func ConnectionType(t client.ConnectionType) steps.ConnectionType {
	if t == client.AzureOIDC {
		return steps.OIDC
	}
	return steps.SAML
}

// ClientConnectionType is the client's connection type for a checklist's
// (the inverse of ConnectionType); "" stays "".
func ClientConnectionType(ct steps.ConnectionType) client.ConnectionType {
	switch ct {
	case steps.SAML:
		return client.SAML
	case steps.OIDC:
		return client.AzureOIDC
	}
	return ""
}

// ParseConnectionType accepts saml or oidc, in any case, and Docker's
// azure_ad_oidc.
func ParseConnectionType(s string) (steps.ConnectionType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "saml":
		return steps.SAML, nil
	case "oidc", "azure_ad_oidc":
		return steps.OIDC, nil
	}
	return "", fmt.Errorf("unknown connection type %q: use saml or oidc", s)
}

// Verification is a probe result as exported (the --json result, the
// runbook and the verify command).
type Verification struct {
	OK              bool    `json:"ok"`
	BaseURL         string  `json:"base_url"`
	Checks          []Check `json:"checks"`
	DockerExtension bool    `json:"docker_extension"`
	TotalUsers      int     `json:"total_users"`
	ElapsedMS       int64   `json:"elapsed_ms"`
	// AuthFailed is true when Docker refused the token (401 or 403).
	AuthFailed bool `json:"-"`
}

// Check is one probe check, as exported.
type Check struct {
	Name      string `json:"name"`
	OK        bool   `json:"ok"`
	LatencyMS int64  `json:"latency_ms"`
	Detail    string `json:"detail,omitempty"`
	Error     string `json:"error,omitempty"`
	Diagnosis string `json:"diagnosis,omitempty"`
	Fix       string `json:"fix,omitempty"`
}

// Export converts a probe of base to its exported form: the one conversion
// every front-end and export uses.
func Export(base string, r client.ProbeResult) Verification {
	v := Verification{OK: r.OK(), BaseURL: base, DockerExtension: r.DockerExtension, TotalUsers: r.TotalUsers, ElapsedMS: r.Elapsed.Milliseconds()}
	for _, c := range r.Checks {
		ch := Check{Name: c.Name, OK: c.OK, LatencyMS: c.Latency.Milliseconds(), Detail: c.Detail, Diagnosis: c.Diagnosis, Fix: c.Fix}
		if c.Err != nil {
			ch.Error = c.Err.Error()
			var ce *client.Error
			if errors.As(c.Err, &ce) && IsAuthKind(ce.Kind) {
				v.AuthFailed = true
			}
		}
		v.Checks = append(v.Checks, ch)
	}
	return v
}

// Failed counts the failed checks.
func (v Verification) Failed() int {
	n := 0
	for _, c := range v.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

// RunbookChecks are the checks as a runbook records them: passed with what
// was seen, or failed with the diagnosis.
func (v Verification) RunbookChecks() []steps.RunbookCheck {
	var out []steps.RunbookCheck
	for _, c := range v.Checks {
		rc := steps.RunbookCheck{Name: c.Name, Status: steps.CheckPassed, Detail: c.Detail}
		if !c.OK {
			rc.Status, rc.Detail = steps.CheckFailed, c.Diagnosis
		}
		out = append(out, rc)
	}
	return out
}

// IsAuthKind reports whether Docker refused the credentials (401 or 403).
func IsAuthKind(k client.Kind) bool {
	return k == client.KindUnauthorized || k == client.KindForbidden || k == client.KindPATNotAllowed
}
