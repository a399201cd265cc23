package teahost

import (
	"sync"
	"time"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// A booth session reads its member's keys itself and hands them to the
// program as events. bubbletea's own reader builds a table of every key
// sequence it knows for each program, some 130 KB: with a thousand members
// at work those tables were two thirds of the server's heap, scanned by
// every garbage collection, and each parked session that woke built one
// again. ultraviolet's decoder, which that reader uses, reads the same
// sequences without a table.

// escTimeout is how long an escape character waits for the rest of a
// sequence before it counts as the Esc key, as bubbletea's reader does.
const escTimeout = 50 * time.Millisecond

// maxPaste and maxPending bound what a member's input can make a session
// hold: the booth's fields take a receipt, a code or a name, so a paste
// is cut at maxPaste bytes; and input held for the rest of a sequence
// (a few bytes, split between two reads) is decoded as it is once it
// passes maxPending, far beyond any sequence a terminal sends.
const (
	maxPaste   = 4 << 10
	maxPending = 64 << 10
)

// inputScanner turns a session's input bytes into events.
type inputScanner struct {
	dec   uv.EventDecoder
	buf   []byte // input not yet decoded: the start of a sequence
	paste []byte // a bracketed paste so far; nil outside one
}

// scan adds input and returns the events it completes. With expired, the
// wait for the rest of a sequence is over: what is held is decoded as it
// is.
func (s *inputScanner) scan(input []byte, expired bool) []uv.Event {
	s.buf = append(s.buf, input...)
	expired = expired || len(s.buf) > maxPending
	var events []uv.Event
	for len(s.buf) > 0 {
		esc := s.buf[0] == ansi.ESC
		n, event := s.dec.Decode(s.buf)
		if n == 0 {
			break
		}
		// An escape alone, or with one more byte, may be the start of a
		// longer sequence still on its way.
		incomplete := esc && n <= 2 && !expired
		if _, unknown := event.(uv.UnknownEvent); unknown && !expired {
			incomplete = true
		}
		if s.paste != nil {
			if _, end := event.(uv.PasteEndEvent); !end {
				if incomplete {
					break
				}
				if k, ok := event.(uv.KeyPressEvent); ok && k.Text != "" {
					s.paste = appendUpTo(s.paste, k.Text, maxPaste)
				} else if ok {
					s.paste = appendUpTo(s.paste, string(s.buf[:n]), maxPaste)
				}
				s.buf = s.buf[n:]
				continue
			}
		}
		switch ev := event.(type) {
		case uv.PasteStartEvent:
			s.paste = []byte{}
			events = append(events, ev)
		case uv.PasteEndEvent:
			events = append(events, uv.PasteEvent{Content: validText(s.paste)}, ev)
			s.paste = nil
		case uv.MultiEvent:
			if incomplete {
				return s.keep(events)
			}
			events = append(events, ev...)
		default:
			if incomplete {
				return s.keep(events)
			}
			events = append(events, ev)
		}
		s.buf = s.buf[n:]
	}
	return s.keep(events)
}

// keep holds on to the undecoded input in a buffer of its own, so that a
// session's read buffer can be reused.
func (s *inputScanner) keep(events []uv.Event) []uv.Event {
	if len(s.buf) == 0 {
		s.buf = nil
	} else {
		s.buf = append([]byte(nil), s.buf...)
	}
	return events
}

// appendUpTo appends what of text fits within limit bytes.
func appendUpTo(b []byte, text string, limit int) []byte {
	return append(b, text[:min(len(text), max(limit-len(b), 0))]...)
}

// waiting tells whether input is held for the rest of a sequence.
func (s *inputScanner) waiting() bool { return len(s.buf) > 0 }

// validText is b with anything that is not UTF-8 left out.
func validText(b []byte) string {
	out := make([]rune, 0, len(b))
	for len(b) > 0 {
		r, w := utf8.DecodeRune(b)
		if r != utf8.RuneError {
			out = append(out, r)
		}
		b = b[w:]
	}
	return string(out)
}

// keyReader feeds a scanner from one reader goroutine and a timer, and
// hands the events on in order.
type keyReader struct {
	mu      sync.Mutex
	scanner inputScanner
	timer   *time.Timer
	gen     int // counts reads, so a late timer leaves newer input alone
	// read is when the last input was read: the time of the keys it
	// completes, also those an expired wait decodes.
	read    time.Time
	deliver func(ev uv.Event, read time.Time)
}

// feed scans what was read and, when the input ends in the start of a
// sequence, decodes it as it is if nothing follows within escTimeout.
func (k *keyReader) feed(input []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gen++
	k.read = time.Now()
	if k.timer != nil {
		k.timer.Stop()
	}
	k.hand(k.scanner.scan(input, false))
	if k.scanner.waiting() {
		gen := k.gen
		k.timer = time.AfterFunc(escTimeout, func() {
			k.mu.Lock()
			defer k.mu.Unlock()
			if gen == k.gen {
				k.hand(k.scanner.scan(nil, true))
			}
		})
	}
}

func (k *keyReader) hand(events []uv.Event) {
	for _, ev := range events {
		k.deliver(ev, k.read)
	}
}
