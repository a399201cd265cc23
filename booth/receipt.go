package booth

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

func (m *model) receiptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, kCopy) && m.s.Clipboard:
		return tea.SetClipboard(m.receipt)
	case key.Matches(msg, kDone):
		// The receipt is shown once; the booth forgets it here.
		m.receipt, m.replaced = "", ""
		m.el, m.scr = nil, scrHome
		return m.loadElections()
	}
	return nil
}

func (m *model) receiptView() (string, string, keyMap) {
	e := m.el.me
	done := m.p.T("Your ballot is cast. ✓")
	if m.replaced != "" {
		done = m.p.T("Your ballot is replaced. ✓")
	}
	head := m.st.title.Render(safetext.Sanitize(e.Title)) + "\n" + m.st.good.Render(done)
	out := []string{
		m.p.T("Your receipt (it is shown only this once):"),
		"",
		"    " + m.st.title.Render(groupReceipt(m.receipt)),
		"",
	}
	if m.replaced != "" {
		out = append(out, lines(wrap(m.p.T("The receipt you entered, %s, no longer counts: its ballot was replaced by this one, and only this new receipt finds it.", groupReceipt(m.replaced)), m.w))...)
		out = append(out, "")
	}
	out = append(out,
		m.p.T("What it is for:"),
		wrapItem(receiptUse(m.p, e), m.w),
	)
	if e.AllowReplace {
		out = append(out, wrapItem(m.p.T("Until the close you can replace your ballot: choose \"Replace your ballot\" and enter this receipt."), m.w))
	}
	out = append(out, wrapItem(holderPower(m.p, e), m.w))
	out = append(out, "")
	if m.s.Clipboard {
		out = append(out, lines(m.st.dim.Render(wrap(m.p.T("It was also offered to your terminal's clipboard (OSC 52), where the terminal allows it; y offers it again."), m.w)))...)
	} else {
		out = append(out, m.st.dim.Render(m.p.T("Write it down or copy it now.")))
	}
	keys := receiptKeys
	if !m.s.Clipboard {
		keys = keyMap{short: []key.Binding{kDone, kHelp}, full: [][]key.Binding{{kDone}, {kHelp, kQuit}}}
	}
	return head, strings.Join(out, "\n"), keys
}

// receiptUse says what a receipt shows after the close. Only an election
// that publishes its ledger shows what a ballot says; without one the
// receipt proves no more than that the ballot was counted.
// Both name how a member checks a receipt from their own terminal: ssh
// HOST verify RECEIPT.
func receiptUse(p i18n.Printer, e models.MemberElection) string {
	if e.PublishLedger {
		return p.T("After the close, find your ballot with it in the published ledger, or run ssh HOST verify RECEIPT (HOST: the address of this booth), and check it was counted as you cast it.")
	}
	return p.T("After the close, ssh HOST verify RECEIPT (HOST: the address of this booth) tells you that your ballot was counted. This election publishes no ledger, so what a ballot says is never shown, not even to you.")
}

// holderPower says to keep a receipt secret, and what it lets its holder
// do.
func holderPower(p i18n.Printer, e models.MemberElection) string {
	switch {
	case e.AllowReplace && e.PublishLedger:
		return p.T("Keep it secret: whoever holds it can replace your ballot, and see in the ledger how you voted. Nobody, not even the election officers, can give it to you again.")
	case e.AllowReplace:
		return p.T("Keep it secret: whoever holds it can replace your ballot. Nobody, not even the election officers, can give it to you again.")
	case e.PublishLedger:
		return p.T("Keep it secret: whoever holds it can see in the published ledger how you voted. Nobody, not even the election officers, can give it to you again.")
	}
	return p.T("Keep it secret: whoever holds it can learn whether your ballot was counted. Nobody, not even the election officers, can give it to you again.")
}

// wrapItem is a bullet point wrapped to the width with a hanging indent.
func wrapItem(s string, w int) string {
	return strings.Join(hang(lines(wrap(s, w-4)), "  • ", "    "), "\n")
}

