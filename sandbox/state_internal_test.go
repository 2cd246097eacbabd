package sandbox

import (
	"path/filepath"
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
