package client

import (
	"context"
	"encoding/json"
	"github.com/docker-scim/docker-scim/steps"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// DockerUserExtension is the schema URN of Docker's SCIM user extension
// (dockerRole, dockerOrg, dockerTeam).
const DockerUserExtension = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"

// scimMaxCount is the largest page Docker's SCIM API serves.
const scimMaxCount = 200

// SCIM is a read-only client of Docker's SCIM 2.0 API, authenticated with
// the SCIM API Token. It never writes: creating and changing users is the
// identity provider's job (and a PUT without "active" deactivates a user).
type SCIM struct {
	t     *transport
	base  string
	token Secret
}

// NewSCIM returns a client for the SCIM API at baseURL (the SCIM Base URL;
// run it through NormalizeBaseURL first when an admin pasted it).
func NewSCIM(baseURL string, token Secret, opts ...Option) (*SCIM, error) {
	u, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	t, err := newTransport(buildOptions(opts))
	if err != nil {
		return nil, err
	}
	return &SCIM{t: t, base: u.String(), token: token}, nil
}

// BaseURL is the SCIM Base URL the client talks to.
func (s *SCIM) BaseURL() string { return s.base }

// RateLimit returns the last X-RateLimit-* values Docker sent (zero if none).
func (s *SCIM) RateLimit() RateLimit { return s.t.rateLimit() }

// ServiceProviderConfig is the part of the SCIM ServiceProviderConfig the
// wizard reads.
type ServiceProviderConfig struct {
	Patch struct {
		Supported bool `json:"supported"`
	} `json:"patch"`
	Filter struct {
		Supported  bool `json:"supported"`
		MaxResults int  `json:"maxResults"`
	} `json:"filter"`
	Sort struct {
		Supported bool `json:"supported"`
	} `json:"sort"`
}

var scimHints = map[Kind]string{
	KindUnauthorized: "Docker refused the token: it is mistyped or no longer valid; copy it again from " + steps.SCIMValuesAgain(),
	KindForbidden:    "The token is not allowed to read users: check that SCIM is still enabled on the connection in " + steps.SSOAndSCIMPage(),
	KindNotFound:     "The SCIM Base URL is wrong: copy it again from " + steps.SCIMValuesAgain(),
	KindDecode:       "The server did not answer like a SCIM API: check the SCIM Base URL points at Docker and ends in " + SCIMPath,
}

// get reads base+path into out.
func (s *SCIM) get(ctx context.Context, op, path string, out any) error {
	return s.t.do(ctx, call{
		op:     op,
		method: http.MethodGet,
		url:    s.base + path,
		out:    out,
		bearer: s.token,
		accept: "application/scim+json",
		hints:  scimHints,
	})
}

// ServiceProviderConfig reads GET /ServiceProviderConfig, the first check an
// identity provider makes.
func (s *SCIM) ServiceProviderConfig(ctx context.Context) (ServiceProviderConfig, error) {
	var out ServiceProviderConfig
	err := s.get(ctx, "read the SCIM ServiceProviderConfig", "/ServiceProviderConfig", &out)
	return out, err
}

// listResponse is a SCIM ListResponse. Docker's spec spells the list
// "resources"; RFC 7644 and the live site say "Resources". Both are read.
type listResponse[T any] struct {
	TotalResults int
	StartIndex   int
	ItemsPerPage int
	Resources    []T
}

// UnmarshalJSON accepts "Resources" and "resources" (and any other case).
func (l *listResponse[T]) UnmarshalJSON(b []byte) error {
	var wire struct {
		TotalResults int `json:"totalResults"`
		StartIndex   int `json:"startIndex"`
		ItemsPerPage int `json:"itemsPerPage"`
		// encoding/json matches keys case-insensitively, so this reads
		// both "Resources" and "resources".
		Resources []T `json:"Resources"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	*l = listResponse[T]{wire.TotalResults, wire.StartIndex, wire.ItemsPerPage, wire.Resources}
	return nil
}

// wireRef is a SCIM reference to another resource (a user's group, a
// group's member).
type wireRef struct {
	Value   string `json:"value"`
	Display string `json:"display"`
}

// refNames is the display name of each reference, or its value when it has
// none; nil when there are no references.
func refNames(refs []wireRef) []string {
	var out []string
	for _, r := range refs {
		name := r.Display
		if name == "" {
			name = r.Value
		}
		out = append(out, name)
	}
	return out
}

// wireMeta is a SCIM resource's meta attribute, as far as the client reads it.
type wireMeta struct {
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
}

// times is the created and lastModified times; unreadable ones are zero.
func (m wireMeta) times() (created, lastModified time.Time) {
	return parseHubTime(m.Created), parseHubTime(m.LastModified)
}

// User is a user as Docker's SCIM API reports it.
type User struct {
	ID           string
	UserName     string
	DisplayName  string
	GivenName    string
	FamilyName   string
	Active       bool
	Created      time.Time
	LastModified time.Time
	// Groups are the display names of the user's groups (org:team).
	Groups []string
}

// UnmarshalJSON reads a SCIM user resource.
func (u *User) UnmarshalJSON(b []byte) error {
	var wire struct {
		ID          string `json:"id"`
		UserName    string `json:"userName"`
		DisplayName string `json:"displayName"`
		Name        struct {
			GivenName  string `json:"givenName"`
			FamilyName string `json:"familyName"`
		} `json:"name"`
		Active *bool     `json:"active"`
		Groups []wireRef `json:"groups"`
		Meta   wireMeta  `json:"meta"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	*u = User{
		ID: wire.ID, UserName: wire.UserName, DisplayName: wire.DisplayName,
		GivenName: wire.Name.GivenName, FamilyName: wire.Name.FamilyName,
		Active: wire.Active == nil || *wire.Active, Groups: refNames(wire.Groups),
	}
	u.Created, u.LastModified = wire.Meta.times()
	return nil
}

// scimPage reads one page of a SCIM list endpoint with query q.
func scimPage[T any](ctx context.Context, s *SCIM, op, path string, q url.Values) (listResponse[T], error) {
	var out listResponse[T]
	err := s.get(ctx, op, path+"?"+q.Encode(), &out)
	return out, err
}

// UsersSince pages through every SCIM user (200 per request) and returns
// those created or modified at or after since, in the server's order.
func (s *SCIM) UsersSince(ctx context.Context, since time.Time) ([]User, error) {
	all, err := listSCIM[User](ctx, s, "read back the SCIM users", "/Users")
	return keepSince(all, since, func(u User) (time.Time, time.Time) { return u.Created, u.LastModified }), err
}

// Group is a group (org:team) as a SCIM server reports it.
type Group struct {
	ID           string
	DisplayName  string
	Created      time.Time
	LastModified time.Time
	// Members are the display names (or ids) of the group's members.
	Members []string
}

// UnmarshalJSON reads a SCIM group resource.
func (g *Group) UnmarshalJSON(b []byte) error {
	var wire struct {
		ID          string    `json:"id"`
		DisplayName string    `json:"displayName"`
		Members     []wireRef `json:"members"`
		Meta        wireMeta  `json:"meta"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	*g = Group{ID: wire.ID, DisplayName: wire.DisplayName, Members: refNames(wire.Members)}
	g.Created, g.LastModified = wire.Meta.times()
	return nil
}

// GroupsSince pages through every SCIM group and returns those created or
// modified at or after since. Docker documents no /Groups endpoint (only
// the sandbox is sure to serve it): on KindNotFound, verify teams with
// Hub.TeamMembers instead.
func (s *SCIM) GroupsSince(ctx context.Context, since time.Time) ([]Group, error) {
	all, err := listSCIM[Group](ctx, s, "read back the SCIM groups", "/Groups")
	return keepSince(all, since, func(g Group) (time.Time, time.Time) { return g.Created, g.LastModified }), err
}

// listSCIM reads every resource of a SCIM list endpoint, 200 at a time.
func listSCIM[T any](ctx context.Context, s *SCIM, op, path string) ([]T, error) {
	var out []T
	start := 1
	for pages := 0; pages < maxPages; pages++ {
		q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(scimMaxCount)}}
		p, err := scimPage[T](ctx, s, op, path, q)
		if err != nil {
			return out, err
		}
		out = append(out, p.Resources...)
		start += len(p.Resources)
		if len(p.Resources) == 0 || start > p.TotalResults {
			break
		}
	}
	return out, nil
}

// keepSince keeps the items created or modified at or after since.
func keepSince[T any](all []T, since time.Time, times func(T) (time.Time, time.Time)) []T {
	var out []T
	for _, item := range all {
		if created, modified := times(item); !created.Before(since) || !modified.Before(since) {
			out = append(out, item)
		}
	}
	return out
}

// schemaIDs lists the schema URNs of GET /Schemas.
func (s *SCIM) schemaIDs(ctx context.Context) ([]string, error) {
	var out listResponse[struct {
		ID string `json:"id"`
	}]
	if err := s.get(ctx, "read the SCIM Schemas", "/Schemas", &out); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(out.Resources))
	for _, r := range out.Resources {
		ids = append(ids, r.ID)
	}
	return ids, nil
}
