// Command harness measures docker-scim next to a minimal Bubble Tea v2
// program (bench/baseline) on a pseudo-terminal: time to first frame, key
// to frame, peak RSS and idle CPU. It prints a Markdown table with each
// ratio and its target. It reports; it never fails on a missed target (exit
// status 1 means a measurement could not be made).
//
// It measures what a user feels. The two programs run pair by pair,
// interleaved (A B, then B A, …), so a change in the machine's load hits
// both alike. Keys go out at a random moment (a random 0–50 ms after the
// screen settled), not right after a frame, so key to frame includes the
// wait for the renderer's next tick when there is one. Idle CPU is measured
// one process at a time, each alone on its idle screen for the whole
// window. With -load N, N processes keep a CPU busy each for the whole run
// (the loaded mode: every CPU of a 2-CPU machine busy).
//
//	go run ./bench/harness -app ./docker-scim -baseline ./baseline [-load 2]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
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
const timeout = 20 * time.Second

// burnFlag makes the harness a CPU burner (the loaded mode's load).
const burnFlag = "-burn"

func main() {
	if len(os.Args) == 2 && os.Args[1] == burnFlag {
		burn()
	}
	app := flag.String("app", "", "path to the docker-scim binary")
	baseline := flag.String("baseline", "", "path to the baseline binary (bench/baseline)")
	upstream := flag.String("app-upstream", "", "optional: docker-scim built with upstream Bubble Tea (GOWORK=off, as go install builds it), for an idle CPU row")
	runs := flag.Int("runs", 20, "pairs of runs for first frame, key to frame and peak RSS")
	idle := flag.Duration("idle", 30*time.Second, "idle CPU window per process")
	idleRuns := flag.Int("idle-runs", 3, "idle CPU samples per program, one process at a time; the median is reported (0: no idle CPU)")
	load := flag.Int("load", 0, "CPU burner processes to run during the measurements (0: quiet mode)")
	flag.Parse()
	if *app == "" || *baseline == "" {
		fmt.Fprintln(os.Stderr, "usage: harness -app PATH -baseline PATH [-app-upstream PATH] [-runs N] [-idle D] [-idle-runs N] [-load N]")
		os.Exit(2)
	}
	stop, err := startLoad(*load)
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
	a, b := wizard("docker-scim", *app), base(*baseline)
	ra, rb, err := measurePairs(a, b, *runs)
	if err == nil {
		err = measureIdle([]*program{a, b}, map[*program]*result{a: ra, b: rb}, *idle, *idleRuns)
	}
	var rUp *result
	if err == nil && *upstream != "" {
		up := wizard("docker-scim (upstream renderer)", *upstream)
		rUp = &result{}
		err = measureIdle([]*program{up}, map[*program]*result{up: rUp}, *idle, *idleRuns)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
	report(os.Stdout, ra, rb, rUp, *load, *runs, *idle, *idleRuns)
}

// burn keeps one CPU busy until killed.
func burn() {
	x := 0
	for {
		x++
	}
}

// startLoad starts n burner processes (the harness itself with -burn);
// stop kills them.
func startLoad(n int) (stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var procs []*exec.Cmd
	stop = func() {
		for _, p := range procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
	for range n {
		p := exec.Command(self, burnFlag)
		if err := p.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("start a CPU burner: %w", err)
		}
		procs = append(procs, p)
	}
	return stop, nil
}

// wizard is docker-scim --sandbox, copying through OSC 52, with a fresh
// HOME per run; its idle screen is the IdP checklist.
func wizard(name, path string) *program {
	return &program{
		name: name,
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
	// firstCPU is the CPU time used by the first frame (read just after).
	firstCPU   []time.Duration
	rssKB      []int64
	idleCPU    []float64 // percent of one core
	idleScreen string
}

// measurePairs runs a and b runs times each, pair by pair, alternating
// which goes first.
func measurePairs(a, b *program, runs int) (ra, rb *result, err error) {
	ra, rb = &result{idleScreen: a.idleScreen}, &result{idleScreen: b.idleScreen}
	for i := range runs {
		order := []struct {
			p *program
			r *result
		}{{a, ra}, {b, rb}}
		if i%2 == 1 {
			slices.Reverse(order)
		}
		for _, o := range order {
			if err := measureRun(o.p, o.r); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", o.p.name, err)
			}
		}
	}
	return ra, rb, nil
}

// randomMoment waits a random 0–50 ms: a key then lands anywhere between
// two frames, as a person's does.
func randomMoment() { time.Sleep(time.Duration(rand.Int64N(int64(50 * time.Millisecond)))) }

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
	// The CPU the program burnt to get there: unlike the wall time, it
	// hardly depends on how busy the machine is.
	cpu, err := cpuTime(s.cmd.Process.Pid)
	if err != nil {
		s.kill()
		return err
	}
	r.firstCPU = append(r.firstCPU, cpu)
	ready, err := s.waitText(p.ready, timeout)
	if err != nil {
		s.kill()
		return fmt.Errorf("list: %w", err)
	}
	r.firstFrame = append(r.firstFrame, first.Sub(s.start))
	r.ready = append(r.ready, ready.Sub(s.start))
	for _, k := range []struct{ key, seen string }{{"j", p.downSeen}, {"k", p.upSeen}} {
		randomMoment()
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

// measureIdle takes n idle CPU samples of each program, one process at a
// time, interleaving the programs: each process is brought to its idle
// screen, left alone for the window, and its CPU time read before and
// after.
func measureIdle(progs []*program, results map[*program]*result, window time.Duration, n int) error {
	for i := range n {
		order := slices.Clone(progs)
		if i%2 == 1 {
			slices.Reverse(order)
		}
		for _, p := range order {
			cpu, err := idleOnce(p, window)
			if err != nil {
				return fmt.Errorf("%s: idle: %w", p.name, err)
			}
			results[p].idleCPU = append(results[p].idleCPU, cpu)
		}
	}
	return nil
}

// idleOnce is one process's CPU use on its idle screen over window, in
// percent of one core.
func idleOnce(p *program, window time.Duration) (float64, error) {
	env, cleanup, err := p.env()
	if err != nil {
		return 0, err
	}
	defer cleanup()
	s, err := spawn(p.argv, env, 100, 30)
	if err != nil {
		return 0, err
	}
	defer s.kill()
	if _, err := s.waitText(p.ready, timeout); err != nil {
		return 0, err
	}
	if err := p.toIdle(s); err != nil {
		return 0, err
	}
	// Let the last screen's work (saving progress, a spinner stopping)
	// settle before the window opens.
	time.Sleep(time.Second)
	before, err := cpuTime(s.cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	time.Sleep(window)
	elapsed := time.Since(start)
	after, err := cpuTime(s.cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	return 100 * float64(after-before) / float64(elapsed), nil
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
func report(w *os.File, app, baseline, upstream *result, load, runs int, idle time.Duration, idleRuns int) {
	mode := "quiet"
	if load > 0 {
		mode = fmt.Sprintf("loaded (%d CPU burners running)", load)
	}
	fmt.Fprintf(w, "Pseudo-terminal 100×30, %s: medians of %d interleaved pairs of runs (first frame; key to frame: 2 keys per run at a random moment; peak RSS)", mode, runs)
	if idleRuns > 0 {
		fmt.Fprintf(w, "; idle CPU: median of %d samples per program, one process at a time, %s each (docker-scim on the %s screen, the baseline on %s)",
			idleRuns, idle, app.idleScreen, baseline.idleScreen)
	}
	fmt.Fprint(w, ".\n\n")
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
	fc, bc := median(app.firstCPU), median(baseline.firstCPU)
	fmt.Fprintf(w, "| CPU time to first frame (informational) | %s | %s | %.2f× | — | — |\n", ms(fc), ms(bc), float64(fc)/float64(bc))
	kf, bk := median(app.key), median(baseline.key)
	row("key to frame (random moment)", ms(kf), ms(bk), float64(kf)/float64(bk), "0.65×", 0.65)
	ar, br := median(app.rssKB), median(baseline.rssKB)
	row("peak RSS", fmt.Sprintf("%.1f MB", float64(ar)/1024), fmt.Sprintf("%.1f MB", float64(br)/1024), float64(ar)/float64(br), "3×", 3)
	if idleRuns > 0 {
		ac, bc := median(app.idleCPU), median(baseline.idleCPU)
		met := "yes"
		if ac > 0.5 {
			met = fmt.Sprintf("**no** (%.2f points over)", ac-0.5)
		}
		fmt.Fprintf(w, "| idle CPU, one process | %.3f %% | %.3f %% | — | ≤ 0.5 %% | %s |\n", ac, bc, met)
		if upstream != nil {
			fmt.Fprintf(w, "| idle CPU, docker-scim with upstream Bubble Tea (as `go install` builds it) | %.3f %% | — | — | — | — |\n", median(upstream.idleCPU))
		}
	}
	fmt.Fprintf(w, "| list loaded (informational) | %s | %s | %.2f× | — | — |\n", ms(median(app.ready)), ms(median(baseline.ready)), float64(median(app.ready))/float64(median(baseline.ready)))
	fmt.Fprintf(w, "\nRanges: first frame docker-scim %s–%s, baseline %s–%s; key to frame docker-scim %s–%s, baseline %s–%s",
		ms(slices.Min(app.firstFrame)), ms(slices.Max(app.firstFrame)), ms(slices.Min(baseline.firstFrame)), ms(slices.Max(baseline.firstFrame)),
		ms(slices.Min(app.key)), ms(slices.Max(app.key)), ms(slices.Min(baseline.key)), ms(slices.Max(baseline.key)))
	if idleRuns > 0 {
		fmt.Fprintf(w, "; idle CPU docker-scim %.3f–%.3f %%, baseline %.3f–%.3f %%",
			slices.Min(app.idleCPU), slices.Max(app.idleCPU), slices.Min(baseline.idleCPU), slices.Max(baseline.idleCPU))
	}
	fmt.Fprintln(w, ".")
}
