package booth

import (
	"runtime"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// BenchmarkModelMemory reports the heap one session's model keeps (not
// bubbletea's own buffers) on the home screen and on an election screen
// with its Markdown rendered: run with -bench ModelMemory -benchtime 200x.
func BenchmarkModelMemory(b *testing.B) {
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"home", nil},
		{"election", []string{"down", "enter"}},
		{"statement", []string{"down", "enter", "down", "enter"}},
		{"ranking", []string{"down", "enter", "v", "enter", "enter"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			fb := &fakeBackend{elections: newFake(&testing.T{}).elections}
			models := make([]*model, b.N)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for i := range models {
				m := New(b.Context(), fb, testSession()).(*model)
				m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
				m.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
				m.Update(tea.BackgroundColorMsg{})
				m.Update(electionsMsg{list: fb.elections})
				press(m, tc.keys...)
				_ = m.View()
				models[i] = m
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "heapB/session")
			runtime.KeepAlive(models)
		})
	}
}

// BenchmarkRankKey is the cost of one key press on the ranking screen,
// update and view.
func BenchmarkRankKey(b *testing.B) {
	fb := &fakeBackend{elections: newFake(&testing.T{}).elections}
	m := New(b.Context(), fb, testSession()).(*model)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(electionsMsg{list: fb.elections})
	press(m, "down", "enter", "v", "enter", "enter")
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	b.ReportAllocs()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}
