// Package testwait bounds what a test waits for. A wait that does not end
// within Timeout fails the test, naming what it waited for, instead of
// hanging until go test's own -timeout panics with a goroutine dump.
package testwait

import (
	"net/http"
	"testing"
	"time"
)

// Timeout is how long one wait may take: generous, because the suite must
// pass on a busy two-core machine, yet far below go test's 10 minutes.
const Timeout = 60 * time.Second

// HTTP is an HTTP client for tests: a request that gets no answer within
// Timeout fails with an error naming its URL instead of hanging the test.
var HTTP = &http.Client{Timeout: Timeout}

// Recv receives one value from ch, or fails t after Timeout.
func Recv[T any](t testing.TB, what string, ch <-chan T) T {
	t.Helper()
	return recv(t, what, ch, Timeout)
}

func recv[T any](t testing.TB, what string, ch <-chan T, timeout time.Duration) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(timeout):
		t.Fatalf("waited %s for %s; it never came", timeout, what)
		var zero T
		return zero
	}
}

// Do runs wait (e.g. a WaitGroup's Wait) and fails t when it has not
// returned after Timeout. wait keeps running in the background then.
func Do(t testing.TB, what string, wait func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait()
	}()
	Recv(t, what, done)
}
