package flow

import (
	"time"

	"github.com/docker-scim/docker-scim/steps"
)

// Result is a run as exported: the one JSON shape of a run, for the
// --json result and the --runbook FILE.json export alike. Token is set
// only when asked for (--show-token); a runbook never has it.
type Result struct {
	Org            string               `json:"org"`
	Sandbox        bool                 `json:"sandbox"`
	Connection     *ResultConnection    `json:"connection,omitempty"`
	ConnectionType steps.ConnectionType `json:"connection_type,omitempty"`
	IdP            steps.IdP            `json:"idp,omitempty"`
	BaseURL        string               `json:"scim_base_url,omitempty"`
	Token          string               `json:"scim_token,omitempty"`
	// Preflight is what the preflight learnt; nil before it ran.
	Preflight    *ResultPreflight `json:"preflight,omitempty"`
	Findings     []steps.Finding  `json:"findings,omitempty"`
	Verification *Verification    `json:"verification,omitempty"`
	Checklist    ResultChecklist  `json:"checklist"`
	// Groups are the checked IdP group names (--group).
	Groups   []steps.GroupNameResult `json:"groups,omitempty"`
	ReadBack *ResultReadBack         `json:"read_back,omitempty"`
	// EntraGraph lists the Entra checklist items done through Microsoft
	// Graph ("Configure Entra for me"), in order.
	EntraGraph []EntraStep `json:"entra_graph,omitempty"`
	// Members is the link report and the JIT advice, when it was read.
	Members *Migration `json:"members,omitempty"`
	// GeneratedAt is when the result was written.
	GeneratedAt time.Time `json:"generated_at,omitzero"`
}

// ResultPreflight is what the preflight learnt: the plan and the verified
// domains where Docker could be asked, the JIT setting and where it came
// from, and how many members the org has when they could be listed.
type ResultPreflight struct {
	Plan            string   `json:"plan,omitempty"`
	VerifiedDomains []string `json:"verified_domains,omitempty"`
	JIT             bool     `json:"jit"`
	// JITFrom is "docker" (read from the connection), "admin" (the
	// admin's answer) or "default" (Docker's default, on).
	JITFrom string `json:"jit_from"`
	// Members is how many members the org has; nil when they were not
	// listed (not signed in to the Hub, or the listing failed).
	Members *int `json:"members,omitempty"`
}

// Preflight is what the preflight of r learnt in env, or nil before it
// ran.
func (r *Run) Preflight(env *Env) *ResultPreflight {
	if r.Facts == nil {
		return nil
	}
	p := &ResultPreflight{JIT: r.JIT(env), JITFrom: "default"}
	switch {
	case env.KnowsJIT():
		p.JITFrom = "docker"
	case r.JITSaid != nil:
		p.JITFrom = "admin"
	}
	if f := r.Facts; f.OrgKnown {
		p.Plan = f.Org.Plan
		for _, d := range f.Org.Domains {
			if d.Verified {
				p.VerifiedDomains = append(p.VerifiedDomains, d.Name)
			}
		}
	}
	if r.Facts.Members != nil {
		n := len(r.Facts.Members)
		p.Members = &n
	}
	return p
}

// EntraStep is one Entra checklist item done (or failed) through Microsoft
// Graph.
type EntraStep struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`
}

// ResultConnection is the SSO connection: its id where connections are
// listed, its name, and its type as Docker names it.
type ResultConnection struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	Type string `json:"type,omitempty"`
}

// ResultChecklist is the checklist's state: which items are ticked.
type ResultChecklist struct {
	Done  int                   `json:"done"`
	Total int                   `json:"total"`
	Items []ResultChecklistItem `json:"items"`
}

// ResultChecklistItem is one checklist item and whether it is ticked.
type ResultChecklistItem struct {
	ID       string `json:"id"`
	Section  string `json:"section,omitempty"`
	Title    string `json:"title,omitempty"`
	Text     string `json:"text"`
	Optional bool   `json:"optional,omitempty"`
	Done     bool   `json:"done"`
}

// ResultReadBack is what the read-back saw: the SCIM users provisioned
// since setup and the teams (org:team) they are in.
type ResultReadBack struct {
	Users []string `json:"users"`
	Teams []string `json:"teams,omitempty"`
	// Audit sums up the audit log since setup, when it was read.
	Audit string `json:"audit,omitempty"`
}

// NewResult exports run r in env; withToken adds the API Token.
func NewResult(env *Env, r *Run, withToken bool) Result {
	res := Result{Org: env.Org, Sandbox: env.Sandbox, IdP: r.IdP, BaseURL: r.Creds.BaseURL, Preflight: r.Preflight(env), Findings: plainFindings(r.Findings), EntraGraph: r.Entra, Groups: r.Groups,
		Members: r.Migration}
	if r.Conn.Name != "" || r.Conn.ID != "" {
		res.Connection = &ResultConnection{ID: r.Conn.ID, Name: r.Conn.Name, Type: string(r.Conn.Type)}
	}
	if r.Conn.Type != "" {
		res.ConnectionType = r.ConnectionType()
	}
	if withToken {
		res.Token = r.Creds.Token.Value()
	}
	if r.Probe != nil {
		v := Export(r.Creds.BaseURL, *r.Probe)
		res.Verification = &v
	}
	if cl, err := steps.ChecklistFor(r.IdP, r.ConnectionType()); err == nil && r.Checked != nil {
		p := cl.Progress(r.Checked)
		res.Checklist = ResultChecklist{Done: p.Done, Total: p.Total}
		for _, it := range cl.Items {
			res.Checklist.Items = append(res.Checklist.Items, ResultChecklistItem{ID: it.ID, Section: it.Section, Title: it.Title,
				Text: steps.Plain(it.Text), Optional: it.Optional, Done: r.Checked[it.ID]})
		}
	}
	if f := r.Feed; f != nil {
		rb := &ResultReadBack{Users: []string{}, Audit: AuditSummary(f.Audit, f.AuditErr)}
		for _, u := range f.Users {
			rb.Users = append(rb.Users, u.UserName)
		}
		for _, t := range f.Teams {
			rb.Teams = append(rb.Teams, env.Org+":"+t.Name)
		}
		res.ReadBack = rb
	}
	return res
}

// Runbook is the record of run r in env for a change ticket or a script,
// generated at at; it has no field for the API Token.
func Runbook(env *Env, r *Run, at time.Time) steps.Runbook {
	rb := steps.Runbook{Org: env.Org, Connection: r.Conn.Name, IdP: r.IdP, ConnectionType: r.ConnectionType(),
		BaseURL: r.Creds.BaseURL, Checked: r.Checked, Findings: r.Findings, Groups: r.Groups, GeneratedAt: at}
	if r.Probe != nil {
		rb.Verification = Export(r.Creds.BaseURL, *r.Probe).RunbookChecks()
	}
	return rb
}

// plainFindings are the findings without the **bold** marks meant for a
// terminal or Markdown: JSON carries plain text.
func plainFindings(fs []steps.Finding) []steps.Finding {
	if fs == nil {
		return nil
	}
	out := make([]steps.Finding, len(fs))
	for i, f := range fs {
		out[i] = f.PlainText()
	}
	return out
}
