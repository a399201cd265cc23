package booth

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// The welcome screen asks for a code. Staff reach their prompt from here
// with a key that is offered nowhere (kStaff): a voter at the welcome
// screen has nothing of anyone to see, and in a voter's booth the key does
// nothing.

var (
	kClear = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear"))
	// kStaff opens the staff prompt; it is documented in the officer's
	// guide, not on the screen.
	kStaff = key.NewBinding(key.WithKeys("ctrl+x"))

	welcomeKeys = keyMap{short: []key.Binding{kGo, kClear}, full: [][]key.Binding{{kGo, kClear}}}
)

// maxCodeInput bounds what the code field takes: a code with spaces or
// dashes between every character fits.
const maxCodeInput = 2 * models.CodeLen

// newField is a text field for the kiosk's own screens; echo chooses
// whether what is typed is shown.
func (k *Kiosk) newField(prompt string, echo textinput.EchoMode, limit int) textinput.Model {
	in := newInput(k.look, prompt, "")
	in.EchoMode = echo
	in.CharLimit = limit
	// Wide enough for a code typed with spaces; the screens indent it.
	in.SetWidth(min(maxCodeInput+1, max(k.look.w-ansi.StringWidth(prompt)-8, 10)))
	in.Focus()
	return in
}

// openWelcome shows the welcome screen, empty.
func (k *Kiosk) openWelcome() {
	k.bump()
	k.state, k.note, k.checking, k.first = ksWelcome, "", false, nil
	k.input = k.newField(k.look.p.T("Code: "), textinput.EchoNormal, maxCodeInput)
}

// armIdle starts the timer that clears the current screen when it is
// left alone, unless it runs already.
func (k *Kiosk) armIdle(d time.Duration) tea.Cmd {
	if k.armed {
		return nil
	}
	return k.after(d)
}

func (k *Kiosk) welcomeKey(msg tea.KeyPressMsg) tea.Cmd {
	if k.checking {
		return nil // the answer comes first; typing ahead would be lost
	}
	switch {
	case key.Matches(msg, kStaff):
		return k.openStaff()
	case key.Matches(msg, kGo):
		code := strings.TrimSpace(k.input.Value())
		if code == "" {
			return nil
		}
		k.checking, k.note = true, ""
		return k.redeem(code)
	case key.Matches(msg, kClear):
		k.input.SetValue("")
		k.note = ""
		return nil
	}
	var cmd tea.Cmd
	k.input, cmd = k.input.Update(msg)
	return tea.Batch(cmd, k.armIdle(welcomeIdle))
}

// redeemMsg is the answer to a code.
type redeemMsg struct {
	gen   uint64
	voter models.KioskVoter
	err   error
}

// redeem asks the backend for the code's voter. A refusal comes back only
// after RefusalDelay, so trying codes at the kiosk is slow.
func (k *Kiosk) redeem(code string) tea.Cmd {
	ctx, genCtx, gen, b, delay := k.ctx, k.genCtx, k.gen, k.b, k.cfg.RefusalDelay
	return func() tea.Msg {
		v, err := b.RedeemCode(ctx, code)
		if err != nil {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-genCtx.Done():
				return nil
			}
		}
		return redeemMsg{gen, v, err}
	}
}

func (k *Kiosk) onRedeem(msg redeemMsg) tea.Cmd {
	if msg.gen != k.gen || k.state != ksWelcome {
		return nil
	}
	k.checking = false
	if msg.err != nil {
		k.note = codeRefusal(k.look.p, msg.err)
		return k.armIdle(welcomeIdle)
	}
	return k.startVoter(msg.voter)
}

// codeRefusal tells the person at the kiosk why their code did not open
// the booth, and what to do.
func codeRefusal(p i18n.Printer, err error) string {
	askStaff := p.T(" Please ask the staff at the stand.")
	var mistyped *models.MistypedCodeError
	switch {
	case errors.As(err, &mistyped):
		return p.T("Please check the code: %s.", p.Err(mistyped.Why))
	case errors.Is(err, models.ErrCodeInvalid):
		return p.T("This code does not open the booth: it may be mistyped, or it was used or withdrawn already. Check it, or ask the staff for a new one.")
	case errors.Is(err, models.ErrCodeExpired):
		return p.T("This code has expired: codes work for a few minutes only. Ask the staff for a new one.")
	case errors.Is(err, models.ErrAlreadyVoted):
		return p.T("You have already voted in the election this code is for (with your key or another code): one member, one ballot.") + askStaff
	case errors.Is(err, models.ErrNothingToVote):
		return p.T("You have no open election left to vote in: you may have voted already (with your key or another code).") + askStaff
	case errors.Is(err, models.ErrNotOpen):
		return p.T("The election this code is for is not open for voting.") + askStaff
	case errors.Is(err, models.ErrNotOnRoll), errors.Is(err, models.ErrInactive):
		return p.T("This membership cannot vote in the election this code is for.") + askStaff
	case errors.Is(err, context.Canceled):
		return p.T("The kiosk is closing.")
	}
	return p.T("The code could not be checked (%s).", safetext.Sanitize(p.Err(err))) + askStaff
}

func (k *Kiosk) welcomeView() (string, string, keyMap) {
	p := k.look.p
	head := k.look.st.title.Render(p.T("Members' voting booth"))
	if k.cfg.Name != "" {
		head = spread(head, safetext.Sanitize(k.cfg.Name), k.look.w)
	}
	w := k.look.w
	out := []string{
		"",
		wrap(p.T("Welcome. To vote here, show your membership badge to the staff at the stand: they give you a one-time code. Type it below and press enter."), w),
		"",
	}
	if k.checking {
		out = append(out, "    "+p.T("Checking the code…"))
	} else {
		out = append(out, "    "+k.input.View())
	}
	if k.note != "" {
		out = append(out, "", wrap(k.look.st.bad.Render(k.note), w))
	}
	out = append(out, "", k.look.st.dim.Render(wrap(p.T("A code works once, for a few minutes, for the member it was issued to. When you finish, the kiosk clears the screen for the next member: it keeps nothing of your visit."), w)))
	return head, strings.Join(out, "\n"), welcomeKeys
}
