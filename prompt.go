package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/docker-scim/docker-scim/client"
)

// prompter asks plain questions on out and reads one answer per line from
// in. It never redraws, animates or moves the cursor, so a screen reader
// can follow it. A nil *prompter is the no-input mode: every question
// records the flag that answers it instead of asking.
type prompter struct {
	in  *bufio.Reader
	out io.Writer
	// tty is the terminal stdin is on, for hidden secret input; nil when
	// stdin is a pipe or a file.
	tty *os.File
}

// newPrompter reads answers from stdin; a terminal stdin gets hidden input
// for secrets.
func newPrompter(stdin *os.File, in *bufio.Reader, out io.Writer) *prompter {
	p := &prompter{in: in, out: out}
	if isTerminal(stdin) {
		p.tty = stdin
	}
	return p
}

// errNoAnswer means stdin ended before the question was answered.
var errNoAnswer = errors.New("stdin ended before this question was answered")

// readLine reads one line, giving up when ctx is cancelled (Ctrl+C).
func readLine(ctx context.Context, r *bufio.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := r.ReadString('\n')
		ch <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		return "", errInterrupted
	case res := <-ch:
		line := strings.TrimRight(res.line, "\r\n")
		if res.err == io.EOF && line != "" {
			return line, nil
		}
		if res.err == io.EOF {
			return "", errNoAnswer
		}
		return line, res.err
	}
}

// ask prints question and reads a non-empty answer; flag names the flag or
// environment variable that answers it without a prompt.
func (p *prompter) ask(ctx context.Context, question, flag string) (string, error) {
	for {
		fmt.Fprintf(p.out, "%s: ", question)
		line, err := readLine(ctx, p.in)
		if errors.Is(err, errNoAnswer) {
			fmt.Fprintln(p.out)
			return "", &missingInput{items: []string{flag}}
		}
		if err != nil {
			return "", err
		}
		if v := strings.TrimSpace(line); v != "" {
			return v, nil
		}
		fmt.Fprintln(p.out, "An answer is needed here.")
	}
}

// askSecret reads a secret: hidden when stdin is a terminal, else one line.
func (p *prompter) askSecret(ctx context.Context, question, flag string) (client.Secret, error) {
	if p.tty == nil {
		v, err := p.ask(ctx, question, flag)
		return client.NewSecret(v), err
	}
	fmt.Fprintf(p.out, "%s (input hidden): ", question)
	state, err := term.GetState(p.tty.Fd())
	if err != nil {
		return client.Secret{}, fmt.Errorf("read the secret from the terminal: %w", err)
	}
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(p.tty.Fd())
		ch <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		// Ctrl+C while typing: turn echo back on before leaving.
		_ = term.Restore(p.tty.Fd(), state)
		fmt.Fprintln(p.out)
		return client.Secret{}, errInterrupted
	case res := <-ch:
		fmt.Fprintln(p.out)
		if res.err != nil {
			return client.Secret{}, fmt.Errorf("read the secret from the terminal: %w", res.err)
		}
		return client.NewSecret(strings.TrimSpace(string(res.b))), nil
	}
}

// choose lists options numbered from 1 and reads a number, or an answer
// that match accepts (an id or a name); it returns the chosen index.
func (p *prompter) choose(ctx context.Context, question string, options []string, flag string, match func(string) (int, bool)) (int, error) {
	for i, o := range options {
		fmt.Fprintf(p.out, "  %d. %s\n", i+1, o)
	}
	for {
		answer, err := p.ask(ctx, question+" [1-"+strconv.Itoa(len(options))+"]", flag)
		if err != nil {
			return 0, err
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(options) {
			return n - 1, nil
		}
		if i, ok := match(answer); ok {
			return i, nil
		}
		fmt.Fprintf(p.out, "%q is not one of the choices: type a number from 1 to %d.\n", answer, len(options))
	}
}

// readAgain asks whether to read Docker again: Enter reads again, d (or no
// answer) ends the step.
func (p *prompter) readAgain(ctx context.Context) (bool, error) {
	return p.either(ctx, "Press Enter to check again, or type d and Enter when done: ", "Press Enter, or type d.",
		[]string{""}, []string{"d", "done", "q"})
}

// confirmStep waits for Enter ("done") or "s" ("skip"); it returns true
// when the admin says the step is done.
func (p *prompter) confirmStep(ctx context.Context) (bool, error) {
	return p.either(ctx, "Press Enter when done, or type s and Enter to skip: ", "Press Enter, or type s to skip.",
		[]string{"", "y", "yes", "done"}, []string{"s", "skip", "n", "no"})
}

// either asks question until the answer is one of yes (true) or no (false),
// saying again after any other answer; no answer at all (the input ended)
// counts as no.
func (p *prompter) either(ctx context.Context, question, again string, yes, no []string) (bool, error) {
	for {
		fmt.Fprint(p.out, question)
		line, err := readLine(ctx, p.in)
		if errors.Is(err, errNoAnswer) {
			fmt.Fprintln(p.out)
			return false, nil
		}
		if err != nil {
			return false, err
		}
		answer := strings.ToLower(strings.TrimSpace(line))
		switch {
		case slices.Contains(yes, answer):
			return true, nil
		case slices.Contains(no, answer):
			return false, nil
		}
		fmt.Fprintln(p.out, again)
	}
}
