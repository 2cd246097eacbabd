package steps

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

var generated = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

func oktaRunbook() Runbook {
	return Runbook{
		Org: "moby", Connection: "Okta SSO", IdP: Okta, ConnectionType: SAML,
		BaseURL: "https://hub.docker.com/v2/scim/2.0",
		Checked: map[string]bool{"okta-edit-app-settings": true, "okta-base-url": true, "okta-import-groups": true},
		Findings: append(Prerequisites(Prereqs{Plan: "business", HasSSOConnection: true, VerifiedDomains: []string{"moby.example"}}),
			append(JITPreflight(true, false), MembersPreflight(PlanMembers([]OrgMember{{Username: "alice", Email: "alice@moby.example"}}, []string{"moby.example"}, true, "alice"))...)...),
		Groups: []GroupNameResult{
			ValidateGroupName("moby", "moby:developers", []string{"developers"}),
			ValidateGroupName("moby", "docker:qa", []string{"developers"}),
		},
		Verification: []RunbookCheck{
			{Name: "GET /ServiceProviderConfig", Status: CheckPassed, Detail: "200"},
			{Name: "GET /Users", Status: CheckPassed, Detail: "totalResults 3"},
			{Name: "Team developers members", Status: CheckSkipped, Detail: "no Hub access token"},
		},
		GeneratedAt: generated,
	}
}

func entraOIDCRunbook() Runbook {
	return Runbook{
		Org: "moby", Connection: "Entra OIDC", IdP: Entra, ConnectionType: OIDC,
		BaseURL:     "https://hub.docker.com/v2/scim/2.0",
		Checked:     map[string]bool{"entra-oidc-new-app": true, "entra-admin-credentials": true, "entra-test-connection": true},
		GeneratedAt: generated,
	}
}

func TestRunbookMarkdown(t *testing.T) {
	t.Run("okta-saml", func(t *testing.T) { golden.RequireEqual(t, oktaRunbook().Markdown()) })
	t.Run("entra-oidc", func(t *testing.T) { golden.RequireEqual(t, entraOIDCRunbook().Markdown()) })
	t.Run("okta-oidc-unsupported", func(t *testing.T) {
		r := entraOIDCRunbook()
		r.IdP = Okta
		golden.RequireEqual(t, r.Markdown())
	})
}

func TestRunbookJSON(t *testing.T) {
	for name, r := range map[string]Runbook{"okta-saml": oktaRunbook(), "entra-oidc": entraOIDCRunbook()} {
		t.Run(name, func(t *testing.T) {
			b, err := r.JSON()
			if err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, b)
		})
	}
	r := entraOIDCRunbook()
	r.IdP = OneLogin
	if _, err := r.JSON(); err == nil {
		t.Error("JSON of a OneLogin runbook on an OIDC connection must fail")
	}
}

// TestRunbookCheckboxes checks each item's box against Checked.
func TestRunbookCheckboxes(t *testing.T) {
	r := oktaRunbook()
	md := r.Markdown()
	c, _ := ChecklistFor(r.IdP, r.ConnectionType)
	for _, it := range c.Items {
		box := "- [ ] **" + it.Title + "**"
		if r.Checked[it.ID] {
			box = "- [x] **" + it.Title + "**"
		}
		if !strings.Contains(md, box) {
			t.Errorf("Markdown lacks %q", box)
		}
	}
	var out struct {
		Items []struct {
			ID      string `json:"id"`
			Checked bool   `json:"checked"`
		} `json:"items"`
		RequiredLeft []string `json:"required_left"`
	}
	b, _ := r.JSON()
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for _, it := range out.Items {
		if it.Checked != r.Checked[it.ID] {
			t.Errorf("JSON item %s checked = %v", it.ID, it.Checked)
		}
	}
	for _, id := range out.RequiredLeft {
		if r.Checked[id] || strings.HasPrefix(id, "okta-import") {
			t.Errorf("required_left lists %s, which is done or optional", id)
		}
	}
}

// TestRunbookHasNoTokenField guards the rule that the runbook never holds the token.
func TestRunbookHasNoTokenField(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[Runbook](), reflect.TypeFor[runbookJSON](), reflect.TypeFor[RunbookCheck]()} {
		for f := range typ.Fields() {
			if n := strings.ToLower(f.Name); strings.Contains(n, "token") || strings.Contains(n, "secret") {
				t.Errorf("%s has a field %s that could hold the token", typ, f.Name)
			}
		}
	}
}
