// Command harness measures docker-scim next to a minimal Bubble Tea v2
// program (bench/baseline) on a pseudo-terminal, in the same run: time to
// first frame, key to frame, peak RSS and idle CPU. It prints a Markdown
// table with each ratio and its target. It reports; it never fails on a
// missed target (exit status 1 means a measurement could not be made).
//
//	go run ./bench/harness -app ./docker-scim -baseline ./baseline
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
)

// program is one binary under test and the screens the harness looks for.
type program struct {
	name string
	argv []string
	// env returns the environment for one run (a fresh HOME for the wizard,
	// so no saved progress carries over between runs).
	env func() ([]string, func(), error)
	// firstFrame is text of the first frame; ready is text that shows once
	// the program's list is loaded.
	firstFrame, ready string
	// downSeen and upSeen show the cursor after j and after k.
	downSeen, upSeen string
	// toIdle brings a fresh session to the screen idle CPU is measured on.
	toIdle func(s *session) error
	// idleScreen names that screen in the report.
	idleScreen string
}

// timeout bounds every wait for a screen.
const timeout = 10 * time.Second

func main() {
	app := flag.String("app", "", "path to the docker-scim binary")
	baseline := flag.String("baseline", "", "path to the baseline binary (bench/baseline)")
	runs := flag.Int("runs", 20, "runs per program for first frame, key to frame and peak RSS")
	idle := flag.Duration("idle", 10*time.Second, "idle CPU window")
	idleProcs := flag.Int("idle-procs", 20, "processes per program idling at once; the median is reported")
	mode := flag.String("mode", "full", "label for the report: full, or quick (CI: fewer runs, shorter idle)")
	flag.Parse()
	if *app == "" || *baseline == "" {
		fmt.Fprintln(os.Stderr, "usage: harness -app PATH -baseline PATH [-runs N] [-idle D] [-idle-procs N]")
		os.Exit(2)
	}
	progs := []*program{wizard(*app), base(*baseline)}
	results := map[string]*result{}
	for _, p := range progs {
		r, err := measure(p, *runs, *idle, *idleProcs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "harness: %s: %v\n", p.name, err)
			os.Exit(1)
		}
		results[p.name] = r
	}
	report(os.Stdout, results["docker-scim"], results["baseline"], *mode, *runs, *idle, *idleProcs)
}

// wizard is docker-scim --sandbox, copying through OSC 52, with a fresh
// HOME per run; its idle screen is the IdP checklist.
func wizard(path string) *program {
	return &program{
		name: "docker-scim",
		argv: []string{path, "--sandbox"},
		env: func() ([]string, func(), error) {
			home, err := os.MkdirTemp("", "docker-scim-bench-")
			if err != nil {
				return nil, nil, err
			}
			return []string{"HOME=" + home, "XDG_STATE_HOME=" + home + "/state", "DOCKER_SCIM_CLIPBOARD=osc52", "TERM=xterm-256color"},
				func() { os.RemoveAll(home) }, nil
		},
		firstFrame: "Step 1 of",
		ready:      "OneLogin SAML",
		downSeen:   "> Entra ID SAML",
		upSeen:     "> Okta SAML",
		toIdle:     func(s *session) error { return enterUntil(s, "IdP checklist") },
		idleScreen: "IdP checklist",
	}
}

// base is the minimal Bubble Tea v2 list at its default frame rate.
func base(path string) *program {
	return &program{
		name:       "baseline",
		argv:       []string{path},
		env:        func() ([]string, func(), error) { return []string{"TERM=xterm-256color"}, func() {}, nil },
		firstFrame: "Item 3",
		ready:      "Item 5",
		downSeen:   "> Item 2",
		upSeen:     "> Item 1",
		toIdle:     func(*session) error { return nil },
		idleScreen: "its list",
	}
}

// stepTitle matches the wizard's "Step N of M: <title>" header.
var stepTitle = regexp.MustCompile(`Step \d+ of \d+: ([^\n]+)`)

// enterUntil presses enter screen after screen until the step titled want
// is shown; a press that changes nothing (a screen still loading) is
// repeated.
func enterUntil(s *session, want string) error {
	for range 30 {
		sc := s.screen()
		m := stepTitle.FindStringSubmatch(sc)
		if m != nil && strings.TrimSpace(m[1]) == want {
			return nil
		}
		title := ""
		if m != nil {
			title = m[1]
		}
		_, err := s.sendAndWait("\r", "the next step", func(n string) bool {
			m := stepTitle.FindStringSubmatch(n)
			return m != nil && m[1] != title
		}, 2*time.Second)
		if err != nil && !strings.HasPrefix(err.Error(), "no ") {
			return err
		}
	}
	return fmt.Errorf("did not reach %q; screen:\n%s", want, s.screen())
}

// result holds one program's samples.
type result struct {
	firstFrame, ready, key []time.Duration
	rssKB                  []int64
	idleCPU                []float64 // percent of one core
	idleScreen             string
}

// measure runs p runs times for the frame, key and RSS samples, then idles
// idleProcs copies at once on the idle screen for the idle CPU samples.
func measure(p *program, runs int, idle time.Duration, idleProcs int) (*result, error) {
	r := &result{idleScreen: p.idleScreen}
	for range runs {
		if err := measureRun(p, r); err != nil {
			return nil, err
		}
	}
	cpu, err := measureIdle(p, idle, idleProcs)
	if err != nil {
		return nil, err
	}
	r.idleCPU = cpu
	return r, nil
}

