package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"
)

type scimName struct {
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

type scimEmail struct {
	Value   string `json:"value"`
	Display string `json:"display"`
	Primary bool   `json:"primary"`
}

type scimRef struct {
	Value   string `json:"value"`
	Display string `json:"display"`
	Ref     string `json:"$ref,omitempty"`
}

type scimMeta struct {
	ResourceType string `json:"resourceType"`
	Location     string `json:"location"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
}

type dockerExt struct {
	DockerRole string `json:"dockerRole"`
	DockerOrg  string `json:"dockerOrg"`
	DockerTeam string `json:"dockerTeam,omitempty"`
}

type scimUser struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	ExternalID  string      `json:"externalId,omitempty"`
	UserName    string      `json:"userName"`
	Name        scimName    `json:"name"`
	DisplayName string      `json:"displayName"`
	Active      bool        `json:"active"`
	Emails      []scimEmail `json:"emails"`
	Groups      []scimRef   `json:"groups"`
	Meta        scimMeta    `json:"meta"`
	Docker      dockerExt   `json:"urn:ietf:params:scim:schemas:extension:docker:2.0:User"`
}

func scimTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// userJSON is u as Docker's scim_user; the caller holds the store lock.
func (s *Server) userJSON(base string, u *user) scimUser {
	out := scimUser{
		Schemas: []string{schemaUser, schemaDocker}, ID: u.ID, ExternalID: u.ExternalID, UserName: u.Email,
		Name: scimName{u.GivenName, u.FamilyName}, DisplayName: u.Username, Active: u.Active,
		Emails: []scimEmail{{Value: u.Email, Display: u.Email, Primary: true}}, Groups: []scimRef{},
		Meta:   scimMeta{"User", base + SCIMPath + "/Users/" + u.ID, scimTime(u.Created), scimTime(u.Modified)},
		Docker: dockerExt{DockerRole: u.Role, DockerOrg: cmp.Or(u.DockerOrg, s.st.Org.Name), DockerTeam: u.DockerTeam},
	}
	for _, t := range s.st.Teams {
		if t.has(u.ID) {
			out.Groups = append(out.Groups, scimRef{Value: t.UUID, Display: s.displayName(t), Ref: base + SCIMPath + "/Groups/" + t.UUID})
		}
	}
	return out
}

// scimUserOr404 finds a SCIM-managed user by id; the caller holds the lock.
// Users added by JIT or by hand are not visible to SCIM, as on Docker.
func (s *Server) scimUserOr404(w http.ResponseWriter, id string) *user {
	u := s.st.byID[id]
	if u == nil || u.Source != sourceSCIM {
		writeSCIMError(w, http.StatusNotFound, "", "user "+strconv.Quote(id)+" not found")
		return nil
	}
	return u
}

// singleUserNameEq returns the value of a filter that is exactly
// `userName eq "…"`, which IdPs send before every create; it is served from
// the index instead of a scan.
func singleUserNameEq(raw string) (string, bool) {
	expr, err := filter.ParseFilter([]byte(raw))
	if err != nil {
		return "", false
	}
	a, ok := expr.(*filter.AttributeExpression)
	if !ok || a.Operator != filter.EQ || !strings.EqualFold(a.AttributePath.AttributeName, "userName") ||
		a.AttributePath.SubAttribute != nil || (a.AttributePath.URI() != "" && !strings.EqualFold(a.AttributePath.URI(), schemaUser)) {
		return "", false
	}
	v, ok := a.CompareValue.(string)
	return v, ok
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	serveSCIMList(s, w, r, func(lq *listQuery) []*user {
		var users []*user
		if name, ok := singleUserNameEq(lq.filter); ok {
			if u := s.st.byUserName[strings.ToLower(name)]; u != nil && u.Source == sourceSCIM {
				users = append(users, u)
			}
			lq.filter = ""
			return users
		}
		for _, u := range s.st.Users {
			if u.Source == sourceSCIM {
				users = append(users, u)
			}
		}
		if lq.filter == "" && strings.EqualFold(lq.sortBy, "meta.lastModified") {
			sortByModified(users, lq.descending)
			lq.sortBy = ""
		}
		return users
	}, func(base string, u *user) any { return s.userJSON(base, u) })
}

// sortByModified orders users by meta.lastModified as the generic sort
// would (whole seconds, stable), without building every user's JSON: a
// read-back asks for the newest users first on every poll.
func sortByModified(users []*user, descending bool) {
	slices.SortStableFunc(users, func(a, b *user) int {
		c := cmp.Compare(a.Modified.Unix(), b.Modified.Unix())
		if descending {
			return -c
		}
		return c
	})
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if u := s.scimUserOr404(w, r.PathValue("id")); u != nil {
		writeProjected(w, r, s.userJSON(baseURL(r), u))
	}
}

// userRequest is the body of POST and PUT /Users. Unknown attributes are
// ignored, as IdPs send many; known ones of the wrong type are a 400.
type userRequest struct {
	Schemas    []string `json:"schemas"`
	UserName   *string  `json:"userName"`
	ExternalID *string  `json:"externalId"`
	Name       *struct {
		GivenName  *string `json:"givenName"`
		FamilyName *string `json:"familyName"`
	} `json:"name"`
	Active  *bool      `json:"active"`
	Enabled *bool      `json:"enabled"` // spec-new's spelling of active on PUT
	Docker  *dockerReq `json:"urn:ietf:params:scim:schemas:extension:docker:2.0:User"`
}

// applyNames copies the name parts and externalId the request sets onto u;
// absent ones leave u's as they are.
func (req *userRequest) applyNames(u *user) {
	if req.Name != nil {
		if req.Name.GivenName != nil {
			u.GivenName = *req.Name.GivenName
		}
		if req.Name.FamilyName != nil {
			u.FamilyName = *req.Name.FamilyName
		}
	}
	if req.ExternalID != nil {
		u.ExternalID = *req.ExternalID
	}
}

// dockerReq is the Docker extension of a user request; nil fields are unset.
type dockerReq struct {
	DockerRole *string `json:"dockerRole"`
	DockerOrg  *string `json:"dockerOrg"`
	DockerTeam *string `json:"dockerTeam"`
}

// scimErr is a SCIM error to send: status, scimType and detail.
type scimErr struct {
	status   int
	scimType string
	detail   string
}

func (e *scimErr) write(w http.ResponseWriter) { writeSCIMError(w, e.status, e.scimType, e.detail) }

func badValue(format string, args ...any) *scimErr {
	return &scimErr{http.StatusBadRequest, "invalidValue", fmt.Sprintf(format, args...)}
}

// checkUserName validates a userName (an email address) and that it is free
// for self. On create (self nil) a Docker account outside the org counts as
// free (POST /Users attaches it), and so does a member added before SCIM
// (by JIT, by hand, or the owner) whose email domain is verified on conn:
// POST /Users links that account. The caller holds the lock.
func (s *Server) checkUserName(name string, self *user, conn *connection) *scimErr {
	addr, err := mail.ParseAddress(name)
	if err != nil || addr.Address != name || addr.Name != "" {
		return badValue("userName %q must be an email address such as ada@moby.example", name)
	}
	other := s.st.byUserName[strings.ToLower(name)]
	switch {
	case other == nil || other == self || (other.Source == sourceAccount && self == nil):
		return nil
	case self == nil && other.Source != sourceSCIM && conn != nil && conn.coversEmail(name):
		return nil
	case other.Source == sourceSCIM:
		return &scimErr{http.StatusConflict, "uniqueness", fmt.Sprintf("a user with userName %q already exists (id %s)", name, other.ID)}
	case other.Source == sourceAccount:
		return &scimErr{http.StatusConflict, "uniqueness", fmt.Sprintf("%q is the email of another Docker account (%s)", name, other.Username)}
	case self != nil:
		return &scimErr{http.StatusConflict, "uniqueness", fmt.Sprintf("%q is the email of another member of %s (%s)", name, s.st.Org.Name, other.Username)}
	default:
		return &scimErr{http.StatusConflict, "uniqueness", fmt.Sprintf(
			"%s is a member of %s whose email domain is not verified on this SSO connection (a guest): SCIM does not link or manage it; "+
				"verify the domain on the connection, or push the member's address on a verified domain",
			name, s.st.Org.Name)}
	}
}

// checkDocker validates the Docker extension attributes.
func (s *Server) checkDocker(req *userRequest, conn *connection) *scimErr {
	if req.Docker == nil {
		return nil
	}
	if r := req.Docker.DockerRole; r != nil && *r != "" && *r != roleMember && *r != roleEditor && *r != roleOwner {
		return badValue("dockerRole %q must be member, editor or owner", *r)
	}
	if o := req.Docker.DockerOrg; o != nil && *o != "" && !s.serves(conn, *o) {
		return badValue("dockerOrg %q is not an organization this SSO connection provisions into (%s)", *o, strings.Join(s.orgsOf(conn), ", "))
	}
	if t := req.Docker.DockerTeam; t != nil && *t != "" && !validTeamName(*t) {
		return badValue("dockerTeam %q is not a valid team name: use 1 to 30 letters, digits, '-' or '_'", *t)
	}
	return nil
}

// applyDocker stores the role and team of the Docker extension on u and
// puts u in that team. The caller holds the lock.
func (s *Server) applyDocker(actor string, u *user, req *userRequest) {
	if req.Docker == nil {
		return
	}
	if r := req.Docker.DockerRole; r != nil && *r != "" && *r != u.Role {
		u.Role = *r
		s.st.audit(actor, "member.role.change", u.Username, u.Username+" is now "+u.Role, map[string]string{"member": u.Username, "role": u.Role})
	}
	if o := req.Docker.DockerOrg; o != nil {
		u.DockerOrg = strings.ToLower(*o)
		if strings.EqualFold(u.DockerOrg, s.st.Org.Name) {
			u.DockerOrg = ""
		}
	}
	if t := req.Docker.DockerTeam; t != nil && *t != "" {
		u.DockerTeam = *t
		switch {
		case u.DockerOrg != "" && u.Active:
			// The company's other organization: its teams and member list
			// are served by the Hub API under /v2/orgs/whale.
			team := s.st.teamIn(u.DockerOrg, *t)
			if team == nil {
				team = s.st.createTeam(actor, *t, "")
				team.Org = u.DockerOrg
			}
			s.st.addToTeam(actor, team, u)
		case u.Member:
			s.st.join(actor, u, *t)
		}
	}
}

// otherOrg reports whether req's dockerOrg names the company's other
// organization rather than the one the sandbox serves.
func (s *Server) otherOrg(req *userRequest) bool {
	return req.Docker != nil && req.Docker.DockerOrg != nil && *req.Docker.DockerOrg != "" &&
		!strings.EqualFold(*req.Docker.DockerOrg, s.st.Org.Name)
}

// scimActor is the audit-log actor of a SCIM request: the connection.
func scimActor(r *http.Request) string { return "scim:" + scimConnection(r) }

// createUser serves POST /Users. An existing SCIM userName is 409. A member
// added before SCIM (by JIT, by hand, or the owner) on a domain verified on
// the connection is linked: same Docker ID, same id, role and teams kept; a
// member on another domain (a guest) is 409. A Docker account outside the
// org with that email is attached, keeping its Docker ID.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var req userRequest
	if !decodeSCIM(w, r, &req) || !requireSchema(w, req.Schemas, schemaUser) {
		return
	}
	if req.UserName == nil || *req.UserName == "" {
		writeSCIMError(w, http.StatusBadRequest, "invalidValue", "userName is required: the user's email address")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	conn := s.st.connection(scimConnection(r))
	if e := s.checkUserName(*req.UserName, nil, conn); e != nil {
		e.write(w)
		return
	}
	if e := s.checkDocker(&req, s.st.connection(scimConnection(r))); e != nil {
		e.write(w)
		return
	}
	now := s.st.now().UTC()
	u := s.st.byUserName[strings.ToLower(*req.UserName)]
	switch {
	case u != nil && u.Source == sourceAccount: // an account outside the org: attach it, keeping its Docker ID
		s.st.adopt(u, scimConnection(r))
		u.Role, u.Modified = roleMember, now
	case u != nil: // a member added before SCIM: link it
		s.st.link(scimActor(r), u, scimConnection(r))
		u.Modified = now
	default:
		u = &user{
			ID: newUUID(), Username: s.st.usernameFor(*req.UserName), Email: *req.UserName, Active: true,
			Role: roleMember, Source: sourceSCIM, Connection: scimConnection(r), Created: now, Modified: now,
		}
		s.st.addUser(u)
	}
	req.applyNames(u)
	if req.Active != nil {
		u.Active = *req.Active
	}
	if c := s.st.connection(u.Connection); u.Active && c != nil && !s.otherOrg(&req) {
		defaultTeam := c.DefaultTeam
		if req.Docker != nil && req.Docker.DockerOrg != nil && *req.Docker.DockerOrg != "" {
			defaultTeam = "" // an explicit dockerOrg skips the connection's default team
		}
		s.st.join(scimActor(r), u, defaultTeam)
	}
	s.applyDocker(scimActor(r), u, &req)
	w.Header().Set("Location", baseURL(r)+SCIMPath+"/Users/"+u.ID)
	writeSCIM(w, http.StatusCreated, s.userJSON(baseURL(r), u))
}

// setActive (de)provisions u: inactive users leave the org and its teams;
// re-activated ones rejoin on the connection's default team.
func (s *Server) setActive(actor string, u *user, active bool) {
	if u.Active == active {
		return
	}
	u.Active = active
	if !active {
		s.st.leave(actor, u)
		return
	}
	team := ""
	if c := s.st.connection(u.Connection); c != nil {
		team = c.DefaultTeam
	}
	s.st.join(actor, u, team)
	if u.DockerTeam != "" {
		s.st.join(actor, u, u.DockerTeam)
	}
}

// putUser serves PUT /Users/{id}. A missing `active` (or spec-new's
// `enabled`) deactivates the user, as Docker documents; a missing name
// leaves the name as it is.
func (s *Server) putUser(w http.ResponseWriter, r *http.Request) {
	var req userRequest
	if !decodeSCIM(w, r, &req) || !requireSchema(w, req.Schemas, schemaUser) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.scimUserOr404(w, r.PathValue("id"))
	if u == nil {
		return
	}
	if req.UserName != nil && *req.UserName != u.Email {
		if e := s.checkUserName(*req.UserName, u, nil); e != nil {
			e.write(w)
			return
		}
	}
	if e := s.checkDocker(&req, s.st.connection(scimConnection(r))); e != nil {
		e.write(w)
		return
	}
	if req.UserName != nil {
		s.st.setEmail(u, *req.UserName)
	}
	req.applyNames(u)
	active := false
	switch {
	case req.Active != nil:
		active = *req.Active
	case req.Enabled != nil:
		active = *req.Enabled
	}
	s.setActive(scimActor(r), u, active)
	s.applyDocker(scimActor(r), u, &req)
	u.Modified = s.st.now().UTC()
	s.st.changedUser(u)
	writeSCIM(w, http.StatusOK, s.userJSON(baseURL(r), u))
}

// patchRequest is a SCIM PatchOp (RFC 7644 §3.5.2).
type patchRequest struct {
	Schemas    []string  `json:"schemas"`
	Operations []patchOp `json:"Operations"`
}

type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// decodePatch reads and checks a PatchOp body.
func decodePatch(w http.ResponseWriter, r *http.Request) (patchRequest, bool) {
	var req patchRequest
	if !decodeSCIM(w, r, &req) || !requireSchema(w, req.Schemas, schemaPatchOp) {
		return req, false
	}
	if len(req.Operations) == 0 {
		writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", "Operations is empty: send at least one operation")
		return req, false
	}
	for i, op := range req.Operations {
		switch strings.ToLower(op.Op) {
		case "add", "replace", "remove":
		default:
			writeSCIMError(w, http.StatusBadRequest, "invalidSyntax", fmt.Sprintf("Operations[%d].op %q must be add, replace or remove", i, op.Op))
			return req, false
		}
	}
	return req, true
}

// assignment is one attribute change of a PATCH: a lower-cased path and a value.
type assignment struct {
	path   string
	value  json.RawMessage
	remove bool
}

// flatten turns a PATCH operation into attribute assignments: a path-less
// add/replace carries an object whose keys are paths.
func flatten(op patchOp) ([]assignment, *scimErr) {
	remove := strings.EqualFold(op.Op, "remove")
	if op.Path != "" {
		return []assignment{{strings.ToLower(op.Path), op.Value, remove}}, nil
	}
	if remove {
		return nil, &scimErr{http.StatusBadRequest, "noTarget", "a remove operation needs a path"}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(op.Value, &obj); err != nil {
		return nil, &scimErr{http.StatusBadRequest, "invalidSyntax", "an operation without a path needs an object value: " + err.Error()}
	}
	var out []assignment
	for k, v := range obj {
		key := strings.ToLower(k)
		var inner map[string]json.RawMessage
		if (key == "name" || key == schemaDockerLower) && json.Unmarshal(v, &inner) == nil {
			sep := "."
			if key == schemaDockerLower {
				sep = ":"
			}
			for ik, iv := range inner {
				out = append(out, assignment{path: key + sep + strings.ToLower(ik), value: iv})
			}
			continue
		}
		out = append(out, assignment{path: key, value: v})
	}
	return out, nil
}

var schemaDockerLower = strings.ToLower(schemaDocker)

// boolValue reads a SCIM boolean; Entra ID sends "True"/"False" strings.
func boolValue(raw json.RawMessage) (bool, bool) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if v, err := strconv.ParseBool(s); err == nil {
			return v, true
		}
	}
	return false, false
}

func stringValue(path string, raw json.RawMessage, remove bool) (string, *scimErr) {
	if remove {
		return "", nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", badValue("%s must be a string", path)
	}
	return v, nil
}

// patchUser serves PATCH /Users/{id}: active, userName, name.givenName,
// name.familyName, externalId and the Docker extension attributes, with or
// without a path. Email paths are accepted and ignored: Docker keeps one
// email, the userName.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) {
	req, ok := decodePatch(w, r)
	if !ok {
		return
	}
	var changes []assignment
	for _, op := range req.Operations {
		a, e := flatten(op)
		if e != nil {
			e.write(w)
			return
		}
		changes = append(changes, a...)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.scimUserOr404(w, r.PathValue("id"))
	if u == nil {
		return
	}
	// Validate everything first so that a bad operation changes nothing.
	next := *u
	var dreq userRequest
	active := u.Active
	for _, c := range changes {
		path := strings.TrimPrefix(c.path, strings.ToLower(schemaUser)+":")
		var e *scimErr
		var v string
		switch {
		case path == "active":
			b, ok := boolValue(c.value)
			if c.remove || !ok {
				e = badValue("active must be true or false")
			}
			active = b
		case path == "username":
			if v, e = stringValue("userName", c.value, c.remove); e == nil {
				if c.remove {
					e = &scimErr{http.StatusBadRequest, "mutability", "userName is required and cannot be removed"}
				} else if v != u.Email {
					e = s.checkUserName(v, u, nil)
				}
				next.Email = v
			}
		case path == "name.givenname":
			v, e = stringValue("name.givenName", c.value, c.remove)
			next.GivenName = v
		case path == "name.familyname":
			v, e = stringValue("name.familyName", c.value, c.remove)
			next.FamilyName = v
		case path == "externalid":
			v, e = stringValue("externalId", c.value, c.remove)
			next.ExternalID = v
		case path == "displayname":
			e = &scimErr{http.StatusBadRequest, "mutability", "displayName is the Docker ID and cannot be changed through SCIM; remove it from the IdP's attribute mappings"}
		case strings.HasPrefix(path, "emails"):
			// Docker keeps a single email, the userName.
		case strings.HasPrefix(path, schemaDockerLower+":"):
			attr := strings.TrimPrefix(path, schemaDockerLower+":")
			v, e = stringValue(attr, c.value, c.remove)
			if dreq.Docker == nil {
				dreq.Docker = &dockerReq{}
			}
			switch attr {
			case "dockerrole":
				dreq.Docker.DockerRole = &v
			case "dockerorg":
				dreq.Docker.DockerOrg = &v
			case "dockerteam":
				dreq.Docker.DockerTeam = &v
			default:
				e = &scimErr{http.StatusBadRequest, "invalidPath", fmt.Sprintf("%q is not an attribute of %s", attr, schemaDocker)}
			}
		default:
			e = &scimErr{http.StatusBadRequest, "invalidPath", fmt.Sprintf("path %q is not a User attribute the sandbox can change: use active, userName, name.givenName, name.familyName, externalId or %s:dockerRole|dockerOrg|dockerTeam", c.path, schemaDocker)}
		}
		if e != nil {
			e.write(w)
			return
		}
	}
	if e := s.checkDocker(&dreq, s.st.connection(scimConnection(r))); e != nil {
		e.write(w)
		return
	}
	if next.Email != u.Email {
		s.st.setEmail(u, next.Email)
	}
	u.GivenName, u.FamilyName, u.ExternalID = next.GivenName, next.FamilyName, next.ExternalID
	s.setActive(scimActor(r), u, active)
	s.applyDocker(scimActor(r), u, &dreq)
	u.Modified = s.st.now().UTC()
	s.st.changedUser(u)
	writeSCIM(w, http.StatusOK, s.userJSON(baseURL(r), u))
}

// deleteUser serves DELETE /Users/{id}: the user leaves the org and its
// teams and is gone from SCIM; the Docker account itself stays, so a later
// POST /Users with its email attaches it again under a new id.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	u := s.scimUserOr404(w, r.PathValue("id"))
	if u == nil {
		return
	}
	s.st.detach(scimActor(r), u)
	w.WriteHeader(http.StatusNoContent)
}

// coversEmail reports whether email's domain is one of c's domains (a
// connection is created only for verified domains).
func (c *connection) coversEmail(email string) bool {
	_, domain, ok := strings.Cut(email, "@")
	return ok && slices.ContainsFunc(c.Domains, func(d string) bool { return strings.EqualFold(d, domain) })
}

// link puts a member added before SCIM (by JIT, by hand, or the owner)
// under SCIM for connectionID: the Docker ID, the id, the role and the
// teams stay; from now on SCIM updates and deactivates the account. The
// caller holds the lock.
func (s *store) link(actor string, u *user, connectionID string) {
	from := u.Source
	u.Source, u.Connection, u.Active = sourceSCIM, connectionID, true
	s.changedUser(u)
	s.audit(actor, "scim.user.link", u.Username, u.Username+" linked to SCIM (was added "+map[string]string{
		sourceJIT: "by just-in-time provisioning", sourceManual: "by hand", sourceOwner: "as the owner"}[from]+")",
		map[string]string{"member": u.Username, "connection": connectionID, "was": from})
}
