package flow

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
	"github.com/docker-scim/docker-scim/textsafe"
)

// LinkState is where an organization member, or a SCIM user, stands in the
// move from JIT to SCIM (migrate-scim.md).
type LinkState string

// The states of an organization member.
const (
	// MemberLinked: a SCIM user has the member's email, so SCIM manages it.
	MemberLinked LinkState = "linked"
	// MemberWillLink: the email's domain is verified but the IdP has not
	// pushed the user yet; SCIM links it once the IdP does.
	MemberWillLink LinkState = "will_link"
	// MemberOutsideSCIM: a guest (its email domain is not verified), which
	// SCIM never manages.
	MemberOutsideSCIM LinkState = "outside_scim"
	// MemberEmailMismatch: not linked, and a SCIM user with another email
	// looks like the same person (same local part or same name).
	MemberEmailMismatch LinkState = "email_mismatch"
)

// The states of a SCIM user that is not an organization member.
const (
	// SCIMUserDeactivated: the IdP deactivated the user (active=false).
	SCIMUserDeactivated LinkState = "deactivated"
	// SCIMUserPending: active in SCIM but not (yet) in the member list.
	SCIMUserPending LinkState = "pending"
)

// LinkStates lists every state in the order reports show them: what is
// left to do first.
func LinkStates() []LinkState {
	return []LinkState{MemberWillLink, MemberEmailMismatch, MemberOutsideSCIM, MemberLinked, SCIMUserPending, SCIMUserDeactivated}
}

