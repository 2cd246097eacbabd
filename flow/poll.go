package flow

import (
	"fmt"
	"strings"
	"time"

	"github.com/docker-scim/docker-scim/client"
)

// Poll pacing for a live read-back: never more than one request per
// resource every MinPoll, doubling while nothing changes, up to MaxPoll.
const (
	MinPoll = 2 * time.Second
	MaxPoll = 30 * time.Second
)

// NextInterval is the wait before the next poll: MinPoll after a change
// (or the first time), else twice the last wait, up to MaxPoll.
func NextInterval(prev time.Duration, changed bool) time.Duration {
	if changed || prev < MinPoll {
		return MinPoll
	}
	return min(prev*2, MaxPoll)
}

// RateLimitWait is how long to hold off because the server's rate limit is
// nearly spent (under 10 % left): until the window resets.
func RateLimitWait(rl client.RateLimit, now time.Time) time.Duration {
	if rl.Limit <= 0 || rl.Remaining*10 >= rl.Limit || !rl.Reset.After(now) {
		return 0
	}
	return rl.Reset.Sub(now)
}

// PollDelay is how long to wait before the next poll: interval, but at
// least MinPoll after the last poll started, and longer when the rate
// limit asks for it.
func PollDelay(interval time.Duration, lastStart time.Time, rl client.RateLimit, now time.Time) time.Duration {
	d := interval
	if !lastStart.IsZero() {
		d = max(d, MinPoll-now.Sub(lastStart))
	}
	return max(d, RateLimitWait(rl, now), 0)
}

// UsersFingerprint changes when a user is added, changed or deactivated.
func UsersFingerprint(users []client.User) string {
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, "%s|%s|%t|%d\n", u.ID, u.LastModified.Format(time.RFC3339Nano), u.Active, len(u.Groups))
	}
	return b.String()
}

// TeamsFingerprint changes when a team or its member count changes, or the
// audit log grows.
func TeamsFingerprint(t Teams) string {
	var b strings.Builder
	for _, f := range t.Teams {
		fmt.Fprintf(&b, "%s|%d|%d\n", f.Team.Name, f.Team.MemberCount, len(f.Members))
	}
	fmt.Fprintf(&b, "audit:%d", len(t.Audit))
	return b.String()
}
