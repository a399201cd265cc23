package teahost

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/prometheus/client_golang/prometheus"
)

// cursorModel moves a highlighted line down frameLines on every key, as
// the booth's lists do; slow makes each key take that long to handle.
type cursorModel struct {
	at   int
	slow time.Duration
}

func (m *cursorModel) Init() tea.Cmd { return nil }
func (m *cursorModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		time.Sleep(m.slow)
		m.at = (m.at + 1) % len(frameLines)
	}
	return m, nil
}
func (m *cursorModel) View() tea.View {
	lines := append([]string(nil), frameLines...)
	lines[m.at] = "\x1b[7m" + lines[m.at] + "\x1b[m"
	return tea.NewView(strings.Join(lines, "\n"))
}

// observations records what a KeyToFrame learns.
type observations struct {
	mu sync.Mutex
	s  []float64
}

func (o *observations) Observe(v float64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.s = append(o.s, v)
}

// session wires a key reader to a drawn model as Run does, handing each
// event through the program's filter and its translation of key events;
// observer nil is a session without metrics.
func session(model tea.Model, observer Observer) *keyReader {
	scr := newScreen(io.Discard, colorprofile.ANSI256, 80, 24, time.Hour, func() {})
	pk := newParking(func(any) {})
	pk.timed = observer != nil
	dm := &drawnModel{inner: model, screen: scr, parking: pk, keyToFrame: observer}
	dm.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return &keyReader{deliver: func(ev uv.Event, read time.Time) {
		var msg tea.Msg = ev
		if k, ok := ev.(uv.KeyPressEvent); ok {
			msg = tea.KeyPressMsg(k)
			if pk.timed {
				msg = timedKey{key: k, read: read}
			}
		}
		if msg = dm.filter(dm, msg); msg != nil {
			dm.Update(msg)
		}
	}}
}

// Each key press is timed once, from its read to its frame: a booth that
// takes 20 ms over a key shows at least that.
func TestKeyToFrameTimesEachKeyFromItsRead(t *testing.T) {
	obs := &observations{}
	keys := session(&cursorModel{slow: 20 * time.Millisecond}, obs)
	keys.feed([]byte("jjj"))
	if len(obs.s) != 3 {
		t.Fatalf("%d observations for 3 keys", len(obs.s))
	}
	// Read together, handled one after another: each waited for the ones
	// before it.
	for i, v := range obs.s {
		if min := 0.02 * float64(i+1); v < min {
			t.Errorf("key %d: %.4f s, want at least %.2f s", i+1, v, min)
		}
	}
}

// What timing costs a key press: read, decode, filter, update, draw, with
// and without a histogram.
func BenchmarkKeyToFrame(b *testing.B) {
	for _, tc := range []struct {
		name     string
		observer Observer
	}{
		{"without-metrics", nil},
		{"with-metrics", prometheus.NewHistogram(prometheus.HistogramOpts{Name: "k", Buckets: prometheus.DefBuckets})},
	} {
		b.Run(tc.name, func(b *testing.B) {
			keys := session(&cursorModel{}, tc.observer)
			key := []byte("j")
			b.ReportAllocs()
			for b.Loop() {
				keys.feed(key)
			}
		})
	}
}
