package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DockerHub is the address of Docker's real API.
const DockerHub = "https://hub.docker.com"

// refreshMargin is how long before its exp a JWT is replaced.
const refreshMargin = time.Minute

// Hub is a client of the Docker Hub API (and of the sandbox's console API,
// which lives on the same host). It is safe for concurrent use.
type Hub struct {
	t        *transport
	base     *url.URL
	pageSize int

	mu         sync.Mutex
	identifier string
	secret     Secret
	jwt        Secret
	expires    time.Time
}

// NewHub returns a client for the Hub API at baseURL (https, or http on a
// loopback address for the sandbox).
func NewHub(baseURL string, opts ...Option) (*Hub, error) {
	u, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	o := buildOptions(opts)
	t, err := newTransport(o)
	if err != nil {
		return nil, err
	}
	return &Hub{t: t, base: u, pageSize: o.pageLen}, nil
}

// Identifier is the Docker ID or organization name the client signed in
// with, or "" before SignIn.
func (h *Hub) Identifier() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.identifier
}

// BaseURL is the address the client talks to.
func (h *Hub) BaseURL() string { return h.base.String() }

// RateLimit returns the last X-RateLimit-* values Docker sent (zero if none).
func (h *Hub) RateLimit() RateLimit { return h.t.rateLimit() }

// SignIn exchanges an access token for a JWT with POST /v2/auth/token. The
// identifier is the organization name for an organization access token
// (dckr_oat_…) and the username for a personal access token or password.
// The Hub keeps both in memory to sign in again before the JWT expires.
func (h *Hub) SignIn(ctx context.Context, identifier string, secret Secret) error {
	jwtTok, exp, err := h.exchange(ctx, identifier, secret)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.identifier, h.secret, h.jwt, h.expires = identifier, secret, jwtTok, exp
	h.mu.Unlock()
	return nil
}

func (h *Hub) exchange(ctx context.Context, identifier string, secret Secret) (Secret, time.Time, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	c := call{
		op:      "sign in to Docker",
		method:  http.MethodPost,
		url:     h.base.String() + "/v2/auth/token",
		body:    map[string]string{"identifier": identifier, "secret": secret.Value()},
		out:     &out,
		secrets: []Secret{secret},
		// Signing in changes nothing: a lost answer is asked again.
		retrySafe: true,
		hints: map[Kind]string{
			KindUnauthorized: "Docker did not accept the token: use the organization name with an organization access token, or your username with a personal access token",
		},
	}
	if err := h.t.do(ctx, c); err != nil {
		return Secret{}, time.Time{}, err
	}
	tok := NewSecret(out.AccessToken)
	if tok.IsZero() {
		return Secret{}, time.Time{}, c.failure(KindDecode, 0, "", errors.New("the answer holds no access_token"))
	}
	exp, err := jwtExpiry(out.AccessToken)
	if err != nil {
		c.secrets = append(c.secrets, tok)
		return Secret{}, time.Time{}, c.failure(KindDecode, 0, "", err)
	}
	return tok, exp, nil
}

// jwtExpiry reads the exp claim of a JWT without verifying its signature
// (the client only needs to know when to refresh it). A JWT without exp
// never expires.
func jwtExpiry(tok string) (time.Time, error) {
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &claims); err != nil {
		return time.Time{}, errors.New("the access token Docker returned is not a readable JWT")
	}
	if claims.ExpiresAt == nil {
		return time.Time{}, nil
	}
	return claims.ExpiresAt.Time, nil
}

// SignInOnFirstUse keeps identifier and secret (as SignIn does) and signs
// in with them on the first request instead of now: a caller that must not
// wait for the sign-in (the wizard's first frame) hands it to the first
// request, which runs in the background. A refused sign-in is that
// request's error.
func (h *Hub) SignInOnFirstUse(identifier string, secret Secret) {
	h.mu.Lock()
	h.identifier, h.secret = identifier, secret
	h.mu.Unlock()
}

