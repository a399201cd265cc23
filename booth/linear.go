package booth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// Linear mode is the booth as a dialogue of printed lines and numbered
// prompts, for screen readers, braille displays, serial consoles and
// TERM=dumb: it never moves the cursor, erases, redraws or uses the
// alternate screen, and it prints each thing once (the member asks for a
// list again with "list"). Every prompt says what to type; help, back and
// quit work at every prompt. Ballots are read by models.ParseBallot and
// cast through the same Backend as the booth, so linear mode has no rule
// of its own.

// LinearOptions describes the session linear mode runs on.
type LinearOptions struct {
	// Echo: the session has a terminal, which sends each key as typed and
	// shows nothing itself, so linear mode echoes what is typed.
	Echo bool
}

// linearWidth is the width Markdown is wrapped to; a screen reader does
// not care and a plain terminal is at least this wide.
const linearWidth = 80

// linearMarkdown is the glamour style linear mode renders Markdown with,
// stripped of its colours: unlike glamour's "notty" and "ascii" styles it
// drops the ** and _ of emphasis, which a screen reader would read aloud.
const linearMarkdown = "dark"

// errLeave ends the dialogue: the member typed quit, the input ended, the
// session idled out or ended.
var errLeave = errors.New("leaving")

// errBack is "back" typed at a prompt.
var errBack = errors.New("back")

type linear struct {
	ctx context.Context
	b   Backend
	s   Session
	// p speaks the member's language (Session.Lang); the words typed
	// (help, back, quit, list, cast, blank, yes) stay English, as the
	// booth's keys do, and every prompt says them.
	p i18n.Printer
	// out gathers what is printed until the dialogue waits for an
	// answer: a reply reaches the client in one piece, so a screen reader
	// does not speak a line in two halves.
	out     *bufio.Writer
	in      *lineReader
	timeout time.Duration
	secret  []byte
	// seen: elections whose details were printed already this session.
	seen map[string]bool
	// farewell is the last line printed.
	farewell string
	// said holds the explanations printed already (see once).
	said map[string]bool
}

// RunLinear runs linear mode for one session until the member leaves, the
// input ends, the session idles out or ctx ends. Nothing is cast unless
// the member typed cast at a ballot's review.
func RunLinear(ctx context.Context, b Backend, s Session, in io.Reader, out io.Writer, opt LinearOptions) {
	if s.Now == nil {
		s.Now = time.Now
	}
	timeout := s.IdleTimeout
	if timeout <= 0 {
		timeout = defaultIdle
	}
	lw := &lockedWriter{w: out}
	p := i18n.For(s.Lang)
	l := &linear{ctx: ctx, b: b, s: s, p: p, out: bufio.NewWriterSize(lw, 16<<10), in: newLineReader(in, lw, opt.Echo), timeout: timeout,
		seen: map[string]bool{}, said: map[string]bool{}, farewell: p.T("Goodbye.")}
	l.line(p.T("Voting booth, linear mode: one line at a time, for screen readers and plain terminals."))
	l.line(p.T("Signed in as %s (member %s).", safetext.Sanitize(s.Member.Name), safetext.Sanitize(s.Member.ID)))
	if s.LangUnreadable != "" {
		l.line(p.T("Your language is set to %s, but your terminal's locale shows only ASCII, so the booth speaks English here; connect with a UTF-8 locale (ssh -o SetEnv=LANG=en_US.UTF-8) to read it in %s.", s.LangUnreadable, s.LangUnreadable))
	}
	l.line(p.T("At every prompt: type help to hear what you can type, back to go back, quit to leave."))
	defer l.in.close()
	l.home()
	l.line(l.farewell)
	_ = l.out.Flush()
}

// line prints s and ends the line.
func (l *linear) line(s string) {
	_, _ = l.out.WriteString(s + "\n")
}

// once prints an explanation the first time only: a member who read how
// unranked options count does not need it again under every ballot read
// back (help at the prompt says it again).
func (l *linear) once(s string) {
	if !l.said[s] {
		l.said[s] = true
		l.line(s)
	}
}

// para prints text others wrote (sanitised) or a block of lines, each
// line's trailing spaces trimmed, ending in a newline.
func (l *linear) para(s string) {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	_, _ = l.out.WriteString(b.String())
}

// ask prints a prompt and waits for an answer. help is printed for
// "help"; "back" returns errBack and "quit" (or the end of input, an idle
// timeout, the session's end) returns errLeave. An empty answer asks
// again.
func (l *linear) ask(prompt, help string) (string, error) {
	for {
		_, _ = l.out.WriteString(prompt + ": ")
		answer, err := l.readLine()
		if err != nil {
			return "", err
		}
		if answer == overlong {
			l.line(l.p.T("That line was longer than %d bytes; nothing was read from it. Type it again, shorter (candidate numbers are shorter than ids).", maxLineBytes))
			continue
		}
		answer = strings.TrimSpace(answer)
		switch strings.ToLower(answer) {
		case "":
			continue
		case "help", "?":
			l.para(help)
			l.line(l.p.T("At every prompt: help explains it, back goes back, quit leaves the booth."))
			continue
		case "back":
			return "", errBack
		case "quit", "exit", "q":
			return "", errLeave
		}
		return answer, nil
	}
}

