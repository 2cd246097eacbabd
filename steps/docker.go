package steps

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// dockerFile is the data file that holds Docker's own UI: every navigation
// path, menu item and label the wizard names, each with its source.
const dockerFile = "docker.yaml"

// SourceSeedRef is the Fact source that names the project seed
// (shared/seed/scim.md, an early-access Docker SCIM page).
const SourceSeedRef = "seed"

// ReferencePages are the Docker documentation pages a Fact or checklist item
// may cite, as paths under the reference folder (shared/reference/docker-docs),
// which is the docker/docs path without its content/manuals/ prefix.
var ReferencePages = []string{
	"security/provisioning/scim/_index.md",
	"security/provisioning/scim/provision-scim.md",
	"security/provisioning/scim/group-mapping.md",
	"security/provisioning/scim/migrate-scim.md",
	"security/provisioning/troubleshoot-provisioning.md",
	"security/provisioning/just-in-time.md",
	"security/provisioning/_index.md",
	"security/provisioning/domain-management.md",
	"security/authentication/single-sign-on/connect.md",
	"security/authentication/single-sign-on/manage.md",
	"security/access-tokens/organization-access-tokens.md",
	"security/access-tokens/reference.md",
	"_external/entra-docs/docs/identity/app-provisioning/configure-automatic-user-provisioning-portal.md",
}

// Fact is one Docker UI path, label or behaviour as the wizard states it,
// with where it comes from.
type Fact struct {
	// Text is what Docker shows today; UI labels are in **bold**.
	Text string `yaml:"text" json:"text"`
	// Seed is how the seed words the same thing, when it differs; else empty.
	Seed string `yaml:"seed" json:"seed,omitempty"`
	// Older is how Docker's older docs layout (the Admin Console pages)
	// wrote it, for admins who follow an older guide; else empty.
	Older string `yaml:"older" json:"older,omitempty"`
	// Source is a reference page and section ("page.md#section") or "seed".
	Source string `yaml:"source" json:"source"`
}

// WithSeed is Text followed by the seed's wording when the seed differs,
// for example "**Enable SCIM** (the seed calls it **Setup SCIM**)".
func (f Fact) WithSeed() string {
	if f.Seed == "" {
		return f.Text
	}
	return f.Text + " (the seed calls it " + f.Seed + ")"
}

// DocsURL is the docs.docker.com address of the Fact's source, or "" when
// the source is the seed.
func (f Fact) DocsURL() string { return DocsURL(f.Source) }

