package steps

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestEmbeddedDataIsValid loads and validates every embedded data file.
func TestEmbeddedDataIsValid(t *testing.T) {
	c, err := loadCatalog(dataFS, nil)
	if err != nil {
		t.Fatalf("embedded checklist data is broken:\n%v", err)
	}
	entries, err := dataFS.ReadDir("data")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entries), len(IdPs())+2; got != want {
		t.Errorf("%d data files, want %d (one per IdP plus common.yaml and docker.yaml)", got, want)
	}
	for _, p := range IdPs() {
		if len(c.idps[p].ConnectionTypes) == 0 {
			t.Errorf("%s has no connection types", p)
		}
		for _, ct := range p.ConnectionTypes() {
			cl, err := ChecklistFor(p, ct)
			if err != nil {
				t.Fatalf("ChecklistFor(%s, %s): %v", p, ct, err)
			}
			if len(cl.Items) == 0 || cl.Intro == "" {
				t.Errorf("%s/%s checklist has no items or no intro", p, ct)
			}
			titles := map[string]string{}
			for _, it := range cl.Items {
				if other, dup := titles[it.Title]; dup {
					t.Errorf("%s/%s: items %s and %s share the title %q", p, ct, other, it.ID, it.Title)
				}
				titles[it.Title] = it.ID
			}
		}
	}
}

