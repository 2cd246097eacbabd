package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Simulator pushes users and groups to a SCIM 2.0 server the way an IdP
// (Okta, Entra ID) does: real HTTP requests with the connection's SCIM API
// token as bearer. It looks a user or group up by filter before creating it,
// updates what exists, and deactivates with PATCH active=false.
type Simulator struct {
	base  string
	token string
	hc    *http.Client
}

// NewSimulator returns a Simulator for the SCIM Base URL baseURL (for the
// sandbox: its URL + SCIMPath). hc nil means http.DefaultClient.
func NewSimulator(baseURL, token string, hc *http.Client) *Simulator {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Simulator{base: strings.TrimRight(baseURL, "/"), token: token, hc: hc}
}

// SimUser is a user as the IdP holds it.
type SimUser struct {
	UserName   string `json:"userName"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
}

// Ref names a SCIM resource the simulator touched.
type Ref struct {
	ID          string `json:"id"`
	UserName    string `json:"userName,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// Push is one IdP sync: users to create or update, a group ("org:team") to
// push with those users as members, and userNames to deactivate.
type Push struct {
	Users      []SimUser `json:"users"`
	Group      string    `json:"group"`
	Deactivate []string  `json:"deactivate"`
}

// PushResult says what a Push did.
type PushResult struct {
	Created     []Ref `json:"created"`
	Updated     []Ref `json:"updated"`
	Group       *Ref  `json:"group,omitempty"`
	Deactivated []Ref `json:"deactivated"`
}

// SimError is a SCIM request of the simulator that did not succeed.
type SimError struct {
	Op     string // e.g. "POST /Users"
	Status int    // HTTP status, 0 for a network error
	Detail string // the server's scim_error detail, or the network error
}

// Error says which request failed and why; it never holds the token.
func (e *SimError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("IdP simulator: %s: %s", e.Op, e.Detail)
	}
	return fmt.Sprintf("IdP simulator: %s answered %d: %s", e.Op, e.Status, e.Detail)
}

// maxSimResponse caps what the simulator reads of one SCIM response.
const maxSimResponse = 4 << 20

// do sends one SCIM request and decodes a 2xx JSON answer into out.
func (sim *Simulator) do(ctx context.Context, method, path string, body, out any) error {
	op := method + " " + strings.SplitN(path, "?", 2)[0]
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &SimError{Op: op, Detail: err.Error()}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, sim.base+path, rd)
	if err != nil {
		return &SimError{Op: op, Detail: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+sim.token)
	req.Header.Set("Accept", "application/scim+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := sim.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is known; keep the cause only
		}
		return &SimError{Op: op, Detail: err.Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSimResponse))
	if err != nil {
		return &SimError{Op: op, Status: resp.StatusCode, Detail: "reading the response: " + err.Error()}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var se scimError
		detail := strings.TrimSpace(string(data))
		if json.Unmarshal(data, &se) == nil && se.Detail != "" {
			detail = se.Detail
		}
		return &SimError{Op: op, Status: resp.StatusCode, Detail: detail}
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(data, out); err != nil {
			return &SimError{Op: op, Status: resp.StatusCode, Detail: "the response is not the JSON expected: " + err.Error()}
		}
	}
	return nil
}

type simResource struct {
	ID          string `json:"id"`
	UserName    string `json:"userName"`
	DisplayName string `json:"displayName"`
}

// find returns the one resource of kind ("Users" or "Groups") where attr eq value.
func (sim *Simulator) find(ctx context.Context, kind, attr, value string) (simResource, bool, error) {
	var list struct {
		Resources []simResource `json:"Resources"`
		Lower     []simResource `json:"resources"` // Docker's spec spelling
	}
	q := url.Values{"filter": {fmt.Sprintf("%s eq %q", attr, value)}}
	if err := sim.do(ctx, http.MethodGet, "/"+kind+"?"+q.Encode(), nil, &list); err != nil {
		return simResource{}, false, err
	}
	all := append(list.Resources, list.Lower...)
	if len(all) == 0 {
		return simResource{}, false, nil
	}
	return all[0], true, nil
}

// FindUser looks a user up by userName.
func (sim *Simulator) FindUser(ctx context.Context, userName string) (Ref, bool, error) {
	r, ok, err := sim.find(ctx, "Users", "userName", userName)
	return Ref{ID: r.ID, UserName: r.UserName}, ok, err
}

func userBody(u SimUser, active bool) map[string]any {
	return map[string]any{
		"schemas":  []string{schemaUser},
		"userName": u.UserName,
		"name":     map[string]string{"givenName": u.GivenName, "familyName": u.FamilyName},
		"emails":   []map[string]any{{"value": u.UserName, "type": "work", "primary": true}},
		"active":   active,
	}
}

// CreateUser provisions u with POST /Users.
func (sim *Simulator) CreateUser(ctx context.Context, u SimUser) (Ref, error) {
	var out simResource
	if err := sim.do(ctx, http.MethodPost, "/Users", userBody(u, true), &out); err != nil {
		return Ref{}, err
	}
	return Ref{ID: out.ID, UserName: out.UserName}, nil
}

// UpdateUser pushes u's profile to user id with PUT /Users/{id}, active.
func (sim *Simulator) UpdateUser(ctx context.Context, id string, u SimUser) (Ref, error) {
	var out simResource
	if err := sim.do(ctx, http.MethodPut, "/Users/"+url.PathEscape(id), userBody(u, true), &out); err != nil {
		return Ref{}, err
	}
	return Ref{ID: out.ID, UserName: out.UserName}, nil
}

