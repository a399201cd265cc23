package teahost

import (
	"context"
	"io"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// probeModel records the messages its program hands it and quits on
// "quit". Each message that is a string is recorded with whether it was
// handled on a goroutine running EventLoopFrame; of the others, only
// slices of commands, which the program should have run, not handed on.
type probeModel struct {
	mu       sync.Mutex
	got      []string
	inLoop   []bool
	cmds     []tea.Msg // messages that are slices of commands
	initCmd  tea.Cmd
	filtered []tea.Msg // what the program's filter saw
}

func (m *probeModel) Init() tea.Cmd { return m.initCmd }

func (m *probeModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := msg.(string)
	if !ok {
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
			m.cmds = append(m.cmds, msg)
		}
		return m, nil
	}
	buf := make([]byte, 1<<16)
	m.got = append(m.got, s)
	m.inLoop = append(m.inLoop, strings.Contains(string(buf[:runtime.Stack(buf, false)]), EventLoopFrame))
	if s == "quit" {
		return m, tea.Quit
	}
	return m, nil
}

func (m *probeModel) View() tea.View { return tea.NewView("") }

func (m *probeModel) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.filtered = append(m.filtered, msg)
	return msg
}

// runProbe runs a program on m, as Run does (no input, no renderer), and
// fails the test if it has not ended within ten seconds.
func runProbe(t *testing.T, m *probeModel) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithContext(ctx),
		tea.WithoutSignalHandler(), tea.WithoutRenderer(), tea.WithFilter(m.filter))
	_, _ = p.Run()
	if ctx.Err() != nil {
		t.Fatalf("the probe program did not quit; its model got %q and %d slices of commands", m.got, len(m.cmds))
	}
}

func say(s string) tea.Cmd { return func() tea.Msg { return s } }

// TestBubbleteaAssumptions checks each assumption bubbletea_internals.go
// names. When it fails after a bubbletea upgrade, the code that relies on
// the broken assumption must change with it.
func TestBubbleteaAssumptions(t *testing.T) {
	broke := func(t *testing.T, n int, format string, args ...any) {
		t.Helper()
		t.Fatalf("bubbletea assumption %d (see bubbletea_internals.go) no longer holds: "+format, append([]any{n}, args...)...)
	}

	t.Run("1 sequence message", func(t *testing.T) {
		msg := tea.Sequence(say("a"), say("b"))()
		v := reflect.ValueOf(msg)
		if v.Kind() != reflect.Slice || v.Type().Elem() != cmdType {
			broke(t, 1, "tea.Sequence's message is a %T, not a slice of tea.Cmd: wrapSequence passes it on unwrapped, and a parked session loses its messages", msg)
		}
		if _, batch := msg.(tea.BatchMsg); batch {
			broke(t, 1, "tea.Sequence's message is a tea.BatchMsg: its commands would run at once, not in order")
		}
		// A slice of that type, built by reflection as wrapSequence
		// builds one, is run in order by a program.
		rebuilt := reflect.MakeSlice(v.Type(), 3, 3)
		for i, c := range []tea.Cmd{say("c"), say("d"), say("quit")} {
			rebuilt.Index(i).Set(reflect.ValueOf(c))
		}
		m := &probeModel{initCmd: func() tea.Msg { return rebuilt.Interface() }}
		runProbe(t, m)
		if len(m.cmds) > 0 || strings.Join(m.got, " ") != "c d quit" {
			broke(t, 1, "a sequence message rebuilt by reflection reached the model as %d slices of commands and %q; want its commands' messages c d quit, in order", len(m.cmds), m.got)
		}
	})

	t.Run("2 request messages", func(t *testing.T) {
		for name, req := range map[string]tea.Msg{"tea.ClearScreen()": tea.ClearScreen(), "tea.RequestBackgroundColor()": tea.RequestBackgroundColor()} {
			typ := reflect.TypeOf(req)
			if typ == nil || !typ.Comparable() || typ.PkgPath() != reflect.TypeFor[tea.Cmd]().PkgPath() || typ.Kind() != reflect.Struct || typ.NumField() != 0 {
				broke(t, 2, "%s returns a %v, not an empty comparable struct of bubbletea's: comparing messages with it would panic or miss", name, typ)
			}
		}
		if !isClearScreen(tea.ClearScreen()) || isClearScreen(tea.RequestBackgroundColor()) {
			broke(t, 2, "isClearScreen does not tell tea.ClearScreen's message alone")
		}
		if !isBackgroundRequest(tea.RequestBackgroundColor()) || isBackgroundRequest(tea.ClearScreen()) {
			broke(t, 2, "isBackgroundRequest does not tell tea.RequestBackgroundColor's message alone")
		}
		m := &probeModel{initCmd: tea.Sequence(tea.ClearScreen, tea.RequestBackgroundColor, say("quit"))}
		runProbe(t, m)
		var clear, background bool
		for _, msg := range m.filtered {
			clear = clear || isClearScreen(msg)
			background = background || isBackgroundRequest(msg)
		}
		if !clear || !background {
			broke(t, 2, "the program's filter saw %v: the clear screen (%v) or the background colour request (%v) never reached it", m.filtered, clear, background)
		}
	})

	t.Run("3 event loop frame", func(t *testing.T) {
		programs := func() int {
			buf := make([]byte, 1<<22)
			return strings.Count(string(buf[:runtime.Stack(buf, true)]), EventLoopFrame)
		}
		before := programs()
		m := &probeModel{initCmd: say("quit")}
		runProbe(t, m)
		if len(m.inLoop) != 1 || !m.inLoop[0] {
			broke(t, 3, "a program's Update ran on a goroutine whose stack lacks %q: the tests that wait for a session to park would wait for nothing", EventLoopFrame)
		}
		if !eventually(func() bool { return programs() <= before }) {
			broke(t, 3, "%q is still on a stack after its program ended: the tests that wait for a session to park would never see it parked", EventLoopFrame)
		}
	})
}
