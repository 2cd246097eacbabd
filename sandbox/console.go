package sandbox

import (
	"net/http"
	"strings"
)

// The handlers in this file are sandbox-only. Docker publishes no API for SSO
// connections or for Setup SCIM; these stand in for the Admin Console.

type connectionList struct {
	Connections []Connection `json:"connections"`
}

// SCIMSetup is what Setup SCIM returns: the two values the Admin Console
// shows, the SCIM Base URL and the API Token. The token is shown only once.
type SCIMSetup struct {
	BaseURL  string `json:"scim_base_url"`
	APIToken string `json:"api_token"`
}

// orgOf checks the {org} path value against the sandbox's org and answers 404
// in Docker's shape when it does not match.
func (s *Server) orgOf(w http.ResponseWriter, r *http.Request) bool {
	if !strings.EqualFold(r.PathValue("org"), s.st.org) {
		writeHubError(w, http.StatusNotFound, "organization "+r.PathValue("org")+" not found")
		return false
	}
	return true
}

func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) {
	if !s.orgOf(w, r) {
		return
	}
	s.st.mu.Lock()
	out := connectionList{Connections: make([]Connection, 0, len(s.st.conns))}
	for _, c := range s.st.conns {
		pub := c.Connection
		pub.Domains = append([]string(nil), c.Domains...)
		out.Connections = append(out.Connections, pub)
	}
	s.st.mu.Unlock()
	writeHub(w, http.StatusOK, out)
}

// setupSCIM enables SCIM on a connection and returns the SCIM Base URL and a
// new API Token. A connection that already has SCIM answers 409: use refresh.
func (s *Server) setupSCIM(w http.ResponseWriter, r *http.Request) {
	s.issueSCIMToken(w, r, false)
}

// refreshSCIMToken replaces the API Token of a connection that has SCIM; the
// old token stops working at once.
func (s *Server) refreshSCIMToken(w http.ResponseWriter, r *http.Request) {
	s.issueSCIMToken(w, r, true)
}

func (s *Server) issueSCIMToken(w http.ResponseWriter, r *http.Request, refresh bool) {
	if !s.orgOf(w, r) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c := s.st.connection(r.PathValue("id"))
	switch {
	case c == nil:
		writeHubError(w, http.StatusNotFound, "SSO connection "+r.PathValue("id")+" not found")
		return
	case !refresh && c.SCIMEnabled:
		writeHubError(w, http.StatusConflict, "SCIM is already set up for this connection; refresh the token to get a new one")
		return
	case refresh && !c.SCIMEnabled:
		writeHubError(w, http.StatusConflict, "SCIM is not set up for this connection; set it up first")
		return
	}
	tok := s.st.newSCIMToken(c)
	writeHub(w, http.StatusOK, SCIMSetup{BaseURL: baseURL(r) + SCIMPath, APIToken: tok})
}

// baseURL is the scheme and host the request came in on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
