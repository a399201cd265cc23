package booth

import (
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"vote.example.org/booth/models"
)

// maxLineBytes bounds one answer in linear mode: the longest answer is a
// whole ballot on one line, so it is the bound on a ballot; a client that
// never sends a newline must not make the server buffer without end.
const maxLineBytes = models.MaxBallotBytes

// overlong stands for a line longer than maxLineBytes, which is refused
// whole: a ranking cut short would read back as a different ballot. It
// holds a control byte, which no typed answer can.
const overlong = "\x00overlong"

// lineReader turns a session's input into answers, one per line. On a
// terminal (echo set) the client sends every key as typed and shows
// nothing itself, so the reader echoes what is typed, erases with
// backspace ("\b \b", the teletype's own way) and drops the escape
// sequences of arrow and function keys: linear mode has no cursor to move.
// Without a terminal the client's own line discipline did all that.
type lineReader struct {
	in    io.Reader
	out   *lockedWriter
	echo  bool
	lines chan string
	// typed has a value when bytes arrived since the dialogue last looked:
	// a key typed keeps the session alive before the line is complete, as
	// in the full-screen booth (a braille display or a slow typist may
	// take longer than the idle timeout over one ranking).
	typed chan struct{}
	// done is closed when the dialogue ends, so a line typed after it
	// does not keep the reader waiting for a taker that never comes.
	done chan struct{}
}

// lockedWriter serialises the echo (from the reader's goroutine) and the
// dialogue's own lines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newLineReader(in io.Reader, out *lockedWriter, echo bool) *lineReader {
	r := &lineReader{in: in, out: out, echo: echo, lines: make(chan string), typed: make(chan struct{}, 1), done: make(chan struct{})}
	go r.run()
	return r
}

// ctrlC and ctrlD end the session from any prompt on a terminal, as an
// interrupt and an end of input do without one.
const (
	ctrlC = 0x03
	ctrlD = 0x04
	esc   = 0x1b
)

// run reads until the input ends, then closes lines. The channel is
// unbuffered, so the reader waits for each answer to be taken: nothing
// typed ahead is lost, and nothing is read once the dialogue has ended
// (the session's input ends with it and the goroutine with it).
func (r *lineReader) run() {
	defer close(r.lines)
	var line []byte
	buf := make([]byte, 256)
	escape, lastCR, over := escNone, false, false
	for {
		n, err := r.in.Read(buf)
		if n > 0 {
			select {
			case r.typed <- struct{}{}:
			default:
			}
		}
		for _, c := range buf[:n] {
			wasCR := lastCR
			lastCR = c == '\r'
			if escape != escNone {
				var done bool
				escape, done = escape.next(c)
				if done {
					continue
				}
			}
			switch {
			case c == esc && r.echo:
				escape = escStart
			case c == '\n' && wasCR:
				// "\r\n" (a paste, or a client's newline mode) is one end of line
			case c == '\r' || c == '\n':
				if r.echo {
					r.write("\n")
				}
				s := strings.TrimSuffix(string(line), "\r")
				if over {
					s = overlong
				}
				line, over = line[:0], false
				if !r.send(s) {
					return
				}
			case (c == 0x7f || c == '\b') && r.echo:
				if len(line) > 0 {
					_, size := utf8.DecodeLastRune(line)
					line = line[:len(line)-size]
					r.write("\b \b")
				}
			case (c == ctrlC || c == ctrlD) && r.echo:
				if c == ctrlC {
					r.write("^C\n")
				} else {
					r.write("\n")
				}
				r.send("quit")
				return
			case c < 0x20 || c == 0x7f:
				// other controls are not text
			case len(line) >= maxLineBytes:
				over = true
			default:
				line = append(line, c)
				if r.echo {
					r.write(string(c))
				}
			}
		}
		if err != nil {
			// A last line without its newline is an answer all the same.
			if over {
				r.send(overlong)
			} else if len(line) > 0 {
				r.send(string(line))
			}
			return
		}
	}
}

// escState is where the reader stands in an arrow or function key's
// escape sequence: ESC "[" or ESC "O", then parameter bytes (0x30-0x3f),
// intermediate bytes (0x20-0x2f) and one final byte (0x40-0x7e). A bare
// Esc (the full-screen booth's key to go back) is followed by none of
// these, so what follows it is read as typed.
type escState int

const (
	escNone  escState = iota
	escStart          // after ESC
	escBody           // after ESC [ or ESC O
)

// next takes byte c within a sequence: the state after it, and whether c
// belonged to the sequence (dropped) or is to be read as typed. A byte that
// cannot be part of a sequence (enter among them) ends it and is read.
func (s escState) next(c byte) (escState, bool) {
	switch {
	case s == escStart && (c == '[' || c == 'O'):
		return escBody, true
	case s == escBody && c >= 0x20 && c <= 0x3f:
		return escBody, true
	case s == escBody && c >= 0x40 && c <= 0x7e:
		return escNone, true
	}
	return escNone, false
}

// send hands a line to the dialogue; false once it has ended.
func (r *lineReader) send(line string) bool {
	select {
	case r.lines <- line:
		return true
	case <-r.done:
		return false
	}
}

// close ends the reader at its next line (or at the end of its input,
// which comes with the session's end).
func (r *lineReader) close() { close(r.done) }

// write echoes; the echo is lost with a broken connection, which ends the
// reader at its next Read.
func (r *lineReader) write(s string) {
	_, _ = io.WriteString(r.out, s)
}
