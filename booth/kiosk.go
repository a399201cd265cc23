package booth

import (
	"context"
	"reflect"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
)

// The kiosk is the booth at a conference stand: one terminal that many
// members use in turn, each with a one-time code staff gave them. It wraps
// the booth model (the same screens) and owns what a shared terminal
// needs: a welcome screen asking for a code, a fresh booth for each voter,
// and a wipe of the screen and the scrollback when the voter is done, so
// the next one finds nothing of them. No key leaves the kiosk; only staff
// end it, with a passphrase set when it starts.

// KioskBackend is what the kiosk asks of the rest of booth; *models.Service
// satisfies it.
type KioskBackend interface {
	Backend
	RedeemCode(ctx context.Context, code string) (models.KioskVoter, error)
}

var _ KioskBackend = (*models.Service)(nil)

// Kiosk defaults for the zero fields of KioskConfig.
const (
	DefaultKioskIdle        = 3 * time.Minute
	DefaultKioskReceiptTime = 2 * time.Minute
	defaultRefusalDelay     = 2 * time.Second
	// welcomeIdle clears a half-typed code or a refusal from the welcome
	// screen; staffIdle closes the staff prompt.
	welcomeIdle = time.Minute
	staffIdle   = 30 * time.Second
	// receiptGuard ignores keys on the receipt screen just after it
	// appears, so an enter pressed twice does not skip the receipt.
	receiptGuard = 2 * time.Second
)

// KioskConfig configures a kiosk.
type KioskConfig struct {
	// Name is the stand's name, shown on the welcome screen.
	Name string
	// Now is the clock; tests set a fixed one.
	Now func() time.Time
	// IdleTimeout starts over, casting nothing, when a voter pressed no
	// key for this long (DefaultKioskIdle when zero).
	IdleTimeout time.Duration
	// ReceiptTime clears the receipt screen by itself this long after it
	// appeared (DefaultKioskReceiptTime when zero).
	ReceiptTime time.Duration
	// RefusalDelay is how long a refused code or a wrong staff
	// passphrase keeps the kiosk busy, which makes guessing either slow
	// (2 seconds when zero).
	RefusalDelay time.Duration
	// Passphrase ends the kiosk. When nil, the kiosk first asks staff to
	// set one.
	Passphrase *Passphrase
	// Lang is the language of the kiosk's screens and of every voter's
	// booth in it ("ja", "es"; English when empty).
	Lang string
}

// kioskState is what the kiosk shows.
type kioskState uint8

const (
	ksSetup   kioskState = iota // staff set the passphrase
	ksWelcome                   // waiting for a code
	ksStaff                     // the staff prompt, to end the kiosk
	ksVoter                     // a voter's booth
	ksEnded                     // staff ended the kiosk
)

// Kiosk is the kiosk's bubbletea model.
type Kiosk struct {
	ctx context.Context
	b   KioskBackend
	cfg KioskConfig

	// look holds the terminal's size and colours, and frames the kiosk's
	// own screens as the booth frames its screens.
	look  *model
	state kioskState
	input textinput.Model
	note  string // a refusal or hint shown under the input
	// checking is set while a code is being redeemed; keys wait.
	checking bool
	first    *Passphrase // setup: the passphrase typed once so far
	lastKey  time.Time
	armed    bool // a timer for the current state is running

	// gen counts the kiosk's states: every timer and every message of a
	// voter's booth carries the gen it was made in, and one from an
	// earlier gen is dropped, so nothing of a voter reaches the next.
	gen       uint64
	genCtx    context.Context
	genCancel context.CancelFunc

	inner       *model // the voter's booth, only in ksVoter
	innerCancel context.CancelFunc
	receiptAt   time.Time // when the receipt appeared; zero before
	guard       time.Duration
}

