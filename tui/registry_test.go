package tui

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// TestExtraIdPInTheWizard: an IdP added as one YAML file (testdata) is
// offered by the connection form and the IdP screen, and its checklist
// and test step show.
func TestExtraIdPInTheWizard(t *testing.T) {
	b, err := os.ReadFile("../steps/testdata/extra-idp/pingid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	restore, err := steps.AddData(map[string][]byte{"pingid.yaml": b})
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	d := driveScreen(t, Config{}, 80, 24, connForm(client.Connection{Name: "Corp"}))
	if !slices.Contains(d.form().idps(), "pingid") {
		t.Fatalf("the connection form offers %v", d.form().idps())
	}
	d = driveScreen(t, Config{}, 80, 24, func(c *common) screen { return newIdPScreen(c, "pingid", steps.SAML) })
	if !strings.Contains(d.screen(), "> PingID") {
		t.Fatalf("the IdP screen does not offer PingID:\n%s", d.screen())
	}
	d.press("enter")
	if got := d.last(); got != (idpChosenMsg{idp: "pingid"}) {
		t.Fatalf("chose %#v", got)
	}
	cl, err := steps.ChecklistFor("pingid", steps.SAML)
	if err != nil {
		t.Fatal(err)
	}
	if tests := cl.TestItems(); len(tests) != 1 || tests[0].ID != "pingid-test-user" {
		t.Fatalf("test step %+v", tests)
	}
}
