package steps

import (
	"strings"
	"testing"
)

// TestSeedLabelsPresent checks every step and UI label of the seed page.
func TestSeedLabelsPresent(t *testing.T) {
	want := map[IdP][]string{
		Okta: {"**Provisioning**", "**Settings**", "**Integration**", "**Edit**", "**Push Groups**", "**Save**", "**Import Groups**",
			"If users are signing in via SSO and SCIM, they're also provisioned via SCIM."},
		Entra: {"**Provisioning**", "**Edit provisioning**", "**Mappings**", "**Provision Azure Active Directory Groups**", "**Yes**",
			"**Target Object Actions**", "**Create**", "**Update**", "**Delete**", "**Attribute Mappings**",
			"**displayName**", "**objectId**", "**members**", "**Save**", "You can view **Mappings** to see that provisioning is enabled."},
		OneLogin: {"**SCIM Base URL**", "**SCIM Bearer Token**", "**Enable provisioning**"},
	}
	for idp, labels := range want {
		c, err := ChecklistFor(idp, SAML)
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		all.WriteString(c.Intro)
		for _, it := range c.Items {
			all.WriteString("\n" + it.Text + "\n" + it.Detail)
		}
		all.WriteString(strings.Join(c.Notes, "\n"))
		for _, l := range labels {
			if !strings.Contains(all.String(), l) {
				t.Errorf("%s checklist lacks %q", idp, l)
			}
		}
	}
}

func TestImportGroupsIsOptional(t *testing.T) {
	c, _ := ChecklistFor(Okta, SAML)
	for _, it := range c.Items {
		if strings.Contains(it.Text, "Import Groups") && !it.Optional {
			t.Fatal("Import Groups must be optional")
		}
	}
}

func TestSegments(t *testing.T) {
	got := Segments("Select **Save** now")
	if len(got) != 3 || got[1] != (Segment{Text: "Save", Bold: true}) || got[0].Text != "Select " || got[2].Text != " now" {
		t.Fatalf("Segments = %+v", got)
	}
	if Plain("a **b** c") != "a b c" {
		t.Fatal("Plain did not strip bold markers")
	}
}

func TestFlowPositions(t *testing.T) {
	if n, total := Position(StepSetupSCIM); n != 2 || total != len(Flow()) {
		t.Fatalf("Position(setup) = %d of %d", n, total)
	}
}