// token returns a JWT valid for at least refreshMargin, signing in when
// there is none yet (SignInOnFirstUse) or when the current one is about to
// expire.
func (h *Hub) token(ctx context.Context) (Secret, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	firstUse := h.jwt.IsZero() && !h.secret.IsZero()
	if !firstUse && (h.jwt.IsZero() || h.expires.IsZero() || h.t.now().Add(refreshMargin).Before(h.expires)) {
		return h.jwt, nil
	}
	tok, exp, err := h.exchange(ctx, h.identifier, h.secret)
	if err != nil {
		return Secret{}, err
	}
	h.jwt, h.expires = tok, exp
	return tok, nil
}

// send sends an authenticated request for path (or an absolute URL on the
// base's origin) and decodes the answer into out.
func (h *Hub) send(ctx context.Context, op, method, path string, out any, hints map[Kind]string) error {
	return h.sendBody(ctx, call{op: op, method: method, url: h.base.String() + path, out: out, hints: hints})
}

// sendBody sends c with the current JWT. When Docker answers 401 although
// the JWT has not expired (it was revoked, or the server restarted), the Hub
// signs in again once and resends: a 401 means nothing was done.
func (h *Hub) sendBody(ctx context.Context, c call) error {
	tok, err := h.token(ctx)
	if err != nil {
		return err
	}
	c.bearer = tok
	h.mu.Lock()
	c.secrets = append(c.secrets, h.secret)
	h.mu.Unlock()
	err = h.t.do(ctx, c)
	var ce *Error
	if !errors.As(err, &ce) || ce.Kind != KindUnauthorized {
		return err
	}
	if c.bearer, err = h.renew(ctx, tok); err != nil {
		return ce // the first answer says more than a failed sign-in
	}
	return h.t.do(ctx, c)
}

// renew signs in again unless another request already replaced stale.
func (h *Hub) renew(ctx context.Context, stale Secret) (Secret, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.secret.IsZero() {
		return Secret{}, errors.New("not signed in")
	}
	if h.jwt.Value() != stale.Value() {
		return h.jwt, nil
	}
	tok, exp, err := h.exchange(ctx, h.identifier, h.secret)
	if err != nil {
		return Secret{}, err
	}
	h.jwt, h.expires = tok, exp
	return tok, nil
}

// page is Docker's paginated list: {count, next, previous, results}.
type page[T any] struct {
	Count   int     `json:"count"`
	Next    *string `json:"next"`
	Results []T     `json:"results"`
}

// maxPages stops a server whose next links never end.
const maxPages = 10000

// pagingFailure names the real cause when a list fails after several pages:
// running out of time there means the list went on and on (far longer than
// expected, or paging that never ends), not a server that did not answer.
func pagingFailure(err error, pages, items int) error {
	var ce *Error
	if pages < 2 || !errors.As(err, &ce) || ce.Kind != KindTimeout {
		return err
	}
	e := *ce
	e.Hint = fmt.Sprintf("%d pages (%d items) were read before the time ran out: the list is far longer than expected, or the server's paging never ends; check that the address is Docker's, then retry", pages, items)
	return &e
}

// endlessPaging is the error for a list still going after maxPages pages.
func endlessPaging(op string, items int) error {
	return &Error{Op: op, Kind: KindDecode, Hint: "Check that the address is Docker's: its lists end",
		Err: fmt.Errorf("the list did not end after %d pages (%d items): the server's paging never ends", maxPages, items)}
}

// listAll fetches path and follows every `next` link to the end. Next links
// must stay on the base's origin: the JWT is never sent elsewhere.
func listAll[T any](ctx context.Context, h *Hub, op, path string, hints map[Kind]string) ([]T, error) {
	var all []T
	next := h.base.String() + path
	seen := map[string]bool{}
	for n := 0; next != ""; n++ {
		if n == maxPages {
			return all, endlessPaging(op, len(all))
		}
		if seen[next] {
			return all, &Error{Op: op, Kind: KindDecode, Hint: defaultHints[KindDecode],
				Err: errors.New("the server's next links go round in a loop")}
		}
		seen[next] = true
		var p page[T]
		if err := h.sendBody(ctx, call{op: op, method: http.MethodGet, url: next, out: &p, hints: hints}); err != nil {
			return all, pagingFailure(err, n+1, len(all))
		}
		all = append(all, p.Results...)
		if p.Next == nil || *p.Next == "" {
			break
		}
		u, err := h.sameOrigin(*p.Next)
		if err != nil {
			return all, &Error{Op: op, Kind: KindDecode, Err: err,
				Hint: "The server sent a next link to another host; the token is not sent there"}
		}
		next = u
	}
	return all, nil
}

