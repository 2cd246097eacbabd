package flow

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/docker-scim/docker-scim/client"
	"github.com/docker-scim/docker-scim/steps"
)

// mixMembers and mixUsers are one of each case the report tells apart.
func mixMembers() []client.Member {
	return []client.Member{
		{Username: "mobyadmin", FullName: "Moby Admin", Email: "admin@moby.example", Role: "owner", Groups: []string{"owners"}},
		{Username: "janedoe", FullName: "Jane Doe", Email: "Jane.Doe@moby.example", Role: "member", Groups: []string{"company", "developers"}},
		{Username: "gracehopper", FullName: "Grace Hopper", Email: "grace.hopper@moby.example", Role: "member", Groups: []string{"company"}},
		{Username: "alexkim", FullName: "Alex Kim", Email: "alex.kim@moby.example", Role: "member"},
		{Username: "akim", FullName: "Alex Kim", Email: "akim@moby.example", Role: "member", Groups: []string{"company"}},
		{Username: "patguest", FullName: "Pat Guest", Email: "pat@outside.example", Role: "member", IsGuest: true},
		{Username: "robsmith", FullName: "Rob Smith", Email: "rob.smith@moby.example", Role: "member"},
		{Username: "oldrob", FullName: "Robert", Email: "rob.smith@old.example", Role: "member", IsGuest: true},
	}
}

func mixUsers() []client.User {
	return []client.User{
		{ID: "u-grace", UserName: "grace.hopper@moby.example", GivenName: "Grace", FamilyName: "Hopper", Active: true},
		{ID: "u-jane", UserName: "jane.doe@moby.example", GivenName: "Jane", FamilyName: "Doe", Active: false},
		{ID: "u-akim", UserName: "akim@moby.example", GivenName: "Alex", FamilyName: "Kim", Active: true},
		{ID: "u-tom", UserName: "tom.frost@moby.example", GivenName: "Tom", FamilyName: "Frost", Active: false},
		{ID: "u-new", UserName: "new.hire@moby.example", GivenName: "New", FamilyName: "Hire", Active: true},
	}
}

func stateOf(r LinkReport) map[string]LinkState {
	out := map[string]LinkState{}
	for _, m := range r.Members {
		out[m.Username] = m.State
	}
	for _, u := range r.SCIMOnly {
		out[u.UserName] = u.State
	}
	return out
}

func TestComputeLinkReportStates(t *testing.T) {
	r := ComputeLinkReport("moby", steps.Okta, mixMembers(), mixUsers())
	want := map[string]LinkState{
		"mobyadmin":              MemberWillLink,
		"janedoe":                MemberLinked, // emails compare case-insensitively
		"gracehopper":            MemberLinked,
		"akim":                   MemberLinked,
		"alexkim":                MemberEmailMismatch, // same name as the SCIM user akim@
		"patguest":               MemberOutsideSCIM,
		"robsmith":               MemberWillLink,
		"oldrob":                 MemberOutsideSCIM, // a one-word name and another local part: no suspicion
		"tom.frost@moby.example": SCIMUserDeactivated,
		"new.hire@moby.example":  SCIMUserPending,
	}
	if got := stateOf(r); !maps.Equal(got, want) {
		t.Errorf("states:\n got %v\nwant %v", got, want)
	}
	wantCounts := LinkCounts{Members: 8, Linked: 3, WillLink: 2, OutsideSCIM: 2, EmailMismatch: 1, SCIMUsers: 5, Deactivated: 1, Pending: 1}
	if r.Counts != wantCounts {
		t.Errorf("counts %+v, want %+v", r.Counts, wantCounts)
	}
	if r.Unlinked() != 3 || r.AllLinked() {
		t.Errorf("unlinked %d (all linked %v), want 3", r.Unlinked(), r.AllLinked())
	}
	for _, m := range r.Members {
		switch m.Username {
		case "janedoe":
			if m.SCIMUser == nil || m.SCIMUser.Name != "Jane Doe" || m.SCIMUser.Active {
				t.Errorf("janedoe's SCIM side: %+v, want Jane Doe, inactive", m.SCIMUser)
			}
		case "alexkim":
			if len(m.LookAlikes) != 1 || m.LookAlikes[0].UserName != "akim@moby.example" || m.LookAlikes[0].Match != "same name" {
				t.Errorf("alexkim's look-alikes: %+v", m.LookAlikes)
			}
		}
	}
	// What is left to do comes first.
	var order []LinkState
	for _, m := range r.Members {
		if len(order) == 0 || order[len(order)-1] != m.State {
			order = append(order, m.State)
		}
	}
	if want := []LinkState{MemberWillLink, MemberEmailMismatch, MemberOutsideSCIM, MemberLinked}; !slices.Equal(order, want) {
		t.Errorf("member order by state %v, want %v", order, want)
	}
}

