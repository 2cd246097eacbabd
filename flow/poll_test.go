package flow

import (
	"strings"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/client"
)

func TestPollSchedulingDecisions(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reset := now.Add(20 * time.Second)
	for _, tc := range []struct {
		name      string
		interval  time.Duration
		lastStart time.Time
		rl        client.RateLimit
		want      time.Duration
	}{
		{"first poll", 0, time.Time{}, client.RateLimit{}, 0},
		{"right after a poll", 0, now.Add(-500 * time.Millisecond), client.RateLimit{}, 1500 * time.Millisecond},
		{"long after a poll", 0, now.Add(-time.Minute), client.RateLimit{}, 0},
		{"backoff", 8 * time.Second, now, client.RateLimit{}, 8 * time.Second},
		{"plenty left", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 50, Reset: reset}, 2 * time.Second},
		{"under 10 % left", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 3, Reset: reset}, 20 * time.Second},
		{"window already reset", 2 * time.Second, now, client.RateLimit{Limit: 100, Remaining: 0, Reset: now.Add(-time.Second)}, 2 * time.Second},
		{"no limit reported", 2 * time.Second, now, client.RateLimit{Remaining: 0, Reset: reset}, 2 * time.Second},
	} {
		if got := PollDelay(tc.interval, tc.lastStart, tc.rl, now); got != tc.want {
			t.Errorf("%s: PollDelay = %v, want %v", tc.name, got, tc.want)
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

// TestAuditSummary sums the audit log by action and explains a token that
// may not read it.
func TestAuditSummary(t *testing.T) {
	log := []client.AuditLog{{Action: "team.member.add"}, {Action: "member.add"}, {Action: "team.member.add"}}
	if got, want := AuditSummary(log, nil), "Audit log since setup: 3 event(s): member.add ×1, team.member.add ×2."; got != want {
		t.Fatalf("AuditSummary = %q, want %q", got, want)
	}
	if got := AuditSummary(nil, &client.Error{Op: "read the audit log of moby", Kind: client.KindForbidden, Status: 403}); !strings.Contains(got, "scope-activity-read") {
		t.Fatalf("AuditSummary for a 403 = %q", got)
	}
	if got := AuditSummary(nil, nil); got != "" {
		t.Fatalf("AuditSummary with no events = %q", got)
	}
}
