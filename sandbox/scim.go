package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// SCIM schema URNs the sandbox serves.
const (
	schemaUser      = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaGroup     = "urn:ietf:params:scim:schemas:core:2.0:Group"
	schemaDocker    = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"
	schemaList      = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	schemaPatchOp   = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	schemaSPC       = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	schemaResType   = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	schemaSchema    = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	maxSCIMPageSize = 200
)

type scimConnKey struct{}

// scimAuth requires the bearer SCIM API token of a connection with SCIM on.
func (s *Server) scimAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			writeSCIMError(w, http.StatusUnauthorized, "", "authentication required: send the SCIM API token as a bearer token")
			return
		}
		s.st.mu.Lock()
		c := s.st.connectionBySCIMToken(tok)
		var id string
		if c != nil {
			id = c.ID
		}
		s.st.mu.Unlock()
		if c == nil {
			writeSCIMError(w, http.StatusUnauthorized, "", "invalid SCIM token: it is mistyped, was replaced, or SCIM was disabled on the connection")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), scimConnKey{}, id)))
	}
}

func scimConnection(r *http.Request) string {
	id, _ := r.Context().Value(scimConnKey{}).(string)
	return id
}

// decodeSCIM reads a JSON body and answers 400 invalidSyntax (or 413) in
// Docker's scim_error shape when it cannot.
func decodeSCIM(w http.ResponseWriter, r *http.Request, v any) bool {
	status, msg := decodeStrict(w, r, v)
	switch status {
	case 0:
		return true
	case http.StatusBadRequest:
		writeSCIMError(w, status, "invalidSyntax", msg)
	default:
		writeSCIMError(w, status, "", msg)
	}
	return false
}

// requireSchema answers 400 invalidSyntax and reports false unless schemas
// lists urn.
func requireSchema(w http.ResponseWriter, schemas []string, urn string) bool {
	if hasSchema(schemas, urn) {
		return true
	}
	writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", "schemas must include "+urn)
	return false
}

// hasSchema reports whether schemas lists urn (case-insensitively).
func hasSchema(schemas []string, urn string) bool {
	for _, s := range schemas {
		if strings.EqualFold(s, urn) {
			return true
		}
	}
	return false
}

// listQuery is a validated SCIM list request (RFC 7644 §3.4.2).
type listQuery struct {
	startIndex, count  int
	filter             string
	sortBy             string
	descending         bool
	attributes, exclud []string
}

func splitList(raw string) []string {
	var out []string
	for _, a := range strings.Split(raw, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// parseListQuery reads startIndex (below 1 means 1), count (capped at 200,
// default 100), filter, sortBy, sortOrder, attributes and excludedAttributes.
func parseListQuery(w http.ResponseWriter, r *http.Request) (listQuery, bool) {
	q := r.URL.Query()
	lq := listQuery{startIndex: 1, count: 100, filter: q.Get("filter"), sortBy: q.Get("sortBy"),
		attributes: splitList(q.Get("attributes")), exclud: splitList(q.Get("excludedAttributes"))}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"startIndex", &lq.startIndex}, {"count", &lq.count}} {
		if raw := q.Get(f.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				writeSCIMError(w, http.StatusBadRequest, "invalidValue", f.name+" must be an integer, got "+strconv.Quote(raw))
				return lq, false
			}
			*f.dst = n
		}
	}
	lq.startIndex = max(lq.startIndex, 1)
	lq.count = min(max(lq.count, 0), maxSCIMPageSize)
	switch strings.ToLower(q.Get("sortOrder")) {
	case "", "ascending":
	case "descending":
		lq.descending = true
	default:
		writeSCIMError(w, http.StatusBadRequest, "invalidValue", "sortOrder must be ascending or descending, got "+strconv.Quote(q.Get("sortOrder")))
		return lq, false
	}
	return lq, true
}