// sameOrigin resolves a next link against the base and checks it stays on
// the base's scheme and host.
func (h *Hub) sameOrigin(link string) (string, error) {
	u, err := h.base.Parse(link)
	if err != nil {
		return "", errors.New("the next link is not a URL")
	}
	if u.Scheme != h.base.Scheme || u.Host != h.base.Host {
		return "", errors.New("the next link leaves " + h.base.Host)
	}
	return u.String(), nil
}

// Org is an organization the signed-in user belongs to.
type Org struct {
	ID         string    `json:"id"`
	Name       string    `json:"orgname"`
	FullName   string    `json:"full_name"`
	Company    string    `json:"company"`
	Location   string    `json:"location"`
	Type       string    `json:"type"`
	DateJoined time.Time `json:"date_joined"`
}

// Orgs lists the signed-in user's organizations with the undocumented
// GET /v2/user/orgs/. It is best effort: an organization access token is
// bound to one organization and may be refused; ask for the name then.
func (h *Hub) Orgs(ctx context.Context) ([]Org, error) {
	return listAll[Org](ctx, h, "list your organizations", "/v2/user/orgs/?page_size="+strconv.Itoa(h.pageSize), map[Kind]string{
		KindForbidden:     "Docker does not list organizations for this token: type the organization name instead",
		KindPATNotAllowed: "Docker does not list organizations for this token: type the organization name instead",
		KindNotFound:      "Docker does not list organizations for this token: type the organization name instead",
	})
}

// orgHints explain the usual failures of the organization endpoints.
func orgHints(org string) map[Kind]string {
	return map[Kind]string{
		KindNotFound:     "There is no organization named " + strconv.Quote(org) + " that this token can see: check the spelling (it is the org's Docker ID, not its display name)",
		KindForbidden:    "The token cannot read " + strconv.Quote(org) + ": use an organization access token with the scopes member-read and group-read, or a personal access token of an owner",
		KindUnauthorized: "Sign in again: the token was revoked or has expired",
	}
}

// ValidateOrg checks that org exists and the token may read it, with the
// documented, OAT-allowed GET /v2/orgs/{org}/groups?page_size=1.
func (h *Hub) ValidateOrg(ctx context.Context, org string) error {
	var p page[Team]
	return h.send(ctx, "check the organization "+org, http.MethodGet,
		"/v2/orgs/"+url.PathEscape(org)+"/groups?page_size=1", &p, orgHints(org))
}

// Team is a team (a "group" in the API) of an organization.
type Team struct {
	ID          int64  `json:"id"`
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description"`
	MemberCount int    `json:"member_count"`
}

// Teams lists every team of org (GET /v2/orgs/{org}/groups).
func (h *Hub) Teams(ctx context.Context, org string) ([]Team, error) {
	return listAll[Team](ctx, h, "list the teams of "+org,
		"/v2/orgs/"+url.PathEscape(org)+"/groups?page_size="+strconv.Itoa(h.pageSize), orgHints(org))
}

// Member is an organization member or a team member. Role and Groups are
// empty for team members.
type Member struct {
	ID         string    `json:"id"`
	Username   string    `json:"username"`
	FullName   string    `json:"full_name"`
	Email      string    `json:"email"`
	Role       string    `json:"role"`
	Groups     []string  `json:"groups"`
	Type       string    `json:"type"`
	IsGuest    bool      `json:"is_guest"`
	Company    string    `json:"company"`
	Location   string    `json:"location"`
	DateJoined time.Time `json:"date_joined"`
}

