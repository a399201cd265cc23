package booth

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// TestIdleCountdown warns a minute before the idle close, counts down in
// whole seconds, and a key stops it without acting on the screen behind.
func TestIdleCountdown(t *testing.T) {
	m := New(t.Context(), newFake(t), testSession()).(*model)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 16})
	m.Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	m.lastKey = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if cmd := m.onIdle(idleMsg{m.lastKey.Add(13 * time.Minute)}); cmd == nil || m.idleLeft != 0 {
		t.Fatalf("13 minutes idle of 15: countdown %s", m.idleLeft)
	}
	if strings.Contains(m.content(), "session closes") {
		t.Fatalf("a countdown two minutes before the close:\n%s", m.content())
	}
	m.onIdle(idleMsg{m.lastKey.Add(14 * time.Minute)})
	if got := flat(m.content()); !strings.Contains(got, "this session closes in 1 minute,") || !strings.Contains(got, "Press any key to stay") {
		t.Fatalf("a minute before the close the screen shows:\n%s", got)
	}
	m.onIdle(idleMsg{m.lastKey.Add(14*time.Minute + 20300*time.Millisecond)})
	if got := flat(m.content()); !strings.Contains(got, "closes in 40 seconds,") {
		t.Fatalf("39.7 seconds before the close the screen shows:\n%s", got)
	}
	if m.quitMsg != "" {
		t.Fatal("the countdown ended the session")
	}
	// Enter would open the election under the cursor; here it only
	// stops the countdown.
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if strings.Contains(m.content(), "session closes") {
		t.Fatalf("a key did not stop the countdown:\n%s", m.content())
	}
	if m.scr != scrHome {
		t.Fatal("the key that stopped the countdown also acted on the screen")
	}
}

// TestIdleCloseSaysTheRealTime: the closing message states how long no
// key was pressed, to the second.
func TestIdleCloseSaysTheRealTime(t *testing.T) {
	for _, c := range []struct {
		timeout time.Duration
		want    string
	}{
		{20 * time.Second, "No key was pressed for 20 seconds"},
		{90 * time.Second, "No key was pressed for 1 minute 30 seconds"},
		{15 * time.Minute, "No key was pressed for 15 minutes"},
	} {
		s := testSession()
		s.IdleTimeout = c.timeout
		m := New(t.Context(), newFake(t), s).(*model)
		m.lastKey = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		m.onIdle(idleMsg{m.lastKey.Add(c.timeout)})
		if !strings.Contains(m.quitMsg, c.want) {
			t.Errorf("idle %s: %q, want %q", c.timeout, m.quitMsg, c.want)
		}
	}
}

// TestIdleCountdownOnScreen runs a short timeout in a program: the
// countdown shows, updating, and the session then closes saying so.
func TestIdleCountdownOnScreen(t *testing.T) {
	s := testSession()
	s.IdleTimeout = 4 * time.Second
	h := start(t, nil, s, 60, 16)
	h.waitForFlat("this session closes in 2 seconds,")
	h.waitForFlat("this session closes in 1 second,")
	m := h.finalModel()
	if got := m.View().Content; !strings.Contains(got, "No key was pressed for 4 seconds") {
		t.Errorf("final screen %q", got)
	}
}

// TestAKeyStopsTheIdleClose: a key during the countdown keeps the
// session, and the next close comes a whole timeout after that key.
func TestAKeyStopsTheIdleClose(t *testing.T) {
	s := testSession()
	s.IdleTimeout = 2 * time.Second
	h := start(t, nil, s, 80, 24)
	h.waitForFlat("this session closes in 1 second,")
	h.keys("x")
	pressed := time.Now()
	if got := h.screen(); strings.Contains(got, "session closes") {
		t.Fatalf("the countdown stayed after a key:\n%s", got)
	}
	h.waitForFlat("this session closes in 1 second,")
	if waited := time.Since(pressed); waited < time.Second {
		t.Fatalf("the countdown came back %s after the key", waited)
	}
	h.finalModel()
}

// flat joins a screen's lines with spaces, so that wrapped text reads as
// one line.
func flat(screen string) string {
	var out []string
	for _, l := range strings.Split(screen, "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return strings.Join(out, " ")
}

// waitForFlat waits until the screen, its lines joined, shows want.
func (h *harness) waitForFlat(want string) {
	h.t.Helper()
	waitForScreen(h.t, func() string { return flat(h.screen()) }, want)
}
