package booth

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models/safetext"
)

// markdown renders untrusted Markdown for a width: sanitised first, then
// glamour with the style for the client's background, then stripped of
// any escape sequence but colours (glamour writes OSC 8 hyperlinks whose
// target the author chose). A renderer is made per call and dropped, so
// an idle session holds only the text it shows. If glamour fails, the
// sanitised source is shown as plain text.
func (m *model) markdown(src string, width int) string {
	return renderMarkdown(src, m.st.markdown, width, m.noColour)
}

// renderMarkdown is markdown's work for any style; noColour strips every
// escape sequence, as plain terminals and the linear mode need.
func renderMarkdown(src, style string, width int, noColour bool) string {
	src = safetext.SanitizeMultiline(src)
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(max(width-4, 20)))
	if err != nil {
		return wrap(src, width)
	}
	out, err := r.Render(src)
	if err != nil {
		return wrap(src, width)
	}
	out = safetext.KeepSGR(out)
	if noColour {
		out = ansi.Strip(out)
	}
	return strings.Trim(out, "\n")
}

// readState is a statement or description in a scrollable view.
type readState struct {
	title string
	src   string
	back  screen
	width int // the width src was rendered for
	vp    viewport.Model
}

func (m *model) openReader(title, src string, back screen) {
	m.read = &readState{title: title, src: src, back: back, vp: viewport.New()}
	m.read.resize(m)
	m.scr = scrRead
}

// resize fits the viewport to the terminal, rendering again for a new
// width.
func (r *readState) resize(m *model) {
	r.vp.SetWidth(m.w)
	r.vp.SetHeight(max(m.h-3-len(r.titleLines(m)), 1))
	if r.width != m.w {
		r.width = m.w
		r.vp.SetContent(m.markdown(r.src, m.w))
	}
}

func (m *model) readKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, kBack) {
		m.scr, m.read = m.read.back, nil
		return nil
	}
	var cmd tea.Cmd
	m.read.vp, cmd = m.read.vp.Update(msg)
	return cmd
}

func (m *model) readView() (string, string, keyMap) {
	r := m.read
	pos := ""
	if r.vp.TotalLineCount() > r.vp.Height() {
		pos = m.st.dim.Render(percent(int64(r.vp.YOffset()+r.vp.Height()), int64(r.vp.TotalLineCount())))
	}
	head := r.titleLines(m)
	head[0] = spread(head[0], pos, m.w)
	return strings.Join(head, "\n"), r.vp.View(), readKeys
}

// readPosWidth is room kept beside the title for how far the reader is,
// "100.0%".
const readPosWidth = 8

// titleLines is the title wrapped beside the room for the position: a
// statement's title is the candidate's name, which is read here whole.
func (r *readState) titleLines(m *model) []string {
	ls := lines(wrap(r.title, max(m.w-readPosWidth, 1)))
	for i, l := range ls {
		ls[i] = m.st.title.Render(l)
	}
	if len(ls) == 0 {
		ls = []string{""}
	}
	return ls
}