// listResponse is the SCIM ListResponse. The key is RFC 7644's `Resources`;
// Docker's spec spells it `resources` and its live site `Resources`.
type listResponse struct {
	Schemas      []string         `json:"schemas"`
	TotalResults int              `json:"totalResults"`
	StartIndex   int              `json:"startIndex"`
	ItemsPerPage int              `json:"itemsPerPage"`
	Resources    []map[string]any `json:"Resources"`
}

// toMap is the JSON form of v, on which filters and projections work.
func toMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sandbox: cannot encode a SCIM resource: " + err.Error())
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic("sandbox: cannot decode a SCIM resource: " + err.Error())
	}
	return m
}

// selectPage filters, sorts, pages and projects n resources, where get(i)
// returns the JSON form of the i-th. Without a filter or sortBy only the
// page's resources are built. The caller holds the store lock.
func selectPage(lq listQuery, n int, get func(i int) map[string]any) (listResponse, *scimErr) {
	out := listResponse{Schemas: []string{schemaList}, StartIndex: lq.startIndex, Resources: []map[string]any{}}
	if lq.filter == "" && lq.sortBy == "" {
		start := min(lq.startIndex-1, n)
		end := min(start+lq.count, n)
		for i := start; i < end; i++ {
			out.Resources = append(out.Resources, project(get(i), lq.attributes, lq.exclud))
		}
		out.TotalResults, out.ItemsPerPage = n, len(out.Resources)
		return out, nil
	}
	all := make([]map[string]any, 0, n)
	for i := range n {
		all = append(all, get(i))
	}
	if lq.filter != "" {
		expr, err := parseFilter(lq.filter)
		if err != nil {
			return out, &scimErr{http.StatusBadRequest, "invalidFilter", err.Error()}
		}
		kept := all[:0]
		for _, res := range all {
			if matches(res, expr) {
				kept = append(kept, res)
			}
		}
		all = kept
	}
	if lq.sortBy != "" {
		if err := sortResources(all, lq.sortBy, lq.descending); err != nil {
			return out, badValue("%v", err)
		}
	}
	start := min(lq.startIndex-1, len(all))
	end := min(start+lq.count, len(all))
	for _, res := range all[start:end] {
		out.Resources = append(out.Resources, project(res, lq.attributes, lq.exclud))
	}
	out.TotalResults, out.ItemsPerPage = len(all), len(out.Resources)
	return out, nil
}

// serveSCIMList answers a SCIM list request over items: under the store
// lock, candidates returns the resources to consider (it may narrow lq, for
// example by serving a filter from an index) and resource builds the JSON
// form of one, with base the request's scheme and host.
func serveSCIMList[T any](s *Server, w http.ResponseWriter, r *http.Request, candidates func(lq *listQuery) []T, resource func(base string, item T) any) {
	lq, ok := parseListQuery(w, r)
	if !ok {
		return
	}
	base := baseURL(r)
	s.st.mu.Lock()
	items := candidates(&lq)
	out, e := selectPage(lq, len(items), func(i int) map[string]any { return toMap(resource(base, items[i])) })
	s.st.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	writeSCIM(w, http.StatusOK, out)
}

// writeProjected answers 200 with resource, keeping only the request's
// attributes and dropping its excludedAttributes.
func writeProjected(w http.ResponseWriter, r *http.Request, resource any) {
	q := r.URL.Query()
	writeSCIM(w, http.StatusOK, project(toMap(resource), splitList(q.Get("attributes")), splitList(q.Get("excludedAttributes"))))
}

type supported struct {
	Supported bool `json:"supported"`
}

type authScheme struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	SpecURI     string `json:"specUri"`
	Type        string `json:"type"`
	Primary     bool   `json:"primary"`
}