// Deactivate de-provisions user id with PATCH active=false, as Entra ID does.
func (sim *Simulator) Deactivate(ctx context.Context, id string) (Ref, error) {
	body := map[string]any{
		"schemas":    []string{schemaPatchOp},
		"Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}},
	}
	var out simResource
	if err := sim.do(ctx, http.MethodPatch, "/Users/"+url.PathEscape(id), body, &out); err != nil {
		return Ref{}, err
	}
	return Ref{ID: out.ID, UserName: out.UserName}, nil
}

// PushGroup pushes the group displayName ("org:team") with the given member
// ids: POST /Groups when it does not exist, else PATCH add members.
func (sim *Simulator) PushGroup(ctx context.Context, displayName string, memberIDs []string) (Ref, error) {
	members := make([]map[string]string, 0, len(memberIDs))
	for _, id := range memberIDs {
		members = append(members, map[string]string{"value": id})
	}
	existing, ok, err := sim.find(ctx, "Groups", "displayName", displayName)
	if err != nil {
		return Ref{}, err
	}
	var out simResource
	if !ok {
		body := map[string]any{"schemas": []string{schemaGroup}, "displayName": displayName, "members": members}
		err = sim.do(ctx, http.MethodPost, "/Groups", body, &out)
		var se *SimError
		if errors.As(err, &se) && se.Status == http.StatusConflict {
			// Another push created the group between the lookup and the
			// POST: add the members to it, as an identity provider does.
			existing, ok, err = sim.find(ctx, "Groups", "displayName", displayName)
			if err == nil && !ok {
				err = se
			}
			if err != nil {
				return Ref{}, err
			}
		}
	}
	if ok {
		body := map[string]any{
			"schemas":    []string{schemaPatchOp},
			"Operations": []map[string]any{{"op": "add", "path": "members", "value": members}},
		}
		err = sim.do(ctx, http.MethodPatch, "/Groups/"+url.PathEscape(existing.ID), body, &out)
	}
	if err != nil {
		return Ref{}, err
	}
	return Ref{ID: out.ID, DisplayName: out.DisplayName}, nil
}

// Push runs one sync: create or update each user, push the group with them
// as members, then deactivate. It stops at the first failed request and
// returns what it did so far with the error.
func (sim *Simulator) Push(ctx context.Context, p Push) (PushResult, error) {
	res := PushResult{Created: []Ref{}, Updated: []Ref{}, Deactivated: []Ref{}}
	var ids []string
	for _, u := range p.Users {
		found, ok, err := sim.FindUser(ctx, u.UserName)
		if err != nil {
			return res, err
		}
		var ref Ref
		if !ok {
			ref, err = sim.CreateUser(ctx, u)
			var se *SimError
			if errors.As(err, &se) && se.Status == http.StatusConflict {
				// Created by another push meanwhile, or a member SCIM does
				// not manage: look again and update what SCIM can see.
				if found, ok, err = sim.FindUser(ctx, u.UserName); err == nil && !ok {
					err = se
				}
			}
		}
		if ok && err == nil {
			ref, err = sim.UpdateUser(ctx, found.ID, u)
		}
		if err != nil {
			return res, err
		}
		if ok {
			res.Updated = append(res.Updated, ref)
		} else {
			res.Created = append(res.Created, ref)
		}
		ids = append(ids, ref.ID)
	}
	if p.Group != "" {
		g, err := sim.PushGroup(ctx, p.Group, ids)
		if err != nil {
			return res, err
		}
		res.Group = &g
	}
	for _, name := range p.Deactivate {
		found, ok, err := sim.FindUser(ctx, name)
		if err != nil {
			return res, err
		}
		if !ok {
			return res, &SimError{Op: "GET /Users", Status: http.StatusNotFound, Detail: fmt.Sprintf("no SCIM user with userName %q to deactivate", name)}
		}
		ref, err := sim.Deactivate(ctx, found.ID)
		if err != nil {
			return res, err
		}
		res.Deactivated = append(res.Deactivated, ref)
	}
	return res, nil
}

// idpPush serves the sandbox-only POST /sandbox/idp/push: with the
// connection's SCIM API token as bearer, it runs a Push against this
// server's own SCIM API over HTTP and answers with the PushResult. A SCIM
// request that fails stops the push: 502 with what was done so far.
func (s *Server) idpPush(w http.ResponseWriter, r *http.Request) {
	tok, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		writeHubError(w, http.StatusUnauthorized, "authentication required: send the connection's SCIM API token as a bearer token")
		return
	}
	s.st.mu.Lock()
	c := s.st.connectionBySCIMToken(tok)
	s.st.mu.Unlock()
	if c == nil {
		writeHubError(w, http.StatusUnauthorized, "invalid SCIM token: use the API Token of a connection with SCIM set up")
		return
	}
	var p Push
	if !decodeBody(w, r, &p) {
		return
	}
	for i, u := range p.Users {
		if u.UserName == "" {
			writeHubError(w, http.StatusBadRequest, fmt.Sprintf("users[%d].userName is required", i))
			return
		}
	}
	res, err := NewSimulator(baseURL(r)+SCIMPath, tok, s.idpClient).Push(r.Context(), p)
	if err != nil {
		writeHub(w, http.StatusBadGateway, struct {
			hubError
			Result PushResult `json:"result"`
		}{hubError{ErrInfo: map[string]any{}, Detail: err.Error(), Message: err.Error()}, res})
		return
	}
	writeHub(w, http.StatusOK, res)
}