// ParseLinkState accepts a state's name, with "-" for "_" ("will-link").
func ParseLinkState(s string) (LinkState, bool) {
	st := LinkState(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_"))
	return st, slices.Contains(LinkStates(), st)
}

// Label is the state's name for a reader.
func (s LinkState) Label() string {
	switch s {
	case MemberLinked:
		return "Linked"
	case MemberWillLink:
		return "Will link"
	case MemberOutsideSCIM:
		return "Outside SCIM (guests)"
	case MemberEmailMismatch:
		return "Email mismatch suspected"
	case SCIMUserDeactivated:
		return "SCIM users deactivated"
	case SCIMUserPending:
		return "SCIM users not in the member list"
	}
	return string(s)
}

// Meaning says, in a sentence, what the state means and what to do; idp's
// own wording is used for assigning a user to the app.
func (s LinkState) Meaning(idp steps.IdP) string {
	switch s {
	case MemberLinked:
		return "SCIM manages these members: the IdP pushed their email, and Docker linked the existing account."
	case MemberWillLink:
		term := idp.Assignment().Term
		if term == "" {
			term = "assign the user to the Docker app"
		}
		where := idp.Label()
		if where == "" {
			where = "your identity provider"
		}
		return "Their domain is verified, so SCIM will link them once the IdP pushes them: " + term + " in " + where + "."
	case MemberOutsideSCIM:
		return "Their email domain is not verified on the SSO connection, so SCIM never manages, updates or removes them; manage them by hand in Members."
	case MemberEmailMismatch:
		return "The IdP pushed a user that looks like this member under another email, so the account stays unlinked: make the emails match in the IdP. " +
			"Only as a last resort remove the member and provision again: removing also removes what they own (repositories), so transfer it first."
	case SCIMUserDeactivated:
		return "The IdP deactivated these users; they are no longer members."
	case SCIMUserPending:
		return "Active in SCIM but not in the member list: Docker has not added them yet, or the email belongs to an account outside the organization."
	}
	return ""
}

// DocsURL is the Docker page the state comes from.
func (s LinkState) DocsURL() string {
	switch s {
	case MemberOutsideSCIM, MemberEmailMismatch:
		return steps.UnlinkedDocs
	case MemberWillLink:
		return steps.DocsURL("security/provisioning/scim/migrate-scim.md#assign-users-in-your-idp")
	case MemberLinked:
		return steps.DocsURL("security/provisioning/scim/migrate-scim.md#sync-and-verify")
	}
	return steps.DocsURL("security/provisioning/scim/_index.md#how-scim-works")
}

// SCIMIdentity is a SCIM user as the report shows it: the IdP's side.
type SCIMIdentity struct {
	ID       string `json:"id"`
	UserName string `json:"user_name"`
	// Name is the IdP's given and family name.
	Name   string `json:"name"`
	Active bool   `json:"active"`
	// Match says why a look-alike was suspected: "same name" or
	// "same local part".
	Match string `json:"match,omitempty"`
}

// MemberLink is one organization member and its state.
type MemberLink struct {
	Username string    `json:"username"`
	FullName string    `json:"full_name"`
	Email    string    `json:"email"`
	Role     string    `json:"role"`
	Teams    []string  `json:"teams"`
	State    LinkState `json:"state"`
	// SCIMUser is the linked SCIM user (MemberLinked only).
	SCIMUser *SCIMIdentity `json:"scim_user,omitempty"`
	// LookAlikes are the SCIM users that look like this member under
	// another email (MemberEmailMismatch only).
	LookAlikes []SCIMIdentity `json:"look_alikes,omitempty"`
}

// SCIMUserLink is a SCIM user that is not an organization member.
type SCIMUserLink struct {
	SCIMIdentity
	State LinkState `json:"state"`
}

// LinkCounts are the report's totals, per state.
type LinkCounts struct {
	Members       int `json:"members"`
	Linked        int `json:"linked"`
	WillLink      int `json:"will_link"`
	OutsideSCIM   int `json:"outside_scim"`
	EmailMismatch int `json:"email_mismatch"`
	SCIMUsers     int `json:"scim_users"`
	Deactivated   int `json:"scim_deactivated"`
	Pending       int `json:"scim_pending"`
}

// Of returns the count of state s.
func (c LinkCounts) Of(s LinkState) int {
	return map[LinkState]int{
		MemberLinked: c.Linked, MemberWillLink: c.WillLink, MemberOutsideSCIM: c.OutsideSCIM,
		MemberEmailMismatch: c.EmailMismatch, SCIMUserDeactivated: c.Deactivated, SCIMUserPending: c.Pending,
	}[s]
}

// LinkReport compares an organization's members with its SCIM users, member
// by member. It holds no secret.
type LinkReport struct {
	Org string `json:"org"`
	// IdP is the identity provider the report's advice is worded for.
	IdP steps.IdP `json:"idp"`
	// Assign is how that IdP assigns a user to the Docker app.
	Assign steps.Assignment `json:"assign"`
	// Counts are the totals of the whole report, also after Only.
	Counts LinkCounts `json:"counts"`
	// Members are sorted by state (LinkStates order), then email.
	Members []MemberLink `json:"members"`
	// SCIMOnly are the SCIM users that are not members.
	SCIMOnly []SCIMUserLink `json:"scim_users_not_members"`
	// ReadAt is when both sides were read.
	ReadAt time.Time `json:"read_at"`
}

// Unlinked is how many members are left to link: those that will link and
// those with a suspected email mismatch. Guests do not count: SCIM never
// manages them.
func (r LinkReport) Unlinked() int { return r.Counts.WillLink + r.Counts.EmailMismatch }

// AllLinked reports whether nothing is left to link, the point at which
// Docker's migration says JIT can be turned off.
func (r LinkReport) AllLinked() bool { return r.Unlinked() == 0 }

// Only returns the report with just the members and SCIM users in states;
// the counts stay those of the whole report.
func (r LinkReport) Only(states ...LinkState) LinkReport {
	out := r
	out.Members = []MemberLink{}
	out.SCIMOnly = []SCIMUserLink{}
	for _, m := range r.Members {
		if slices.Contains(states, m.State) {
			out.Members = append(out.Members, m)
		}
	}
	for _, u := range r.SCIMOnly {
		if slices.Contains(states, u.State) {
			out.SCIMOnly = append(out.SCIMOnly, u)
		}
	}
	return out
}

// ReadRequests is how many requests reading the report again takes: the
// member pages (100 members each) and the SCIM pages (200 users each).
// Front-ends that refresh it pace themselves by it.
func (r LinkReport) ReadRequests() int {
	return max(1, (r.Counts.Members+99)/100) + max(1, (r.Counts.SCIMUsers+199)/200)
}

// maxLookAlikes caps the look-alikes listed per member: a common name must
// not turn one row into hundreds.
const maxLookAlikes = 3

// ComputeLinkReport compares members (Hub API) with users (SCIM API) in
// linear time. A member is linked when a SCIM user's userName is its email
// (case-insensitive), as Docker links on a matching email. Text from the
// servers is cleaned (textsafe) once more: callers may pass any data.
func ComputeLinkReport(org string, idp steps.IdP, members []client.Member, users []client.User) LinkReport {
	r := LinkReport{Org: org, IdP: idp, Assign: idp.Assignment(), Members: make([]MemberLink, 0, len(members)), SCIMOnly: []SCIMUserLink{}}
	ids := make([]SCIMIdentity, len(users))
	byEmail := make(map[string]int, len(users))
	byLocal := make(map[string][]int)
	byName := make(map[string][]int)
	for i, u := range users {
		ids[i] = SCIMIdentity{ID: textsafe.Clean(u.ID), UserName: textsafe.Clean(u.UserName),
			Name: textsafe.Clean(strings.TrimSpace(u.GivenName + " " + u.FamilyName)), Active: u.Active}
		email := strings.ToLower(strings.TrimSpace(u.UserName))
		if _, dup := byEmail[email]; !dup {
			byEmail[email] = i
		}
		if l := localPart(email); l != "" {
			byLocal[l] = append(byLocal[l], i)
		}
		if n := nameKey(ids[i].Name); n != "" {
			byName[n] = append(byName[n], i)
		}
	}
	memberEmails := make(map[string]bool, len(members))
	for _, m := range members {
		email := strings.ToLower(strings.TrimSpace(m.Email))
		memberEmails[email] = true
		ml := MemberLink{Username: textsafe.Clean(m.Username), FullName: textsafe.Clean(m.FullName), Email: textsafe.Clean(m.Email),
			Role: textsafe.Clean(m.Role), Teams: make([]string, 0, len(m.Groups))}
		for _, t := range m.Groups {
			ml.Teams = append(ml.Teams, textsafe.Clean(t))
		}
		if i, ok := byEmail[email]; ok && email != "" {
			linked := ids[i]
			ml.State, ml.SCIMUser = MemberLinked, &linked
		} else {
			ml.LookAlikes = lookAlikes(email, nameKey(ml.FullName), ids, byLocal, byName)
			switch {
			case len(ml.LookAlikes) > 0:
				ml.State = MemberEmailMismatch
			case m.IsGuest:
				ml.State = MemberOutsideSCIM
			default:
				ml.State = MemberWillLink
			}
		}
		r.Members = append(r.Members, ml)
	}
	for i, u := range users {
		if memberEmails[strings.ToLower(strings.TrimSpace(u.UserName))] {
			continue
		}
		st := SCIMUserPending
		if !u.Active {
			st = SCIMUserDeactivated
		}
		r.SCIMOnly = append(r.SCIMOnly, SCIMUserLink{SCIMIdentity: ids[i], State: st})
	}
	rank := map[LinkState]int{}
	for i, s := range LinkStates() {
		rank[s] = i
	}
	slices.SortStableFunc(r.Members, func(a, b MemberLink) int {
		return cmp.Or(cmp.Compare(rank[a.State], rank[b.State]), cmp.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)))
	})
	slices.SortStableFunc(r.SCIMOnly, func(a, b SCIMUserLink) int {
		return cmp.Or(cmp.Compare(rank[a.State], rank[b.State]), cmp.Compare(strings.ToLower(a.UserName), strings.ToLower(b.UserName)))
	})
	r.Counts = countLinks(r)
	r.Counts.SCIMUsers = len(users)
	return r
}

