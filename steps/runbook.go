package steps

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// CheckStatus is the outcome of one verification check.
type CheckStatus string

// The outcomes of a verification check.
const (
	CheckPassed  CheckStatus = "passed"
	CheckFailed  CheckStatus = "failed"
	CheckSkipped CheckStatus = "skipped"
)

// RunbookCheck is one verification the wizard ran, such as a read-only SCIM call.
type RunbookCheck struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
	// Detail is what was seen; it must not contain the token.
	Detail string `json:"detail,omitempty"`
}

// Runbook is the record of one SCIM setup, for a change ticket (Markdown) or
// a script (JSON). It has no field for the API Token, by design.
type Runbook struct {
	Org            string
	Connection     string
	IdP            IdP
	ConnectionType ConnectionType
	// BaseURL is the SCIM Base URL; it is not secret.
	BaseURL string
	// Checked holds the checklist item ids the admin ticked.
	Checked map[string]bool
	// Findings are the preflight results.
	Findings []Finding
	// Groups are the checked IdP group names.
	Groups []GroupNameResult
	// Verification lists the checks the wizard ran.
	Verification []RunbookCheck
	GeneratedAt  time.Time
}

// runbookItem is a checklist item with its state, as exported.
type runbookItem struct {
	Item
	Checked bool `json:"checked"`
}

// runbookJSON is the exported shape of a Runbook.
type runbookJSON struct {
	Org            string            `json:"org"`
	Connection     string            `json:"connection"`
	IdP            IdP               `json:"idp"`
	IdPLabel       string            `json:"idp_label"`
	ConnectionType ConnectionType    `json:"connection_type"`
	BaseURL        string            `json:"base_url"`
	FieldLabels    jsonFieldLabels   `json:"field_labels"`
	DocsRevision   string            `json:"docs_revision"`
	GeneratedAt    time.Time         `json:"generated_at"`
	Intro          string            `json:"intro"`
	Items          []runbookItem     `json:"items"`
	Notes          []string          `json:"notes"`
	Findings       []Finding         `json:"findings"`
	Groups         []GroupNameResult `json:"groups"`
	Verification   []RunbookCheck    `json:"verification"`
	Done           int               `json:"done"`
	RequiredLeft   []string          `json:"required_left"`
}

type jsonFieldLabels struct {
	BaseURL    string `json:"base_url"`
	Token      string `json:"token"`
	AddsBearer bool   `json:"adds_bearer"`
	Note       string `json:"note"`
}

