package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// SCIM Groups are the org's Hub teams, named "org:team". Creating or
// updating one creates the team and its memberships. Members are SCIM users
// only; members added by JIT or by hand stay in the team but are invisible
// to SCIM and untouched by it.

type scimGroup struct {
	Schemas     []string  `json:"schemas"`
	ID          string    `json:"id"`
	ExternalID  string    `json:"externalId,omitempty"`
	DisplayName string    `json:"displayName"`
	Members     []scimRef `json:"members"`
	Meta        scimMeta  `json:"meta"`
}

// groupSCIM is t as a SCIM Group; the caller holds the lock.
func (s *Server) groupSCIM(base string, t *team) scimGroup {
	g := scimGroup{
		Schemas: []string{schemaGroup}, ID: t.UUID, DisplayName: s.displayName(t), Members: []scimRef{},
		Meta: scimMeta{"Group", base + SCIMPath + "/Groups/" + t.UUID, scimTime(t.Created), scimTime(t.Modified)},
	}
	for _, id := range t.Members {
		if u := s.st.byID[id]; u.Source == sourceSCIM {
			g.Members = append(g.Members, scimRef{Value: u.ID, Display: u.Email, Ref: base + SCIMPath + "/Users/" + u.ID})
		}
	}
	return g
}

func (s *Server) groupOr404(w http.ResponseWriter, id string) *team {
	t := s.st.teamByUUID(id)
	if t == nil {
		writeSCIMError(w, http.StatusNotFound, "", "group "+strconv.Quote(id)+" not found")
	}
	return t
}

// teamFromDisplayName checks "org:team" against the organizations conn
// serves and returns the org ("" for the served one) and the team.
func (s *Server) teamFromDisplayName(displayName string, conn *connection) (string, string, *scimErr) {
	org, name, ok := strings.Cut(displayName, ":")
	if !ok || !s.serves(conn, org) {
		return "", "", badValue("displayName %q must be organization:team with an organization this SSO connection serves (%s), for example %s:developers",
			displayName, strings.Join(s.orgsOf(conn), ", "), s.st.Org.Name)
	}
	if !validTeamName(name) {
		return "", "", badValue("team %q in displayName is not a valid team name: use 1 to 30 letters, digits, '-' or '_'", name)
	}
	if strings.EqualFold(org, s.st.Org.Name) {
		org = ""
	}
	return strings.ToLower(org), name, nil
}

// orgsOf lists the organizations conn serves: the sandbox's own first.
func (s *Server) orgsOf(conn *connection) []string {
	out := []string{s.st.Org.Name}
	if conn != nil {
		for _, o := range conn.Organizations {
			if !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, o) }) {
				out = append(out, o)
			}
		}
	}
	return out
}

// serves reports whether org is one of the organizations conn serves.
func (s *Server) serves(conn *connection, org string) bool {
	return slices.ContainsFunc(s.orgsOf(conn), func(x string) bool { return strings.EqualFold(x, org) })
}

// displayName is t's SCIM displayName, organization:team.
func (s *Server) displayName(t *team) string { return cmp.Or(t.Org, s.st.Org.Name) + ":" + t.Name }

type memberRef struct {
	Value string `json:"value"`
}

// resolveMembers maps member references to active SCIM users.
func (s *Server) resolveMembers(refs []memberRef) ([]*user, *scimErr) {
	out := make([]*user, 0, len(refs))
	for _, m := range refs {
		u := s.st.byID[m.Value]
		switch {
		case u == nil || u.Source != sourceSCIM:
			return nil, badValue("member %q is not a SCIM user: create it with POST /Users first", m.Value)
		case !u.Active:
			return nil, badValue("member %q (%s) is deactivated: activate it before adding it to a group", m.Value, u.Email)
		}
		out = append(out, u)
	}
	return out, nil
}

type groupRequest struct {
	Schemas     []string    `json:"schemas"`
	DisplayName *string     `json:"displayName"`
	ExternalID  string      `json:"externalId"`
	Members     []memberRef `json:"members"`
}

func (s *Server) listGroupsSCIM(w http.ResponseWriter, r *http.Request) {
	serveSCIMList(s, w, r, func(*listQuery) []*team { return s.st.Teams },
		func(base string, t *team) any { return s.groupSCIM(base, t) })
}

