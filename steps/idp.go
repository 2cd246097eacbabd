package steps

import (
	"fmt"
	"regexp"
	"strings"
)

// IdP is an identity provider the wizard has a checklist for.
type IdP string

// The identity providers covered.
const (
	Okta     IdP = "okta"
	Entra    IdP = "entra"
	OneLogin IdP = "onelogin"
)

// IdPs lists the identity providers in the order the wizard offers them.
func IdPs() []IdP { return []IdP{Okta, Entra, OneLogin} }

// Label is the provider's display name.
func (p IdP) Label() string {
	switch p {
	case Okta:
		return "Okta"
	case Entra:
		return "Azure AD (Microsoft Entra ID)"
	case OneLogin:
		return "OneLogin"
	}
	return string(p)
}

// ParseIdP accepts an IdP's id or a common alias ("azure", "azure-ad").
func ParseIdP(s string) (IdP, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "okta":
		return Okta, nil
	case "entra", "entra-id", "azure", "azure-ad", "azuread":
		return Entra, nil
	case "onelogin":
		return OneLogin, nil
	}
	return "", fmt.Errorf("unknown identity provider %q: use okta, entra or onelogin", s)
}

// ConnectionType is the SSO connection's authentication method.
type ConnectionType string

// The connection types.
const (
	SAML ConnectionType = "saml"
	OIDC ConnectionType = "oidc"
)

// Paste names a value the admin pastes into the IdP, with the IdP's label
// for the field.
type Paste struct {
	// Value is "SCIM Base URL" or "API Token" (Docker's labels).
	Value string
	// Field is the IdP's label for the field it goes into.
	Field string
}

// Item is one tickable step inside the identity provider's console.
type Item struct {
	ID string
	// Text is the instruction; UI labels are in **bold**.
	Text string
	// Detail adds context, or is empty.
	Detail   string
	Optional bool
	DocsURL  string
	Paste    []Paste
}

// Checklist is what the admin does in one IdP for one connection type.
type Checklist struct {
	IdP            IdP
	ConnectionType ConnectionType
	// Intro is shown before the items.
	Intro string
	Items []Item
	// Notes are shown after the items.
	Notes []string
}

// ChecklistFor returns the checklist for p and connection type ct.
func ChecklistFor(p IdP, ct ConnectionType) (Checklist, error) {
	var c Checklist
	switch p {
	case Okta:
		c = oktaChecklist()
	case Entra:
		c = entraChecklist()
	case OneLogin:
		c = oneLoginChecklist()
	default:
		return Checklist{}, fmt.Errorf("no checklist for identity provider %q", p)
	}
	c.IdP, c.ConnectionType = p, ct
	return c, nil
}

const groupMappingDocs = "https://docs.docker.com/enterprise/security/provisioning/scim/group-mapping/"

func oktaChecklist() Checklist {
	return Checklist{
		Intro: "If users are signing in via SSO and SCIM, they're also provisioned via SCIM.",
		Items: []Item{
			{ID: "okta-provisioning-tab", Text: "Navigate to Okta, select the **Provisioning** tab in the Docker application.", DocsURL: groupMappingDocs},
			{ID: "okta-integration-edit", Text: "In **Settings**, select **Integration**, and **Edit**.", DocsURL: groupMappingDocs},
			{ID: "okta-push-groups", Text: "Enable **Push Groups**, and select **Save**.", DocsURL: groupMappingDocs},
			{ID: "okta-import-groups", Text: "Enable **Import Groups** if you want to import all Docker Hub teams into Okta groups.",
				Detail: "You can also enable Import Groups as an option.", Optional: true, DocsURL: groupMappingDocs},
		},
	}
}

func entraChecklist() Checklist {
	return Checklist{
		Items: []Item{
			{ID: "entra-open-app", Text: "Navigate to Azure AD and select your Docker application.", DocsURL: groupMappingDocs},
			{ID: "entra-edit-provisioning", Text: "Select the **Provisioning** tab and **Edit provisioning**.", DocsURL: groupMappingDocs},
			{ID: "entra-group-mapping", Text: "In **Mappings**, select **Provision Azure Active Directory Groups**, and select **Yes** to enable your mapping.", DocsURL: groupMappingDocs},
			{ID: "entra-target-actions", Text: "In the **Target Object Actions**, select **Create**, **Update**, and **Delete**.", DocsURL: groupMappingDocs},
			{ID: "entra-attribute-mappings", Text: "In the **Attribute Mappings**, confirm that the **displayName**, **objectId**, and **members** are added.", DocsURL: groupMappingDocs},
			{ID: "entra-save", Text: "Select **Save** and continue with the on-screen instructions.", DocsURL: groupMappingDocs},
		},
		Notes: []string{"You can view **Mappings** to see that provisioning is enabled."},
	}
}

func oneLoginChecklist() Checklist {
	return Checklist{
		Intro: "Docker's current docs no longer cover OneLogin; these steps follow its SCIM Provisioner with SAML (SCIM v2) connector.",
		Items: []Item{
			{ID: "onelogin-configuration", Text: "In the Docker app, open **Configuration** and paste the values into **SCIM Base URL** and **SCIM Bearer Token**.",
				Paste: []Paste{{Value: "SCIM Base URL", Field: "SCIM Base URL"}, {Value: "API Token", Field: "SCIM Bearer Token"}}},
			{ID: "onelogin-enable-provisioning", Text: "On the **Provisioning** tab, select **Enable provisioning** and **Save**."},
			{ID: "onelogin-groups", Text: "On **Parameters**, open **Groups** and tick **Include in User Provisioning**."},
		},
	}
}

var boldRE = regexp.MustCompile(`\*\*([^*]+)\*\*`)

// Plain removes the **bold** markers from s.
func Plain(s string) string { return boldRE.ReplaceAllString(s, "$1") }

// Segment is a run of text, bold or not.
type Segment struct {
	Text string
	Bold bool
}

// Segments splits s into plain and **bold** runs, for styled rendering.
func Segments(s string) []Segment {
	var out []Segment
	last := 0
	for _, m := range boldRE.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > last {
			out = append(out, Segment{Text: s[last:m[0]]})
		}
		out = append(out, Segment{Text: s[m[2]:m[3]], Bold: true})
		last = m[1]
	}
	if last < len(s) {
		out = append(out, Segment{Text: s[last:]})
	}
	return out
}