// readLine waits for a line, warning once before the idle timeout ends
// the session, as the booth does. Any key typed starts the wait again.
func (l *linear) readLine() (string, error) {
	warnAt := l.timeout - min(idleWarning, l.timeout/2)
	warn := time.NewTimer(warnAt)
	defer warn.Stop()
	idle := time.NewTimer(l.timeout)
	defer idle.Stop()
	for {
		// A write that fails (the client has gone) ends the session at
		// the next read, which fails as well.
		_ = l.out.Flush()
		select {
		case line, ok := <-l.in.lines:
			if !ok {
				l.farewell = l.p.T("The input ended. Goodbye.")
				return "", errLeave
			}
			return line, nil
		case <-l.in.typed:
			warn.Reset(warnAt)
			idle.Reset(l.timeout)
		case <-warn.C:
			l.line("\n" + l.p.T("No answer for %s: the session ends in %s unless you type something. Nothing is cast by a timeout.",
				spelledDuration(l.p, warnAt), spelledDuration(l.p, l.timeout-warnAt)))
		case <-idle.C:
			l.line("")
			l.farewell = l.p.T("The session ended after %s without an answer. Nothing was cast by it. Goodbye.", spelledDuration(l.p, l.timeout))
			return "", errLeave
		case <-l.ctx.Done():
			l.line("")
			l.farewell = l.p.T("The session is ending. Goodbye.")
			return "", errLeave
		}
	}
}

// choose asks for a number from 1 to n; words lists other answers the
// caller handles (returned lowercased), such as "list".
func (l *linear) choose(prompt, help string, n int, words ...string) (int, string, error) {
	for {
		a, err := l.ask(prompt, help)
		if err != nil {
			return 0, "", err
		}
		for _, w := range words {
			if strings.EqualFold(a, w) {
				return 0, w, nil
			}
		}
		k, err := strconv.Atoi(a)
		if err != nil || k < 1 || k > n {
			l.line(l.p.T("%q is not a choice here: type a number from 1 to %d%s.", safetext.Sanitize(a), n, orWords(l.p, words)))
			continue
		}
		return k, "", nil
	}
}

// orWords is ", or list" for the words a prompt also takes.
func orWords(p i18n.Printer, words []string) string {
	if len(words) == 0 {
		return ""
	}
	return p.T(", or %s", strings.Join(words, p.T(" or ")))
}

// home lists the member's elections and opens the one chosen.
func (l *linear) home() {
	secret, err := l.b.OrderSecret(l.ctx)
	if err != nil {
		l.line(l.p.T("The booth cannot load your elections just now (%s). Try again in a minute.", safetext.Sanitize(l.p.Err(err))))
		return
	}
	l.secret = secret
	list, err := l.loadElections(true)
	if err != nil {
		return
	}
	help := l.p.T("Type the number of an election to open it: you can read its description and statements, vote, replace a ballot or read its result there. list lists your elections again, with whether you have voted.")
	for {
		if len(list) == 0 {
			l.line(l.p.T("You have no elections."))
			return
		}
		k, w, err := l.choose(l.p.T("Election number (1 to %d), or list", len(list)), help, len(list), "list")
		switch {
		case errors.Is(err, errBack):
			l.line(l.p.T("This is the first question; type quit to leave."))
			continue
		case err != nil:
			return
		case w == "list":
			if list, err = l.loadElections(false); err != nil {
				return
			}
			continue
		}
		if err := l.election(list[k-1]); err != nil {
			return
		}
		// What the member did may have changed the list (a vote cast).
		if fresh, err := l.b.MemberElections(l.ctx, l.s.Member.ID); err == nil {
			list = fresh
		}
	}
}

// loadElections fetches and prints the member's elections.
func (l *linear) loadElections(first bool) ([]models.MemberElection, error) {
	list, err := l.b.MemberElections(l.ctx, l.s.Member.ID)
	if err != nil {
		l.line(l.p.T("The booth cannot load your elections just now (%s). Try again in a minute.", safetext.Sanitize(l.p.Err(err))))
		return nil, err
	}
	now := l.s.Now()
	if first {
		l.line("\n" + l.p.N(len(list), "You have 1 election:", "You have %s elections:", thousands(int64(len(list)))))
	} else {
		l.line("\n" + l.p.T("Your elections, as of %s:", utc(now)))
	}
	for i, e := range list {
		l.line(fmt.Sprintf("%d. %s %s", i+1, sentence(l.p, safetext.Sanitize(e.Title)), linearStatus(l.p, e, now)))
	}
	return list, nil
}

// linearStatus says where an election stands for the member, in words.
func linearStatus(p i18n.Printer, e models.MemberElection, now time.Time) string {
	switch phaseOf(e, now) {
	case phaseUpcoming:
		return p.T("Opens %s.", utc(e.OpensAt))
	case phaseOpen:
		until := utc(e.EffectiveClose())
		switch {
		case !e.OnRoll:
			return p.T("Open until %s; you are not on its roll.", until)
		case e.Voted:
			return p.T("Open until %s; you have voted.", until)
		}
		return p.T("Open until %s; you have not voted yet.", until)
	}
	if e.State == models.Counted {
		return p.T("Closed and counted; the result is available.")
	}
	return p.T("Closed; the result comes after the count.")
}

// sentence ends s with a full stop (the language's: "。" in Japanese)
// unless it ends with a mark of its own ("How often should we release?").
func sentence(p i18n.Printer, s string) string {
	for _, mark := range []string{".", "?", "!", "。", "？", "！"} {
		if strings.HasSuffix(s, mark) {
			return s
		}
	}
	return s + p.T(".")
}
