package tea

// docker-scim patch test: the renderer draws only when something changed.
// It runs in a testing/synctest bubble, so time is virtual: a minute of
// idling passes at once and every tick the renderer would take is counted.

import (
	"io"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// countingRenderer counts the renderer loop's draws (flush(false)).
type countingRenderer struct {
	nilRenderer
	draws atomic.Int64
}

func (r *countingRenderer) flush(closing bool) error {
	if !closing {
		r.draws.Add(1)
	}
	return nil
}

type bumpMsg struct{}

// counterModel shows how many bumpMsg it got.
type counterModel struct{ n int }

func (m counterModel) Init() Cmd { return nil }

func (m counterModel) Update(msg Msg) (Model, Cmd) {
	if _, ok := msg.(bumpMsg); ok {
		m.n++
	}
	return m, nil
}

func (m counterModel) View() View { return NewView(string(rune('a' + m.n%26))) }

func TestRendererDoesNotWakeWhenIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &countingRenderer{}
		p := NewProgram(counterModel{}, WithInput(nil), WithOutput(io.Discard), WithFPS(120), WithoutSignalHandler(), WithWindowSize(80, 24))
		p.renderer = r
		done := make(chan error, 1)
		go func() { _, err := p.Run(); done <- err }()
		// Started and the first frame drawn; two frame intervals later the
		// start-up messages' frames are drawn too and the renderer sleeps.
		synctest.Wait()
		time.Sleep(2 * time.Second / 120)
		synctest.Wait()
		if r.draws.Load() == 0 {
			t.Fatal("no first frame")
		}

		idle := r.draws.Load()
		time.Sleep(time.Minute) // 7,200 frame intervals at 120 fps
		synctest.Wait()
		if got := r.draws.Load() - idle; got != 0 {
			t.Fatalf("the renderer woke %d times in an idle minute, want 0", got)
		}

		// A change is drawn at once, without waiting for a tick.
		p.Send(bumpMsg{})
		synctest.Wait()
		if got := r.draws.Load() - idle; got != 1 {
			t.Fatalf("%d draws right after a change, want 1 (drawn at once)", got)
		}
		time.Sleep(2 * time.Second / 120)
		synctest.Wait()

		// A burst inside one frame interval collapses into one more frame:
		// WithFPS stays the ceiling.
		before := r.draws.Load()
		for range 50 {
			p.Send(bumpMsg{})
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if got := r.draws.Load() - before; got < 1 || got > 2 {
			t.Fatalf("%d draws for a burst of 50 changes, want 1 or 2", got)
		}

		p.Quit()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
