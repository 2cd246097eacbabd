package steps

import (
	"cmp"
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

// PlainText is f without the **bold** marks of its UI labels, for output
// that is not rendered (JSON).
func (f Finding) PlainText() Finding {
	f.Title, f.Detail, f.Fix = Plain(f.Title), Plain(f.Detail), Plain(f.Fix)
	if f.Steps != nil {
		plain := make([]string, len(f.Steps))
		for i, s := range f.Steps {
			plain[i] = Plain(s)
		}
		f.Steps = plain
	}
	return f
}

// MigrationSteps is Docker's current path from JIT to SCIM as the only
// provisioning source (migrate-scim.md): nobody is removed; SCIM links the
// existing accounts when the IdP pushes the same email.
func MigrationSteps() []string {
	d := Docker()
	return []string{
		"In the IdP, assign every user who should stay in the organization to the Docker app: at the next sync, " +
			"Docker deactivates the account of a member the app does not have.",
		"Check that each user's email in the IdP is exactly the email of their Docker account: the email is what links them.",
		"Set in the IdP the `org:team` group memberships and any `dockerRole` values you want to keep.",
		"Run a sync, or Provision on Demand for a few users first, and read the IdP's provisioning logs.",
		"In " + d.Members.Text + ", check that the same people are still members, with the roles and teams the IdP says; " +
			d.ExportMembers.Text + " sends a CSV by email for a side-by-side comparison.",
		"Only then turn JIT off: " + DisableJITPath() + " (Docker allows it only while SCIM is on).",
	}
}

// UnlinkedSteps is Docker's "Resolve an unlinked account": what to check
// when SCIM does not link a member, with removal as the very last resort.
func UnlinkedSteps() []string {
	d := Docker()
	return []string{
		"Compare the email in the IdP with the email of the Docker account, character for character.",
		"Check that the email's domain is verified on this SSO connection (" + d.DomainManagement.Text + ").",
		"Assign the user to the Docker app, provision again, and look for them in " + d.Members.Text + ".",
		"Last resort, only if the account is still not linked: removing a member also removes what they own " +
			"(repositories, for example), so transfer it first and keep another owner; then remove the member (" +
			d.RemoveMember.Text + ") and let the IdP provision them again.",
	}
}

// JITPreflight says how JIT provisioning and SCIM will work together on
// this connection: with both on, only the full name and team membership go
// back and forth; JIT can be turned off only while SCIM is on, and SCIM can
// be disabled only while JIT is on. scimEnabled is whether SCIM is already
// on for the connection.
func JITPreflight(jitEnabled, scimEnabled bool) []Finding {
	d := Docker()
	switch {
	case jitEnabled:
		return []Finding{{
			Severity: Warning,
			Title:    "JIT provisioning is on: with SCIM, full names and team membership can flip",
			Detail: "While both are on, each SSO sign-in writes the full name from the sign-in assertion and adds the " +
				"teams it lists (JIT never removes a team), and each SCIM sync sets the name and the mapped teams " +
				"back to the IdP's. Roles do not flip: JIT sets a role only when it first adds someone. Unassigning a " +
				"user from the Docker app deactivates their account; removing them from a mapped group removes only that team.",
			Fix: "While both are on, send the same email, name and teams in the sign-in assertion as in SCIM. Once SCIM " +
				"is tested and the members are linked, turn JIT off: " + DisableJITPath() +
				" (possible only while SCIM is on).",
			DocsURL: JITWithSCIMDocs,
		}}
	case !scimEnabled:
		return []Finding{{
			Severity: Info,
			Title:    "JIT provisioning is off",
			Detail: "Docker lets JIT be turned off only while SCIM is on, so SCIM may already be enabled on this " +
				"connection; " + d.EditSCIM.Text + " shows its values again. Without JIT, only people who are already " +
				"members, are invited, or come through SCIM can sign in.",
			DocsURL: JITDocs,
		}}
	default:
		return []Finding{{
			Severity: Info,
			Title:    "JIT provisioning is off: SCIM is the only provisioning source",
			Detail:   "To disable SCIM later, Docker needs JIT back on first (" + d.EnableJIT.Text + ").",
			DocsURL:  DisableSCIMDocs,
		}}
	}
}

// OrgMember is what the member check needs to know about one organization
// member (from the Hub API's member list).
type OrgMember struct {
	Username string
	Email    string
	// Guest is the members API's is_guest: a member outside the verified
	// domains, whom SCIM does not manage.
	Guest bool
}

// MemberPlan sorts the organization's members by what SCIM will do with
// them. Nobody is to be removed: SCIM links existing accounts.
type MemberPlan struct {
	// Link are members on a verified domain of the connection (or, when the
	// domains are unknown, non-guests): SCIM links each one when the IdP
	// pushes the same email.
	Link []string
	// Outside are guests and members whose email domain is not verified on
	// the connection: SCIM does not manage them.
	Outside []string
	// NoEmail are members whose email the wizard cannot see.
	NoEmail []string
	// Admin is the member running the wizard, when found among them; it is
	// also in one of the lists above.
	Admin string
	// DomainsKnown is false when the connection's domains were not known.
	DomainsKnown bool
}

// PlanMembers sorts members for SCIM. domains are the connection's verified
// domains; domainsKnown is false on real Docker, which has no API for them.
// admin is the Docker ID or email the wizard signed in with, or "".
func PlanMembers(members []OrgMember, domains []string, domainsKnown bool, admin string) MemberPlan {
	p := MemberPlan{DomainsKnown: domainsKnown}
	for _, m := range members {
		name := strings.TrimSpace(cmp.Or(m.Email, m.Username))
		if name == "" {
			continue
		}
		if admin != "" && (strings.EqualFold(admin, m.Username) || strings.EqualFold(admin, m.Email)) {
			p.Admin = name
		}
		_, domain, hasAt := strings.Cut(m.Email, "@")
		switch {
		case m.Guest:
			p.Outside = append(p.Outside, name)
		case !hasAt:
			p.NoEmail = append(p.NoEmail, name)
		case !domainsKnown || slices.ContainsFunc(domains, func(d string) bool { return strings.EqualFold(d, domain) }):
			p.Link = append(p.Link, name)
		default:
			p.Outside = append(p.Outside, name)
		}
	}
	for _, l := range []*[]string{&p.Link, &p.Outside, &p.NoEmail} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	return p
}

// MembersPreflight turns a MemberPlan into findings: who SCIM will link,
// who stays outside it, and how to migrate from JIT. It never lists anyone
// for removal.
func MembersPreflight(p MemberPlan) []Finding {
	var out []Finding
	names := func(list []string) string {
		l := slices.Clone(list)
		if i := slices.Index(l, p.Admin); i >= 0 && p.Admin != "" {
			l[i] += " (you)"
		}
		return strings.Join(l, ", ")
	}
	if len(p.Link) > 0 {
		why := "their email domain is verified on this connection"
		if !p.DomainsKnown {
			why = "they are not guests (the wizard cannot read the connection's domains: check that their email domain is verified on it)"
		}
		out = append(out, Finding{
			Severity: Info,
			Title:    countOf(len(p.Link), "member", "members") + " will be linked to SCIM, not re-created",
			Detail: "Existing members keep their Docker account, whether JIT or a person added them: SCIM links an " +
				"account when the IdP pushes a user with exactly the same email (members SCIM already provisioned stay " +
				"as they are), since " + why + ": " + names(p.Link) + ".",
			Fix:     "Assign each of them to the Docker app in the IdP with the same email. Nobody needs to be removed.",
			Steps:   MigrationSteps(),
			DocsURL: MigrateSCIMDocs,
		})
	}
	if len(p.Outside) > 0 {
		out = append(out, Finding{
			Severity: Info,
			Title:    countOf(len(p.Outside), "member stays", "members stay") + " outside SCIM (guests or unverified domains)",
			Detail: "SCIM neither updates nor deactivates members whose email domain is not verified on the connection " +
				"(the members list marks them as guests): " + names(p.Outside) + ". They stay members, managed by hand.",
			Fix: "Nothing to do unless one of them should be managed by SCIM: then verify that domain on the " +
				"connection, or give them an address on a verified domain (see the steps).",
			Steps:   UnlinkedSteps(),
			DocsURL: UnlinkedDocs,
		})
	}
	if len(p.NoEmail) > 0 {
		out = append(out, Finding{
			Severity: Info,
			Title:    countOf(len(p.NoEmail), "member shows", "members show") + " no email",
			Detail: "The members list gave no email for " + names(p.NoEmail) + ", so the wizard cannot tell whether " +
				"SCIM will link them; SCIM matches accounts by email.",
			DocsURL: MigrateSCIMDocs,
		})
	}
	return out
}

// PassedPrerequisites names the prerequisites p meets, the ones
// Prerequisites finds nothing wrong with: the checks that passed.
func PassedPrerequisites(p Prereqs) []string {
	var out []string
	if plan := strings.ToLower(strings.TrimSpace(p.Plan)); strings.Contains(plan, "business") {
		out = append(out, "Docker Business plan")
	}
	if !p.DomainsUnknown && len(p.VerifiedDomains) > 0 {
		out = append(out, "verified domain "+strings.Join(p.VerifiedDomains, ", "))
	}
	if p.HasSSOConnection {
		out = append(out, "SSO connection")
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
	d := Docker()
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
			Fix:      "Check " + d.DomainManagement.Text + ": at least one domain must show as verified.",
			DocsURL:  DomainDocs,
		})
	case len(p.VerifiedDomains) == 0:
		out = append(out, Finding{
			Severity: Blocker,
			Title:    "No verified domain",
			Detail:   "A domain must be verified before an SSO connection can be created, and SCIM stays locked until it is.",
			Fix:      "Add and verify your email domain; verification can take up to 72 hours.",
			Steps: []string{
				Path(d.DomainManagement.Text, d.AddDomain.Text) + ".",
				"Copy the " + d.TXTRecord.Text + " into your DNS as a TXT record.",
				"Once DNS has it, select " + d.VerifyDomain.Text + ".",
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
				Path(d.SSOAndSCIM.Text, d.CreateConnection.Text) + ", and name it.",
				d.ConnectionValues.Text + ".",
				"Back in Docker, " + d.FinishConnection.Text + ".",
			},
			DocsURL: ConnectSSODocs,
		})
	}
	if !p.SSOEnforced {
		out = append(out, Finding{
			Severity: Info,
			Title:    "SSO is not enforced",
			Detail:   "Setting up SCIM on a connection does not enforce SSO: members can still sign in with a Docker password.",
			Fix:      "To enforce SSO: " + EnforceSSOPath() + ".",
			DocsURL:  EnforceSSODocs,
		})
	}
	return out
}

// Blocked reports whether any finding is a Blocker.
func Blocked(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Severity == Blocker })
}

// countOf says "1 member" or "3 members": n with the singular or plural
// words.
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
