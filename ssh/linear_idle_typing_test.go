package ssh

import (
	"io"
	"strings"
	"testing"
	"time"
)

// Linear mode's idle timer counts every key, as the full-screen booth's
// does, not only complete lines: a member typing a long ranking key by key
// (a braille display, a slow typist) for longer than the timeout without
// pressing enter is not cut off with the line half typed.
func TestLinearTypingKeepsSessionAlive(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.IdleTimeout = 3 * time.Second })
	tt := e.teletypeSession(t, "ada", "dumb", nil, "")
	tt.answer("Election number", tt.number("Board election"))
	tt.answer("Type 1 ", "1")
	tt.expect("Your ranking")
	// 4.5 s of typing "1 1 1 …", a key every 250 ms, without enter (no
	// backspace: the teletype's checks refuse the "\b \b" that erases).
	for i := range 18 {
		if _, err := io.WriteString(tt.stdin, []string{"1", " "}[i%2]); err != nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if out := tt.out.String(); strings.Contains(out, "without an answer") {
		t.Fatalf("the session was ended as idle while the member was typing:\n%s", out[strings.LastIndex(out, "Your ranking"):])
	}
}
