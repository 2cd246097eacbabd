package testwait

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestRecvReturnsTheValue(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	if got := Recv(t, "seven", ch); got != 7 {
		t.Fatalf("Recv = %d, want 7", got)
	}
}

func TestDoReturnsWhenTheWaitEnds(t *testing.T) {
	ran := false
	Do(t, "a quick wait", func() { ran = true })
	if !ran {
		t.Fatal("Do returned before its wait ran")
	}
}

func TestRecvFailsNamingWhatItWaitedFor(t *testing.T) {
	r := &recorder{TB: t}
	recv(r, "the answer", make(chan int), time.Millisecond)
	if !strings.Contains(r.failed, "the answer") {
		t.Fatalf("Recv on a silent channel failed with %q, want it to name what it waited for", r.failed)
	}
}
