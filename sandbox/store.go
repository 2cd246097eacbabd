package sandbox

import (
	"sync"
	"time"
)

// ConnectionType is the authentication method of an SSO connection, as the
// Admin Console names it.
type ConnectionType string

// The two connection types Docker offers.
const (
	SAML      ConnectionType = "saml"
	AzureOIDC ConnectionType = "azure_ad_oidc"
)

// Connection is an SSO connection as the sandbox console API returns it.
type Connection struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Type        ConnectionType `json:"type"`
	IdP         string         `json:"idp"`
	Domains     []string       `json:"domains"`
	JIT         bool           `json:"jit_enabled"`
	SCIMEnabled bool           `json:"scim_enabled"`
	DefaultTeam string         `json:"default_team"`
}

// connection is the stored form: the public fields plus the SCIM token hash.
type connection struct {
	Connection
	scimTokenHash [32]byte
}

// account is a Docker user who can sign in.
type account struct {
	username string
	email    string
	password string
}

// store is the sandbox's state. Every field is guarded by mu.
type store struct {
	mu       sync.Mutex
	now      func() time.Time
	org      string
	admin    account
	patHash  [32]byte
	oatHash  [32]byte
	conns    []*connection
	jwtKey   []byte
	scimBase string
}

func (s *store) connection(id string) *connection {
	for _, c := range s.conns {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// connectionBySCIMToken returns the connection whose SCIM token is tok.
func (s *store) connectionBySCIMToken(tok string) *connection {
	h := hashSecret(tok)
	for _, c := range s.conns {
		if c.SCIMEnabled && c.scimTokenHash == h {
			return c
		}
	}
	return nil
}

// newSCIMToken gives c a fresh SCIM API token, replacing any old one, and
// returns it. Only its hash is kept.
func (s *store) newSCIMToken(c *connection) string {
	tok := randomString(48)
	c.scimTokenHash = hashSecret(tok)
	c.SCIMEnabled = true
	return tok
}
