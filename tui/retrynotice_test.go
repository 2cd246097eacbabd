package tui

import (
	"strings"
	"testing"

	"github.com/docker-scim/docker-scim/client"
)

// TestRetryNoticeIsShown: a retry the client makes (a stall, a 503, a rate
// limit) shows as the screen's notice while the screen waits, so a long
// wait is never silent; the wizard then listens for the next one.
func TestRetryNoticeIsShown(t *testing.T) {
	notices := make(chan client.RetryNotice, 2)
	notices <- client.RetryNotice{Op: "list SSO connections", Attempt: 2, Cause: "no answer in time"}
	notices <- client.RetryNotice{Op: "list SSO connections", Attempt: 3, Cause: "rate limited: the server asked to wait 20s", RateLimited: true}
	close(notices)
	cfg := testConfig(nil, nil)
	cfg.RetryNotices = notices
	d := newDriver(t, cfg, 120, 40)
	got := flat(d.screen())
	if !strings.Contains(got, "Waiting for Docker's rate limit, then trying again to list SSO connections (attempt 3): rate limited: the server asked to wait 20s.") {
		t.Fatalf("the last retry notice is not shown:\n%s", d.screen())
	}
}
