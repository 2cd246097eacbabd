package sandbox

import (
	"net/http"
	"strconv"
)

// The handlers in this file are sandbox-only. Docker publishes no API for SSO
// connections, domains or Enable SCIM; these stand in for Docker Home's
// Identity & auth pages.

type connectionList struct {
	Connections []Connection `json:"connections"`
}

// SCIMSetup is what Enable SCIM and Edit SCIM return: the two values Docker
// Home shows, the SCIM Base URL and the API Token.
type SCIMSetup struct {
	BaseURL  string `json:"scim_base_url"`
	APIToken string `json:"api_token"`
}

type domainJSON struct {
	Name     string `json:"name"`
	Verified bool   `json:"verified"`
}

// OrgSummary is the console's view of the organization: its plan and
// verified domains, which SCIM requires, and its SSO connections, as the
// SSO and SCIM page in Docker Home shows them together (one request).
type OrgSummary struct {
	Name        string       `json:"name"`
	Plan        string       `json:"plan"`
	Domains     []domainJSON `json:"domains"`
	Connections []Connection `json:"connections"`
}

func (s *Server) consoleOrg(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	out := OrgSummary{Name: s.st.Org.Name, Plan: s.st.Org.Plan, Domains: []domainJSON{}, Connections: []Connection{}}
	for _, d := range s.st.Org.Domains {
		out.Domains = append(out.Domains, domainJSON{Name: d, Verified: true})
	}
	for _, c := range s.st.Conns {
		out.Connections = append(out.Connections, publicConnection(c))
	}
	s.st.mu.Unlock()
	writeHub(w, http.StatusOK, out)
}

func publicConnection(c *connection) Connection {
	pub := c.Connection
	pub.Domains = append([]string{}, c.Domains...)
	return pub
}

func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	out := connectionList{Connections: make([]Connection, 0, len(s.st.Conns))}
	for _, c := range s.st.Conns {
		out.Connections = append(out.Connections, publicConnection(c))
	}
	s.st.mu.Unlock()
	writeHub(w, http.StatusOK, out)
}

// connectionOr404 looks up {id}; the caller holds the store lock.
func (s *Server) connectionOr404(w http.ResponseWriter, r *http.Request) *connection {
	c := s.st.connection(r.PathValue("id"))
	if c == nil {
		writeHubError(w, http.StatusNotFound, "SSO connection "+strconv.Quote(r.PathValue("id"))+" not found")
	}
	return c
}

// setupSCIM enables SCIM on a connection and returns the SCIM Base URL and a
// new API Token. A connection that already has SCIM answers 409: use refresh.
func (s *Server) setupSCIM(w http.ResponseWriter, r *http.Request) {
	s.issueSCIMToken(w, r, false)
}

// editSCIM is Actions → Edit SCIM: it shows the SCIM Base URL and API Token
// of a connection that has SCIM again, without issuing a new token. The
// sandbox keeps the token in memory only (the --state file holds its hash),
// so a token issued before a restart cannot be shown: 410, issue a new one.
func (s *Server) editSCIM(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c := s.connectionOr404(w, r)
	switch {
	case c == nil:
		return
	case !c.SCIMEnabled:
		writeHubError(w, http.StatusConflict, "SCIM is not set up for this connection; enable SCIM first")
		return
	case c.scimToken == "":
		writeHubError(w, http.StatusGone, "the sandbox restarted since this connection's API Token was issued and keeps only its hash on disk, "+
			"so it cannot be shown again: issue a new token (the identity provider then needs the new one)")
		return
	}
	writeHub(w, http.StatusOK, SCIMSetup{BaseURL: baseURL(r) + SCIMPath, APIToken: c.scimToken})
}

// refreshSCIMToken replaces the API Token of a connection that has SCIM; the
// old token stops working at once.
func (s *Server) refreshSCIMToken(w http.ResponseWriter, r *http.Request) {
	s.issueSCIMToken(w, r, true)
}

func (s *Server) issueSCIMToken(w http.ResponseWriter, r *http.Request, refresh bool) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c := s.connectionOr404(w, r)
	switch {
	case c == nil:
		return
	case !refresh && c.SCIMEnabled:
		writeHubError(w, http.StatusConflict, "SCIM is already set up for this connection; read its values again with GET on this path")
		return
	case refresh && !c.SCIMEnabled:
		writeHubError(w, http.StatusConflict, "SCIM is not set up for this connection; set it up first")
		return
	}
	tok := s.st.newSCIMToken(c)
	if refresh {
		s.st.audit(actor(r), "sso.connection.scim_token_refresh", c.Name, "SCIM token refreshed for "+c.Name, map[string]string{"connection": c.ID})
	} else {
		s.st.audit(actor(r), "sso.connection.scim_toggle", c.Name, "SCIM enabled for "+c.Name, map[string]string{"connection": c.ID, "enabled": "true"})
	}
	writeHub(w, http.StatusOK, SCIMSetup{BaseURL: baseURL(r) + SCIMPath, APIToken: tok})
}

// disableSCIM turns SCIM off: the token stops working, and users SCIM
// provisioned stay in the organization, as Docker documents. Docker allows
// it only while JIT is on.
func (s *Server) disableSCIM(w http.ResponseWriter, r *http.Request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c := s.connectionOr404(w, r)
	if c == nil {
		return
	}
	if !c.SCIMEnabled {
		writeHubError(w, http.StatusConflict, "SCIM is not set up for this connection; there is nothing to disable")
		return
	}
	if !c.JIT {
		writeHubError(w, http.StatusConflict, "SCIM can be disabled only while JIT provisioning is on: turn JIT on for this connection first, then disable SCIM")
		return
	}
	c.SCIMEnabled = false
	c.SCIMTokenHash = secretHash{}
	c.scimToken = ""
	s.st.changedConn(c)
	s.st.audit(actor(r), "sso.connection.scim_toggle", c.Name, "SCIM disabled for "+c.Name, map[string]string{"connection": c.ID, "enabled": "false"})
	w.WriteHeader(http.StatusNoContent)
}

// setJIT turns just-in-time provisioning on or off: body {"enabled": bool}.
// Docker allows turning it off only while SCIM is on.
func (s *Server) setJIT(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Enabled *bool `json:"enabled"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Enabled == nil {
		writeHubError(w, http.StatusBadRequest, `field "enabled" is required: send {"enabled": true} or {"enabled": false}`)
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c := s.connectionOr404(w, r)
	if c == nil {
		return
	}
	if c.JIT && !*req.Enabled && !c.SCIMEnabled {
		writeHubError(w, http.StatusConflict, "JIT provisioning can be turned off only while SCIM is on: enable SCIM on this connection first, then turn JIT off")
		return
	}
	if c.JIT != *req.Enabled {
		c.JIT = *req.Enabled
		s.st.changedConn(c)
		s.st.audit(actor(r), "sso.connection.jit_toggle", c.Name, "JIT provisioning "+map[bool]string{true: "enabled", false: "disabled"}[c.JIT]+" for "+c.Name,
			map[string]string{"connection": c.ID, "enabled": strconv.FormatBool(c.JIT)})
	}
	writeHub(w, http.StatusOK, publicConnection(c))
}
