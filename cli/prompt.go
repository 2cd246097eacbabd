package cli

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

// Prompter asks the plain mode's questions. Each question names the flag
// (or environment variable) that answers it without a prompt, so the
// no-input implementation can say what is missing.
type Prompter interface {
	// Ask reads a non-empty answer.
	Ask(ctx context.Context, question, flag string) (string, error)
	// AskSecret reads a secret, hidden when stdin is a terminal.
	AskSecret(ctx context.Context, question, flag string) (client.Secret, error)
	// Choose lists options numbered from 1 and returns the chosen index; an
	// answer that match accepts (an id or a name) chooses too.
	Choose(ctx context.Context, question string, options []string, flag string, match func(string) (int, bool)) (int, error)
	// Either asks until the answer is one of yes (true) or no (false);
	// the end of input counts as no.
	Either(ctx context.Context, question, again string, yes, no []string) (bool, error)
	// CanAsk is false when nothing may be asked (--no-input).
	CanAsk() bool
}

// newPrompter is the line prompter on s, or the no-input one with
// --no-input.
func newPrompter(s *IO, out io.Writer) Prompter {
	if !s.CanPrompt() {
		return noInputPrompter{}
	}
	return &linePrompter{in: s.reader(), out: out, tty: s.stdinTerm}
}

// noInputPrompter is --no-input: every question fails with the flag that
// answers it (exit code 2), and every yes/no question is answered no.
type noInputPrompter struct{}

// Ask reports the flag as missing input.
func (noInputPrompter) Ask(_ context.Context, _, flag string) (string, error) {
	return "", &missingInput{items: []string{flag}}
}

// AskSecret reports the flag as missing input.
func (noInputPrompter) AskSecret(_ context.Context, _, flag string) (client.Secret, error) {
	return client.Secret{}, &missingInput{items: []string{flag}}
}

// Choose reports the flag as missing input.
func (noInputPrompter) Choose(_ context.Context, _ string, _ []string, flag string, _ func(string) (int, bool)) (int, error) {
	return 0, &missingInput{items: []string{flag}}
}

// Either answers no.
func (noInputPrompter) Either(context.Context, string, string, []string, []string) (bool, error) {
	return false, nil
}

// CanAsk is false: nothing is asked.
func (noInputPrompter) CanAsk() bool { return false }

// CanAsk is true: questions are asked and answered line by line.
func (p *linePrompter) CanAsk() bool { return true }

// linePrompter asks plain questions on out and reads one answer per line
// from in. It never redraws, animates or moves the cursor, so a screen
// reader can follow it.
type linePrompter struct {
	in  *bufio.Reader
	out io.Writer
	// tty is the terminal stdin is on, for hidden secret input; nil when
	// stdin is a pipe or a file.
	tty *os.File
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

// Ask prints question and reads a non-empty answer.
func (p *linePrompter) Ask(ctx context.Context, question, flag string) (string, error) {
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

// AskSecret reads a secret: hidden when stdin is a terminal, else one line.
func (p *linePrompter) AskSecret(ctx context.Context, question, flag string) (client.Secret, error) {
	if p.tty == nil {
		v, err := p.Ask(ctx, question, flag)
		return client.NewSecret(v), err
	}
	fmt.Fprintf(p.out, "%s (input hidden): ", question)
	b, err := readHidden(ctx, p.tty)
	fmt.Fprintln(p.out)
	if err != nil {
		return client.Secret{}, err
	}
	return client.NewSecret(strings.TrimSpace(string(b))), nil
}

// readHidden reads one line from the terminal tty with echo off, turning
// echo back on when ctx is cancelled (Ctrl+C) while typing.
func readHidden(ctx context.Context, tty *os.File) ([]byte, error) {
	state, err := term.GetState(tty.Fd())
	if err != nil {
		return nil, fmt.Errorf("read the secret from the terminal: %w", err)
	}
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(tty.Fd())
		ch <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		_ = term.Restore(tty.Fd(), state)
		return nil, errInterrupted
	case res := <-ch:
		if res.err != nil {
			return nil, fmt.Errorf("read the secret from the terminal: %w", res.err)
		}
		return res.b, nil
	}
}

// Choose lists options numbered from 1 and reads a number, or an answer
// that match accepts (an id or a name); it returns the chosen index.
func (p *linePrompter) Choose(ctx context.Context, question string, options []string, flag string, match func(string) (int, bool)) (int, error) {
	for i, o := range options {
		fmt.Fprintf(p.out, "  %d. %s\n", i+1, o)
	}
	for {
		answer, err := p.Ask(ctx, question+" [1-"+strconv.Itoa(len(options))+"]", flag)
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

// Either asks question until the answer is one of yes (true) or no (false),
// saying again after any other answer; no answer at all (the input ended)
// counts as no.
func (p *linePrompter) Either(ctx context.Context, question, again string, yes, no []string) (bool, error) {
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

// readAgain asks whether to read Docker again: Enter reads again, d (or no
// answer) ends the step.
func readAgain(ctx context.Context, p Prompter) (bool, error) {
	return p.Either(ctx, "Press Enter to check again, or type d and Enter when done: ", "Press Enter, or type d.",
		[]string{""}, []string{"d", "done", "q"})
}

// confirmStep waits for Enter ("done") or "s" ("skip"); it returns true
// when the admin says the step is done.
func confirmStep(ctx context.Context, p Prompter) (bool, error) {
	return p.Either(ctx, "Press Enter when done, or type s and Enter to skip: ", "Press Enter, or type s to skip.",
		[]string{"", "y", "yes", "done"}, []string{"s", "skip", "n", "no"})
}