func (s *Server) getGroupSCIM(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if t := s.groupOr404(w, r.PathValue("id")); t != nil {
		writeProjected(w, r, s.groupSCIM(baseURL(r), t))
	}
}

// createGroupSCIM serves POST /Groups: it creates the Hub team, or reuses the
// team of that name when it exists (Docker creates only the teams that are
// missing). Either way the team's SCIM members become exactly the group's
// members, as a group sync does; members added by JIT or by hand stay.
func (s *Server) createGroupSCIM(w http.ResponseWriter, r *http.Request) {
	var req groupRequest
	if !decodeSCIM(w, r, &req) || !requireSchema(w, req.Schemas, schemaGroup) {
		return
	}
	if req.DisplayName == nil {
		writeSCIMError(w, http.StatusBadRequest, "invalidValue", "displayName is required: organization:team")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	org, name, e := s.teamFromDisplayName(*req.DisplayName, s.st.connection(scimConnection(r)))
	if e != nil {
		e.write(w)
		return
	}
	members, e := s.resolveMembers(req.Members)
	if e != nil {
		e.write(w)
		return
	}
	t := s.st.teamIn(org, name)
	if t == nil {
		t = s.st.createTeam(scimActor(r), name, "")
		t.Org = org
	} else {
		s.st.audit(scimActor(r), "scim.group.reuse", t.Name, "SCIM group "+*req.DisplayName+" mapped to the existing team "+t.Name,
			map[string]string{"team": t.Name, "group": *req.DisplayName})
	}
	s.setSCIMMembers(scimActor(r), t, members)
	w.Header().Set("Location", baseURL(r)+SCIMPath+"/Groups/"+t.UUID)
	writeSCIM(w, http.StatusCreated, s.groupSCIM(baseURL(r), t))
}

// rename changes t's name to the team of displayName, in t's organization.
func (s *Server) rename(t *team, displayName string, conn *connection) *scimErr {
	org, name, e := s.teamFromDisplayName(displayName, conn)
	if e != nil {
		return e
	}
	if org != t.Org {
		return badValue("displayName %q names another organization than the group's (%s): a team cannot move between organizations", displayName, s.displayName(t))
	}
	if other := s.st.teamIn(org, name); other != nil && other != t {
		return &scimErr{http.StatusConflict, "uniqueness", fmt.Sprintf("group %q already exists (id %s)", displayName, other.UUID)}
	}
	t.Name = name
	return nil
}

// setSCIMMembers makes t's SCIM members exactly want; other members stay.
func (s *Server) setSCIMMembers(actor string, t *team, want []*user) {
	keep := map[string]bool{}
	for _, u := range want {
		keep[u.ID] = true
	}
	for _, id := range append([]string(nil), t.Members...) {
		if u := s.st.byID[id]; u.Source == sourceSCIM && !keep[id] {
			s.st.removeFromTeam(actor, t, u)
		}
	}
	for _, u := range want {
		if t.Org == "" {
			s.st.join(actor, u, t.Name) // a team of the served org: the user is its member too
		} else {
			s.st.addToTeam(actor, t, u)
		}
	}
}

// putGroupSCIM serves PUT /Groups/{id}: displayName and the full member list.
func (s *Server) putGroupSCIM(w http.ResponseWriter, r *http.Request) {
	var req groupRequest
	if !decodeSCIM(w, r, &req) || !requireSchema(w, req.Schemas, schemaGroup) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t := s.groupOr404(w, r.PathValue("id"))
	if t == nil {
		return
	}
	members, e := s.resolveMembers(req.Members)
	if e == nil && req.DisplayName != nil {
		e = s.rename(t, *req.DisplayName, s.st.connection(scimConnection(r)))
	}
	if e != nil {
		e.write(w)
		return
	}
	s.setSCIMMembers(scimActor(r), t, members)
	t.Modified = s.st.now().UTC()
	s.st.changedTeam(t)
	writeSCIM(w, http.StatusOK, s.groupSCIM(baseURL(r), t))
}

// memberFilter reads `members[value eq "id"]` paths.
func memberFilter(path string) (id string, ok bool) {
	p, err := filter.ParsePath([]byte(path))
	if err != nil || !strings.EqualFold(p.AttributePath.AttributeName, "members") || p.ValueExpression == nil {
		return "", false
	}
	a, isAttr := p.ValueExpression.(*filter.AttributeExpression)
	if !isAttr || a.Operator != filter.EQ || !strings.EqualFold(a.AttributePath.AttributeName, "value") {
		return "", false
	}
	id, ok = a.CompareValue.(string)
	return id, ok
}

// patchGroupSCIM serves PATCH /Groups/{id}: add/remove/replace members
// (including `members[value eq "id"]` paths) and replace displayName, with
// or without a path. A bad operation changes nothing.
func (s *Server) patchGroupSCIM(w http.ResponseWriter, r *http.Request) {
	req, ok := decodePatch(w, r)
	if !ok {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t := s.groupOr404(w, r.PathValue("id"))
	if t == nil {
		return
	}
	// Work out the final SCIM member set and name, then apply them at once.
	current := []*user{}
	for _, id := range t.Members {
		if u := s.st.byID[id]; u.Source == sourceSCIM {
			current = append(current, u)
		}
	}
	displayName := ""
	for i, op := range req.Operations {
		kind := strings.ToLower(op.Op)
		changes, e := flatten(op)
		if e != nil {
			e.write(w)
			return
		}
		for _, c := range changes {
			var refs []memberRef
			switch {
			case c.path == "displayname" && kind != "remove":
				if err := json.Unmarshal(c.value, &displayName); err != nil {
					badValue("Operations[%d]: displayName must be a string", i).write(w)
					return
				}
			case c.path == "members":
				if len(c.value) > 0 && string(c.value) != "null" {
					if err := json.Unmarshal(c.value, &refs); err != nil {
						badValue("Operations[%d]: members must be a list of {\"value\": \"<user id>\"}", i).write(w)
						return
					}
				}
				var users []*user
				if kind != "remove" {
					if users, e = s.resolveMembers(refs); e != nil {
						e.write(w)
						return
					}
				}
				current = editMembers(current, kind, refs, users)
			case strings.HasPrefix(c.path, "members[") && kind == "remove":
				id, ok := memberFilter(op.Path)
				if !ok {
					writeSCIMError(w, http.StatusBadRequest, "invalidPath", fmt.Sprintf("Operations[%d]: path %q: use members[value eq \"<user id>\"]", i, op.Path))
					return
				}
				current = editMembers(current, "remove", []memberRef{{id}}, nil)
			case c.path == "externalid" || c.path == "id":
				// Entra ID echoes these in path-less replaces; they do not change.
			default:
				writeSCIMError(w, http.StatusBadRequest, "invalidPath", fmt.Sprintf("Operations[%d]: %s of %q is not supported on a Group: use members, members[value eq \"…\"] or displayName", i, kind, c.path))
				return
			}
		}
	}
	if displayName != "" {
		if e := s.rename(t, displayName, s.st.connection(scimConnection(r))); e != nil {
			e.write(w)
			return
		}
	}
	s.setSCIMMembers(scimActor(r), t, current)
	t.Modified = s.st.now().UTC()
	s.st.changedTeam(t)
	writeSCIM(w, http.StatusOK, s.groupSCIM(baseURL(r), t))
}

// editMembers applies one add, remove or replace to a member list.
func editMembers(current []*user, kind string, refs []memberRef, users []*user) []*user {
	switch kind {
	case "replace":
		return users
	case "add":
		for _, u := range users {
			found := false
			for _, c := range current {
				found = found || c == u
			}
			if !found {
				current = append(current, u)
			}
		}
		return current
	}
	if len(refs) == 0 { // remove with path "members" and no value: all of them
		return nil
	}
	drop := map[string]bool{}
	for _, m := range refs {
		drop[m.Value] = true
	}
	var out []*user
	for _, u := range current {
		if !drop[u.ID] {
			out = append(out, u)
		}
	}
	return out
}

// deleteGroupSCIM serves DELETE /Groups/{id}: the team is deleted; its
// members stay in the organization.
func (s *Server) deleteGroupSCIM(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t := s.groupOr404(w, r.PathValue("id"))
	if t == nil {
		return
	}
	s.st.removeTeam(t)
	s.st.audit(scimActor(r), "team.delete", t.Name, "Team "+t.Name+" deleted", map[string]string{"team": t.Name})
	w.WriteHeader(http.StatusNoContent)
}