// DockerUI is every Docker UI path and label the wizard names. Each field
// is one entry of data/docker.yaml; a missing or unsourced entry fails the
// data validation.
type DockerUI struct {
	// Revision names the Docker docs revision these facts follow.
	Revision string `yaml:"-" json:"-"`
	// Commit is the docker/docs commit of that revision, short.
	Commit string `yaml:"-" json:"-"`

	// HomeURL is Docker Home's address.
	HomeURL Fact `yaml:"home_url"`
	// SSOAndSCIM is the page that lists SSO connections and their Actions.
	SSOAndSCIM Fact `yaml:"sso_and_scim"`
	// SSOConnections is the table on that page.
	SSOConnections Fact `yaml:"sso_connections"`
	// DomainManagement is where domains are added and verified.
	DomainManagement Fact `yaml:"domain_management"`
	// AddDomain adds a domain; TXTRecord is the value to put in DNS;
	// VerifyDomain checks it.
	AddDomain    Fact `yaml:"add_domain"`
	TXTRecord    Fact `yaml:"txt_record"`
	VerifyDomain Fact `yaml:"verify_domain"`
	// AccessTokens is where organization access tokens are created.
	AccessTokens Fact `yaml:"access_tokens"`
	// Members is the organization's member list.
	Members Fact `yaml:"members"`
	// ExportMembers exports that list as CSV.
	ExportMembers Fact `yaml:"export_members"`
	// RemoveMember removes one member.
	RemoveMember Fact `yaml:"remove_member"`
	// CreateConnection starts a new SSO connection.
	CreateConnection Fact `yaml:"create_connection"`
	// ConnectionValues says what Docker and the IdP exchange when a
	// connection is created.
	ConnectionValues Fact `yaml:"connection_values"`
	// FinishConnection ends the connection form.
	FinishConnection Fact `yaml:"finish_connection"`
	// EditConnection changes a connection's domains, organizations and
	// default team.
	EditConnection Fact `yaml:"edit_connection"`
	// EnableSCIM turns SCIM on for a connection (the seed's Setup SCIM).
	EnableSCIM Fact `yaml:"enable_scim"`
	// EnableSCIMDialog is the confirmation dialog's title.
	EnableSCIMDialog Fact `yaml:"enable_scim_dialog"`
	// EditSCIM shows the SCIM Base URL and API Token again.
	EditSCIM Fact `yaml:"edit_scim"`
	// DisableSCIM turns SCIM off (only while JIT is on).
	DisableSCIM Fact `yaml:"disable_scim"`
	// EnableJIT turns JIT provisioning on.
	EnableJIT Fact `yaml:"enable_jit"`
	// DisableJIT turns JIT provisioning off (only while SCIM is on).
	DisableJIT Fact `yaml:"disable_jit"`
	// EnforceSSO enforces SSO for the organization.
	EnforceSSO Fact `yaml:"enforce_sso"`
	// BaseURL and Token are Docker's names for the two values SCIM shows.
	BaseURL Fact `yaml:"base_url"`
	Token   Fact `yaml:"token"`
	// SeedEnableSCIM, SeedCopyValues and SeedSSONote are the seed's own
	// first step, second step and note, kept visible beside today's labels.
	SeedEnableSCIM Fact `yaml:"seed_enable_scim"`
	SeedCopyValues Fact `yaml:"seed_copy_values"`
	SeedSSONote    Fact `yaml:"seed_sso_note"`
}

// dockerData is data/docker.yaml as written.
type dockerData struct {
	Commit   string   `yaml:"commit"`
	Revision string   `yaml:"revision"`
	Facts    DockerUI `yaml:"facts"`
}

// Docker returns Docker's UI labels and paths, decoded from the embedded
// data on first use. It decodes data/docker.yaml alone, not every
// checklist: flag help built at start-up reads it, and the full decode
// would cost the first frame milliseconds. Broken data panics;
// TestEmbeddedDataIsValid catches that before a release.
func Docker() DockerUI {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	if current != nil {
		return current.docker
	}
	if currentDocker == nil {
		files, err := dataFiles(dataFS, extra)
		if err != nil {
			panic(err)
		}
		d, err := decodeDocker(files[dockerFile])
		if err != nil {
			panic(err)
		}
		currentDocker = &d
	}
	return *currentDocker
}

// decodeDocker decodes and validates data/docker.yaml.
func decodeDocker(b []byte) (DockerUI, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var d dockerData
	if err := dec.Decode(&d); err != nil {
		return DockerUI{}, fmt.Errorf("docker UI data %s: %w (fix the YAML; unknown keys are rejected)", dockerFile, err)
	}
	d.Facts.Revision, d.Facts.Commit = d.Revision, d.Commit
	var errs []error
	if strings.TrimSpace(d.Revision) == "" || !strings.HasPrefix(d.Revision, d.Commit) || d.Commit == "" {
		errs = append(errs, fmt.Errorf("docker UI data %s: commit and revision must name the Docker docs revision the facts follow, the revision starting with the commit", dockerFile))
	}
	for name, f := range d.Facts.all() {
		if err := f.validate(); err != nil {
			errs = append(errs, fmt.Errorf("docker UI data %s: %s: %w", dockerFile, name, err))
		}
	}
	return d.Facts, errors.Join(errs...)
}

// all returns every Fact by its YAML key, in field order.
func (u DockerUI) all() func(yield func(string, Fact) bool) {
	return func(yield func(string, Fact) bool) {
		v := reflect.ValueOf(u)
		for i := range v.NumField() {
			f, ok := v.Field(i).Interface().(Fact)
			if !ok {
				continue
			}
			if !yield(strings.Split(v.Type().Field(i).Tag.Get("yaml"), ",")[0], f) {
				return
			}
		}
	}
}