// realFiles returns the embedded files by name, for tests that break one.
func realFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := dataFS.ReadDir("data")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := dataFS.ReadFile("data/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// TestBrokenDataFails checks that each kind of mistake in a data file is
// reported, naming the file.
func TestBrokenDataFails(t *testing.T) {
	replace := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	tests := []struct {
		name, file string
		edit       func(string) string
		wantErr    string
	}{
		{"invalid YAML", "okta.yaml", replace("sections:", "sections: ["), "okta.yaml"},
		{"unknown key", "okta.yaml", replace("    items:", "    itemz:"), "itemz"},
		{"idp mismatch", "okta.yaml", replace("idp: okta", "idp: entra"), `want "okta"`},
		{"unbalanced bold", "entra.yaml", replace("**Test Connection**", "**Test Connection"), "unbalanced"},
		{"bad source", "onelogin.yaml", replace("source: vendor", "source: blog"), `source "blog"`},
		{"bad docs URL", "okta.yaml", replace("docs: https://docs.docker.com", "docs: http://docs.docker.com"), "not an https URL"},
		{"item without a source", "okta.yaml", replace("        ref: security/provisioning/scim/provision-scim.md#step-one-enable-scim\n", ""), "no ref"},
		{"ref to an unknown page", "entra.yaml", replace("ref: security/provisioning/scim/group-mapping.md#", "ref: security/scim/group-mapping.md#"), "not one of the reference pages"},
		{"ref without a section", "common.yaml", replace("ref: security/provisioning/scim/group-mapping.md#group-naming-format", "ref: security/provisioning/scim/group-mapping.md"), "names no section"},
		{"seed item with a page ref", "entra.yaml", replace("        ref: seed\n        source: seed", "        ref: security/provisioning/scim/group-mapping.md#configure-group-mapping-with-scim\n        source: seed"), "must be \"seed\""},
		{"unknown Docker label", "common.yaml", replace("[[disable_jit]]", "[[disable_jitt]]"), "unknown Docker label [[disable_jitt]]"},
		{"Docker fact without a source", "docker.yaml", replace("    source: security/provisioning/scim/provision-scim.md#disable-scim\n", ""), "disable_scim: no source"},
		{"Docker fact missing", "docker.yaml", replace("  edit_scim:\n", "  edit_scimm:\n"), "edit_scimm"},
		{"Docker revision missing", "docker.yaml", replace("revision: >-", "revision: ''\nrevisionx: >-"), "revisionx"},
		{"Docker commit not the revision's", "docker.yaml", replace("commit: docker/docs 28381baab9c6", "commit: docker/docs 1234567"), "the revision starting with the commit"},
		{"no docker.yaml", "docker.yaml", nil, "no docker.yaml"},
		{"duplicate id", "okta.yaml", replace("id: okta-integration-edit", "id: okta-push-groups"), "also used"},
		{"id prefix", "common.yaml", replace("id: common-group-names", "id: group-names"), `start with "common-"`},
		{"paste field unknown", "entra.yaml", replace("field: Tenant URL", "field: Tenant Url"), `paste field "Tenant Url"`},
		{"paste value swapped", "onelogin.yaml", replace("field: SCIM Bearer Token", "field: SCIM Base URL"), "does not go into"},
		{"token paste missing", "okta.yaml", replace("value: API Token", "value: SCIM Base URL"), "want once each"},
		{"unknown connection type", "entra.yaml", replace("connection_types: [saml, oidc]", "connection_types: [saml, ldap]"), `"ldap"`},
		{"section type outside file", "okta.yaml", replace("  - title: Test\n", "  - title: Test\n    connection_types: [oidc]\n"), "not one of the file's"},
		{"no credentials", "onelogin.yaml", replace("credentials:", "credentialz:"), "credentialz"},
		{"text cut by a YAML comment", "okta.yaml", replace(`detail: An app added from the Okta catalog needs this too.`,
			`detail: An app added from the Okta catalog needs this too (see docker/docs PR #20199).`), "unbalanced ("},
		{"missing common file", "common.yaml", nil, `no common.yaml file`},
		{"no order", "onelogin.yaml", replace("order: 3\n", ""), "order must be 1 or more"},
		{"alias taken", "onelogin.yaml", replace("order: 3\n", "order: 3\naliases: [azure]\n"), `the name "azure" is also`},
		{"no test section", "okta.yaml", replace("    test: true\n", ""), "no section with test: true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := realFiles(t)
			if tt.edit == nil {
				delete(files, tt.file)
			} else {
				edited := tt.edit(string(files[tt.file]))
				if edited == string(files[tt.file]) {
					t.Fatalf("the edit changed nothing in %s: update the test", tt.file)
				}
				files[tt.file] = []byte(edited)
			}
			_, err := parseCatalog(files)
			if err == nil {
				t.Fatal("broken data was accepted")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

// allText joins every piece of a checklist a reader sees.
func allText(c Checklist) string {
	var b strings.Builder
	b.WriteString(c.Intro + "\n")
	for _, it := range c.Items {
		b.WriteString(strings.Join([]string{it.Title, it.Text, it.Detail, it.Differs}, "\n") + "\n")
	}
	b.WriteString(strings.Join(c.Notes, "\n"))
	return b.String()
}

// TestIssueLabelsPresent checks that every seed step and label, and every
// current-docs label named in issue 5, is in the checklist for its IdP.
func TestIssueLabelsPresent(t *testing.T) {
	tests := []struct {
		idp    IdP
		ct     ConnectionType
		labels []string
	}{
		{Okta, SAML, []string{ // seed
			"Navigate to Okta, select the **Provisioning** tab in the Docker application.",
			"In **Settings**, select **Integration**, and **Edit**.",
			"Enable **Push Groups**, and select **Save**.",
			"**Import Groups**",
			"If users are signing in via SSO and SCIM, they're also provisioned via SCIM.",
		}},
		{Okta, SAML, []string{ // current docs
			"**Edit App Settings**", "**Edit SCIM Connection**", "**SCIM connector base URL**",
			"**Unique identifier field for users** to `email`", "**Push New Users**", "**Push Profile Updates**",
			"**Authentication Mode** to **HTTP Header**", "**API Token** into **Authorization**", "**Test Connector Configuration**", "**To App**",
			"**Create Users**", "**Update User Attributes**", "**Deactivate Users**", "**Find groups by rule**",
			"**Immediately push groups by rule**", "**Push Now**", "**Provision User**", "**Reports** → **System Log**",
			"**Assignments**", "**Assign to People**", "**Assign to Groups**", "Do not push the same Okta group you use to assign the app",
			"**Starts with** your organization and a colon (for example `moby:`)", "`GET /Groups`",
		}},
		{Entra, SAML, []string{ // seed, Azure AD wording
			"**Azure AD**", "**Provisioning** tab and **Edit provisioning**",
			"In **Mappings**, select **Provision Azure Active Directory Groups**, and select **Yes** to enable your mapping.",
			"In the **Target Object Actions**, select **Create**, **Update**, and **Delete**.",
			"In the **Attribute Mappings**, confirm that the **displayName**, **objectId**, and **members** are added.",
			"same three attributes",
			"Select **Save** and continue with the on-screen instructions.",
			"You can view **Mappings** to see that provisioning is enabled.",
			"Azure AD is now Microsoft Entra ID",
		}},
		{Entra, SAML, []string{ // current docs
			"**Provisioning Mode** to **Automatic**", "**Tenant URL**", "**Secret Token**", "**Test Connection**",
			"**Provision Microsoft Entra ID Groups** and set **Enabled** to **Yes**",
			"`displayName` → `displayName`, `objectId` → `externalId` and `members` → `members`",
			"**Users and groups** → **Add user/group**", "**Assign**", "**Start provisioning**",
			"**Settings** → **Scope**", "**Sync only assigned users and groups**", "**Provision Microsoft Entra ID Users**",
			"cloud-only users", "`extensionAttributeN`", "**Provision on demand**", "**Provisioning logs**",
		}},
		{Entra, OIDC, []string{
			"**Enterprise Applications** → **New application** → **Create your own application** → **Integrate any other application you don't find in the gallery** → **Create**",
			"One non-gallery app cannot do both OIDC and SCIM in Entra",
			"**Tenant URL**", "**Secret Token**", "**Provision on demand**",
		}},
		{OneLogin, SAML, []string{
			"**SCIM Provisioner with SAML (SCIM v2 Core)**", "**SCIM Base URL**", "**SCIM Bearer Token**",
			"**SCIM JSON Template**", "**Enable** to test", "**Provisioning** tab, select **Enable provisioning**",
			"**Parameters**, open **Groups**, tick **Include in User Provisioning**", "**Rules**", "**Pending**",
			"Under **Require admin approval before this action is performed**, clear", "does not switch provisioning off",
			"Only if you left any **Require admin approval** box ticked",
			"Not covered by the current Docker docs",
		}},
	}
	common := []string{
		"`org:team`", "`dockerRole` (`member`, `editor` or `owner`)", "`dockerOrg`", "`dockerTeam`",
		"`urn:ietf:params:scim:schemas:extension:docker:2.0:User`", "rewrites the full name and adds the teams",
		"Roles are not affected", "removes only that team", "deactivates the Docker account",
		"**Docker Home** → **Identity & auth** → **SSO and SCIM**", "**Disable JIT provisioning**", "only while SCIM is on",
		"**Disable SCIM**", "JIT must be on first", "removed by hand", "linked, not re-created", "last resort",
		"does not enforce SSO", "**Enable enforcement** → **Turn on enforcement**", "may name any of them",
	}
	forbidden := []string{"Admin Console", "Provision Status", "Multi-Value", "type `reference`", "**Bearer Token**.",
		"enterprise/security", "must be removed and re-provisioned"}
	for _, tt := range tests {
		c, err := ChecklistFor(tt.idp, tt.ct)
		if err != nil {
			t.Fatal(err)
		}
		text := allText(c)
		for _, l := range append(tt.labels, common...) {
			if !strings.Contains(text, l) {
				t.Errorf("%s/%s checklist lacks %q", tt.idp, tt.ct, l)
			}
		}
		for _, it := range c.Items {
			for _, f := range forbidden {
				if strings.Contains(it.Text+it.Detail+it.DocsURL, f) {
					t.Errorf("%s/%s item %s says %q, which the current docs dropped", tt.idp, tt.ct, it.ID, f)
				}
			}
		}
	}
}

// TestSourcesMarked checks that text Docker's current docs never contained is
// marked as the seed's, and that seed-only steps say so.
func TestSourcesMarked(t *testing.T) {
	for _, p := range IdPs() {
		for _, ct := range p.ConnectionTypes() {
			c, _ := ChecklistFor(p, ct)
			for _, it := range c.Items {
				for _, seedOnly := range []string{"Target Object Actions", "**objectId**", "Import Groups", "Provision Azure Active Directory Groups**, and select **Yes**"} {
					if strings.Contains(it.Text, seedOnly) && it.Source != SourceSeed && it.Source != SourceSeedAndCurrent {
						t.Errorf("%s: %q is seed text but the item's source is %q", it.ID, seedOnly, it.Source)
					}
				}
				for _, seedOnly := range []string{"Target Object Actions", "Import Groups"} {
					if strings.Contains(it.Text, seedOnly) && it.Source != SourceSeed {
						t.Errorf("%s: %q is seed text but the item's source is %q", it.ID, seedOnly, it.Source)
					}
				}
				if it.Source == SourceSeed && it.Differs == "" {
					t.Errorf("%s: a seed-only item must say how the current docs differ", it.ID)
				}
				if p == OneLogin && !strings.HasPrefix(it.ID, "common-") && (it.Source == SourceCurrent || it.Source == SourceSeedAndCurrent) {
					t.Errorf("%s: the current Docker docs have no OneLogin steps", it.ID)
				}
			}
		}
	}
	byID := itemsByID(t, Okta, SAML)
	if it := byID["okta-import-groups"]; !it.Optional {
		t.Error("Import Groups must be optional")
	}
	if it := itemsByID(t, Entra, SAML)["entra-target-actions"]; !strings.Contains(it.Detail, "Entra's defaults") {
		t.Errorf("Target Object Actions must be presented as Entra defaults, detail is %q", it.Detail)
	}
}

func itemsByID(t *testing.T, p IdP, ct ConnectionType) map[string]Item {
	t.Helper()
	c, err := ChecklistFor(p, ct)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Item{}
	for _, it := range c.Items {
		m[it.ID] = it
	}
	return m
}

func TestChecklistConnectionTypes(t *testing.T) {
	saml := itemsByID(t, Entra, SAML)
	oidc := itemsByID(t, Entra, OIDC)
	if _, ok := saml["entra-oidc-new-app"]; ok {
		t.Error("the SAML checklist must not ask for a second app")
	}
	if _, ok := oidc["entra-oidc-new-app"]; !ok {
		t.Error("the OIDC checklist must start with the separate non-gallery app")
	}
	if _, ok := oidc["entra-open-app"]; ok {
		t.Error("the OIDC checklist must not send the admin to the SAML app")
	}
	for _, p := range []IdP{Okta, OneLogin} {
		if _, err := ChecklistFor(p, OIDC); err == nil || !strings.Contains(err.Error(), "SAML") {
			t.Errorf("ChecklistFor(%s, oidc) error = %v, want one that points to a SAML connection", p, err)
		}
	}
	if _, err := ChecklistFor("pingone", SAML); err == nil {
		t.Error("an unknown IdP must be an error")
	}
	for _, it := range itemsByID(t, Okta, SAML) {
		if strings.HasPrefix(it.ID, "common-") && it.Section == "" {
			t.Errorf("%s has no section", it.ID)
		}
	}
	if got := slices.Collect(maps.Keys(itemsByID(t, OneLogin, SAML))); !slices.Contains(got, "common-group-names") {
		t.Error("common items are missing from the OneLogin checklist")
	}
}

func TestCredentialLabels(t *testing.T) {
	tests := []struct {
		p        IdP
		ct       ConnectionType
		base, tk string
	}{
		{Okta, SAML, "SCIM connector base URL", "Authorization"},
		{Entra, SAML, "Tenant URL", "Secret Token"},
		{Entra, OIDC, "Tenant URL", "Secret Token"},
		{OneLogin, SAML, "SCIM Base URL", "SCIM Bearer Token"},
		{Okta, OIDC, "", ""},
	}
	for _, tt := range tests {
		got := CredentialLabels(tt.p, tt.ct)
		if got.BaseURL != tt.base || got.Token != tt.tk {
			t.Errorf("CredentialLabels(%s, %s) = %q, %q; want %q, %q", tt.p, tt.ct, got.BaseURL, got.Token, tt.base, tt.tk)
		}
		if got.Note == "" {
			t.Errorf("CredentialLabels(%s, %s) has no note", tt.p, tt.ct)
		}
		if tt.base != "" && !got.AddsBearer {
			t.Errorf("%s sends the token as a bearer token itself", tt.p)
		}
		if tt.base == "" {
			continue
		}
		// The checklist must tell the admin to paste into exactly these fields.
		c, _ := ChecklistFor(tt.p, tt.ct)
		var fields []string
		for _, it := range c.Items {
			for _, p := range it.Paste {
				fields = append(fields, p.Value+"→"+p.Field)
			}
		}
		slices.Sort(fields)
		want := []string{PasteToken + "→" + tt.tk, PasteBaseURL + "→" + tt.base}
		if !slices.Equal(fields, want) {
			t.Errorf("%s/%s pastes %v, want %v", tt.p, tt.ct, fields, want)
		}
	}
}

func TestFlow(t *testing.T) {
	var ids []StepID
	for _, s := range Flow() {
		ids = append(ids, s.ID)
		if s.Guided != (s.Real == ModeGuided) {
			t.Errorf("%s: Guided = %v but Real = %s", s.ID, s.Guided, s.Real)
		}
		if s.Title == "" || s.Summary == "" || len(s.Needs) == 0 || len(s.Produces) == 0 || s.Real == "" || s.Sandbox == "" {
			t.Errorf("%s is missing a field: %+v", s.ID, s)
		}
		if Title(s.ID) != s.Title {
			t.Errorf("Title(%s) = %q", s.ID, Title(s.ID))
		}
	}
	want := []StepID{StepConnection, StepPreflight, StepSetupSCIM, StepVerify, StepCredentials, StepIdP, StepChecklist, StepReadBack, StepDone}
	if !slices.Equal(ids, want) {
		t.Fatalf("flow = %v, want %v", ids, want)
	}
	for _, id := range []StepID{StepConnection, StepSetupSCIM} {
		n, _ := Position(id)
		if s := Flow()[n-1]; !s.Guided || s.Sandbox != ModeAutomatic {
			t.Errorf("%s must be guided on real Docker and automatic on the sandbox", id)
		}
	}
	if n, total := Position(StepSetupSCIM); n != 3 || total != 9 {
		t.Errorf("Position(setup-scim) = %d of %d, want 3 of 9", n, total)
	}
	if n, _ := Position("nope"); n != 0 {
		t.Errorf("Position(unknown) = %d, want 0", n)
	}
}

func TestParseIdPAndLabels(t *testing.T) {
	for in, want := range map[string]IdP{"okta": Okta, " Azure-AD ": Entra, "entra-id": Entra, "OneLogin": OneLogin} {
		if got, err := ParseIdP(in); err != nil || got != want {
			t.Errorf("ParseIdP(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseIdP("ping"); err == nil {
		t.Error("ParseIdP accepted an unknown IdP")
	}
	if l := Entra.Label(); !strings.Contains(l, "Entra ID") || !strings.Contains(l, "Azure AD") {
		t.Errorf("Entra label %q must name both Entra ID and Azure AD", l)
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

// TestPreloadRacesSafelyWithUse: decoding in the background while a screen
// asks for a checklist must be safe (run with -race).
func TestPreloadRacesSafelyWithUse(t *testing.T) {
	Preload()
	Preload()
	if c, err := ChecklistFor(Okta, SAML); err != nil || len(c.Items) == 0 {
		t.Fatalf("ChecklistFor after Preload: %d items, %v", len(c.Items), err)
	}
}

func TestRenderBold(t *testing.T) {
	got := RenderBold("Select **Save**, then **Push Now**.", func(s string) string { return "<" + s + ">" })
	if got != "Select <Save>, then <Push Now>." {
		t.Fatalf("RenderBold = %q", got)
	}
}

// TestIndexMatchesTheFullDecode: the IdP index read from each file's
// top-level lines (labels, order, ids and aliases, for the first frame,
// flag help and completion) is what the full decode says.
func TestIndexMatchesTheFullDecode(t *testing.T) {
	x, c := indexed(), loaded()
	if !slices.Equal(x.order, c.order) || !maps.Equal(x.names, c.names) {
		t.Fatalf("index order %v names %v; full decode order %v names %v", x.order, x.names, c.order, c.names)
	}
	for _, p := range c.order {
		if got, want := x.labels[p], c.idps[p].Label; got != want || got == "" {
			t.Errorf("%s: label line %q, full decode %q", p, got, want)
		}
	}
	if h := headerOf([]byte("idp: x\nlabel: \"A: B\"\norder: 2\naliases: [y, z]\nsections:\n  - label: nested\n")); h.Label != "A: B" || h.Order != 2 || !slices.Equal(h.Aliases, []string{"y", "z"}) {
		t.Errorf("headerOf = %+v", h)
	}
}

func TestRenderCode(t *testing.T) {
	got := RenderCode("Set it to `email`, then run `docker scim`.", func(s string) string { return "<" + s + ">" })
	if got != "Set it to <email>, then run <docker scim>." {
		t.Fatalf("RenderCode = %q", got)
	}
}

// TestOptionalMarkOnce: an optional item whose title already says
// "(optional)" gets no second mark; one whose title does not, gets one.
func TestOptionalMarkOnce(t *testing.T) {
	for _, tc := range []struct {
		item Item
		want bool
	}{
		{Item{Title: "Import Docker teams (optional)", Optional: true}, false},
		{Item{Title: "Role mapping (Optional)", Optional: true}, false},
		{Item{Title: "Add the user attributes", Optional: true}, true},
		{Item{Title: "Paste the token"}, false},
	} {
		if got := tc.item.NeedsOptionalMark(); got != tc.want {
			t.Errorf("%q optional=%v: NeedsOptionalMark = %v, want %v", tc.item.Title, tc.item.Optional, got, tc.want)
		}
	}
}

// TestRenderedTextHasNoDoubleSpaces: a code span that ends in a space (as
// "`Bearer `" did) renders as two spaces in a row once its backticks are
// gone; no checklist text may read that way in the wizard or the plain mode.
func TestRenderedTextHasNoDoubleSpaces(t *testing.T) {
	plain := func(s string) string { return s }
	for _, p := range IdPs() {
		for _, ct := range []ConnectionType{SAML, OIDC} {
			c, err := ChecklistFor(p, ct)
			if err != nil {
				continue // this IdP has no checklist for ct
			}
			texts := append([]string{c.Intro}, c.Notes...)
			for _, it := range c.Items {
				texts = append(texts, it.Title, it.Text, it.Detail, it.Differs)
			}
			for _, s := range texts {
				if r := RenderCode(RenderBold(s, plain), plain); strings.Contains(r, "  ") {
					t.Errorf("%s %s: %q renders with a double space: %q", p, ct, s, r)
				}
			}
		}
	}
}
