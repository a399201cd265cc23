package booth

import (
	"context"
	"errors"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// reviewState is the ballot read back before it is cast. Casting needs a
// deliberate act — typing the word cast, then enter — so neither a stray
// key press nor a burst of mashed keys casts. The word is not "yes": on a
// yes/no question it would read as the answer, whatever was chosen.
type reviewState struct {
	ballot  models.Ballot
	input   textinput.Model
	casting bool // the cast is on its way to the store
	// shortened: the voter's last rank held every option not ranked
	// above it, which on a Schulze ballot means the same as leaving them
	// unranked, so the ballot is cast without it (models.ParseBallot);
	// the review says so, lest the voter think a rank was lost.
	shortened bool
	note      string
	err       string
	offset    int // first line of the ballot shown when it does not fit
}

// confirmWord is what the member types to cast the ballot under review.
const confirmWord = "cast"

type castMsg struct {
	receipt string
	err     error
}

func (m *model) reviewKey(msg tea.KeyPressMsg) tea.Cmd {
	rv := m.rev
	if rv.casting {
		return nil // the answer is on its way; ctrl+c still leaves
	}
	rv.note = ""
	switch {
	case msg.String() == "esc":
		m.rev, m.scr = nil, scrRank
		return nil
	case msg.String() == "up":
		rv.offset = max(rv.offset-1, 0)
		return nil
	case msg.String() == "down":
		rv.offset++ // reviewView stops it at the end
		return nil
	case key.Matches(msg, kConfirm):
		if strings.EqualFold(strings.TrimSpace(rv.input.Value()), confirmWord) {
			return m.cast()
		}
		rv.input.SetValue("")
		rv.note = m.p.T("Not cast: type the word cast, then press enter. Esc goes back to change your ballot.")
		return nil
	}
	var cmd tea.Cmd
	rv.input, cmd = rv.input.Update(msg)
	return cmd
}

// cast stores the ballot through the backend, off the program's goroutine.
// A receipt is shown only if the backend returned no error.
func (m *model) cast() tea.Cmd {
	rv := m.rev
	rv.casting, rv.err = true, ""
	ctx, b := m.ctx, m.b
	electionID, old, ballot := m.el.me.ID, m.oldReceipt, rv.ballot
	by := models.Caster{MemberID: m.s.Member.ID, Key: m.s.Fingerprint}
	return func() tea.Msg {
		var receipt string
		var err error
		if old != "" {
			receipt, err = b.ReplaceBallot(ctx, electionID, by, old, ballot)
		} else {
			receipt, err = b.CastBallot(ctx, electionID, by, ballot)
		}
		return castMsg{receipt, err}
	}
}

func (m *model) onCast(msg castMsg) tea.Cmd {
	if m.rev == nil || m.el == nil {
		return nil
	}
	m.rev.casting = false
	if msg.err != nil || msg.receipt == "" {
		m.rev.err = castError(m.p, msg.err)
		m.rev.input.SetValue("")
		return nil
	}
	m.receipt, m.replaced = msg.receipt, m.oldReceipt
	m.el.me.Voted = true
	m.rank, m.rev, m.oldReceipt = nil, nil, ""
	m.scr = scrReceipt
	if m.s.Clipboard {
		return tea.SetClipboard(m.receipt)
	}
	return nil
}

// castError says plainly why a ballot was not stored.
func castError(p i18n.Printer, err error) string {
	switch {
	case err == nil:
		return p.T("The booth got no receipt back, so it cannot tell whether the ballot was stored. Check the home screen before trying again.")
	case errors.Is(err, models.ErrAlreadyVoted):
		return p.T("You have already voted in this election, so this ballot was not stored.")
	case errors.Is(err, models.ErrNotOpen):
		if when := models.NotOpenWhen(err); !when.IsZero() {
			return p.T("The election is not open for voting (%s), so this ballot was not stored.", when.In(p))
		}
		return p.T("The election is not open for voting (it may have just closed), so this ballot was not stored.")
	case errors.Is(err, models.ErrKeyRevoked):
		return p.T("The key you signed in with is no longer registered to you (the election officers removed it), so this ballot was not stored. Ask the officers, then sign in again with a registered key.")
	case errors.Is(err, models.ErrInactive):
		return p.T("Your membership is not active (the election officers suspended or removed it), so this ballot was not stored. Ask the officers.")
	case errors.Is(err, models.ErrNotOnRoll):
		return p.T("You are not on this election's roll, so this ballot was not stored.")
	case errors.Is(err, models.ErrReceiptUnknown):
		return p.T("No counted ballot has that receipt (check it; a ballot already replaced has a new receipt). Nothing was changed.")
	case errors.Is(err, models.ErrNoReplace):
		return p.T("This election does not allow replacing a ballot. Nothing was changed.")
	case errors.Is(err, context.Canceled):
		return p.T("The session is ending; the ballot was not cast.")
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return problemText(p, err)
	}
	return p.T("The ballot could not be stored: %s. Nothing was cast; try again, or tell the election officers.", safetext.Sanitize(p.Err(err)))
}

func (m *model) reviewView() (string, string, keyMap) {
	rv, e := m.rev, m.el.me
	head := m.electionHeader()
	var top []string
	top = append(top, m.st.heading.Render(m.p.T("REVIEW YOUR BALLOT")), "")
	if m.oldReceipt != "" {
		top = append(top, lines(wrap(m.p.T("This replaces your earlier ballot (receipt %s); the earlier one will no longer count.", groupReceipt(m.oldReceipt)), m.w))...)
		top = append(top, "")
	}
	described := rv.ballot.DescribeIn(m.p, e.Definition)
	if m.s.ASCII {
		described = rv.ballot.DescribeWithIDsIn(m.p, e.Definition)
	}
	top = append(top, lines(wrap(safetext.SanitizeMultiline(described), m.w))...)
	for _, n := range reviewNotes(m.p, rv.ballot, e.Method, rv.shortened) {
		top = append(top, lines(wrap(n, m.w))...)
	}
	bottom := append([]string{""}, lines(wrap(m.p.T("Nothing has been stored yet. To cast this ballot, type cast and press enter. Esc goes back to change it."), m.w))...)
	switch {
	case rv.casting:
		bottom = append(bottom, m.p.T("Casting your ballot…"))
	default:
		bottom = append(bottom, rv.input.View())
	}
	if rv.note != "" {
		bottom = append(bottom, lines(wrap(m.st.warn.Render(rv.note), m.w))...)
	}
	if rv.err != "" {
		bottom = append(bottom, lines(wrap(m.st.bad.Render(rv.err), m.w))...)
	}
	// The confirmation always stays in view; a ballot too long for the
	// terminal scrolls above it with ↑/↓, under its heading, which says
	// so. The blank lines go first, so that as many ranks as possible
	// show at once.
	room := max(m.rows(head)-len(bottom), 1)
	if len(top) > room {
		top, bottom = slices.Delete(top, 1, 2), bottom[1:]
		room++
	}
	if len(top) > room && room >= 2 {
		ballot := top[1:]
		shown := room - 1
		rv.offset = min(rv.offset, len(ballot)-shown)
		top = append([]string{top[0] + "  " + m.st.dim.Render(m.p.T("↑/↓ scroll to read the whole ballot"))},
			ballot[rv.offset:rv.offset+shown]...)
	} else {
		rv.offset = 0
	}
	return head, strings.Join(append(top, bottom...), "\n"), reviewKeys
}

// reviewNotes are the sentences under a ballot read back for review, in
// the booth and in linear mode: what a shortened ballot means, and what
// leaving candidates out does under the method.
func reviewNotes(p i18n.Printer, b models.Ballot, method tally.Method, shortened bool) []string {
	var notes []string
	switch {
	case shortened && len(b.Ranks) == 0:
		notes = append(notes, p.T("You ranked every option equal, which is the same as ranking none of them, so this is cast as a blank ballot."))
	case shortened:
		notes = append(notes, p.T("Your last rank held every option not ranked above it; that means the same as leaving them unranked, so the ballot is cast without that rank."))
	}
	switch method {
	case tally.Schulze:
		notes = append(notes, p.T("Options you leave unranked count as equal to each other, below every option you ranked."))
	case tally.Approval:
		notes = append(notes, p.T("Candidates you do not approve get nothing from your ballot."))
	}
	return notes
}

// groupReceipt writes a receipt in groups of four for reading aloud, or
// sanitised as it is when it is not one booth issues.
func groupReceipt(r string) string {
	norm, err := models.NormalizeReceipt(r)
	if err != nil {
		return safetext.Sanitize(r)
	}
	var groups []string
	for i := 0; i < len(norm); i += 4 {
		groups = append(groups, norm[i:min(i+4, len(norm))])
	}
	return strings.Join(groups, "-")
}