func (r Runbook) export() (runbookJSON, error) {
	cl, err := ChecklistFor(r.IdP, r.ConnectionType)
	if err != nil {
		return runbookJSON{}, fmt.Errorf("runbook for %s: %w", r.Org, err)
	}
	fl := CredentialLabels(r.IdP, r.ConnectionType)
	out := runbookJSON{
		Org: r.Org, Connection: r.Connection, IdP: r.IdP, IdPLabel: r.IdP.Label(), ConnectionType: r.ConnectionType,
		BaseURL:      r.BaseURL,
		FieldLabels:  jsonFieldLabels(fl),
		DocsRevision: DocsRevision(), GeneratedAt: r.GeneratedAt.UTC(),
		Intro: cl.Intro, Notes: cl.Notes,
		Findings: nonNil(r.Findings), Groups: nonNil(r.Groups), Verification: nonNil(r.Verification),
		Items: []runbookItem{}, RequiredLeft: []string{},
	}
	for _, it := range cl.Items {
		out.Items = append(out.Items, runbookItem{Item: it, Checked: r.Checked[it.ID]})
	}
	p := cl.Progress(r.Checked)
	out.Done = p.Done
	for _, it := range p.RequiredLeft {
		out.RequiredLeft = append(out.RequiredLeft, it.ID)
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// JSON returns the runbook as indented JSON: the chosen path, every checklist
// item with its state, the notes, findings, group names and verification.
func (r Runbook) JSON() ([]byte, error) {
	out, err := r.export()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode runbook as JSON: %w", err)
	}
	return append(b, '\n'), nil
}

// Markdown returns the runbook as a Markdown document for a change ticket:
// the chosen path, each item as a checkbox showing its state, the notes, the
// links, the findings and the verification. When there is no checklist for
// the IdP and connection type, it says so instead of listing items.
func (r Runbook) Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# SCIM setup runbook: %s\n\n", r.Org)
	w("| Setting | Value |\n| --- | --- |\n")
	w("| Organization | %s |\n", mdCell(r.Org))
	conn := "not named (a " + r.ConnectionType.Label() + " connection)"
	if r.Connection != "" {
		conn = mdCell(r.Connection) + " (" + r.ConnectionType.Label() + ")"
	}
	w("| SSO connection | %s |\n", conn)
	w("| Identity provider | %s |\n", mdCell(r.IdP.Label()))
	base := "not recorded; " + EditSCIMPath() + " shows it"
	if r.BaseURL != "" {
		base = mdCell(r.BaseURL)
	}
	w("| SCIM Base URL | %s |\n", base)
	w("| API Token | not recorded; %s shows it again |\n", EditSCIMPath())
	w("| Generated | %s |\n\n", r.GeneratedAt.UTC().Format(time.RFC3339))
	out, err := r.export()
	if err != nil {
		w("No checklist: %v.\n", err)
		return b.String()
	}
	w("## Where the values go\n\n")
	w("- **%s** → **%s**\n", PasteBaseURL, out.FieldLabels.BaseURL)
	w("- **%s** → **%s**", PasteToken, out.FieldLabels.Token)
	if out.FieldLabels.AddsBearer {
		w(" (paste the token alone; %s adds `Bearer ` itself)", r.IdP.Label())
	}
	w("\n\n%s\n\n", out.FieldLabels.Note)
	if len(out.Findings) > 0 {
		w("## Preflight\n\n")
		for _, f := range out.Findings {
			w("- **%s**: %s. %s", strings.ToUpper(f.Severity.String()), f.Title, f.Detail)
			if f.Fix != "" {
				w(" Fix: %s", f.Fix)
			}
			w("\n")
			for i, s := range f.Steps {
				w("  %d. %s\n", i+1, s)
			}
			if f.DocsURL != "" {
				w("  See %s\n", f.DocsURL)
			}
		}
		w("\n")
	}
	w("## Checklist (%d of %d done)\n\nFollows the Docker docs revision named at the end.\n\n%s\n", out.Done, len(out.Items), out.Intro)
	section := ""
	for _, it := range out.Items {
		if it.Section != section {
			section = it.Section
			w("\n### %s\n\n", section)
		}
		box := " "
		if it.Checked {
			box = "x"
		}
		opt := ""
		if it.NeedsOptionalMark() {
			opt = " _(optional)_"
		}
		w("- [%s] **%s**%s: %s\n", box, it.Title, opt, it.Text)
		if it.Detail != "" {
			w("  - %s\n", it.Detail)
		}
		if it.Differs != "" {
			w("  - Differs: %s\n", it.Differs)
		}
		for _, p := range it.Paste {
			w("  - Paste Docker's **%s** into **%s**.\n", p.Value, p.Field)
		}
		w("  - Source: %s", it.Source.Label())
		if isPageRef(it.Ref) {
			w(", `%s`", it.Ref)
		}
		if it.DocsURL != "" {
			w(". Docs: %s", it.DocsURL)
		}
		w("\n")
	}
	if len(out.Notes) > 0 {
		w("\n## Notes\n\n")
		for _, n := range out.Notes {
			w("- %s\n", n)
		}
	}
	if len(out.Groups) > 0 {
		w("\n## Group names\n\n")
		for _, g := range out.Groups {
			mark := "OK"
			if !g.OK {
				mark = "NOT OK"
			}
			w("- `%s`: %s, %s.", g.Name, mark, g.Message)
			if g.Warning != "" {
				w(" Warning: %s.", g.Warning)
			}
			if g.Fix != "" {
				w(" Fix: %s.", g.Fix)
			}
			w("\n")
		}
	}
	if len(out.Verification) > 0 {
		w("\n## Verification\n\n")
		for _, c := range out.Verification {
			w("- %s: %s", c.Name, c.Status)
			if c.Detail != "" {
				w(" (%s)", c.Detail)
			}
			w("\n")
		}
	}
	w("\n## Links\n\n- SCIM: %s\n- Group mapping: %s\n- Migrate from JIT: %s\n- Troubleshooting: %s\n- Enforce SSO: %s\n",
		SCIMDocs, GroupMappingDocs, MigrateSCIMDocs, TroubleshootDocs, EnforceSSODocs)
	w("\nDocker docs revision followed: %s.\n", DocsRevision())
	return b.String()
}

// mdCell makes s safe inside a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}