// lookAlikes returns the SCIM users (other than email's) with the same
// local part or the same name, at most maxLookAlikes, same name first.
func lookAlikes(email, name string, ids []SCIMIdentity, byLocal, byName map[string][]int) []SCIMIdentity {
	var out []SCIMIdentity
	seen := map[int]bool{}
	add := func(idx []int, why string) {
		for _, i := range idx {
			if len(out) == maxLookAlikes || seen[i] || strings.EqualFold(ids[i].UserName, email) {
				continue
			}
			seen[i] = true
			id := ids[i]
			id.Match = why
			out = append(out, id)
		}
	}
	if name != "" {
		add(byName[name], "same name")
	}
	if l := localPart(email); l != "" {
		add(byLocal[l], "same local part")
	}
	return out
}

func countLinks(r LinkReport) LinkCounts {
	c := LinkCounts{Members: len(r.Members)}
	for _, m := range r.Members {
		switch m.State {
		case MemberLinked:
			c.Linked++
		case MemberWillLink:
			c.WillLink++
		case MemberOutsideSCIM:
			c.OutsideSCIM++
		case MemberEmailMismatch:
			c.EmailMismatch++
		}
	}
	for _, u := range r.SCIMOnly {
		if u.State == SCIMUserDeactivated {
			c.Deactivated++
		} else {
			c.Pending++
		}
	}
	return c
}

// localPart is the part of a lower-case email before the last "@", or ""
// when it is too short to say anything about a person.
func localPart(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 2 {
		return ""
	}
	return email[:i]
}

// nameKey is a name lower-cased with its spaces collapsed, or "" when it
// has fewer than two words (one word says too little to suspect a match).
func nameKey(name string) string {
	f := strings.Fields(strings.ToLower(name))
	if len(f) < 2 {
		return ""
	}
	return strings.Join(f, " ")
}

// FetchLinkReport reads both sides at once, each with the paging Docker
// needs (members 100 per page following next links, SCIM users 200 per
// page), and computes the report: a few paged listings, never a request
// per member.
func FetchLinkReport(ctx context.Context, hub *client.Hub, scim *client.SCIM, org string, idp steps.IdP) (LinkReport, error) {
	var (
		wg       sync.WaitGroup
		members  []client.Member
		users    []client.User
		mErr     error
		uErr     error
		started  = time.Now()
		cctx, cf = context.WithCancel(ctx)
	)
	defer cf()
	wg.Go(func() {
		if members, mErr = hub.Members(cctx, org); mErr != nil {
			cf()
		}
	})
	wg.Go(func() {
		if users, uErr = scim.UsersSince(cctx, time.Time{}); uErr != nil {
			cf()
		}
	})
	wg.Wait()
	// The side that failed first says more than the one it cancelled.
	if err := firstCause(mErr, uErr); err != nil {
		return LinkReport{}, err
	}
	r := ComputeLinkReport(org, idp, members, users)
	r.ReadAt = started.UTC()
	return r, nil
}

// firstCause returns the error that is not a cancellation, or the first.
func firstCause(errs ...error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if first == nil {
			first = err
		}
		var ce *client.Error
		if !errors.Is(err, context.Canceled) && (!errors.As(err, &ce) || ce.Kind != client.KindCanceled) {
			return err
		}
	}
	return first
}
