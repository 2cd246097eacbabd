package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/docker-scim/docker-scim/steps"
)

// wizardResult is what the wizard prints on stdout at the end: with --json
// as one object, otherwise as a summary. Token is set only with
// --show-token.
type wizardResult struct {
	Org            string               `json:"org"`
	Sandbox        bool                 `json:"sandbox"`
	Connection     *connectionResult    `json:"connection,omitempty"`
	ConnectionType steps.ConnectionType `json:"connection_type,omitempty"`
	IdP            steps.IdP            `json:"idp,omitempty"`
	BaseURL        string               `json:"scim_base_url,omitempty"`
	Token          string               `json:"scim_token,omitempty"`
	Findings       []steps.Finding      `json:"findings,omitempty"`
	Verification   *verification        `json:"verification,omitempty"`
	Checklist      checklistResult      `json:"checklist"`
	ReadBack       *readBackResult      `json:"read_back,omitempty"`
	// EntraGraph lists the Entra checklist items done through Microsoft
	// Graph ("Configure Entra for me"), in order.
	EntraGraph []entraStep `json:"entra_graph,omitempty"`
}

// readBackResult is what Docker had after the checklist: the SCIM users
// provisioned since setup and the teams (org:team) they are in.
type readBackResult struct {
	Users []string `json:"users"`
	Teams []string `json:"teams,omitempty"`
}

// connectionResult is the SSO connection: chosen on the sandbox, or named
// with --connection on real Docker.
type connectionResult struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// checklistResult is the checklist's state: which items the admin marked done.
type checklistResult struct {
	Done  int                   `json:"done"`
	Total int                   `json:"total"`
	Items []checklistItemResult `json:"items"`
}

// checklistItemResult is one checklist item.
type checklistItemResult struct {
	ID       string `json:"id"`
	Section  string `json:"section,omitempty"`
	Title    string `json:"title,omitempty"`
	Text     string `json:"text"`
	Optional bool   `json:"optional,omitempty"`
	Done     bool   `json:"done"`
}

// writeSummary prints r for people, one "Label: value" line each.
func writeSummary(w io.Writer, r wizardResult) {
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
	line("SCIM Base URL", r.BaseURL)
	switch {
	case r.Token != "":
		line("API Token", r.Token)
	case r.BaseURL != "":
		line("API Token", "hidden (use --show-token to print it)")
	}
	if r.Verification != nil {
		line("Verification", r.Verification.summary())
	}
	if r.Checklist.Total > 0 {
		line("Checklist", fmt.Sprintf("%d of %d steps done", r.Checklist.Done, r.Checklist.Total))
	}
}

// writeRunbook exports the run as steps.Runbook to path: JSON when the name
// ends in .json, else Markdown. The file is created 0600 and never holds
// the API Token.
func writeRunbook(path string, r wizardResult) error {
	generated, err := generatedAt()
	if err != nil {
		return err
	}
	rb := steps.Runbook{Org: r.Org, IdP: r.IdP, ConnectionType: r.ConnectionType, BaseURL: r.BaseURL,
		Findings: r.Findings, Checked: map[string]bool{}, GeneratedAt: generated}
	if r.Connection != nil {
		rb.Connection = r.Connection.Name
	}
	for _, it := range r.Checklist.Items {
		rb.Checked[it.ID] = it.Done
	}
	if r.Verification != nil {
		for _, c := range r.Verification.Checks {
			st, detail := steps.CheckPassed, c.Detail
			if !c.OK {
				st, detail = steps.CheckFailed, c.Diagnosis
			}
			rb.Verification = append(rb.Verification, steps.RunbookCheck{Name: c.Name, Status: st, Detail: detail})
		}
	}
	var out []byte
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		if out, err = rb.JSON(); err != nil {
			return err
		}
	} else {
		out = []byte(rb.Markdown())
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
