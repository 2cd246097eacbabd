package steps

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// IdP is an identity provider the wizard has a checklist for. The
// identity providers are data: one file in data/ each (see IdPs).
type IdP string

// The ids of the identity providers shipped in data/, for code and tests
// that name one.
const (
	Okta     IdP = "okta"
	Entra    IdP = "entra"
	OneLogin IdP = "onelogin"
)

// IdPs lists the identity providers in the order the wizard offers them:
// every IdP data file, by its order key (read without the full decode).
func IdPs() []IdP { return slices.Clone(indexed().order) }

// IdPNames lists every IdP id, for flag help, completion and messages.
func IdPNames() []string {
	var out []string
	for _, p := range IdPs() {
		out = append(out, string(p))
	}
	return out
}

// IdPChoices is the IdP ids as a phrase: "okta, entra or onelogin".
func IdPChoices() string {
	names := IdPNames()
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Label is the provider's display name, from its data file (its label
// line only: no full decode, see index).
func (p IdP) Label() string {
	if l, ok := indexed().labels[p]; ok {
		return l
	}
	return string(p)
}

// ConnectionTypes lists the SSO connection types p has a checklist for.
// Docker's only OIDC connection type is Azure AD (OIDC), so Okta and OneLogin
// have SAML only.
func (p IdP) ConnectionTypes() []ConnectionType {
	return append([]ConnectionType(nil), loaded().idps[p].ConnectionTypes...)
}

// ParseIdP accepts an IdP's id or one of its aliases from its data file
// ("azure", "azure-ad"), in any case.
func ParseIdP(s string) (IdP, error) {
	if p, ok := indexed().names[strings.ToLower(strings.TrimSpace(s))]; ok {
		return p, nil
	}
	return "", fmt.Errorf("unknown identity provider %q: use %s", s, IdPChoices())
}

// ConnectionType is the SSO connection's authentication method.
type ConnectionType string

// The connection types.
const (
	SAML ConnectionType = "saml"
	OIDC ConnectionType = "oidc"
)

func (ct ConnectionType) valid() bool { return ct == SAML || ct == OIDC }

// Label is the connection type as Docker Home names it.
func (ct ConnectionType) Label() string {
	if ct == OIDC {
		return "Azure AD (OIDC)"
	}
	return "SAML"
}

// Docker's names for the two values the admin copies after Enable SCIM;
// TestDockerLabelsMatch checks them against data/docker.yaml.
const (
	PasteBaseURL = "SCIM Base URL"
	PasteToken   = "API Token"
)

// Paste names a value the admin pastes into the IdP, with the IdP's label
// for the field.
type Paste struct {
	// Value is PasteBaseURL or PasteToken (Docker's labels).
	Value string `json:"value"`
	// Field is the IdP's label for the field it goes into.
	Field string `json:"field"`
}

// Source says where an item's text comes from.
type Source string

// The sources of checklist text.
const (
	// SourceCurrent is the current Docker docs (the reference copies).
	SourceCurrent Source = "current"
	// SourceSeed is the project seed, an early-access Docker SCIM page.
	SourceSeed Source = "seed"
	// SourceSeedAndCurrent marks a step the seed and the current docs agree on.
	SourceSeedAndCurrent Source = "seed+current"
	// SourceOlderDocs is an older Docker docs revision other than the seed.
	SourceOlderDocs Source = "older-docs"
	// SourceVendor is a third-party SCIM vendor's guide (OneLogin only).
	SourceVendor Source = "vendor"
	// SourceIdPDocs is the identity provider's own documentation, where
	// Docker's pages say nothing.
	SourceIdPDocs Source = "idp-docs"
	// SourceWizard is a step this project adds where no document has one.
	SourceWizard Source = "wizard"
)

// Sources lists every Source.
func Sources() []Source {
	return []Source{SourceCurrent, SourceSeed, SourceSeedAndCurrent, SourceOlderDocs, SourceVendor, SourceIdPDocs, SourceWizard}
}

func (s Source) valid() bool { return slices.Contains(Sources(), s) }

// Label describes the source for a reader.
func (s Source) Label() string {
	switch s {
	case SourceCurrent:
		return "current Docker docs"
	case SourceSeed:
		return "seed (older Docker docs)"
	case SourceSeedAndCurrent:
		return "seed and current Docker docs"
	case SourceOlderDocs:
		return "older Docker docs"
	case SourceVendor:
		return "SCIM vendor guides (not Docker)"
	case SourceIdPDocs:
		return "the identity provider's own docs (Docker's pages say nothing)"
	case SourceWizard:
		return "docker-scim (no published text)"
	}
	return string(s)
}

// Item is one tickable step inside the identity provider's console.
type Item struct {
	ID string `json:"id"`
	// Title is a short name for the step.
	Title string `json:"title"`
	// Section groups items, such as "Group mapping".
	Section string `json:"section"`
	// Text is the instruction with the exact UI path; UI labels are in **bold**.
	Text string `json:"text"`
	// Detail adds context, or is empty.
	Detail string `json:"detail,omitempty"`
	// Differs says how the seed or another docs revision words this step
	// differently, or is empty when they agree.
	Differs string `json:"differs,omitempty"`
	// Optional items may be skipped; the rest are required.
	Optional bool   `json:"optional"`
	DocsURL  string `json:"docs_url"`
	// Ref is the reference page and section the text follows
	// ("page.md#section"), "seed", or empty for text from outside Docker's
	// docs (DocsURL is then the source).
	Ref string `json:"ref,omitempty"`
	// Paste lists the values pasted in this step, with the IdP's field label.
	Paste []Paste `json:"paste,omitempty"`
	// Source says where the text comes from.
	Source Source `json:"source"`
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
	// TestSection is the title of the section that provisions a test user.
	TestSection string
}

// TestItems are the items of the test section: how to provision a test
// user from the IdP, which the read-back step then finds.
func (c Checklist) TestItems() []Item {
	var out []Item
	for _, it := range c.Items {
		if it.Section == c.TestSection {
			out = append(out, it)
		}
	}
	return out
}

// ChecklistFor returns the checklist for p and connection type ct: the IdP's
// items for ct followed by the items common to every IdP.
func ChecklistFor(p IdP, ct ConnectionType) (Checklist, error) {
	f, ok := loaded().idps[p]
	if !ok {
		return Checklist{}, fmt.Errorf("no checklist for identity provider %q: use %s", p, IdPChoices())
	}
	if !appliesTo(f.ConnectionTypes, ct) {
		return Checklist{}, fmt.Errorf("no %s checklist for connection type %s: Docker's only OIDC connection is %s, which pairs with Entra ID; use a SAML connection with %s",
			f.Label, ct.Label(), OIDC.Label(), f.Label)
	}
	c := Checklist{IdP: p, ConnectionType: ct, Intro: f.Intro}
	for _, s := range f.Sections {
		if s.Test && appliesTo(s.ConnectionTypes, ct) {
			c.TestSection = s.Title
			break
		}
	}
	for _, src := range []fileData{f, loaded().common} {
		c.Items = append(c.Items, src.items(ct)...)
		for _, n := range src.Notes {
			if appliesTo(n.ConnectionTypes, ct) {
				c.Notes = append(c.Notes, n.Text)
			}
		}
	}
	return c, nil
}

// items returns the file's items that apply to ct, in order.
func (f fileData) items(ct ConnectionType) []Item {
	var out []Item
	for _, s := range f.Sections {
		if !appliesTo(s.ConnectionTypes, ct) {
			continue
		}
		for _, it := range s.Items {
			if !appliesTo(it.ConnectionTypes, ct) {
				continue
			}
			item := Item{ID: it.ID, Title: it.Title, Section: s.Title, Text: it.Text, Detail: it.Detail,
				Differs: it.Differs, Optional: it.Optional, DocsURL: cmp.Or(it.Docs, DocsURL(it.Ref)), Ref: it.Ref, Source: it.Source}
			for _, p := range it.Paste {
				item.Paste = append(item.Paste, Paste(p))
			}
			out = append(out, item)
		}
	}
	return out
}

// FieldLabels are the IdP's labels for the fields that take Docker's SCIM
// Base URL and API Token.
type FieldLabels struct {
	// BaseURL is the field that takes the SCIM Base URL.
	BaseURL string
	// Token is the field that takes the API Token.
	Token string
	// AddsBearer is true when the IdP sends the token as
	// "Authorization: Bearer <token>" itself, so the admin pastes the token alone.
	AddsBearer bool
	// Note tells where the fields are and how to paste.
	Note string
}

// CredentialLabels returns p's field labels for the SCIM credentials on a
// connection of type ct. When p has no checklist for ct (Okta or OneLogin
// with an OIDC connection, or an unknown IdP), BaseURL and Token are empty
// and Note says why and what to do.
func CredentialLabels(p IdP, ct ConnectionType) FieldLabels {
	if _, err := ChecklistFor(p, ct); err != nil {
		return FieldLabels{Note: err.Error()}
	}
	c := loaded().idps[p].Credentials
	return FieldLabels{BaseURL: c.BaseURL, Token: c.Token, AddsBearer: c.AddsBearer, Note: c.Note}
}

var boldRE = regexp.MustCompile(`\*\*([^*]+)\*\*`)

// Plain removes the **bold** markers from s.
func Plain(s string) string { return boldRE.ReplaceAllString(s, "$1") }

var codeRE = regexp.MustCompile("`([^`\n]+)`")

// RenderCode writes s with each `code` span passed, without its backticks,
// through code (a terminal style, a no-break transform, …) and the rest as
// it is. Text that is not Markdown shows no literal backticks this way.
func RenderCode(s string, code func(string) string) string {
	return codeRE.ReplaceAllStringFunc(s, func(m string) string { return code(m[1 : len(m)-1]) })
}

// NeedsOptionalMark reports whether it is optional and its title does not
// already say so, so that an "(optional)" mark after the title is shown once.
func (it Item) NeedsOptionalMark() bool {
	return it.Optional && !strings.Contains(strings.ToLower(it.Title), "(optional)")
}

// RenderBold writes s with each **bold** run passed through bold (a terminal
// style, Markdown, …) and the rest as it is.
func RenderBold(s string, bold func(string) string) string {
	var b strings.Builder
	for _, seg := range Segments(s) {
		if seg.Bold {
			b.WriteString(bold(seg.Text))
		} else {
			b.WriteString(seg.Text)
		}
	}
	return b.String()
}

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
