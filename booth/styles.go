package booth

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// styles are the booth's colours and attributes. Three sets exist for the
// whole process and sessions point at one of them, so a session carries
// no styles of its own. Nothing depends on colour: the cursor is a "›",
// the ballot is numbered and marks are words or symbols, so the booth
// works the same with no colour at all.
type styles struct {
	title, dim, accent, good, bad, warn, cursor, heading lipgloss.Style
	// focus is the focused row of a ranking pane: reverse video, which
	// needs no colour.
	focus    lipgloss.Style
	help     help.Styles
	markdown string // glamour standard style
	bar      lipgloss.Style
}

var (
	darkStyles  = newStyles(true)
	lightStyles = newStyles(false)
	plainStyles = &styles{markdown: "notty", help: plainHelp(), focus: lipgloss.NewStyle().Reverse(true)}
)

func newStyles(dark bool) *styles {
	ld := lipgloss.LightDark(dark)
	// 256-colour palette: most SSH clients announce only TERM, so most
	// sessions get ANSI256 and bubbletea reduces further where needed.
	md := "light"
	if dark {
		md = "dark"
	}
	return &styles{
		title:    lipgloss.NewStyle().Bold(true).Foreground(ld(lipgloss.Color("54"), lipgloss.Color("183"))),
		dim:      lipgloss.NewStyle().Foreground(ld(lipgloss.Color("243"), lipgloss.Color("246"))),
		accent:   lipgloss.NewStyle().Foreground(ld(lipgloss.Color("25"), lipgloss.Color("117"))),
		good:     lipgloss.NewStyle().Foreground(ld(lipgloss.Color("28"), lipgloss.Color("114"))),
		bad:      lipgloss.NewStyle().Bold(true).Foreground(ld(lipgloss.Color("160"), lipgloss.Color("203"))),
		warn:     lipgloss.NewStyle().Foreground(ld(lipgloss.Color("130"), lipgloss.Color("221"))),
		cursor:   lipgloss.NewStyle().Bold(true).Foreground(ld(lipgloss.Color("25"), lipgloss.Color("117"))),
		heading:  lipgloss.NewStyle().Bold(true),
		focus:    lipgloss.NewStyle().Reverse(true),
		bar:      lipgloss.NewStyle().Foreground(ld(lipgloss.Color("31"), lipgloss.Color("74"))),
		help:     help.DefaultStyles(dark),
		markdown: md,
	}
}

// plainHelp is help without any styling, for terminals without colour.
func plainHelp() help.Styles {
	return help.Styles{}
}
