package steps

import (
	"fmt"
	"slices"
	"strings"
)

// Severity ranks a preflight finding.
type Severity int

// The severities, from least to most serious.
const (
	// Info is worth knowing; nothing has to change.
	Info Severity = iota
	// Warning will cause trouble later unless the admin acts.
	Warning
	// Blocker stops SCIM from working until it is fixed.
	Blocker
)

// String names the severity.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Blocker:
		return "blocker"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText writes the severity's name, for JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity as MarshalText writes it (saved progress
// keeps the findings).
func (s *Severity) UnmarshalText(b []byte) error {
	for _, v := range []Severity{Info, Warning, Blocker} {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q: want info, warning or blocker", b)
}

// Finding is one result of a preflight check.
type Finding struct {
	Severity Severity `json:"severity"`
	// Title is the finding in a few words.
	Title string `json:"title"`
	// Detail explains why it matters.
	Detail string `json:"detail"`
	// Fix says what to do, with UI labels in **bold**.
	Fix string `json:"fix,omitempty"`
	// Steps is an ordered procedure for the fix, when there is one.
	Steps []string `json:"steps,omitempty"`
	// DocsURL is Docker's page on the subject.
	DocsURL string `json:"docs_url,omitempty"`
}

// Docker's pages that findings link to.
const (
	JITDocs          = "https://docs.docker.com/enterprise/security/provisioning/just-in-time/"
	MigrateSCIMDocs  = "https://docs.docker.com/enterprise/security/provisioning/scim/migrate-scim/"
	TroubleshootDocs = "https://docs.docker.com/enterprise/security/provisioning/troubleshoot-provisioning/"
	ConnectSSODocs   = "https://docs.docker.com/enterprise/security/single-sign-on/connect/"
	DomainDocs       = "https://docs.docker.com/enterprise/security/single-sign-on/configure/"
)

// DisableJIT is where JIT provisioning is turned off.
const DisableJIT = "**Admin Console** → **SSO and SCIM** → **SSO connections** → **Actions** → **Disable JIT provisioning** → **Disable**"

// MigrationSteps is Docker's JIT-to-SCIM migration (migrate-scim.md).
func MigrationSteps() []string {
	return []string{
		"Transfer ownership of the users' repositories and other resources; removing a user loses what they own.",
		"Confirm that every user is assigned to the Docker app in the IdP.",
		"Back up the member list: **Members** → **Export members** (CSV).",
		"Disable JIT: " + DisableJIT + ".",
		"Remove the JIT-created and manually added users in batches.",
		"Confirm \"create app user\" events in the IdP and that the users reappear in **Members** with the right teams.",
		"Test de-provisioning with a test user.",
	}
}

// JITPreflight checks for the two ways JIT provisioning and SCIM conflict:
// JIT values overwrite SCIM values at sign-in, and members that SCIM did not
// create are not managed by it. nonSCIMMembers are those members (usernames
// or emails), for example the org's members missing from SCIM GET /Users.
func JITPreflight(jitEnabled bool, nonSCIMMembers []string) []Finding {
	var out []Finding
	if jitEnabled {
		out = append(out, Finding{
			Severity: Warning,
			Title:    "JIT provisioning is on: JIT values overwrite SCIM values",
			Detail: "At each SSO sign-in, Just-in-Time provisioning writes the SSO attributes over what SCIM set, " +
				"with no error shown; roles and teams can come out wrong.",
			Fix: "Keep the SSO attributes identical to the SCIM ones while you test. After SCIM is tested, consider " +
				DisableJIT + ".",
			DocsURL: TroubleshootDocs,
		})
	} else {
		out = append(out, Finding{
			Severity: Info,
			Title:    "JIT provisioning is off",
			Detail:   "SCIM values are not overwritten at sign-in.",
			DocsURL:  JITDocs,
		})
	}
	members := slices.Clone(nonSCIMMembers)
	slices.Sort(members)
	members = slices.Compact(members)
	members = slices.DeleteFunc(members, func(m string) bool { return strings.TrimSpace(m) == "" })
	if len(members) > 0 {
		out = append(out, Finding{
			Severity: Warning,
			Title:    fmt.Sprintf("%d member(s) were not created by SCIM and will not be managed by it", len(members)),
			Detail: "SCIM manages only the users it provisioned. These members were added by JIT or by hand: SCIM " +
				"updates and de-provisioning will not reach them: " + strings.Join(members, ", ") + ".",
			Fix:     "Migrate them: remove each one and let SCIM re-create them, after transferring what they own.",
			Steps:   MigrationSteps(),
			DocsURL: MigrateSCIMDocs,
		})
	}
	return out
}

// Prereqs is what the prerequisite check needs to know about the org.
type Prereqs struct {
	// Plan is the org's subscription, such as "business"; empty when unknown.
	Plan string
	// HasSSOConnection is true when the org has an SSO connection.
	HasSSOConnection bool
	// VerifiedDomains are the org's verified domains.
	VerifiedDomains []string
	// DomainsUnknown is true when the wizard cannot read the org's domains
	// (real Docker has no API for them); VerifiedDomains is then ignored.
	DomainsUnknown bool
	// SSOEnforced is true when the admin says SSO is enforced.
	SSOEnforced bool
}

// Prerequisites checks what Docker needs before SCIM can be set up: a Docker
// Business subscription, an SSO connection and a verified domain. It returns
// a Blocker for each one that is missing and an Info when SSO is not enforced.
func Prerequisites(p Prereqs) []Finding {
	var out []Finding
	switch plan := strings.ToLower(strings.TrimSpace(p.Plan)); {
	case plan == "":
		out = append(out, Finding{
			Severity: Warning,
			Title:    "Subscription not known",
			Detail:   "SCIM is available only on Docker Business; the wizard could not tell the organization's plan.",
			Fix:      "Check the organization's subscription in Docker Home before you continue.",
			DocsURL:  SCIMDocs,
		})
	case !strings.Contains(plan, "business"):
		out = append(out, Finding{
			Severity: Blocker,
			Title:    "SCIM needs Docker Business",
			Detail:   fmt.Sprintf("The organization's plan is %q; SCIM is available only on a Docker Business subscription.", p.Plan),
			Fix:      "Upgrade the organization to Docker Business, then run the wizard again.",
			DocsURL:  SCIMDocs,
		})
	}
	switch {
	case p.DomainsUnknown && p.HasSSOConnection:
		// Docker creates an SSO connection only for a verified domain.
	case p.DomainsUnknown:
		out = append(out, Finding{
			Severity: Warning,
			Title:    "Verified domains not known",
			Detail:   "SCIM stays locked until a domain is verified; the wizard could not read the organization's domains.",
			Fix:      "Check **Admin Console** → **Domain management**: at least one domain must show as verified.",
			DocsURL:  DomainDocs,
		})
	case len(p.VerifiedDomains) == 0:
		out = append(out, Finding{
			Severity: Blocker,
			Title:    "No verified domain",
			Detail:   "A domain must be verified before an SSO connection can be created, and SCIM stays locked until it is.",
			Fix:      "Add and verify your email domain; verification can take up to 72 hours.",
			Steps: []string{
				"**Admin Console** → **Domain management** → **Add a domain**.",
				"Copy the **TXT Record Value** into your DNS.",
				"Select **Verify**.",
			},
			DocsURL: DomainDocs,
		})
	}
	if !p.HasSSOConnection {
		out = append(out, Finding{
			Severity: Blocker,
			Title:    "No SSO connection",
			Detail:   "SCIM is set up on an SSO connection; SSO must be configured first (enforcing it is not required).",
			Fix:      "Create the SSO connection with your IdP, then run the wizard again.",
			Steps: []string{
				"**Admin Console** → **SSO and SCIM** → **Create Connection**, and name it.",
				"Choose **SAML** or **Azure AD (OIDC)**, and copy Docker's **Entity ID** and **ACS URL** (SAML) or **Redirect URL** (OIDC) into the IdP.",
				"Paste the IdP's values back into Docker: Okta **SAML Sign-in URL** and **x509 Certificate**; Entra SAML **Login URL** and **Certificate (Base64)**; Entra OIDC **Client ID**, **Client Secret** and **Azure AD Domain**.",
				"Optionally pick a default team, then select **Create connection**.",
			},
			DocsURL: ConnectSSODocs,
		})
	}
	if !p.SSOEnforced {
		out = append(out, Finding{
			Severity: Info,
			Title:    "SSO is not enforced",
			Detail:   SSONotEnforced,
			Fix:      EnforceSSO,
			DocsURL:  EnforceSSODocs,
		})
	}
	return out
}

// Blocked reports whether any finding is a Blocker.
func Blocked(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Severity == Blocker })
}
