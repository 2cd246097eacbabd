package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/docker-scim/docker-scim/flow"
)

// writeSummary prints r for people, one "Label: value" line each.
func writeSummary(w io.Writer, r flow.Result) {
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%-18s %s\n", label+":", value)
		}
	}
	org := r.Org
	if r.Sandbox {
		org += " (sandbox)"
	}
	line("Organization", org)
	switch {
	case r.Connection != nil && r.Connection.ID != "":
		line("SSO connection", fmt.Sprintf("%s (%s)", r.Connection.Name, r.Connection.ID))
	case r.Connection != nil:
		line("SSO connection", r.Connection.Name)
	}
	line("Connection type", string(r.ConnectionType))
	if r.IdP != "" {
		line("Identity provider", r.IdP.Label())
	}
	if p := r.Preflight; p != nil {
		line("Preflight", preflightSummary(*p))
	}
	line("SCIM Base URL", r.BaseURL)
	switch {
	case r.Token != "":
		line("API Token", r.Token)
	case r.BaseURL != "":
		line("API Token", "hidden (use --show-token to print it)")
	}
	if r.Verification != nil {
		line("Verification", verification{Verification: *r.Verification}.summary())
	}
	if r.Checklist.Total > 0 {
		line("Checklist", fmt.Sprintf("%d of %d steps done", r.Checklist.Done, r.Checklist.Total))
	}
}

// preflightSummary is one line such as "plan business, verified domains:
// moby.example, JIT on (Docker's setting), members: 12".
func preflightSummary(p flow.ResultPreflight) string {
	var parts []string
	if p.Plan != "" {
		parts = append(parts, "plan "+p.Plan)
	}
	if len(p.VerifiedDomains) > 0 {
		parts = append(parts, "verified domains: "+strings.Join(p.VerifiedDomains, " "))
	} else if p.Plan != "" {
		parts = append(parts, "no verified domain")
	}
	jit := map[bool]string{true: "JIT on", false: "JIT off"}[p.JIT]
	jit += map[string]string{"docker": " (Docker's setting)", "admin": " (your answer)", "default": " (Docker's default)"}[p.JITFrom]
	parts = append(parts, jit)
	if p.Members != nil {
		parts = append(parts, fmt.Sprintf("members: %d", *p.Members))
	}
	return strings.Join(parts, ", ")
}

// writeRunbook exports run r to path: for a .json name the run's one JSON
// shape (as --json prints it, without the token), else a Markdown runbook.
// The file is created 0600 and never holds the API Token.
func writeRunbook(path string, env *flow.Env, r *flow.Run) error {
	generated, err := generatedAt()
	if err != nil {
		return err
	}
	var out []byte
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		res := flow.NewResult(env, r, false)
		res.GeneratedAt = generated
		if out, err = json.MarshalIndent(res, "", "  "); err != nil {
			return err
		}
		out = append(out, '\n')
	} else {
		out = []byte(flow.Runbook(env, r, generated).Markdown())
	}
	// WriteFile keeps the mode of a file that exists: make it 0600 either way
	// (findings can name members).
	if err := os.WriteFile(path, out, 0o600); err != nil {
		return fmt.Errorf("write the runbook: %w; choose another --runbook path", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("make the runbook private (mode 0600): %w", err)
	}
	return nil
}