func TestLookAlikeByLocalPartAndGuestMismatch(t *testing.T) {
	members := []client.Member{{Username: "sam", Email: "sam.lee@gmail.example", IsGuest: true}}
	users := []client.User{{ID: "1", UserName: "sam.lee@moby.example", Active: true}}
	r := ComputeLinkReport("moby", steps.Entra, members, users)
	m := r.Members[0]
	if m.State != MemberEmailMismatch || len(m.LookAlikes) != 1 || m.LookAlikes[0].Match != "same local part" {
		t.Fatalf("a guest whose local part the IdP pushed on the verified domain: %+v", m)
	}
	if r.Counts.Pending != 1 || r.SCIMOnly[0].UserName != "sam.lee@moby.example" {
		t.Errorf("the look-alike SCIM user is not a member and must be listed: %+v", r.SCIMOnly)
	}
}

func TestLookAlikesAreCapped(t *testing.T) {
	var users []client.User
	for _, d := range []string{"a", "b", "c", "d", "e"} {
		users = append(users, client.User{ID: d, UserName: "john@" + d + ".example", GivenName: "John", FamilyName: "Smith", Active: true})
	}
	r := ComputeLinkReport("moby", steps.Okta, []client.Member{{Username: "js", FullName: "John  SMITH", Email: "john@moby.example"}}, users)
	if got := len(r.Members[0].LookAlikes); got != maxLookAlikes {
		t.Errorf("%d look-alikes, want the cap %d", got, maxLookAlikes)
	}
}

func TestAllLinkedIgnoresGuests(t *testing.T) {
	r := ComputeLinkReport("moby", steps.Okta,
		[]client.Member{{Username: "a", Email: "a@moby.example"}, {Username: "g", FullName: "Gus", Email: "g@else.example", IsGuest: true}},
		[]client.User{{ID: "1", UserName: "a@moby.example", Active: true}})
	if !r.AllLinked() || r.Headline() != "The one member SCIM can manage is linked" {
		t.Errorf("a guest must not keep the migration open: %q", r.Headline())
	}
}

func TestMeaningWithoutAnIdP(t *testing.T) {
	if got := MemberWillLink.Meaning(""); !strings.HasSuffix(got, "assign the user to the Docker app in your identity provider.") {
		t.Errorf("advice without an IdP: %q", got)
	}
	if got := MemberWillLink.Meaning(steps.Entra); !strings.Contains(got, steps.Entra.Assignment().Term+" in "+steps.Entra.Label()+".") {
		t.Errorf("advice for Entra: %q", got)
	}
}

func TestOnlyKeepsCounts(t *testing.T) {
	r := ComputeLinkReport("moby", steps.Okta, mixMembers(), mixUsers())
	f := r.Only(MemberWillLink, SCIMUserDeactivated)
	if got := stateOf(f); len(got) != 3 || got["robsmith"] != MemberWillLink || got["tom.frost@moby.example"] != SCIMUserDeactivated {
		t.Errorf("filtered: %v", got)
	}
	if f.Counts != r.Counts {
		t.Errorf("filtering changed the counts: %+v", f.Counts)
	}
}

func TestHeadlineCountsRight(t *testing.T) {
	one := []client.Member{{Username: "a", Email: "a@moby.example"}}
	for _, tt := range []struct {
		members []client.Member
		users   []client.User
		want    string
	}{
		{nil, nil, "No member is left to link: SCIM manages none yet"},
		{one, nil, "1 of 1 member not yet linked"},
		{append(one, client.Member{Username: "b", Email: "b@moby.example"}), []client.User{{UserName: "b@moby.example"}}, "1 of 2 members not yet linked"},
	} {
		if got := ComputeLinkReport("moby", steps.Okta, tt.members, tt.users).Headline(); got != tt.want {
			t.Errorf("headline %q, want %q", got, tt.want)
		}
	}
}

