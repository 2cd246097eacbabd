package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
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
	// Organizations are the company's organizations the connection serves:
	// group names and dockerOrg may name any of them.
	Organizations []string `json:"organizations"`
}

// secretHash is the SHA-256 of a secret; it is all the sandbox keeps of one.
type secretHash [32]byte

// MarshalText writes the hash as hex, for the state file.
func (h secretHash) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h[:])), nil }

// UnmarshalText reads a hex hash from the state file.
func (h *secretHash) UnmarshalText(b []byte) error {
	raw, err := hex.DecodeString(string(b))
	if err != nil || len(raw) != len(h) {
		return fmt.Errorf("hash %.12q… is not 64 hex digits", b)
	}
	copy(h[:], raw)
	return nil
}

// connection is the stored form: the public fields plus the SCIM token hash.
type connection struct {
	Connection
	SCIMTokenHash secretHash `json:"scim_token_sha256"`
	// scimToken is the API Token last issued in this process, kept in memory
	// only (never in the --state file) so that Edit SCIM can show it again;
	// "" after a restart.
	scimToken string
}

// Where a member came from. Only SCIM-provisioned users are visible to, and
// managed by, the SCIM API, as Docker documents.
const (
	sourceOwner  = "owner"
	sourceManual = "manual"
	sourceJIT    = "jit"
	sourceSCIM   = "scim"
	// sourceAccount is a Docker account outside the organization: SCIM
	// attaches it on POST /Users with its email, as Docker's spec says.
	sourceAccount = "account"
)

// Roles a member can have in the organization.
const (
	roleOwner  = "owner"
	roleEditor = "editor"
	roleMember = "member"
)

// user is a Docker account known to the sandbox. Member says whether it is
// in the organization; SCIM users that were deactivated are not.
type user struct {
	ID         string    `json:"id"` // v4 UUID, the SCIM id
	Username   string    `json:"username"`
	Email      string    `json:"email"`
	GivenName  string    `json:"given_name"`
	FamilyName string    `json:"family_name"`
	Active     bool      `json:"active"`
	Member     bool      `json:"member"`
	Role       string    `json:"role"`
	Source     string    `json:"source"`
	Connection string    `json:"connection,omitempty"`
	ExternalID string    `json:"external_id,omitempty"`
	DockerOrg  string    `json:"docker_org,omitempty"`
	DockerTeam string    `json:"docker_team,omitempty"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
}

func (u *user) fullName() string { return strings.TrimSpace(u.GivenName + " " + u.FamilyName) }

// matchesSearch reports whether search (lower case) is empty or part of u's
// username, full name or email, as the Hub's member search matches.
func (u *user) matchesSearch(search string) bool {
	return search == "" || strings.Contains(strings.ToLower(u.Username+"\x00"+u.fullName()+"\x00"+u.Email), search)
}

// team is a Hub team (a "group" in the Hub API, a Group in SCIM).
type team struct {
	ID          int64    `json:"id"`
	UUID        string   `json:"uuid"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Members     []string `json:"members"` // user IDs, in the order they joined
	// Org is the company's other organization the team belongs to; empty
	// for the organization the sandbox serves the Hub API for.
	Org      string    `json:"org,omitempty"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`

	// memberSet indexes Members (built on first use, kept in step by
	// addToTeam and removeFromTeam), so that a membership test is O(1)
	// instead of a scan of a 10,000-member team.
	memberSet map[string]struct{}
}

func (t *team) has(userID string) bool {
	if t.memberSet == nil {
		t.memberSet = make(map[string]struct{}, len(t.Members))
		for _, id := range t.Members {
			t.memberSet[id] = struct{}{}
		}
	}
	_, ok := t.memberSet[userID]
	return ok
}

// auditEvent is one entry of GET /v2/auditlogs/{org}.
type auditEvent struct {
	Account     string            `json:"account"`
	Action      string            `json:"action"`
	Name        string            `json:"name"`
	Actor       string            `json:"actor"`
	Data        map[string]string `json:"data"`
	Timestamp   time.Time         `json:"timestamp"`
	Description string            `json:"action_description"`
}