// NewKiosk returns the kiosk. ctx should end with the terminal: every
// voter's booth and every timer ends with it.
func NewKiosk(ctx context.Context, b KioskBackend, cfg KioskConfig) *Kiosk {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultKioskIdle
	}
	if cfg.ReceiptTime <= 0 {
		cfg.ReceiptTime = DefaultKioskReceiptTime
	}
	if cfg.RefusalDelay <= 0 {
		cfg.RefusalDelay = defaultRefusalDelay
	}
	k := &Kiosk{ctx: ctx, b: b, cfg: cfg, guard: receiptGuard, look: &model{w: 80, h: 24, tw: 80, st: darkStyles, dark: true, p: i18n.For(cfg.Lang)}}
	k.bump()
	if cfg.Passphrase == nil {
		k.openSetup()
	} else {
		k.openWelcome()
	}
	return k
}

// Init asks the terminal for its background, for the colours.
func (k *Kiosk) Init() tea.Cmd { return tea.RequestBackgroundColor }

// KioskFilter is the kiosk program's message filter: a suspend (ctrl+z on
// some terminals) or an interrupt (SIGINT) would end or stop the program,
// and nobody at the kiosk may do either.
func KioskFilter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.SuspendMsg, tea.InterruptMsg:
		return nil
	}
	return msg
}

// bump starts a new gen: the timers of the last one stop.
func (k *Kiosk) bump() {
	if k.genCancel != nil {
		k.genCancel()
	}
	k.gen++
	k.genCtx, k.genCancel = context.WithCancel(k.ctx)
	k.armed = false
}

// kioskTimerMsg is a timer of the kiosk firing.
type kioskTimerMsg struct {
	gen uint64
	at  time.Time
}

// after fires once, d from now, unless the gen ends first (then its
// goroutine ends too).
func (k *Kiosk) after(d time.Duration) tea.Cmd {
	k.armed = true
	ctx, gen := k.genCtx, k.gen
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case at := <-t.C:
			return kioskTimerMsg{gen, at}
		case <-ctx.Done():
			return nil
		}
	}
}

// Update routes a message: the terminal's to the kiosk and the voter's
// booth, keys to the screen shown, and the booth's own answers to the
// booth that asked, if it is still the voter's.
func (k *Kiosk) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		k.look.tw, k.look.w, k.look.h = msg.Width, min(msg.Width, maxWidth), msg.Height
		k.look.resize()
		return k, k.toInner(tea.WindowSizeMsg{Width: msg.Width, Height: max(msg.Height-1, 0)})
	case tea.ColorProfileMsg:
		k.look.noColour = msg.Profile <= colorprofile.Ascii
		k.restyle()
		return k, k.toInner(msg)
	case tea.BackgroundColorMsg:
		k.look.dark = msg.IsDark()
		k.restyle()
		return k, k.toInner(msg)
	case tea.KeyPressMsg:
		return k, k.onKey(msg)
	case tea.PasteMsg:
		k.lastKey = time.Now()
		return k, k.onPaste(msg)
	case innerMsg:
		return k, k.onInner(msg)
	case kioskTimerMsg:
		if msg.gen != k.gen {
			return k, nil
		}
		k.armed = false
		return k, k.onTimer(msg.at)
	case redeemMsg:
		return k, k.onRedeem(msg)
	case passphraseMsg:
		return k, k.onPassphrase(msg)
	}
	if isTeaMsg(msg) {
		return k, k.toInner(msg)
	}
	return k, nil
}

// restyle follows the terminal's colours, the field being typed in too.
func (k *Kiosk) restyle() {
	k.look.setStyles()
	in := newInput(k.look, k.input.Prompt, k.input.Value())
	in.EchoMode, in.CharLimit = k.input.EchoMode, k.input.CharLimit
	in.SetWidth(k.input.Width())
	in.Focus()
	k.input = in
}

