package ssh

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// writeTable writes rows as columns two spaces apart, the last column
// unpadded, as text/tabwriter would, but measuring each cell by its
// display width: a Japanese header or title takes two columns a
// character, which tabwriter would count as one.
func writeTable(w io.Writer, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for i, cell := range r[:len(r)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, cell := range r[:len(r)-1] {
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)+2))
		}
		b.WriteString(r[len(r)-1])
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// title is an election's title in the member's language, where the
// officers wrote one, made safe for a terminal.
func (c *cmdContext) title(e models.Election) string {
	return safetext.Sanitize(e.Definition.In(c.p.Lang()).Title)
}

// stateWord is an election's state as a member reads it.
func stateWord(p i18n.Printer, s models.ElectionState) string {
	switch s {
	case models.Draft:
		return p.C("state", "draft")
	case models.Open:
		return p.C("state", "open")
	case models.Closed:
		return p.C("state", "closed")
	case models.Counted:
		return p.C("state", "counted")
	case models.Cancelled:
		return p.C("state", "cancelled")
	}
	return safetext.Sanitize(string(s))
}