// orgInfo is the organization the sandbox serves.
type orgInfo struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	FullName string    `json:"full_name"`
	Plan     string    `json:"plan"`
	Domains  []string  `json:"domains"`
	Joined   time.Time `json:"date_joined"`
}

// store is the sandbox's state. Every field is guarded by mu. The exported
// JSON form (see state.go) holds no raw secret, only hashes.
type store struct {
	mu  sync.Mutex
	now func() time.Time

	Org          orgInfo       `json:"org"`
	AdminName    string        `json:"admin"`
	PasswordHash secretHash    `json:"admin_password_sha256"`
	PATHash      secretHash    `json:"pat_sha256"`
	OATHash      secretHash    `json:"oat_sha256"`
	Conns        []*connection `json:"connections"`
	Users        []*user       `json:"users"`
	Teams        []*team       `json:"teams"`
	NextTeamID   int64         `json:"next_team_id"`
	Audit        []auditEvent  `json:"audit"`

	jwtKey     []byte
	byID       map[string]*user
	byUserName map[string]*user // lower-cased email
	byUsername map[string]*user // lower-cased Docker ID

	// changes records what changed since the state file's last line
	// (statelog.go): code that changes a connection, user or team calls
	// changedConn, changedUser or changedTeam.
	changes changeLog
}

// index rebuilds the lookup maps from Users.
func (s *store) index() {
	s.byID = make(map[string]*user, len(s.Users))
	s.byUserName = make(map[string]*user, len(s.Users))
	s.byUsername = make(map[string]*user, len(s.Users))
	for _, u := range s.Users {
		s.byID[u.ID] = u
		s.byUserName[strings.ToLower(u.Email)] = u
		s.byUsername[strings.ToLower(u.Username)] = u
	}
}

