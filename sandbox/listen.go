package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Running is a sandbox served on a loopback listener.
type Running struct {
	*Server
	// URL is the base address, e.g. http://127.0.0.1:41234.
	URL string
	srv *http.Server
	err chan error
}

// Start serves a new sandbox on addr, which must be a loopback address
// (127.0.0.1:0 picks a free port).
func Start(addr string, opts ...Option) (*Running, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("sandbox address %q: the sandbox only listens on loopback (127.0.0.1, ::1 or localhost)", addr)
	}
	s, err := Open(opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	run := &Running{
		Server: s,
		URL:    "http://" + ln.Addr().String(),
		srv:    &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		err:    make(chan error, 1),
	}
	go func() {
		err := run.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		run.err <- err
	}()
	return run, nil
}

// Shutdown stops accepting requests and waits for those in flight, up to ctx.
func (r *Running) Shutdown(ctx context.Context) error {
	if err := r.srv.Shutdown(ctx); err != nil {
		return err
	}
	return <-r.err
}