// ServiceProviderConfig follows the live Docker reference (patch supported,
// filter.maxResults 200, authenticationSchemes as an array).
type serviceProviderConfig struct {
	Schemas          []string  `json:"schemas"`
	DocumentationURI string    `json:"documentationUri"`
	Patch            supported `json:"patch"`
	Bulk             struct {
		Supported      bool `json:"supported"`
		MaxOperations  int  `json:"maxOperations"`
		MaxPayloadSize int  `json:"maxPayloadSize"`
	} `json:"bulk"`
	Filter struct {
		Supported  bool `json:"supported"`
		MaxResults int  `json:"maxResults"`
	} `json:"filter"`
	ChangePassword        supported    `json:"changePassword"`
	Sort                  supported    `json:"sort"`
	ETag                  supported    `json:"etag"`
	AuthenticationSchemes []authScheme `json:"authenticationSchemes"`
}

func (s *Server) serviceProviderConfig(w http.ResponseWriter, r *http.Request) {
	var c serviceProviderConfig
	c.Schemas = []string{schemaSPC}
	c.DocumentationURI = "https://docs.docker.com/security/for-admins/provisioning/scim/"
	c.Patch.Supported = true
	c.Filter.Supported = true
	c.Filter.MaxResults = maxSCIMPageSize
	c.Sort.Supported = true
	c.AuthenticationSchemes = []authScheme{{
		Name:        "OAuth Bearer Token",
		Description: "Authentication scheme using the OAuth Bearer Token Standard",
		SpecURI:     "https://www.rfc-editor.org/info/rfc6750",
		Type:        "oauthbearertoken",
		Primary:     true,
	}}
	writeSCIM(w, http.StatusOK, c)
}

type schemaExtension struct {
	Schema   string `json:"schema"`
	Required bool   `json:"required"`
}

type resourceTypeJSON struct {
	Schemas          []string          `json:"schemas"`
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Description      string            `json:"description"`
	Endpoint         string            `json:"endpoint"`
	Schema           string            `json:"schema"`
	SchemaExtensions []schemaExtension `json:"schemaExtensions,omitempty"`
}

var resourceTypeList = []resourceTypeJSON{
	{Schemas: []string{schemaResType}, ID: "User", Name: "User", Description: "User Account", Endpoint: "/Users", Schema: schemaUser,
		SchemaExtensions: []schemaExtension{{Schema: schemaDocker, Required: false}}},
	{Schemas: []string{schemaResType}, ID: "Group", Name: "Group", Description: "Group: a Docker team, named org:team", Endpoint: "/Groups", Schema: schemaGroup},
}

func (s *Server) resourceTypes(w http.ResponseWriter, r *http.Request) {
	writeFixedList(w, resourceTypeList)
}

func (s *Server) resourceType(w http.ResponseWriter, r *http.Request) {
	writeFixedItem(w, resourceTypeList, func(rt resourceTypeJSON) string { return rt.ID }, r.PathValue("name"),
		"resource type "+strconv.Quote(r.PathValue("name"))+" not found: use User or Group")
}

// writeFixedList answers 200 with all of a fixed resource list, unpaged.
func writeFixedList[T any](w http.ResponseWriter, items []T) {
	all := make([]map[string]any, 0, len(items))
	for _, item := range items {
		all = append(all, toMap(item))
	}
	writeSCIM(w, http.StatusOK, listResponse{Schemas: []string{schemaList}, TotalResults: len(all), StartIndex: 1, ItemsPerPage: len(all), Resources: all})
}

// writeFixedItem answers 200 with the item whose id matches want
// (case-insensitively), or 404 with notFound.
func writeFixedItem[T any](w http.ResponseWriter, items []T, id func(T) string, want, notFound string) {
	for _, item := range items {
		if strings.EqualFold(id(item), want) {
			writeSCIM(w, http.StatusOK, item)
			return
		}
	}
	writeSCIMError(w, http.StatusNotFound, "", notFound)
}

