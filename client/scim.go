package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
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
	// noSort is set once the server refused or ignored sortBy.
	noSort atomic.Bool
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
	KindUnauthorized: "Docker refused the token: it is mistyped or no longer valid; copy it again from " + SCIMValuesPath,
	KindForbidden:    "The token is not allowed to read users: check that SCIM is still enabled on the connection in " + SSOAndSCIMPage,
	KindNotFound:     "The SCIM Base URL is wrong: copy it again from " + SCIMValuesPath,
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

// Teams are the names of the teams of org that u is in, read from the SCIM
// groups attribute: Docker names a user's group "org:team". A group of
// another org is left out; a name without an org is kept as it is.
func (u User) Teams(org string) []string {
	var out []string
	for _, g := range u.Groups {
		o, team, ok := strings.Cut(g, ":")
		switch {
		case !ok:
			out = append(out, g)
		case strings.EqualFold(o, org) && team != "":
			out = append(out, team)
		}
	}
	return out
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

// UsersSince returns the SCIM users created or modified at or after since,
// newest first (see ReadUsersSince).
func (s *SCIM) UsersSince(ctx context.Context, since time.Time) ([]User, error) {
	rb, err := s.ReadUsersSince(ctx, since)
	return rb.Users, err
}

// ReadBack is one read of the SCIM users changed since a time.
type ReadBack struct {
	// Users are the users created or modified at or after the time, newest
	// (by lastModified) first.
	Users []User
	// Requests is how many requests the read sent.
	Requests int
	// Sorted reports that the server sorted by meta.lastModified, so the
	// read stopped at the first older user; false means it read every user.
	Sorted bool
}

// ReadUsersSince reads the SCIM users created or modified at or after
// since. It asks for the newest first (sortBy=meta.lastModified,
// sortOrder=descending, which Docker's ServiceProviderConfig advertises)
// and stops at the first user older than since, so a poll where nothing is
// new costs one request however many users the org has. A server that
// refuses the sort (400) or ignores it (a page not in that order) is
// remembered, and then every user is read, 200 per request.
func (s *SCIM) ReadUsersSince(ctx context.Context, since time.Time) (ReadBack, error) {
	spent := 0
	if !s.noSort.Load() {
		rb, sorted, err := s.usersSinceSorted(ctx, since)
		if err != nil || sorted {
			return rb, err
		}
		s.noSort.Store(true)
		spent = rb.Requests
	}
	all, pages, err := listSCIM[User](ctx, s, opReadUsers, "/Users")
	rb := ReadBack{Users: keepSince(all, since, userTimes), Requests: spent + pages}
	sortNewestFirst(rb.Users)
	return rb, err
}

const opReadUsers = "read back the SCIM users"

func userTimes(u User) (time.Time, time.Time) { return u.Created, u.LastModified }

// sortNewestFirst orders users by lastModified, newest first.
func sortNewestFirst(users []User) {
	slices.SortStableFunc(users, func(a, b User) int { return b.LastModified.Compare(a.LastModified) })
}

// usersSinceSorted pages through the users newest first until one is older
// than since. sorted is false when the server refused or ignored the sort
// (then rb holds only the requests spent finding out).
func (s *SCIM) usersSinceSorted(ctx context.Context, since time.Time) (rb ReadBack, sorted bool, err error) {
	rb.Sorted = true
	var prev *User
	start := 1
	for range maxPages {
		q := url.Values{"sortBy": {"meta.lastModified"}, "sortOrder": {"descending"},
			"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(scimMaxCount)}}
		p, err := scimPage[User](ctx, s, opReadUsers, "/Users", q)
		rb.Requests++
		var e *Error
		if errors.As(err, &e) && e.Kind == KindBadRequest && start == 1 {
			return ReadBack{Requests: rb.Requests}, false, nil
		}
		if err != nil {
			return rb, true, pagingFailure(err, rb.Requests, len(rb.Users))
		}
		// The whole page must be in order, not just up to since: a server
		// that ignores sortBy would otherwise look like "nothing new".
		for i := range p.Resources {
			u := &p.Resources[i]
			if prev != nil && u.LastModified.After(prev.LastModified) {
				return ReadBack{Requests: rb.Requests}, false, nil
			}
			prev = u
		}
		for _, u := range p.Resources {
			if u.LastModified.Before(since) && u.Created.Before(since) {
				return rb, true, nil
			}
			rb.Users = append(rb.Users, u)
		}
		start += len(p.Resources)
		if len(p.Resources) == 0 || start > p.TotalResults {
			return rb, true, nil
		}
	}
	return rb, true, endlessPaging(opReadUsers, len(rb.Users))
}

// listSCIM reads every resource of a SCIM list endpoint, 200 at a time,
// and says how many requests it sent.
func listSCIM[T any](ctx context.Context, s *SCIM, op, path string) ([]T, int, error) {
	var out []T
	start := 1
	pages := 0
	for pages < maxPages {
		q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(scimMaxCount)}}
		p, err := scimPage[T](ctx, s, op, path, q)
		pages++
		if err != nil {
			return out, pages, pagingFailure(err, pages, len(out))
		}
		out = append(out, p.Resources...)
		start += len(p.Resources)
		if len(p.Resources) == 0 || start > p.TotalResults {
			return out, pages, nil
		}
	}
	return out, pages, endlessPaging(op, len(out))
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
