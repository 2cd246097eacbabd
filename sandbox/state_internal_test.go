package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker-scim/docker-scim/internal/testwait"
)

// TestSaveGroupsConcurrentChanges: changes made while a snapshot is being
// written share the next snapshot: 20 waiting writers cost one more write,
// not 20.
func TestSaveGroupsConcurrentChanges(t *testing.T) {
	s, err := Open(WithState(filepath.Join(t.TempDir(), "state.json")))
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	first := true
	s.saver.mu.Lock()
	s.saver.beforeWrite = func() {
		if first { // only the writer goroutine runs the hook
			first = false
			close(entered)
			<-release
		}
	}
	before, asked := s.saver.writes, s.saver.want
	s.saver.mu.Unlock()

	const waiters = 20
	var wg sync.WaitGroup
	errs := make(chan error, waiters+1)
	wg.Go(func() { errs <- s.save() })
	testwait.Recv(t, "the writer to start writing", entered)
	for range waiters {
		wg.Go(func() { errs <- s.save() })
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		s.saver.mu.Lock()
		queued := s.saver.want - asked
		s.saver.mu.Unlock()
		if queued == waiters+1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %d saves to queue behind the writer; %d did", waiters, queued-1)
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	testwait.Do(t, "the queued saves to finish", wg.Wait)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := s.saver.writes - before; got != 2 {
		t.Fatalf("%d snapshots written for 1 + %d changes, want 2 (the held one and one for all that waited)", got, waiters)
	}
}

// TestLogCompactsWhenItOutgrowsTheSnapshot: once the appended lines are
// larger than the snapshot, the next write replaces the file with a fresh
// snapshot (one line), and nothing is lost.
func TestLogCompactsWhenItOutgrowsTheSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := Open(WithState(path))
	if err != nil {
		t.Fatal(err)
	}
	s.saver.compactAt = 1 // compact as soon as the log outgrows the snapshot
	lines := func() int {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(data, []byte("\n"))
	}
	before := len(s.st.Audit)
	grew := 0
	for i := range 10000 {
		s.st.mu.Lock()
		s.st.audit("test", "test.event", fmt.Sprint("event-", i), strings.Repeat("x", 200), nil)
		s.st.mu.Unlock()
		if err := s.save(); err != nil {
			t.Fatal(err)
		}
		n := lines()
		if n > 1 {
			grew = n
			continue
		}
		if grew == 0 {
			t.Fatal("the first change did not append a line")
		}
		again, err := Open(WithState(path))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(again.st.Audit); got != before+i+1 {
			t.Fatalf("after compaction %d audit events, want %d", got, before+i+1)
		}
		return
	}
	t.Fatalf("the log never compacted (%d lines)", grew)
}

// BenchmarkStateWriteByOrgSize reports the cost of saving one changed user
// with --state on, for orgs of 100, 1,000 and 10,000 members (and as many
// connections): a write encodes and appends only what changed, so the time
// and the bytes appended per write stay flat as the org grows.
func BenchmarkStateWriteByOrgSize(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "state.json")
			s, err := Open(WithState(path), WithScale(n))
			if err != nil {
				b.Fatal(err)
			}
			u := s.st.Users[len(s.st.Users)/2]
			i := 0
			for b.Loop() {
				s.st.mu.Lock()
				u.GivenName = fmt.Sprint("Renamed ", i)
				s.st.changedUser(u)
				s.st.mu.Unlock()
				if err := s.save(); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(s.saver.written.logSize)/float64(b.N), "B/write")
		})
	}
}

// TestFailedWriteIsFollowedByASnapshot: after a write fails (here the
// state file was replaced by a directory), the next write is a fresh
// snapshot holding every change, the one whose write failed included,
// instead of appending after a line that may be torn or missing.
func TestFailedWriteIsFollowedByASnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	s, err := Open(WithState(path))
	if err != nil {
		t.Fatal(err)
	}
	rename := func(u *user, name string) {
		s.st.mu.Lock()
		u.GivenName = name
		s.st.changedUser(u)
		s.st.mu.Unlock()
	}
	first, second := s.st.Users[0], s.st.Users[1]
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	rename(first, "Lost-Then-Saved")
	if err := s.save(); err == nil {
		t.Fatal("a write into a directory succeeded")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	rename(second, "Saved")
	if err := s.save(); err != nil {
		t.Fatalf("the write after a failed one: %v", err)
	}
	again, err := Open(WithState(path))
	if err != nil {
		t.Fatal(err)
	}
	if got := again.st.byID[first.ID].GivenName; got != "Lost-Then-Saved" {
		t.Fatalf("the change whose write failed was lost: %q", got)
	}
	if got := again.st.byID[second.ID].GivenName; got != "Saved" {
		t.Fatalf("the later change was lost: %q", got)
	}
}