// schemaAttr is one attribute definition of a SCIM schema (RFC 7643 §7).
type schemaAttr struct {
	Name          string       `json:"name"`
	Type          string       `json:"type"`
	MultiValued   bool         `json:"multiValued"`
	Description   string       `json:"description"`
	Required      bool         `json:"required"`
	CaseExact     bool         `json:"caseExact"`
	Mutability    string       `json:"mutability"`
	Returned      string       `json:"returned"`
	Uniqueness    string       `json:"uniqueness"`
	SubAttributes []schemaAttr `json:"subAttributes,omitempty"`
}

type schemaJSON struct {
	Schemas     []string     `json:"schemas"`
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Attributes  []schemaAttr `json:"attributes"`
}

func str(name, desc, mutability string, required bool) schemaAttr {
	return schemaAttr{Name: name, Type: "string", Description: desc, Required: required, Mutability: mutability, Returned: "default", Uniqueness: "none"}
}

var scimSchemas = []schemaJSON{
	{
		Schemas: []string{schemaSchema}, ID: schemaUser, Name: "User", Description: "User Account",
		Attributes: []schemaAttr{
			func() schemaAttr {
				a := str("userName", "The user's email address. This must be reachable via email.", "readWrite", true)
				a.Uniqueness = "server"
				return a
			}(),
			{Name: "name", Type: "complex", Description: "The components of the user's name.", Mutability: "readWrite", Returned: "default", Uniqueness: "none",
				SubAttributes: []schemaAttr{str("givenName", "First name", "readWrite", false), str("familyName", "Surname", "readWrite", false)}},
			str("displayName", "The username in Docker, also known as the Docker ID.", "readOnly", false),
			{Name: "active", Type: "boolean", Description: "Whether the user is provisioned; false de-provisions.", Mutability: "readWrite", Returned: "default", Uniqueness: "none"},
			{Name: "emails", Type: "complex", MultiValued: true, Description: "Email addresses; Docker keeps one, the userName.", Mutability: "readOnly", Returned: "default", Uniqueness: "none",
				SubAttributes: []schemaAttr{str("value", "Email address", "readOnly", false), str("display", "Display form", "readOnly", false),
					{Name: "primary", Type: "boolean", Description: "Primary email", Mutability: "readOnly", Returned: "default", Uniqueness: "none"}}},
			{Name: "groups", Type: "complex", MultiValued: true, Description: "Teams the user is in.", Mutability: "readOnly", Returned: "default", Uniqueness: "none",
				SubAttributes: []schemaAttr{str("value", "Group id", "readOnly", false), str("display", "Group displayName (org:team)", "readOnly", false)}},
		},
	},
	{
		Schemas: []string{schemaSchema}, ID: schemaGroup, Name: "Group", Description: "Group: a Docker team, displayName org:team",
		Attributes: []schemaAttr{
			func() schemaAttr {
				a := str("displayName", "org:team, for example moby:developers", "readWrite", true)
				a.Uniqueness = "server"
				return a
			}(),
			{Name: "members", Type: "complex", MultiValued: true, Description: "Users in the team.", Mutability: "readWrite", Returned: "default", Uniqueness: "none",
				SubAttributes: []schemaAttr{str("value", "User id", "immutable", false), str("display", "User's userName", "readOnly", false)}},
		},
	},
	{
		Schemas: []string{schemaSchema}, ID: schemaDocker, Name: "Docker User", Description: "Docker role mapping",
		Attributes: []schemaAttr{
			str("dockerRole", "member, editor or owner (default member)", "readWrite", false),
			str("dockerOrg", "Organization to provision into (default: the connection's)", "readWrite", false),
			str("dockerTeam", "Team to put the user in; created when missing", "readWrite", false),
		},
	},
}

func (s *Server) schemas(w http.ResponseWriter, r *http.Request) {
	writeFixedList(w, scimSchemas)
}

func (s *Server) schema(w http.ResponseWriter, r *http.Request) {
	writeFixedItem(w, scimSchemas, func(sc schemaJSON) string { return sc.ID }, r.PathValue("id"),
		"schema "+strconv.Quote(r.PathValue("id"))+" not found")
}
