package teahost

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
)

// What members type, as terminals send it: text, control keys, the keys
// every terminal encodes its own way, a paste and a terminal's answer.
var typed = []string{
	"a", "yes", "Ünïcödé 日本", "\r", "\x7f", "\t", "\x1b[Z", " ",
	"\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1bOA", "\x1bOB", "\x1bOC", "\x1bOD",
	"\x1b[H", "\x1b[F", "\x1bOH", "\x1bOF", "\x1b[1~", "\x1b[4~", "\x1b[7~", "\x1b[8~",
	"\x1b[2~", "\x1b[3~", "\x1b[5~", "\x1b[6~", "\x1b[1;5A", "\x1b[1;2B", "\x1b[3;2~",
	"\x1bOP", "\x1bOQ", "\x1b[15~", "\x1b[24~",
	"\x01", "\x03", "\x04", "\x0b", "\x1a", "\x1c", "\x1ba", "\x1bJ",
	"\x1b[I", "\x1b[O",
	"\x1b]11;rgb:1e1e/1e1e/2e2e\x07", "\x1b]11;rgb:ffff/ffff/ffff\x1b\\",
	"\x1b[[A", "\x1bOM", "\x1b[1;3A", "\x1b\x7f", "\x1b[a", "\x1bOa", "\x1b[2^",
	"\x1b[200~pasted\ntext \x1b[A with an arrow\x1b[201~",
}

// bubbletea's reader, which builds a key table for each program, and the
// session's scanner, which does without, read the same events from what
// members type: each key alone, and all of them in one read.
func TestInputScannerReadsWhatBubbleteaReads(t *testing.T) {
	for _, input := range append(slices.Clone(typed), strings.Join(typed, "")) {
		want := readerEvents(t, input)
		var s inputScanner
		got := append(s.scan([]byte(input), false), s.scan(nil, true)...)
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
			t.Errorf("%q:\n got %#v\nwant %#v", input, got, want)
		}
	}
}

// readerEvents is what ultraviolet's terminal reader, bubbletea's, reads
// from input.
func readerEvents(t *testing.T, input string) []uv.Event {
	t.Helper()
	r := uv.NewTerminalReader(bytes.NewReader([]byte(input)), "xterm-256color")
	ch := make(chan uv.Event, 1000)
	if err := r.StreamEvents(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	close(ch)
	var events []uv.Event
	for ev := range ch {
		events = append(events, ev)
	}
	return events
}

// An escape waits for the rest of its sequence: alone, it is the Esc key
// once escTimeout has passed; followed in time by the rest, it is the key
// the whole sequence names.
func TestKeyReaderWaitsForTheRestOfASequence(t *testing.T) {
	var mu sync.Mutex
	var got []uv.Event
	k := &keyReader{deliver: func(ev uv.Event, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev)
	}}
	events := func() []uv.Event {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}

	k.feed([]byte("\x1b"))
	k.feed([]byte("[A"))
	time.Sleep(3 * escTimeout)
	if e := events(); len(e) != 1 || e[0] != (uv.KeyPressEvent{Code: uv.KeyUp}) {
		t.Fatalf("an escape, then [A: %#v, want one up arrow", e)
	}

	k.feed([]byte("\x1b"))
	if e := events(); len(e) != 1 {
		t.Fatalf("an escape counted before its timeout: %#v", e)
	}
	time.Sleep(3 * escTimeout)
	if e := events(); len(e) != 2 || e[1] != (uv.KeyPressEvent{Code: uv.KeyEscape}) {
		t.Fatalf("an escape alone: %#v, want the Esc key", e)
	}
}

// A megabyte pasted, read as a session reads it (4 KB at a time), is cut
// at maxPaste and ends where the paste ends: the keys after it are keys.
func TestInputScannerCutsAHugePaste(t *testing.T) {
	input := "\x1b[200~" + strings.Repeat("0123456789abcdef", 1<<16) + "\x1b[201~x"
	var s inputScanner
	var events []uv.Event
	for chunk := range slices.Chunk([]byte(input), 4096) {
		events = append(events, s.scan(chunk, false)...)
	}
	var paste *uv.PasteEvent
	for _, ev := range events {
		if p, ok := ev.(uv.PasteEvent); ok {
			paste = &p
		}
	}
	if paste == nil || len(paste.Content) != maxPaste || !strings.HasPrefix(paste.Content, "0123456789abcdef") {
		t.Fatalf("the paste came out as %d bytes, want %d", len(paste.Content), maxPaste)
	}
	if last := events[len(events)-1]; last != (uv.KeyPressEvent{Code: 'x', Text: "x"}) {
		t.Errorf("the key after the paste came out as %#v", last)
	}
}

// A sequence that never ends is not held forever.
func TestInputScannerHoldsNoEndlessSequence(t *testing.T) {
	var s inputScanner
	s.scan([]byte("\x1b["), false)
	for range 100 {
		s.scan([]byte(strings.Repeat("1;", 1024)), false)
	}
	if held := len(s.buf); held > 64<<10+2048 {
		t.Fatalf("the scanner holds %d bytes of one unfinished sequence", held)
	}
}