func TestParseLinkState(t *testing.T) {
	for in, want := range map[string]LinkState{"will-link": MemberWillLink, " Linked": MemberLinked, "email_mismatch": MemberEmailMismatch, "deactivated": SCIMUserDeactivated} {
		if got, ok := ParseLinkState(in); !ok || got != want {
			t.Errorf("ParseLinkState(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseLinkState("unlinked"); ok {
		t.Error("an unknown state was accepted")
	}
}

func TestHostileTextIsStripped(t *testing.T) {
	members := []client.Member{{Username: "evil\x1b]0;pwned\x07", FullName: "Eve \x1b[31mRed\x1b[0m", Email: "eve@moby.example", Groups: []string{"t\x1b[2J"}}}
	users := []client.User{{ID: "x\r", UserName: "eve@moby.example", GivenName: "E\x00ve", Active: true}}
	r := ComputeLinkReport("moby", steps.Okta, members, users)
	js, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{r.Markdown(), string(js)} {
		if strings.ContainsAny(out, "\x1b\x07\x00\r") || strings.Contains(out, `\u001b`) || strings.Contains(out, `\u0007`) {
			t.Errorf("control characters reached the output:\n%q", out)
		}
	}
	if m := r.Members[0]; m.Username != "evil" || m.FullName != "Eve Red" || m.Teams[0] != "t" || m.SCIMUser.Name != "E\uFFFDve" {
		t.Errorf("stripped text: %+v %+v", m, m.SCIMUser)
	}
}

func TestMarkdownGolden(t *testing.T) {
	r := ComputeLinkReport("moby", steps.Okta, mixMembers(), mixUsers())
	r.ReadAt = time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)
	md := r.Markdown()
	golden.RequireEqual(t, []byte(md))
	piped := ComputeLinkReport("moby", steps.Okta, []client.Member{{Username: "a|b", Email: "ab@moby.example"}}, nil).Markdown()
	if !strings.Contains(piped, `| a\|b | ab@moby.example |`) {
		t.Errorf("a pipe in a value breaks the table:\n%s", piped)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := ComputeLinkReport("moby", steps.Entra, mixMembers(), mixUsers())
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back LinkReport
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Counts != r.Counts || len(back.Members) != len(r.Members) || back.Assign.Term != steps.Entra.Assignment().Term {
		t.Errorf("JSON lost data: %s", b)
	}
	for _, key := range []string{`"state": "will_link"`, `"look_alikes"`, `"scim_users_not_members"`, `"assign"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	empty, _ := ComputeLinkReport("moby", steps.Okta, nil, nil).Only(MemberLinked).JSON()
	if !strings.Contains(string(empty), `"members": []`) {
		t.Errorf("an empty report must list no members as [], not null: %s", empty)
	}
}

func TestAdviseJIT(t *testing.T) {
	left := ComputeLinkReport("moby", steps.Okta, mixMembers(), mixUsers())
	done := ComputeLinkReport("moby", steps.Okta, nil, nil)
	on := client.Connection{JIT: true, SCIMEnabled: true}
	for _, tt := range []struct {
		name       string
		r          LinkReport
		conn       client.Connection
		ready, off bool
		wantText   string
	}{
		{"left to link", left, on, false, false, "Keep JIT on until the members left to link are linked: 3 of 6 members not yet linked."},
		{"scim off", done, client.Connection{JIT: true}, false, false, "only while SCIM is on"},
		{"ready", done, on, true, false, steps.DisableJITPath()},
		{"already off", left, client.Connection{SCIMEnabled: true}, false, true, "JIT provisioning is off"},
	} {
		a := AdviseJIT(tt.r, tt.conn)
		if a.Ready != tt.ready || a.Done != tt.off || !strings.Contains(a.Text, tt.wantText) || !strings.HasSuffix(a.DocsURL, "#disable-jit-provisioning") {
			t.Errorf("%s: %+v", tt.name, a)
		}
	}
}

func TestRehearsalPush(t *testing.T) {
	r := ComputeLinkReport("moby", steps.Okta, mixMembers(), mixUsers())
	pushes := map[string]client.PushRequest{}
	for _, m := range r.Members {
		if req, ok := RehearsalPush(m); ok {
			pushes[m.Username] = req
		}
	}
	if len(pushes) != 3 {
		t.Fatalf("pushes for %v, want the 3 members left to link", maps.Keys(pushes))
	}
	if u := pushes["robsmith"].Users; len(u) != 1 || u[0] != (client.PushUser{UserName: "rob.smith@moby.example", GivenName: "Rob", FamilyName: "Smith"}) {
		t.Errorf("robsmith: %+v", pushes["robsmith"])
	}
	if p := pushes["alexkim"]; p.Users[0].UserName != "alex.kim@moby.example" || !slices.Equal(p.Deactivate, []string{"akim@moby.example"}) {
		t.Errorf("the mismatch is pushed with the Docker email and the look-alike deactivated: %+v", p)
	}
}
