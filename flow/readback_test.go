package flow

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
)

// TestAuditSummary sums the audit log by action and explains a token that
// may not read it.
func TestAuditSummary(t *testing.T) {
	log := []client.AuditLog{{Action: "team.member.add"}, {Action: "member.add"}, {Action: "team.member.add"}}
	if got, want := AuditSummary(log, nil), "Audit log since setup: 3 events: member.add ×1, team.member.add ×2."; got != want {
		t.Fatalf("AuditSummary = %q, want %q", got, want)
	}
	if got, want := AuditSummary(log[:1], nil), "Audit log since setup: 1 event: team.member.add ×1."; got != want {
		t.Fatalf("AuditSummary = %q, want %q", got, want)
	}
	if got := AuditSummary(nil, &client.Error{Op: "read the audit log of moby", Kind: client.KindForbidden, Status: 403}); !strings.Contains(got, "scope-activity-read") {
		t.Fatalf("AuditSummary for a 403 = %q", got)
	}
	if got := AuditSummary(nil, nil); got != "" {
		t.Fatalf("AuditSummary with no events = %q", got)
	}
}

func TestPollSchedulingDecisions(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reset := now.Add(20 * time.Second)
	waitErr := &client.Error{Op: "read back the SCIM users", Kind: client.KindRateLimited, RetryAfter: 40 * time.Second}
	for _, tc := range []struct {
		name      string
		interval  time.Duration
		lastStart time.Time
		rl        client.RateLimit
		need      int
		err       error
		want      time.Duration
		limited   bool
	}{
		{"first poll", 0, time.Time{}, client.RateLimit{}, 1, nil, 0, false},
		{"right after a poll", 0, now.Add(-500 * time.Millisecond), client.RateLimit{}, 1, nil, 1500 * time.Millisecond, false},
		{"long after a poll", 0, now.Add(-time.Minute), client.RateLimit{}, 1, nil, 0, false},
		{"backoff", 8 * time.Second, now, client.RateLimit{}, 1, nil, 8 * time.Second, false},
		{"plenty left", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 50, Reset: reset}, 1, nil, 2 * time.Second, false},
		{"under 10 % left", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 3, Reset: reset}, 1, nil, 20 * time.Second, true},
		{"fewer left than the poll needs", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 50, Reset: reset}, 51, nil, 20 * time.Second, true},
		{"as many left as the poll needs", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 51, Reset: reset}, 51, nil, 2 * time.Second, false},
		{"rate-limit error", 2 * time.Second, now, client.RateLimit{}, 1, waitErr, 40 * time.Second, true},
		{"other error", 4 * time.Second, now, client.RateLimit{}, 1, errors.New("boom"), 4 * time.Second, false},
		{"window already reset", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 0, Reset: now.Add(-time.Second)}, 1, nil, 2 * time.Second, false},
		{"no limit reported", 2 * time.Second, now, client.RateLimit{Remaining: 0, Reset: reset}, 1, nil, 2 * time.Second, false},
	} {
		if got, limited := PollDelay(tc.interval, tc.lastStart, tc.rl, tc.need, tc.err, now); got != tc.want || limited != tc.limited {
			t.Errorf("%s: PollDelay = %v, %v; want %v, %v", tc.name, got, limited, tc.want, tc.limited)
		}
	}
	for _, tc := range []struct {
		prev    time.Duration
		changed bool
		want    time.Duration
	}{
		{0, false, MinPoll}, {2 * time.Second, false, 4 * time.Second}, {16 * time.Second, false, MaxPoll},
		{MaxPoll, false, MaxPoll}, {MaxPoll, true, MinPoll},
	} {
		if got := NextInterval(tc.prev, tc.changed); got != tc.want {
			t.Errorf("NextInterval(%v, %t) = %v, want %v", tc.prev, tc.changed, got, tc.want)
		}
	}
}
