package flow

import (
	"errors"
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

// RateLimitWait is how long to hold off because the server's rate limit
// cannot pay for the next poll (fewer requests left than it needs, or under
// 10 % of the budget): until the window resets.
func RateLimitWait(rl client.RateLimit, need int, now time.Time) time.Duration {
	if rl.Limit <= 0 || (rl.Remaining >= need && rl.Remaining*10 >= rl.Limit) || !rl.Reset.After(now) {
		return 0
	}
	return rl.Reset.Sub(now)
}

// PollDelay is how long to wait before the next poll: interval, but at
// least MinPoll after the last poll started, and longer when the rate limit
// asks for it (a budget short of the need requests the poll takes, or a
// rate-limit error's RetryAfter); limited says the rate limit set the wait,
// so a front-end can say it waits for the rate limit.
func PollDelay(interval time.Duration, lastStart time.Time, rl client.RateLimit, need int, err error, now time.Time) (d time.Duration, limited bool) {
	d = interval
	if !lastStart.IsZero() {
		d = max(d, MinPoll-now.Sub(lastStart))
	}
	wait := RateLimitWait(rl, need, now)
	var ce *client.Error
	if errors.As(err, &ce) && ce.Kind == client.KindRateLimited {
		wait = max(wait, ce.RetryAfter)
	}
	if wait > d {
		return wait, true
	}
	return max(d, 0), false
}

// UsersFingerprint changes when a user is added, changed or deactivated.
func UsersFingerprint(users []client.User) string {
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, "%s|%s|%t|%d\n", u.ID, u.LastModified.Format(time.RFC3339Nano), u.Active, len(u.Groups))
	}
	return b.String()
}