// lookup returns the Fact whose YAML key is name.
func (u DockerUI) lookup(name string) (Fact, bool) {
	for n, f := range u.all() {
		if n == name {
			return f, true
		}
	}
	return Fact{}, false
}

func (f Fact) validate() error {
	var errs []error
	if strings.TrimSpace(f.Text) == "" {
		errs = append(errs, errors.New("text is empty (is the entry missing?)"))
	}
	if err := checkRef(f.Source); err != nil {
		errs = append(errs, err)
	}
	for _, s := range []string{f.Text, f.Seed, f.Older} {
		if strings.Count(s, "**")%2 != 0 {
			errs = append(errs, fmt.Errorf("unbalanced ** marker in %q", s))
		}
	}
	return errors.Join(errs...)
}

// checkRef accepts "seed" or a known reference page with a #section.
func checkRef(ref string) error {
	if ref == SourceSeedRef {
		return nil
	}
	page, section, ok := strings.Cut(ref, "#")
	switch {
	case ref == "":
		return errors.New("no source: give a reference page and section (page.md#section) or \"seed\"")
	case !slices.Contains(ReferencePages, page):
		return fmt.Errorf("source %q is not one of the reference pages %v", page, ReferencePages)
	case !ok || !sectionRE.MatchString(section):
		return fmt.Errorf("source %q names no section: write %s#section-anchor", ref, page)
	}
	return nil
}

var sectionRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// isPageRef reports whether ref names a reference page (not the seed).
func isPageRef(ref string) bool { return ref != "" && ref != SourceSeedRef && checkRef(ref) == nil }

// DocsURL turns a reference page and section into its docs.docker.com
// address ("security/provisioning/scim/_index.md#how-scim-works" becomes
// https://docs.docker.com/security/provisioning/scim/#how-scim-works). It
// returns "" for the seed, and Microsoft's address for the Entra page.
func DocsURL(ref string) string {
	page, section, _ := strings.Cut(ref, "#")
	if page == "" || page == SourceSeedRef {
		return ""
	}
	var u string
	if rest, ok := strings.CutPrefix(page, "_external/entra-docs/docs/"); ok {
		u = "https://learn.microsoft.com/en-us/entra/" + strings.TrimSuffix(rest, ".md")
	} else {
		p := strings.TrimSuffix(strings.TrimSuffix(page, ".md"), "_index")
		u = "https://docs.docker.com/" + strings.TrimSuffix(p, "/") + "/"
	}
	if section != "" {
		u += "#" + section
	}
	return u
}

// Docker's pages that the wizard links to (point 11 of issue 14: the
// current docs.docker.com/security/... addresses).
var (
	SCIMDocs         = DocsURL("security/provisioning/scim/_index.md")
	ProvisionDocs    = DocsURL("security/provisioning/scim/provision-scim.md")
	GroupMappingDocs = DocsURL("security/provisioning/scim/group-mapping.md")
	MigrateSCIMDocs  = DocsURL("security/provisioning/scim/migrate-scim.md")
	TroubleshootDocs = DocsURL("security/provisioning/troubleshoot-provisioning.md")
	JITDocs          = DocsURL("security/provisioning/just-in-time.md")
	DomainDocs       = DocsURL("security/provisioning/domain-management.md")
	ConnectSSODocs   = DocsURL("security/authentication/single-sign-on/connect.md")
	EnforceSSODocs   = DocsURL("security/authentication/single-sign-on/connect.md#enforce-sso")
	JITWithSCIMDocs  = DocsURL("security/provisioning/scim/_index.md#use-scim-with-jit")
	DisableSCIMDocs  = DocsURL("security/provisioning/scim/provision-scim.md#disable-scim")
	UnlinkedDocs     = DocsURL("security/provisioning/scim/migrate-scim.md#resolve-an-unlinked-account")
)

// placeholderRE matches [[key]] in checklist text: the Docker Fact with that
// YAML key, so a Docker label inside an IdP checklist still lives once.
var placeholderRE = regexp.MustCompile(`\[\[([a-z_]+)\]\]`)