func (s *store) connection(id string) *connection {
	for _, c := range s.Conns {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// connectionBySCIMToken returns the connection whose SCIM token is tok.
func (s *store) connectionBySCIMToken(tok string) *connection {
	h := hashSecret(tok)
	for _, c := range s.Conns {
		if c.SCIMEnabled && c.SCIMTokenHash == h {
			return c
		}
	}
	return nil
}

// newSCIMToken gives c a fresh SCIM API token, replacing any old one, and
// returns it. Only its hash is kept.
func (s *store) newSCIMToken(c *connection) string {
	tok := randomString(48)
	c.SCIMTokenHash = hashSecret(tok)
	c.scimToken = tok
	c.SCIMEnabled = true
	s.changedConn(c)
	return tok
}

// team finds a team of the organization the Hub API serves.
func (s *store) team(name string) *team { return s.teamIn("", name) }

// teamIn finds a team of org ("" or the served org's name for that one).
func (s *store) teamIn(org, name string) *team {
	if strings.EqualFold(org, s.Org.Name) {
		org = ""
	}
	for _, t := range s.Teams {
		if strings.EqualFold(t.Org, org) && strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

func (s *store) teamByUUID(id string) *team {
	for _, t := range s.Teams {
		if t.UUID == id {
			return t
		}
	}
	return nil
}

// members returns the organization's members in the order they joined.
func (s *store) members() []*user {
	var out []*user
	for _, u := range s.Users {
		if u.Member {
			out = append(out, u)
		}
	}
	return out
}

// teamsIn returns the names of the teams of org ("" for the served one) u
// is in.
func (s *store) teamsIn(org string, u *user) []string {
	out := []string{}
	for _, t := range s.Teams {
		if t.Org == org && t.has(u.ID) {
			out = append(out, t.Name)
		}
	}
	return out
}

func (s *store) audit(actor, action, name, description string, data map[string]string) {
	if data == nil {
		data = map[string]string{}
	}
	s.Audit = append(s.Audit, auditEvent{
		Account: s.Org.Name, Action: action, Name: name, Actor: actor,
		Data: data, Timestamp: s.now().UTC(), Description: description,
	})
}

// createTeam adds a team and records team.create.
func (s *store) createTeam(actor, name, description string) *team {
	now := s.now().UTC()
	s.NextTeamID++
	t := &team{ID: s.NextTeamID, UUID: newUUID(), Name: name, Description: description, Members: []string{}, Created: now, Modified: now}
	s.Teams = append(s.Teams, t)
	s.changedTeam(t)
	s.audit(actor, "team.create", name, "Team "+name+" created", map[string]string{"team": name})
	return t
}

// removeTeam deletes t (its members stay in the organization).
func (s *store) removeTeam(t *team) {
	s.Teams = slices.DeleteFunc(s.Teams, func(x *team) bool { return x == t })
	s.removedTeam(t)
}

// addToTeam puts u in t (a no-op when already there) and records team.member.add.
func (s *store) addToTeam(actor string, t *team, u *user) {
	if t.has(u.ID) {
		return
	}
	t.Members = append(t.Members, u.ID)
	t.memberSet[u.ID] = struct{}{}
	t.Modified = s.now().UTC()
	s.changedTeam(t)
	s.audit(actor, "team.member.add", u.Username, u.Username+" added to team "+t.Name, map[string]string{"team": t.Name, "member": u.Username})
}

// removeFromTeam takes u out of t and records team.member.remove.
func (s *store) removeFromTeam(actor string, t *team, u *user) {
	if !t.has(u.ID) {
		return
	}
	t.Members = slices.DeleteFunc(t.Members, func(id string) bool { return id == u.ID })
	delete(t.memberSet, u.ID)
	t.Modified = s.now().UTC()
	s.changedTeam(t)
	s.audit(actor, "team.member.remove", u.Username, u.Username+" removed from team "+t.Name, map[string]string{"team": t.Name, "member": u.Username})
}

// join makes u an org member (records member.add) and puts it in teamName,
// creating that team when it is missing.
func (s *store) join(actor string, u *user, teamName string) {
	if !u.Member {
		u.Member = true
		s.changedUser(u)
		s.audit(actor, "member.add", u.Username, u.Username+" added to the organization", map[string]string{"member": u.Username, "role": u.Role})
	}
	if teamName == "" {
		return
	}
	t := s.team(teamName)
	if t == nil {
		t = s.createTeam(actor, teamName, "")
	}
	s.addToTeam(actor, t, u)
}

// leave removes u from the org and all its teams (records member.remove).
func (s *store) leave(actor string, u *user) {
	for _, t := range s.Teams {
		s.removeFromTeam(actor, t, u)
	}
	if u.Member {
		u.Member = false
		s.changedUser(u)
		s.audit(actor, "member.remove", u.Username, u.Username+" removed from the organization", map[string]string{"member": u.Username})
	}
}

// addUser stores a new account.
func (s *store) addUser(u *user) {
	s.Users = append(s.Users, u)
	s.changedUser(u)
	s.byID[u.ID] = u
	s.byUserName[strings.ToLower(u.Email)] = u
	s.byUsername[strings.ToLower(u.Username)] = u
}

// detach takes a SCIM user out of the org and out of SCIM's sight: the
// Docker account stays, as a personal account does when SCIM deletes it.
func (s *store) detach(actor string, u *user) {
	s.leave(actor, u)
	u.Source, u.Connection, u.Active = sourceAccount, "", false
	s.changedUser(u)
}

// adopt makes the account u a new SCIM resource with a fresh id.
func (s *store) adopt(u *user, connectionID string) {
	delete(s.byID, u.ID)
	s.removedUserID(u.ID)
	u.ID = newUUID()
	s.byID[u.ID] = u
	u.Source, u.Connection, u.Active = sourceSCIM, connectionID, true
	s.changedUser(u)
}

// setEmail changes u's email, keeping the index right.
func (s *store) setEmail(u *user, email string) {
	delete(s.byUserName, strings.ToLower(u.Email))
	u.Email = email
	s.byUserName[strings.ToLower(email)] = u
	s.changedUser(u)
}

// usernameFor derives a free Docker ID from an email: the local part's
// letters and digits, lower-cased, 4 to 30 characters, with a number added
// when it is taken.
func (s *store) usernameFor(email string) string {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	var b strings.Builder
	for _, r := range local {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	base := b.String()
	for len(base) < 4 {
		base += "0"
	}
	if len(base) > 26 {
		base = base[:26]
	}
	name := base
	for i := 1; s.byUsername[name] != nil; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	return name
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("sandbox: no randomness: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
