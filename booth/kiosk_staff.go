package booth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"vote.example.org/booth/models/i18n"
)

// Staff set a passphrase when the kiosk starts and type it to end the
// kiosk. It is never shown: the fields echo nothing, not even its length.

// Passphrase bounds, in characters.
const (
	MinPassphrase = 8
	maxPassphrase = 256
)

// Passphrase is the staff's passphrase, kept only as a salted hash.
type Passphrase struct {
	salt [16]byte
	sum  [32]byte
}

// NewPassphrase keeps s as the staff passphrase, refusing one too short to
// resist a few guesses or too long to type.
func NewPassphrase(s string) (*Passphrase, error) {
	n := utf8.RuneCountInString(s)
	switch {
	case strings.TrimSpace(s) == "":
		return nil, i18n.Errorf("the staff passphrase is empty: choose one of at least %d characters", MinPassphrase)
	case n < MinPassphrase:
		return nil, i18n.Errorf("the staff passphrase has %d characters: it needs at least %d", n, MinPassphrase)
	case n > maxPassphrase:
		return nil, i18n.Errorf("the staff passphrase has %d characters: at most %d", n, maxPassphrase)
	}
	p := &Passphrase{}
	_, _ = rand.Read(p.salt[:]) // never fails (crypto/rand)
	p.sum = p.hash(s)
	return p, nil
}

func (p *Passphrase) hash(s string) [32]byte {
	h := sha256.New()
	h.Write(p.salt[:])
	h.Write([]byte(s))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Matches reports whether s is the passphrase, in constant time.
func (p *Passphrase) Matches(s string) bool {
	sum := p.hash(s)
	return subtle.ConstantTimeCompare(sum[:], p.sum[:]) == 1
}

var (
	kStaffEnd  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "end the kiosk"))
	kStaffBack = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the welcome screen"))
	staffKeys  = keyMap{short: []key.Binding{kStaffEnd, kStaffBack}, full: [][]key.Binding{{kStaffEnd, kStaffBack}}}
	setupKeys  = keyMap{short: []key.Binding{kGo}, full: [][]key.Binding{{kGo}}}
)

// openSetup asks staff for the passphrase, twice.
func (k *Kiosk) openSetup() {
	k.bump()
	k.state, k.first = ksSetup, nil
	k.input = k.newField(k.look.p.T("Passphrase: "), textinput.EchoNone, maxPassphrase)
}

func (k *Kiosk) setupKey(msg tea.KeyPressMsg) tea.Cmd {
	if !key.Matches(msg, kGo) {
		var cmd tea.Cmd
		k.input, cmd = k.input.Update(msg)
		return cmd
	}
	typed := k.input.Value()
	k.input.SetValue("")
	if k.first == nil {
		p, err := NewPassphrase(typed)
		if err != nil {
			k.note = k.look.p.Err(err) + k.look.p.T(".")
			return nil
		}
		k.first, k.note = p, ""
		k.input.Prompt = k.look.p.T("Once more: ")
		return nil
	}
	if !k.first.Matches(typed) {
		k.first, k.note = nil, k.look.p.T("The two did not match. Type the passphrase again, from the start.")
		k.input.Prompt = k.look.p.T("Passphrase: ")
		return nil
	}
	k.cfg.Passphrase = k.first
	k.openWelcome()
	return wipe
}

func (k *Kiosk) setupView() (string, string, keyMap) {
	out := []string{
		"",
		wrap(k.look.p.T("Staff: choose the passphrase that ends this kiosk. Voters cannot leave the kiosk, and nothing but this passphrase ends it. It is not shown as you type, not even as dots; you type it twice."), k.look.w),
		"",
		wrap(k.look.p.T("At least %d characters. To end the kiosk later, press ctrl+x on the welcome screen and type it.", MinPassphrase), k.look.w),
		"",
		"    " + k.input.View(),
	}
	if k.note != "" {
		out = append(out, "", wrap(k.look.st.bad.Render(k.note), k.look.w))
	}
	return k.look.st.title.Render(k.look.p.T("Voting kiosk · setting up")), strings.Join(out, "\n"), setupKeys
}

// openStaff shows the staff prompt; left alone, it closes by itself.
func (k *Kiosk) openStaff() tea.Cmd {
	k.bump()
	k.state, k.note = ksStaff, ""
	k.input = k.newField(k.look.p.T("Passphrase: "), textinput.EchoNone, maxPassphrase)
	return k.after(staffIdle)
}

// passphraseMsg is the staff prompt's answer.
type passphraseMsg struct {
	gen uint64
	ok  bool
}

func (k *Kiosk) staffKey(msg tea.KeyPressMsg) tea.Cmd {
	if k.checking {
		return nil
	}
	switch {
	case key.Matches(msg, kStaffBack):
		k.openWelcome()
		return nil
	case key.Matches(msg, kStaffEnd):
		typed := k.input.Value()
		k.input.SetValue("")
		k.checking, k.note = true, ""
		pass, gen, ctx, delay := k.cfg.Passphrase, k.gen, k.genCtx, k.cfg.RefusalDelay
		return func() tea.Msg {
			if pass.Matches(typed) {
				return passphraseMsg{gen, true}
			}
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				return nil
			}
			return passphraseMsg{gen, false}
		}
	}
	var cmd tea.Cmd
	k.input, cmd = k.input.Update(msg)
	return cmd
}

func (k *Kiosk) onPassphrase(msg passphraseMsg) tea.Cmd {
	if msg.gen != k.gen || k.state != ksStaff {
		return nil
	}
	k.checking = false
	if !msg.ok {
		k.note = k.look.p.T("That is not the passphrase.")
		return nil
	}
	k.bump()
	k.state = ksEnded
	return tea.Sequence(wipe, tea.Quit)
}

func (k *Kiosk) staffView() (string, string, keyMap) {
	out := []string{
		"",
		wrap(k.look.p.T("This is for the stand's staff: the passphrase set when the kiosk started ends it. It is not shown as you type. Esc goes back to the welcome screen."), k.look.w),
		"",
	}
	if k.checking {
		out = append(out, "    "+k.look.p.T("Checking…"))
	} else {
		out = append(out, "    "+k.input.View())
	}
	if k.note != "" {
		out = append(out, "", k.look.st.bad.Render(k.note))
	}
	return k.look.st.title.Render(k.look.p.T("Voting kiosk · staff")), strings.Join(out, "\n"), staffKeys
}
