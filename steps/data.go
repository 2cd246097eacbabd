package steps

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed data/*.yaml
var dataFS embed.FS

// commonFile is the data file whose items are appended to every checklist.
const commonFile = "common"

// fileData is one embedded data file as written in YAML.
type fileData struct {
	IdP             string           `yaml:"idp"`
	Label           string           `yaml:"label"`
	ConnectionTypes []ConnectionType `yaml:"connection_types"`
	// Order is where the IdP is offered (1 first); Aliases are other names
	// --idp accepts.
	Order       int              `yaml:"order"`
	Aliases     []string         `yaml:"aliases"`
	Credentials *credentialsData `yaml:"credentials"`
	AssignUsers *assignData      `yaml:"assign_users"`
	Intro       string           `yaml:"intro"`
	Sections    []sectionData    `yaml:"sections"`
	Notes       []noteData       `yaml:"notes"`
}

type credentialsData struct {
	BaseURL    string `yaml:"base_url"`
	Token      string `yaml:"token"`
	AddsBearer bool   `yaml:"adds_bearer"`
	Note       string `yaml:"note"`
}

// assignData is how an IdP file says a user is assigned to the Docker app.
type assignData struct {
	Term   string `yaml:"term"`
	Text   string `yaml:"text"`
	Docs   string `yaml:"docs"`
	Source Source `yaml:"source"`
}

type sectionData struct {
	Title string `yaml:"title"`
	// Test marks the section that provisions a test user: the read-back
	// step shows it.
	Test            bool             `yaml:"test"`
	ConnectionTypes []ConnectionType `yaml:"connection_types"`
	Items           []itemData       `yaml:"items"`
}

type itemData struct {
	ID              string           `yaml:"id"`
	Title           string           `yaml:"title"`
	Text            string           `yaml:"text"`
	Detail          string           `yaml:"detail"`
	Differs         string           `yaml:"differs"`
	Optional        bool             `yaml:"optional"`
	Docs            string           `yaml:"docs"`
	Ref             string           `yaml:"ref"`
	Source          Source           `yaml:"source"`
	ConnectionTypes []ConnectionType `yaml:"connection_types"`
	Paste           []pasteData      `yaml:"paste"`
}

type pasteData struct {
	Value string `yaml:"value"`
	Field string `yaml:"field"`
}

type noteData struct {
	Text            string           `yaml:"text"`
	ConnectionTypes []ConnectionType `yaml:"connection_types"`
}

// catalog is every data file, loaded and validated once, on first use: the
// registry of identity providers.
type catalog struct {
	idps   map[IdP]fileData
	common fileData
	docker DockerUI
	// order is the IdPs in the order offered; names maps every id and
	// alias, lower-cased, to its IdP.
	order []IdP
	names map[string]IdP
}

var (
	catalogMu sync.Mutex
	// current is the full registry in use; nil until first use.
	current *catalog
	// currentIndex is the registry's header index; nil until first use.
	currentIndex *index
	// currentDocker is data/docker.yaml decoded alone, for Docker() before
	// the full registry is loaded; nil until then.
	currentDocker *DockerUI
	// extra are data files added with AddData, by name.
	extra = map[string][]byte{}
)

// loaded returns the registry built from the embedded files (and any added
// with AddData), decoding them on first use so that start-up (the first
// frame) does not wait for it. A broken file panics;
// TestEmbeddedDataIsValid catches that before a release.
func loaded() *catalog {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	if current == nil {
		c, err := loadCatalog(dataFS, extra)
		if err != nil {
			panic(err)
		}
		current = &c
	}
	return current
}

// Preload decodes the embedded files in the background, so the first screen
// that needs them does not wait (call it once the first frame is up: the
// wizard does when its connection list has loaded).
func Preload() { go loaded() }

// index is what the first frame, flag help and completion need from the
// registry: each IdP's id, label, order and aliases, read from the
// top-level lines of its data file without decoding the rest (the full
// decode takes milliseconds the first frame must not wait for).
// TestIndexMatchesTheFullDecode keeps it equal to the full decode.
type index struct {
	order  []IdP
	labels map[IdP]string
	names  map[string]IdP
}

// header is an IdP data file's top-level identity lines.
type header struct {
	IdP     string   `yaml:"idp"`
	Label   string   `yaml:"label"`
	Order   int      `yaml:"order"`
	Aliases []string `yaml:"aliases"`
}

// headerOf decodes the top-level idp, label, order and aliases lines of a
// data file, one line at a time (so quoting works as in the full decode).
func headerOf(b []byte) header {
	var h header
	for line := range bytes.Lines(b) {
		for _, key := range []string{"idp:", "label:", "order:", "aliases:"} {
			if bytes.HasPrefix(line, []byte(key)) {
				_ = yaml.Unmarshal(line, &h)
			}
		}
	}
	return h
}

// indexed returns the registry's header index.
func indexed() *index {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	if currentIndex == nil {
		files, err := dataFiles(dataFS, extra)
		if err != nil {
			panic(err)
		}
		currentIndex = indexOf(files)
	}
	return currentIndex
}

// indexOf builds the header index of the IdP files among files.
func indexOf(files map[string][]byte) *index {
	x := &index{labels: map[IdP]string{}, names: map[string]IdP{}}
	orders := map[IdP]int{}
	for _, b := range files {
		h := headerOf(b)
		if h.IdP == "" || h.IdP == commonFile {
			continue
		}
		p := IdP(h.IdP)
		x.order = append(x.order, p)
		x.labels[p], orders[p] = h.Label, h.Order
		for _, n := range append([]string{h.IdP}, h.Aliases...) {
			x.names[strings.ToLower(n)] = p
		}
	}
	slices.SortFunc(x.order, func(a, b IdP) int { return cmp.Or(cmp.Compare(orders[a], orders[b]), cmp.Compare(a, b)) })
	return x
}

// AddData adds IdP data files (name → YAML, as in data/) to the registry,
// after validating them with the embedded ones; an IdP is one such file.
// restore takes them out again.
func AddData(files map[string][]byte) (restore func(), err error) {
	catalogMu.Lock()
	defer catalogMu.Unlock()
	merged := maps.Clone(extra)
	maps.Copy(merged, files)
	c, err := loadCatalog(dataFS, merged)
	if err != nil {
		return nil, err
	}
	all, err := dataFiles(dataFS, merged)
	if err != nil {
		return nil, err
	}
	before, beforeCat, beforeIndex := extra, current, currentIndex
	extra, current, currentIndex = merged, &c, indexOf(all)
	return func() {
		catalogMu.Lock()
		defer catalogMu.Unlock()
		extra, current, currentIndex = before, beforeCat, beforeIndex
	}, nil
}

// loadCatalog reads and validates every data/*.yaml file in fsys, with the
// added files.
func loadCatalog(fsys embed.FS, added map[string][]byte) (catalog, error) {
	files, err := dataFiles(fsys, added)
	if err != nil {
		return catalog{}, err
	}
	return parseCatalog(files)
}

// dataFiles is every data/*.yaml file in fsys with the added ones, by name.
func dataFiles(fsys embed.FS, added map[string][]byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	maps.Copy(files, added)
	entries, err := fsys.ReadDir("data")
	if err != nil {
		return nil, fmt.Errorf("read embedded checklist data: %w", err)
	}
	for _, e := range entries {
		if _, dup := files[e.Name()]; dup {
			return nil, fmt.Errorf("checklist data %s: already built in", e.Name())
		}
		b, err := fsys.ReadFile(path.Join("data", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read embedded checklist data: %w", err)
		}
		files[e.Name()] = b
	}
	return files, nil
}

// parseCatalog decodes and validates the named YAML files.
func parseCatalog(files map[string][]byte) (catalog, error) {
	c := catalog{idps: map[IdP]fileData{}, names: map[string]IdP{}}
	seenIDs := map[string]string{}
	var errs []error
	haveCommon := false
	docker, ok := files[dockerFile]
	if !ok {
		return catalog{}, fmt.Errorf("checklist data: no %s file with Docker's UI labels", dockerFile)
	}
	d, err := decodeDocker(docker)
	if err != nil {
		return catalog{}, err
	}
	c.docker = d
	for name, b := range files {
		if name == dockerFile {
			continue
		}
		f, err := decodeFile(name, b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := f.expand(d); err != nil {
			errs = append(errs, fmt.Errorf("checklist data %s: %w", name, err))
			continue
		}
		if err := f.validate(name, seenIDs); err != nil {
			errs = append(errs, err)
			continue
		}
		if f.IdP == commonFile {
			c.common, haveCommon = f, true
			continue
		}
		c.idps[IdP(f.IdP)] = f
		for _, n := range append([]string{f.IdP}, f.Aliases...) {
			key := strings.ToLower(n)
			if other, dup := c.names[key]; dup {
				errs = append(errs, fmt.Errorf("checklist data %s: the name %q is also %s's", name, n, other))
			}
			c.names[key] = IdP(f.IdP)
		}
		c.order = append(c.order, IdP(f.IdP))
	}
	if !haveCommon {
		errs = append(errs, fmt.Errorf("checklist data: no %s.yaml file with the items common to every IdP", commonFile))
	}
	if len(c.idps) == 0 {
		errs = append(errs, errors.New("checklist data: no identity provider file"))
	}
	if len(errs) > 0 {
		return catalog{}, errors.Join(errs...)
	}
	slices.SortFunc(c.order, func(a, b IdP) int {
		return cmp.Or(cmp.Compare(c.idps[a].Order, c.idps[b].Order), cmp.Compare(a, b))
	})
	return c, nil
}

func decodeFile(name string, b []byte) (fileData, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f fileData
	if err := dec.Decode(&f); err != nil {
		return fileData{}, fmt.Errorf("checklist data %s: %w (fix the YAML; unknown keys are rejected)", name, err)
	}
	return f, nil
}

// validate checks one decoded file; seenIDs collects item ids across files.
func (f fileData) validate(name string, seenIDs map[string]string) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("checklist data %s: "+format, append([]any{name}, args...)...))
	}
	if want := strings.TrimSuffix(name, ".yaml"); f.IdP != want {
		bad("idp is %q, want %q (the file name)", f.IdP, want)
	}
	if f.Label == "" {
		bad("label is empty")
	}
	isCommon := f.IdP == commonFile
	if isCommon != (f.Credentials == nil) {
		bad("credentials must be given for an IdP file and only there")
	}
	if !isCommon && len(f.ConnectionTypes) == 0 {
		bad("connection_types is empty")
	}
	if !isCommon && f.Order <= 0 {
		bad("order must be 1 or more (where the IdP is offered)")
	}
	if isCommon && (f.Order != 0 || len(f.Aliases) > 0) {
		bad("order and aliases are for IdP files")
	}
	for _, a := range f.Aliases {
		if a == "" || strings.TrimSpace(a) != a {
			bad("alias %q is empty or has spaces around it", a)
		}
	}
	for _, ct := range f.ConnectionTypes {
		if !ct.valid() {
			bad("unknown connection type %q (use saml or oidc)", ct)
		}
	}
	if isCommon != (f.AssignUsers == nil) {
		bad("assign_users must be given for an IdP file and only there")
	}
	if a := f.AssignUsers; a != nil {
		if a.Term == "" || !strings.Contains(a.Text, "**") {
			bad("assign_users needs a term and a text naming UI labels in **bold**")
		}
		if !a.Source.valid() {
			bad("assign_users: source %q is not one of %v", a.Source, Sources())
		}
		if u, err := url.Parse(a.Docs); err != nil || u.Scheme != "https" || u.Host == "" {
			bad("assign_users: docs %q is not an https URL", a.Docs)
		}
	}
	if f.Credentials != nil && (f.Credentials.BaseURL == "" || f.Credentials.Token == "") {
		bad("credentials.base_url and credentials.token must both be set")
	}
	checkBold := func(where, s string) {
		if strings.Count(s, "**")%2 != 0 {
			bad("%s has an unbalanced ** marker: %q", where, s)
		}
		// An unquoted " #" starts a YAML comment and silently cuts the text,
		// which usually leaves a parenthesis or backtick open.
		if strings.Count(s, "(") != strings.Count(s, ")") || strings.Count(s, "`")%2 != 0 {
			bad("%s has an unbalanced ( or `, perhaps cut by an unquoted \" #\": %q", where, s)
		}
	}
	checkBold("intro", f.Intro)
	if f.AssignUsers != nil {
		checkBold("assign_users text", f.AssignUsers.Text)
	}
	checkTypes := func(where string, cts []ConnectionType) {
		for _, ct := range cts {
			if !ct.valid() || (!isCommon && !slices.Contains(f.ConnectionTypes, ct)) {
				bad("%s: connection type %q is not one of the file's %v", where, ct, f.ConnectionTypes)
			}
		}
	}
	for _, s := range f.Sections {
		if s.Title == "" {
			bad("a section has no title")
		}
		if s.Test && isCommon {
			bad("section %q: only an IdP file has a test section", s.Title)
		}
		if len(s.Items) == 0 {
			bad("section %q has no items", s.Title)
		}
		checkTypes("section "+s.Title, s.ConnectionTypes)
		for _, it := range s.Items {
			where := "item " + it.ID
			if it.ID == "" {
				bad("an item in section %q has no id", s.Title)
			}
			if other, dup := seenIDs[it.ID]; dup {
				bad("item id %q is also used in %s", it.ID, other)
			}
			seenIDs[it.ID] = name
			if !strings.HasPrefix(it.ID, f.IdP+"-") {
				bad("%s: id must start with %q", where, f.IdP+"-")
			}
			if it.Title == "" || it.Text == "" {
				bad("%s: title and text are required", where)
			}
			if !strings.Contains(it.Text, "**") && !strings.Contains(it.Text, "`") {
				bad("%s: text names no UI label in **bold**", where)
			}
			checkBold(where+" text", it.Text)
			checkBold(where+" detail", it.Detail)
			checkBold(where+" differs", it.Differs)
			if !it.Source.valid() {
				bad("%s: source %q is not one of %v", where, it.Source, Sources())
			}
			switch {
			case it.Ref == "" && (it.Source == SourceVendor || it.Source == SourceOlderDocs || it.Source == SourceIdPDocs):
				// Outside the reference folder: the docs URL is the source.
			case it.Ref == "":
				bad("%s: no ref: give the reference page and section the text follows (page.md#section), or \"seed\"", where)
			default:
				if err := checkRef(it.Ref); err != nil {
					bad("%s: ref: %v", where, err)
				}
			}
			if it.Source == SourceSeed && it.Ref != SourceSeedRef {
				bad("%s: a seed item's ref must be \"seed\"", where)
			}
			if it.Docs != "" || !isPageRef(it.Ref) {
				if u, err := url.Parse(it.Docs); err != nil || u.Scheme != "https" || u.Host == "" {
					bad("%s: docs %q is not an https URL (give docs when ref is not a reference page)", where, it.Docs)
				}
			}
			checkTypes(where, it.ConnectionTypes)
			for _, p := range it.Paste {
				if p.Value != PasteBaseURL && p.Value != PasteToken {
					bad("%s: paste value %q is not %q or %q", where, p.Value, PasteBaseURL, PasteToken)
				}
				if f.Credentials == nil || (p.Field != f.Credentials.BaseURL && p.Field != f.Credentials.Token) {
					bad("%s: paste field %q is not one of the file's credential labels", where, p.Field)
				} else if (p.Value == PasteBaseURL) != (p.Field == f.Credentials.BaseURL) {
					bad("%s: %q does not go into %q", where, p.Value, p.Field)
				}
				if !strings.Contains(it.Text, "**"+p.Field+"**") {
					bad("%s: text does not name the field **%s**", where, p.Field)
				}
			}
		}
	}
	for _, n := range f.Notes {
		if n.Text == "" {
			bad("a note is empty")
		}
		checkBold("note", n.Text)
		checkTypes("note", n.ConnectionTypes)
	}
	if !isCommon {
		for _, ct := range f.ConnectionTypes {
			if err := f.checkPastes(ct); err != nil {
				bad("%s checklist: %v", ct, err)
			}
			if !slices.ContainsFunc(f.Sections, func(s sectionData) bool { return s.Test && appliesTo(s.ConnectionTypes, ct) }) {
				bad("%s checklist: no section with test: true (how to provision a test user)", ct)
			}
		}
	}
	return errors.Join(errs...)
}

// checkPastes makes sure the checklist for ct tells the admin where to paste
// both credentials, exactly once each.
func (f fileData) checkPastes(ct ConnectionType) error {
	count := map[string]int{}
	for _, s := range f.Sections {
		if !appliesTo(s.ConnectionTypes, ct) {
			continue
		}
		for _, it := range s.Items {
			if appliesTo(it.ConnectionTypes, ct) {
				for _, p := range it.Paste {
					count[p.Value]++
				}
			}
		}
	}
	if count[PasteBaseURL] != 1 || count[PasteToken] != 1 {
		return fmt.Errorf("pastes %q %d times and %q %d times, want once each", PasteBaseURL, count[PasteBaseURL], PasteToken, count[PasteToken])
	}
	return nil
}

// expand replaces the [[key]] Docker labels in every text of the file.
func (f *fileData) expand(d DockerUI) error {
	var errs []error
	do := func(s *string) {
		out, err := d.expand(*s)
		if err != nil {
			errs = append(errs, err)
		}
		*s = out
	}
	do(&f.Intro)
	if f.Credentials != nil {
		do(&f.Credentials.Note)
	}
	for i := range f.Sections {
		for j := range f.Sections[i].Items {
			it := &f.Sections[i].Items[j]
			do(&it.Text)
			do(&it.Detail)
			do(&it.Differs)
		}
	}
	for i := range f.Notes {
		do(&f.Notes[i].Text)
	}
	return errors.Join(errs...)
}

// appliesTo reports whether a connection_types filter admits ct; an empty
// filter admits every type.
func appliesTo(filter []ConnectionType, ct ConnectionType) bool {
	return len(filter) == 0 || slices.Contains(filter, ct)
}
