package booth

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// The booth's, the offline review's and the kiosk's harnesses share these:
// each runs its model in a teatest program, presses keys by name and waits
// until the screen shows what the keys lead to.

// startProgram runs m in a w×h teatest program with the ASCII profile, so
// the screens are plain text, and with opts besides. The program runs m
// inside probed, so that tests can look at it between messages.
func startProgram(t *testing.T, m tea.Model, w, h int, opts ...tea.ProgramOption) *teatest.TestModel {
	t.Helper()
	opts = append([]tea.ProgramOption{tea.WithColorProfile(colorprofile.Ascii),
		tea.WithEnvironment([]string{"TERM=xterm-256color"})}, opts...)
	tm := teatest.NewTestModel(t, &probed{m}, teatest.WithInitialTermSize(w, h), teatest.WithProgramOptions(opts...))
	// bubbletea sends the profile from a goroutine of its own, so a probe
	// could overtake it and read a coloured screen. Sent from here, it
	// reaches the model before anything the test sends afterwards.
	tm.Send(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	return tm
}

// probed runs a model for the tests as the program would run it alone,
// except that a probeMsg runs on the program's goroutine, between
// messages, with the model: so the product's models carry no test hook.
type probed struct{ m tea.Model }

// probeMsg is a function that looks at the model a probed runs.
type probeMsg func(tea.Model)

func (p *probed) Init() tea.Cmd  { return p.m.Init() }
func (p *probed) View() tea.View { return p.m.View() }
func (p *probed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if probe, ok := msg.(probeMsg); ok {
		probe(p.m)
		return p, nil
	}
	var cmd tea.Cmd
	p.m, cmd = p.m.Update(msg)
	return p, cmd
}

// probe runs f with tm's model, of type M, on the program's goroutine,
// after every message sent before it.
func probe[M tea.Model](t testing.TB, tm *teatest.TestModel, f func(M)) {
	t.Helper()
	done := make(chan struct{})
	tm.Send(probeMsg(func(m tea.Model) { f(m.(M)); close(done) }))
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not answer a probe: it is no longer running")
	}
}

// readScreen is a model's content now, read on the program's goroutine
// after every message sent before it.
func readScreen[M tea.Model](t testing.TB, tm *teatest.TestModel, content func(M) string) string {
	t.Helper()
	var s string
	probe(t, tm, func(m M) { s = content(m) })
	return s
}

// finalModel is tm's model, of type M, once the program has ended.
func finalModel[M tea.Model](t testing.TB, tm *teatest.TestModel) M {
	t.Helper()
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*probed).m.(M)
}

// waitForScreen polls screen until it shows every one of want: backend
// answers arrive as messages some time after the key that asked for them.
func waitForScreen(t testing.TB, screen func() string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; it shows:\n%s", want, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// namedKeys are the keys the harnesses press by name, the ones a terminal
// user leaves a program with among them.
var namedKeys = map[string]tea.KeyPressMsg{
	"enter":  {Code: tea.KeyEnter},
	"esc":    {Code: tea.KeyEscape},
	"up":     {Code: tea.KeyUp},
	"down":   {Code: tea.KeyDown},
	"left":   {Code: tea.KeyLeft},
	"right":  {Code: tea.KeyRight},
	"tab":    {Code: tea.KeyTab},
	"space":  {Code: tea.KeySpace, Text: " "},
	"ctrl+c": {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+d": {Code: 'd', Mod: tea.ModCtrl},
	"ctrl+s": {Code: 's', Mod: tea.ModCtrl},
	"ctrl+x": {Code: 'x', Mod: tea.ModCtrl},
	"ctrl+z": {Code: 'z', Mod: tea.ModCtrl},
	`ctrl+\`: {Code: '\\', Mod: tea.ModCtrl},
}

// pressKeys sends each of ks as the key of that name in namedKeys, or else
// as text typed one character at a time.
func pressKeys(tm *teatest.TestModel, ks ...string) {
	for _, k := range ks {
		if key, ok := namedKeys[k]; ok {
			tm.Send(key)
		} else {
			tm.Type(k)
		}
	}
}