func measureRun(p *program, r *result) error {
	env, cleanup, err := p.env()
	if err != nil {
		return err
	}
	defer cleanup()
	s, err := spawn(p.argv, env, 100, 30)
	if err != nil {
		return err
	}
	first, err := s.waitText(p.firstFrame, timeout)
	if err != nil {
		s.kill()
		return fmt.Errorf("first frame: %w", err)
	}
	ready, err := s.waitText(p.ready, timeout)
	if err != nil {
		s.kill()
		return fmt.Errorf("list: %w", err)
	}
	r.firstFrame = append(r.firstFrame, first.Sub(s.start))
	r.ready = append(r.ready, ready.Sub(s.start))
	for _, k := range []struct{ key, seen string }{{"j", p.downSeen}, {"k", p.upSeen}} {
		sent := time.Now()
		at, err := s.sendAndWait(k.key, fmt.Sprintf("%q after %s", k.seen, k.key), func(sc string) bool { return strings.Contains(sc, k.seen) }, timeout)
		if err != nil {
			s.kill()
			return fmt.Errorf("key to frame: %w", err)
		}
		r.key = append(r.key, at.Sub(sent))
	}
	rss, err := s.peakRSS()
	if err != nil {
		s.kill()
		return err
	}
	r.rssKB = append(r.rssKB, rss)
	if _, err := s.send("q"); err != nil {
		s.kill()
		return err
	}
	if err := s.wait(timeout); err != nil {
		return fmt.Errorf("quit with q: %w", err)
	}
	return nil
}

// measureIdle starts n copies, brings each to its idle screen, and then
// measures the CPU each uses over the same window.
func measureIdle(p *program, window time.Duration, n int) ([]float64, error) {
	var sessions []*session
	var cleanups []func()
	defer func() {
		for _, s := range sessions {
			s.kill()
		}
		for _, c := range cleanups {
			c()
		}
	}()
	for range n {
		env, cleanup, err := p.env()
		if err != nil {
			return nil, err
		}
		cleanups = append(cleanups, cleanup)
		s, err := spawn(p.argv, env, 100, 30)
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, s)
		if _, err := s.waitText(p.ready, timeout); err != nil {
			return nil, fmt.Errorf("idle setup: %w", err)
		}
		if err := p.toIdle(s); err != nil {
			return nil, fmt.Errorf("idle setup: %w", err)
		}
	}
	// Let the last screen's work (saving progress, a spinner stopping)
	// settle before the window opens.
	time.Sleep(500 * time.Millisecond)
	before := make([]time.Duration, len(sessions))
	for i, s := range sessions {
		t, err := cpuTime(s.cmd.Process.Pid)
		if err != nil {
			return nil, err
		}
		before[i] = t
	}
	start := time.Now()
	time.Sleep(window)
	elapsed := time.Since(start)
	var cpu []float64
	for i, s := range sessions {
		t, err := cpuTime(s.cmd.Process.Pid)
		if err != nil {
			return nil, err
		}
		cpu = append(cpu, 100*float64(t-before[i])/float64(elapsed))
	}
	return cpu, nil
}

// median of xs (sorted copy).
func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// report prints the Markdown table: medians, ratios and targets.
func report(w *os.File, app, baseline *result, mode string, runs int, idle time.Duration, idleProcs int) {
	fmt.Fprintf(w, "Pseudo-terminal 100×30, %s mode: medians of %d runs each (first frame, key to frame: 2 keys per run, peak RSS); idle CPU: median of %d processes idling at once for %s (docker-scim on the %s screen, the baseline on %s).\n\n",
		mode, runs, idleProcs, idle, app.idleScreen, baseline.idleScreen)
	fmt.Fprintln(w, "| metric | docker-scim | baseline | ratio | target | met |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	row := func(metric, a, b string, ratio float64, target string, limit float64) {
		met := "yes"
		if ratio > limit {
			met = fmt.Sprintf("**no** (%.0f%% over)", 100*(ratio/limit-1))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.2f× | ≤ %s | %s |\n", metric, a, b, ratio, target, met)
	}
	ff, bf := median(app.firstFrame), median(baseline.firstFrame)
	row("time to first frame", ms(ff), ms(bf), float64(ff)/float64(bf), "1.10×", 1.10)
	kf, bk := median(app.key), median(baseline.key)
	row("key to frame", ms(kf), ms(bk), float64(kf)/float64(bk), "0.65×", 0.65)
	ar, br := median(app.rssKB), median(baseline.rssKB)
	row("peak RSS", fmt.Sprintf("%.1f MB", float64(ar)/1024), fmt.Sprintf("%.1f MB", float64(br)/1024), float64(ar)/float64(br), "3×", 3)
	ac, bc := median(app.idleCPU), median(baseline.idleCPU)
	met := "yes"
	if ac > 0.5 {
		met = fmt.Sprintf("**no** (%.2f points over)", ac-0.5)
	}
	fmt.Fprintf(w, "| idle CPU | %.2f %% | %.2f %% | — | ≤ 0.5 %% | %s |\n", ac, bc, met)
	fmt.Fprintf(w, "| list loaded (informational) | %s | %s | %.2f× | — | — |\n", ms(median(app.ready)), ms(median(baseline.ready)), float64(median(app.ready))/float64(median(baseline.ready)))
	fmt.Fprintf(w, "\nRanges: first frame docker-scim %s–%s, baseline %s–%s; key to frame docker-scim %s–%s, baseline %s–%s.\n",
		ms(slices.Min(app.firstFrame)), ms(slices.Max(app.firstFrame)), ms(slices.Min(baseline.firstFrame)), ms(slices.Max(baseline.firstFrame)),
		ms(slices.Min(app.key)), ms(slices.Max(app.key)), ms(slices.Min(baseline.key)), ms(slices.Max(baseline.key)))
}