// TeamMembers lists every member of a team
// (GET /v2/orgs/{org}/groups/{team}/members).
func (h *Hub) TeamMembers(ctx context.Context, org, team string) ([]Member, error) {
	hints := orgHints(org)
	hints[KindNotFound] = "There is no team " + strconv.Quote(team) + " in " + strconv.Quote(org) + ": teams are created when the identity provider first pushes the group"
	return listAll[Member](ctx, h, "list the members of team "+team,
		"/v2/orgs/"+url.PathEscape(org)+"/groups/"+url.PathEscape(team)+"/members?page_size="+strconv.Itoa(h.pageSize), hints)
}

// Members lists every member of org (GET /v2/orgs/{org}/members). The real
// endpoint answers one {count, next, previous, results} object per page
// (the spec's array is wrong).
func (h *Hub) Members(ctx context.Context, org string) ([]Member, error) {
	return listAll[Member](ctx, h, "list the members of "+org,
		"/v2/orgs/"+url.PathEscape(org)+"/members?page_size="+strconv.Itoa(h.pageSize), orgHints(org))
}

// AuditLogOptions narrows an audit-log query. Zero fields are not sent.
type AuditLogOptions struct {
	// Action is an event name, e.g. "team.member.add".
	Action string
	// Actor is the username that acted.
	Actor string
	// Name is the object acted on.
	Name string
	// From and To bound the event time.
	From, To time.Time
	// PageSize is how many events each request fetches (default: the
	// Hub's page size, 100 unless WithPageSize says otherwise).
	PageSize int
}

// AuditLog is one audit-log event.
type AuditLog struct {
	Account     string         `json:"account"`
	Action      string         `json:"action"`
	Name        string         `json:"name"`
	Actor       string         `json:"actor"`
	Data        map[string]any `json:"data"`
	Timestamp   time.Time      `json:"timestamp"`
	Description string         `json:"action_description"`
}

// AuditLogs reads every audit-log event of org matching opts
// (GET /v2/auditlogs/{org}, needs the activity-read scope). It follows
// `next` links when the server sends them, and otherwise asks for the next
// page number until a page comes back short.
func (h *Hub) AuditLogs(ctx context.Context, org string, opts AuditLogOptions) ([]AuditLog, error) {
	size := opts.PageSize
	if size <= 0 {
		size = h.pageSize
	}
	q := url.Values{}
	for k, v := range map[string]string{"action": opts.Action, "actor": opts.Actor, "name": opts.Name} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if !opts.From.IsZero() {
		q.Set("from", opts.From.UTC().Format(time.RFC3339))
	}
	if !opts.To.IsZero() {
		q.Set("to", opts.To.UTC().Format(time.RFC3339))
	}
	q.Set("page_size", strconv.Itoa(size))
	op := "read the audit log of " + org
	hints := orgHints(org)
	hints[KindForbidden] = "Reading the audit log needs an owner's token or an organization access token with the activity-read scope"
	var all []AuditLog
	next := ""
	for pageNo := 1; pageNo <= maxPages; pageNo++ {
		target := next
		if target == "" {
			q.Set("page", strconv.Itoa(pageNo))
			target = h.base.String() + "/v2/auditlogs/" + url.PathEscape(org) + "?" + q.Encode()
		}
		var p struct {
			Logs []AuditLog `json:"logs"`
			Next *string    `json:"next"`
		}
		if err := h.sendBody(ctx, call{op: op, method: http.MethodGet, url: target, out: &p, hints: hints}); err != nil {
			return all, pagingFailure(err, pageNo, len(all))
		}
		all = append(all, p.Logs...)
		if p.Next != nil && *p.Next != "" {
			u, err := h.sameOrigin(*p.Next)
			if err != nil {
				return all, &Error{Op: op, Kind: KindDecode, Err: err,
					Hint: "The server sent a next link to another host; the token is not sent there"}
			}
			if u == target {
				return all, &Error{Op: op, Kind: KindDecode, Err: errors.New("the server's next link points at the same page")}
			}
			next = u
			continue
		}
		if next != "" || len(p.Logs) < size {
			break
		}
	}
	return all, nil
}