// oldReceiptState asks for the receipt of the ballot to replace.
type oldReceiptState struct {
	input    textinput.Model
	err      string
	checking bool // the backend is checking the receipt
}

// replaceCheckMsg is the backend's answer on whether a receipt can be
// replaced.
type replaceCheckMsg struct {
	receipt string
	err     error
}

func (m *model) openOldReceipt() {
	in := newInput(m, m.p.T("Receipt: "), "")
	in.CharLimit = 48
	in.Focus()
	m.oldIn = &oldReceiptState{input: in}
	m.scr = scrOldReceipt
}

func (m *model) oldReceiptKey(msg tea.KeyPressMsg) tea.Cmd {
	o := m.oldIn
	if o.checking {
		return nil // the answer is on its way; ctrl+c still leaves
	}
	switch msg.String() {
	case "esc":
		m.oldIn, m.scr = nil, scrElection
		return nil
	case "enter":
		norm, err := models.NormalizeReceipt(o.input.Value())
		if err != nil {
			o.err = safetext.Sanitize(m.p.Err(err))
			return nil
		}
		// The receipt is checked now, not after the member has built a
		// whole new ballot and typed cast.
		o.checking, o.err = true, ""
		ctx, b, electionID := m.ctx, m.b, m.el.me.ID
		return func() tea.Msg {
			return replaceCheckMsg{norm, b.CheckReplace(ctx, electionID, norm)}
		}
	}
	var cmd tea.Cmd
	o.input, cmd = o.input.Update(msg)
	o.err = ""
	return cmd
}

func (m *model) onReplaceCheck(msg replaceCheckMsg) {
	if m.oldIn == nil || m.scr != scrOldReceipt {
		return
	}
	m.oldIn.checking = false
	if msg.err != nil {
		m.oldIn.err = replaceCheckError(m.p, msg.err)
		return
	}
	m.oldReceipt, m.oldIn = msg.receipt, nil
	m.openRanking()
}

// replaceCheckError says plainly why a receipt cannot replace a ballot.
func replaceCheckError(p i18n.Printer, err error) string {
	switch {
	case errors.Is(err, models.ErrReceiptReplaced):
		return p.T("The ballot with that receipt was already replaced, so that receipt no longer counts. Enter the receipt of your latest ballot.")
	case errors.Is(err, models.ErrReceiptElsewhere):
		return p.T("That receipt is from another election. Open that election to replace its ballot.")
	case errors.Is(err, models.ErrReceiptUnknown):
		return p.T("No ballot in this election has that receipt. Check that you copied it whole.")
	case errors.Is(err, models.ErrNotOpen):
		return p.T("The election is not open for voting (it may have just closed), so no ballot can be replaced.")
	case errors.Is(err, models.ErrNoReplace):
		return p.T("This election does not allow replacing a ballot.")
	case errors.Is(err, errKioskReplace):
		return p.T("A ballot cannot be replaced at the kiosk: replace it with your own key over SSH.")
	case errors.Is(err, context.Canceled):
		return p.T("The session is ending.")
	}
	return p.T("The receipt could not be checked: %s. Try again, or tell the election officers.", safetext.Sanitize(p.Err(err)))
}

func (m *model) oldReceiptView() (string, string, keyMap) {
	o := m.oldIn
	out := []string{
		m.st.heading.Render(m.p.T("REPLACE YOUR BALLOT")),
		"",
		wrap(m.p.T("Enter the receipt you were given when you cast your ballot in this election. Your new ballot replaces the one with that receipt; the booth never links you to a ballot, so the receipt is the only way to find it."), m.w),
		"",
		o.input.View(),
	}
	if o.checking {
		out = append(out, "", m.p.T("Checking the receipt…"))
	}
	if o.err != "" {
		out = append(out, "", wrap(m.st.bad.Render(o.err), m.w))
	}
	return m.electionHeader(), strings.Join(out, "\n"), inputKeys
}
