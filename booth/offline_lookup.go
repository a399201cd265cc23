package booth

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/safetext"
)

// lookupState finds a ballot in the ledger by its receipt: the receipt is
// hashed here and looked up in the bundle, nothing leaves the machine.
type lookupState struct {
	input textinput.Model
	// The last lookup: what it found, or why it found nothing.
	looked bool
	found  bundle.Found
	err    error
}

var lookupKeys = keyMap{
	short: []key.Binding{kFindGo, kHelp, kEsc},
	full:  [][]key.Binding{{kFindGo, kEsc}, {kHelp, kQuit}},
}

func (o *offline) openLookup() {
	in := newInput(o.m, o.m.p.T("Receipt: "), "")
	in.CharLimit = 48
	in.Focus()
	o.look, o.scr = &lookupState{input: in}, offLookup
}

func (o *offline) lookupKey(msg tea.KeyPressMsg) tea.Cmd {
	l := o.look
	switch msg.String() {
	case "esc":
		o.look, o.scr = nil, offSummary
		return nil
	case "enter":
		l.found, l.err = o.b.Lookup(l.input.Value())
		l.looked = true
		return nil
	}
	// "?" is never part of a receipt, so it opens the help here too.
	if key.Matches(msg, kHelp) {
		o.m.showHelp = true
		return nil
	}
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	return cmd
}

// answer says what the last lookup found.
func (o *offline) answer() []string {
	m, d := o.m, o.b.Election.Definition
	f, err := o.look.found, o.look.err
	switch {
	case errors.Is(err, bundle.ErrReceiptReplaced):
		return lines(wrap(m.st.warn.Render(m.p.T("Replaced: the ballot cast with this receipt was replaced by a newer one before the close, so it was not counted. Look up the receipt of your newer ballot.")), m.w))
	case errors.Is(err, bundle.ErrReceiptNotFound):
		return lines(wrap(m.st.bad.Render(m.p.T("Not found: no ballot in this ledger has this receipt. Check that you copied it whole and that it is for this election.")), m.w))
	case err != nil:
		return lines(wrap(m.st.bad.Render(safetext.Sanitize(m.p.Err(err))), m.w))
	}
	out := lines(wrap(m.st.good.Render(m.p.T("✓ Counted."))+m.p.T(" The ledger holds this ballot under receipt hash %s:", shortHash(f.ReceiptHash)), m.w))
	out = append(out, "")
	for _, line := range lines(safetext.SanitizeMultiline(f.Ballot.DescribeIn(m.p, d))) {
		for _, l := range lines(wrap(line, m.w-2)) {
			out = append(out, "  "+l)
		}
	}
	return out
}

// shortHash is a receipt hash cut for the screen: its first 16 digits.
func shortHash(h string) string {
	if ansi.StringWidth(h) > 16 {
		return ansi.Truncate(h, 16, "") + "…"
	}
	return h
}

func (o *offline) lookupView() (string, string, keyMap) {
	m, l := o.m, o.look
	out := []string{m.st.heading.Render(m.p.T("FIND YOUR BALLOT")), ""}
	out = append(out, lines(wrap(m.p.T("Enter the receipt you were given when you voted. It is looked up in the ledger of this file, on this computer; nothing is sent anywhere."), m.w))...)
	if o.rep.Checks != nil && !o.rep.OK {
		out = append(out, lines(wrap(m.st.bad.Render(m.p.T("This bundle failed its checks (see the summary): what it says about a ballot cannot be trusted.")), m.w))...)
	}
	out = append(out, "", l.input.View())
	if l.looked {
		out = append(out, "")
		out = append(out, o.answer()...)
	}
	return o.header(), strings.Join(out, "\n"), lookupKeys
}