// expand replaces each [[key]] in s with the Fact's text; unknown keys are
// reported.
func (u DockerUI) expand(s string) (string, error) {
	var errs []error
	out := placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		key := placeholderRE.FindStringSubmatch(m)[1]
		f, ok := u.lookup(key)
		if !ok {
			errs = append(errs, fmt.Errorf("unknown Docker label [[%s]] (see %s)", key, dockerFile))
			return m
		}
		return f.Text
	})
	return out, errors.Join(errs...)
}

// DocsRevision names the Docker docs revision the checklist, the preflight
// and the runbook follow.
func DocsRevision() string { return Docker().Revision }

// DocsCommit is that revision's docker/docs commit, short enough for a
// screen line.
func DocsCommit() string { return Docker().Commit }

// Path joins Docker UI steps with arrows, as the wizard writes navigation.
func Path(parts ...string) string { return strings.Join(parts, " → ") }

// EnableSCIMPath is the full path to Enable SCIM, with the seed's name.
func EnableSCIMPath() string {
	d := Docker()
	return Path(d.SSOAndSCIM.Text, d.SSOConnections.Text, d.EnableSCIM.WithSeed())
}

// EditSCIMPath is the full path that shows the SCIM values again.
func EditSCIMPath() string {
	d := Docker()
	return Path(d.SSOAndSCIM.Text, d.SSOConnections.Text, d.EditSCIM.Text)
}

// DisableJITPath is the full path that turns JIT provisioning off.
func DisableJITPath() string {
	d := Docker()
	return Path(d.SSOAndSCIM.Text, d.SSOConnections.Text, d.DisableJIT.Text)
}

// EnforceSSOPath is the full path that enforces SSO.
func EnforceSSOPath() string {
	d := Docker()
	return Path(d.SSOAndSCIM.Text, d.SSOConnections.Text, d.EnforceSSO.Text)
}

// SCIMValuesAgain says, in plain text short enough for errors and hints,
// where Docker Home shows the SCIM Base URL and API Token again (its
// sections, then the connection's Actions menu).
func SCIMValuesAgain() string {
	d := Docker()
	sections := strings.Split(Plain(d.SSOAndSCIM.Text), " → ")
	return Plain(Path(append(sections[1:], d.EditSCIM.Text)...))
}

// SSOAndSCIMPage is the SSO and SCIM page's path in plain text.
func SSOAndSCIMPage() string { return Plain(Docker().SSOAndSCIM.Text) }

// TokenLifetimeUnknown says what Docker's pages leave out about the API
// Token: how long it lasts and how it could be replaced.
const TokenLifetimeUnknown = "Docker's pages do not say how long the API Token stays valid or how to replace it."

// DisableJITAdvice is the Done screen's reminder about JIT.
func DisableJITAdvice() string {
	return "Once SCIM is tested and the members are linked, turn JIT off: " + DisableJITPath() +
		" (Docker allows it only while SCIM is on)."
}

// EnforceSSOAdvice says that SCIM does not enforce SSO, and where to.
func EnforceSSOAdvice() string {
	return "Setting up SCIM does not enforce SSO. To enforce it: " + EnforceSSOPath() + "."
}

// QuitWithTokenNotice is the quit guard's question while the API Token was
// neither copied nor revealed.
func QuitWithTokenNotice() string {
	return "Docker shows it again under " + EditSCIMPath() + ", but the identity provider needs it now. Quit anyway? (y/n)"
}

// EnableSCIMGuide is what the guided Enable SCIM step says to do in Docker
// Home, followed by the seed's own two steps.
func EnableSCIMGuide() []string {
	d := Docker()
	return []string{
		"Docker has no API for this step: in " + EnableSCIMPath() + ", then copy the **" + d.BaseURL.Text +
			"** and **" + d.Token.Text + "** and paste them below. " + d.EditSCIM.Text + " shows them again later.",
		"Seed: " + d.SeedEnableSCIM.Text + " " + d.SeedCopyValues.Text,
	}
}