// leavingKeys are what a terminal user presses to get out of a program:
// interrupt, end of input, suspend and quit. At the kiosk they do nothing.
func leavingKey(msg tea.KeyPressMsg) bool {
	return msg.Mod == tea.ModCtrl && strings.ContainsRune(`cdz\`, msg.Code)
}

func (k *Kiosk) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if leavingKey(msg) {
		return nil
	}
	k.lastKey = time.Now()
	switch k.state {
	case ksSetup:
		return k.setupKey(msg)
	case ksWelcome:
		return k.welcomeKey(msg)
	case ksStaff:
		return k.staffKey(msg)
	case ksVoter:
		// Done with the receipt: the voter's visit ends here, and the
		// booth never shows its home screen again with their name.
		if k.inner.scr == scrReceipt && key.Matches(msg, kDone) {
			if time.Since(k.receiptAt) < k.guard {
				return nil
			}
			return k.reset()
		}
		return k.toInner(msg)
	}
	return nil
}

func (k *Kiosk) onPaste(msg tea.PasteMsg) tea.Cmd {
	switch k.state {
	case ksVoter:
		return k.toInner(msg)
	case ksWelcome, ksStaff, ksSetup:
		if k.checking {
			return nil
		}
		var cmd tea.Cmd
		k.input, cmd = k.input.Update(msg)
		return cmd
	}
	return nil
}

// onTimer handles the current state's timer: a voter's receipt clears
// itself, and a welcome screen or staff prompt left alone is cleared.
func (k *Kiosk) onTimer(at time.Time) tea.Cmd {
	switch k.state {
	case ksVoter:
		if k.inner.scr == scrReceipt {
			return k.reset()
		}
	case ksWelcome, ksStaff:
		limit := welcomeIdle
		if k.state == ksStaff {
			limit = staffIdle
		}
		if left := limit - at.Sub(k.lastKey); left > 0 {
			return k.after(left)
		}
		k.openWelcome()
	}
	return nil
}

// innerMsg is a message of a voter's booth, tagged with the gen it belongs
// to.
type innerMsg struct {
	gen uint64
	msg tea.Msg
}

// wrap tags the booth's command with the current gen, so its answer
// reaches this voter's booth or nobody.
func (k *Kiosk) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	gen := k.gen
	return func() tea.Msg { return innerMsg{gen, cmd()} }
}

// teaPkg and clipboardType identify bubbletea's own messages: the kiosk
// passes the terminal requests of the booth on to the program, except any
// write to the terminal's clipboard (OSC 52), where the next voter would
// find the last one's receipt.
var (
	teaPkg        = reflect.TypeFor[tea.QuitMsg]().PkgPath()
	clipboardType = reflect.TypeOf(tea.SetClipboard("")())
)

func isTeaMsg(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	return t != nil && t.PkgPath() == teaPkg
}

func (k *Kiosk) onInner(im innerMsg) tea.Cmd {
	if im.gen != k.gen || k.inner == nil || im.msg == nil {
		return nil
	}
	switch msg := im.msg.(type) {
	case tea.BatchMsg:
		cmds := make([]tea.Cmd, len(msg))
		for i, c := range msg {
			cmds[i] = k.wrap(c)
		}
		return tea.Batch(cmds...)
	case tea.QuitMsg:
		// The booth quits when the voter leaves or idles; afterInner has
		// seen that already and started over.
		return nil
	}
	if isTeaMsg(im.msg) {
		if reflect.TypeOf(im.msg) == clipboardType {
			return nil
		}
		return func() tea.Msg { return im.msg }
	}
	return k.toInner(im.msg)
}

// toInner hands a message to the voter's booth, if one is open, and looks
// at where the booth is afterwards.
func (k *Kiosk) toInner(msg tea.Msg) tea.Cmd {
	if k.inner == nil {
		return nil
	}
	_, cmd := k.inner.Update(msg)
	return k.afterInner(k.wrap(cmd))
}

// afterInner follows the voter: a booth that quit (the voter left their
// list of elections, or was idle too long) starts the kiosk over, and a
// receipt on screen starts its timer.
func (k *Kiosk) afterInner(cmd tea.Cmd) tea.Cmd {
	switch {
	case k.inner.quitMsg != "":
		return k.reset()
	case k.inner.scr == scrReceipt && k.receiptAt.IsZero():
		k.receiptAt = time.Now()
		return tea.Batch(cmd, k.after(k.cfg.ReceiptTime))
	}
	return cmd
}

// startVoter opens a fresh booth for the member a code let in, showing
// only the elections the code opens.
func (k *Kiosk) startVoter(v models.KioskVoter) tea.Cmd {
	k.bump()
	ctx, cancel := context.WithCancel(k.ctx)
	backend := kioskBackend{b: k.b, voter: v, now: k.cfg.Now}
	inner := New(ctx, backend, Session{
		Member: v.Member, Now: k.cfg.Now, IdleTimeout: k.cfg.IdleTimeout, Kiosk: true, Lang: k.cfg.Lang,
	}).(*model)
	inner.tw, inner.w, inner.h = k.look.tw, k.look.w, max(k.look.h-1, 0)
	inner.dark, inner.noColour = k.look.dark, k.look.noColour
	inner.setStyles()
	k.inner, k.innerCancel, k.receiptAt = inner, cancel, time.Time{}
	k.state, k.note, k.checking = ksVoter, "", false
	return k.wrap(inner.Init())
}

// reset ends the voter's visit, if any, and wipes the terminal: the screen
// and the scrollback (CSI 3 J), and then draws the welcome screen anew.
// The booth that served the voter is dropped whole, with their name, their
// candidate order and their receipt; its pending answers are dropped as
// they arrive (their gen is over).
func (k *Kiosk) reset() tea.Cmd {
	if k.innerCancel != nil {
		k.innerCancel()
	}
	k.inner, k.innerCancel, k.receiptAt = nil, nil, time.Time{}
	k.openWelcome()
	return wipe
}

// wipe clears the terminal's scrollback and screen and has the program
// draw its whole screen again.
var wipe = tea.Sequence(tea.Raw(ansi.EraseEntireDisplay), tea.ClearScreen)

// View draws the kiosk full-screen: its own screens, or the voter's booth
// with the kiosk's status line under it.
func (k *Kiosk) View() tea.View {
	v := tea.NewView(k.content())
	v.AltScreen = true
	v.WindowTitle = "booth kiosk"
	return v
}

func (k *Kiosk) content() string {
	if k.state == ksEnded {
		return k.look.p.T("The kiosk has ended.") + "\n"
	}
	if k.inner != nil {
		return k.inner.content() + "\n" + k.statusLine()
	}
	if k.look.w < minWidth || k.look.h < minHeight {
		return k.look.content() // asks for a bigger terminal
	}
	var head, body string
	var keys keyMap
	switch k.state {
	case ksSetup:
		head, body, keys = k.setupView()
	case ksStaff:
		head, body, keys = k.staffView()
	default:
		head, body, keys = k.welcomeView()
	}
	return k.look.frame(head, body, keys)
}

// statusLine is the kiosk's line under a voter's booth: how the visit
// ends.
// The longer wording is used where it fits, the shorter one on narrow
// terminals, so that the line never loses how the visit ends.
func (k *Kiosk) statusLine() string {
	p := k.look.p
	idle := duration(p, k.cfg.IdleTimeout)
	say := []string{p.T("Kiosk · q on your elections list finishes · %s idle starts over, casting nothing", idle),
		p.T("Kiosk · q finishes · %s idle starts over, casting nothing", idle)}
	if k.inner.scr == scrReceipt {
		clears := duration(p, k.cfg.ReceiptTime)
		say = []string{p.T("Kiosk · enter once you have noted your receipt · it clears itself after %s", clears),
			p.T("Kiosk · enter once noted · clears itself after %s", clears)}
	}
	s := say[0]
	if ansi.StringWidth(s) > k.look.w {
		s = say[1]
	}
	return ansi.Truncate(k.look.st.dim.Render(s), k.look.w, "…")
}
