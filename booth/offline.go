package booth

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// Offline review (`booth review FILE`): a published results bundle in the
// booth's own screens, on the reader's terminal, with no network and no
// data directory. A summary shows whether the signature, the fingerprint
// and the local recount check out; from it the reader opens the booth's
// results screen, the election's description, or a lookup that finds a
// ballot by its receipt. The results and the description are the booth
// model's own screens, driven here; nothing of them is copied.

// offlineScreen is the review screen shown.
type offlineScreen uint8

const (
	offSummary offlineScreen = iota
	offBooth                 // a screen of the booth model: results or the description
	offLookup
)

// Keys of the review's own screens.
var (
	kSeeResults = key.NewBinding(key.WithKeys("enter", "R"), key.WithHelp("enter", "results"))
	kFind       = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "find your ballot"))
	kLeave      = key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "quit"))
	kFindGo     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "look it up"))
)

// offline is the review of one bundle. It keeps a booth model for the
// terminal's size, the styles and help, and the screens it reuses.
type offline struct {
	m        *model
	b        *bundle.Bundle
	rep      bundle.Report
	scr      offlineScreen
	boothScr screen // the booth model's screen while scr is offBooth
	look     *lookupState
	// distrust says why nothing in the bundle can be trusted (its
	// signature or its definition's fingerprint failed), "" when both
	// hold: the review then shows that and nothing else.
	distrust, distrustDetail string
	// pageScr is the screen the booth model's page offset scrolls.
	pageScr offlineScreen
	// ledger is the summary's ledger line, counted once: the ledger
	// never changes, and the summary is drawn every frame.
	ledger string
	// labelW is the summary's label width, measured once: the language
	// never changes, and every row of every frame asks for it.
	labelW int
}

// NewOffline returns the review of a bundle that bundle.Verify has
// checked, with its report, in lang (see Session.Lang).
func NewOffline(b *bundle.Bundle, rep bundle.Report, lang string) tea.Model {
	ctx, cancel := context.WithCancel(context.Background())
	p := i18n.For(lang)
	m := &model{ctx: ctx, cancel: cancel, s: Session{Now: time.Now, Lang: lang}, p: p, timeout: defaultIdle,
		w: 80, h: 24, tw: 80, st: darkStyles, dark: true}
	e := b.Election
	e.Definition = e.Definition.In(p.Lang())
	m.el = &electionState{me: models.MemberElection{Election: e, Turnout: b.Turnout}}
	o := &offline{m: m, b: b, rep: rep}
	o.distrust, o.distrustDetail = distrust(p, rep)
	o.ledger = ledgerLine(p, b.Ledger)
	return o
}

// distrust is why a bundle cannot be trusted, with what the check found:
// a signature that did not verify against the trust anchor, or a
// definition that does not hash to its fingerprint. A recount of such a
// bundle proves nothing (whoever changed it could change the ledger too),
// so no other check or screen is shown beside it.
func distrust(p i18n.Printer, rep bundle.Report) (string, string) {
	sig, def := false, false
	for _, c := range rep.Checks {
		switch c.Name {
		case bundle.CheckSignature:
			if c.Status != bundle.StatusOK {
				return p.T("THE SIGNATURE IS INVALID"), c.Detail
			}
			sig = true
		case bundle.CheckDefinition:
			if c.Status != bundle.StatusOK {
				return p.T("THE FINGERPRINT DOES NOT MATCH"), c.Detail
			}
			def = true
		}
	}
	switch {
	case !sig:
		return p.T("THE SIGNATURE WAS NOT CHECKED"), p.T("the report has no signature check")
	case !def:
		return p.T("THE FINGERPRINT WAS NOT CHECKED"), p.T("the report has no fingerprint check")
	}
	return "", ""
}

func (o *offline) Init() tea.Cmd { return tea.RequestBackgroundColor }

func (o *offline) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return o, o.onKey(msg)
	case tea.PasteMsg:
		if o.scr != offLookup || o.m.showHelp {
			return o, nil
		}
		var cmd tea.Cmd
		o.look.input, cmd = o.look.input.Update(msg)
		return o, cmd
	}
	// The terminal's size and colours: the booth model keeps them.
	_, cmd := o.m.Update(msg)
	if _, size := msg.(tea.WindowSizeMsg); size && o.look != nil {
		o.look.input.SetWidth(inputWidth(o.m, o.look.input.Prompt))
	}
	return o, cmd
}

func (o *offline) onKey(msg tea.KeyPressMsg) tea.Cmd {
	m := o.m
	if key.Matches(msg, kQuit) {
		return m.quit()
	}
	if o.scr == offBooth {
		cmd := m.onKey(msg)
		if m.scr != o.boothScr { // the screen went back
			m.res, m.read, o.scr = nil, nil, offSummary
		}
		return cmd
	}
	// The summary and the lookup have no cursor: ↑/↓ scroll them, or
	// their help, when taller than the terminal.
	if m.scrollPage(msg) {
		return nil
	}
	if m.showHelp {
		if key.Matches(msg, kHelp, kBack) {
			m.showHelp = false
		}
		return nil
	}
	if o.scr == offLookup {
		return o.lookupKey(msg)
	}
	switch {
	case key.Matches(msg, kHelp):
		m.showHelp = true
	case key.Matches(msg, kLeave):
		return m.quit()
	case o.distrust != "":
		// Nothing of an untrusted bundle opens.
	case key.Matches(msg, kSeeResults):
		m.res, m.scr = &resultState{}, scrResults
		m.onResultLoaded(resultMsg{id: o.b.Election.ID, res: models.StoredResult{Result: o.b.Phrased(), CountedAt: o.b.CountedAt}})
		o.scr, o.boothScr = offBooth, scrResults
	case key.Matches(msg, kDesc) && strings.TrimSpace(o.b.Election.Description) != "":
		m.openReader(safetext.Sanitize(m.el.me.Title), m.el.me.Description, scrElection)
		o.scr, o.boothScr = offBooth, scrRead
	case key.Matches(msg, kFind) && o.b.Ledger != nil:
		o.openLookup()
	}
	return nil
}

func (o *offline) View() tea.View {
	v := tea.NewView(o.content())
	v.AltScreen = true
	v.WindowTitle = "booth review"
	return v
}

func (o *offline) content() string {
	m := o.m
	if o.scr == offBooth || m.w < minWidth || m.h < minHeight {
		return m.content()
	}
	head, body, keys := o.summaryView()
	if o.scr == offLookup {
		head, body, keys = o.lookupView()
	}
	if o.pageScr != o.scr {
		o.pageScr, m.page.offset = o.scr, 0
	}
	return m.frame(head, body, keys)
}

// header is the election, as the review's screens head it.
func (o *offline) header() string {
	m := o.m
	e := m.el.me
	line2 := methodName(m.p, e.Method)
	if e.Method != tally.YesNo {
		line2 += " · " + seats(m.p, e.Seats)
	}
	line2 += m.p.T(" · closed %s", utc(e.ClosedAt))
	return spread(m.st.title.Render(safetext.Sanitize(e.Title)), m.p.T("published results"), m.w) + "\n" + line2
}

// distrustView is the summary of a bundle that cannot be trusted: the
// warning and nothing else.
func (o *offline) distrustView() (string, string, keyMap) {
	m := o.m
	out := []string{m.st.bad.Render("✗ " + o.distrust), ""}
	out = append(out, lines(wrap(safetext.Sanitize(o.distrustDetail)+".", m.w))...)
	out = append(out, "")
	out = append(out, lines(wrap(m.p.T("Nothing in this bundle can be trusted: not the result, the turnout, the ledger, nor a recount of it, so the review shows none of them. Get the bundle again from the election officers, and tell them it failed this check."), m.w))...)
	keys := keyMap{short: []key.Binding{kHelp, kLeave}, full: [][]key.Binding{{kHelp, kLeave, kQuit}}}
	return o.header(), strings.Join(out, "\n"), keys
}

func (o *offline) summaryView() (string, string, keyMap) {
	m, b := o.m, o.b
	if o.distrust != "" {
		return o.distrustView()
	}
	var out []string
	out = append(out, o.checkLines()...)
	out = append(out, o.row(m.p.T("Turnout"), turnoutText(m.p, m.el.me, i18n.Key("%s of %s (%s)"))))
	out = append(out, o.row(m.p.T("Ledger"), o.ledger))
	head := b.AuditHead
	if ansi.StringWidth(head) > 16 {
		head = ansi.Truncate(head, 16, "") + "…"
	}
	out = append(out, o.row(m.p.T("Audit chain"), m.p.T("head at entry %d, %s", b.AuditSeq, safetext.Sanitize(head))))
	out = append(out, o.row(m.p.T("Published"), m.p.T("%s · counted %s", utc(b.PublishedAt), utc(b.CountedAt))), "")
	out = append(out, o.outcome(m.w)...)
	keys := keyMap{short: []key.Binding{kSeeResults}}
	if b.Ledger != nil {
		keys.short = append(keys.short, kFind)
	}
	if strings.TrimSpace(b.Election.Description) != "" {
		keys.short = append(keys.short, kDesc)
	}
	keys.full = [][]key.Binding{keys.short, {kHelp, kLeave, kQuit}}
	keys.short = append(keys.short, kHelp, kLeave)
	return o.header(), strings.Join(out, "\n"), keys
}

// labelWidth is the width of the summary's labels: the English ones' and
// the width of the widest label in the language shown, with a space.
func (o *offline) labelWidth() int {
	if o.labelW > 0 {
		return o.labelW
	}
	w := 13
	for _, l := range []string{i18n.Key("Turnout"), i18n.Key("Ledger"), i18n.Key("Audit chain"), i18n.Key("Published"),
		i18n.Key("Signature"), i18n.Key("Fingerprint"), i18n.Key("Recount"), i18n.Key("Ballot texts")} {
		w = max(w, ansi.StringWidth(o.m.p.T(l))+1)
	}
	o.labelW = w
	return w
}

// row is a labelled line of the summary; text wraps under itself.
func (o *offline) row(label, text string) string {
	labelWidth := o.labelWidth()
	ls := hang(lines(wrap(text, max(o.m.w-labelWidth, 20))), padRight(label, labelWidth), strings.Repeat(" ", labelWidth))
	return strings.Join(ls, "\n")
}

// checkLines are the signature, the fingerprint, the recount and (for a
// v1 bundle) the unchecked ballot texts, each with a mark that does not
// depend on colour. The signature and the fingerprint held (else
// distrustView is shown instead).
func (o *offline) checkLines() []string {
	m := o.m
	var out []string
	for _, c := range o.rep.Checks {
		label, text := "", ""
		switch c.Name {
		case bundle.CheckSignature:
			label, text = m.p.T("Signature"), o.signatureText()
		case bundle.CheckDefinition:
			// The definition hashes to it: compare it with the one
			// published when voting opened.
			label, text = m.p.T("Fingerprint"), safetext.Sanitize(o.b.Election.Fingerprint)
		case bundle.CheckRecount:
			label, text = m.p.T("Recount"), o.recountText(c)
		case bundle.CheckBallotTexts:
			label, text = m.p.T("Ballot texts"), m.p.T("not checked: a v1 bundle, published before each ballot had one text")
		default:
			continue
		}
		mark := m.st.good.Render("✓ ")
		switch c.Status {
		case bundle.StatusFailed:
			mark = m.st.bad.Render("✗ ")
		case bundle.StatusSkipped:
			mark = m.st.dim.Render("– ")
		}
		out = append(out, o.row(label, mark+text))
	}
	return out
}

// signatureText is a signature that held (distrustView shows one that
// did not).
func (o *offline) signatureText() string {
	return o.m.p.T("valid, by %s: %s", safetext.Sanitize(o.b.Signer()), safetext.Sanitize(o.rep.AnchorText.In(o.m.p)))
}

func (o *offline) recountText(c bundle.Check) string {
	switch c.Status {
	case bundle.StatusOK:
		return o.m.p.T("matches: the %s ballots in the ledger count to the published result", thousands(int64(o.b.Turnout.Voted)))
	case bundle.StatusSkipped:
		return o.m.p.T("not possible: this election did not publish its ledger")
	}
	return safetext.Sanitize(c.Detail)
}

func ledgerLine(p i18n.Printer, ledger []models.LedgerEntry) string {
	if ledger == nil {
		return p.T("not published")
	}
	counted, replaced := 0, 0
	for _, l := range ledger {
		if l.Replaced {
			replaced++
		} else {
			counted++
		}
	}
	return p.T("%s and %s, by receipt hash", p.N(counted, "1 ballot", "%s ballots", thousands(int64(counted))),
		p.N(replaced, "1 replaced receipt", "%s replaced receipts", thousands(int64(replaced))))
}

// outcome is the result in a sentence, or the elected one to a line (a
// name may hold a comma).
func (o *offline) outcome(w int) []string {
	r := o.b.Result
	switch {
	case r.Method == tally.YesNo && r.Passed:
		return []string{o.m.p.T("The question passed.")}
	case r.Method == tally.YesNo:
		return []string{o.m.p.T("The question did not pass.")}
	case len(r.Elected) == 0:
		return []string{o.m.p.T("Nobody was elected.")}
	}
	var out []string
	elected := o.m.p.T("Elected: ")
	for i, c := range r.Elected {
		prefix := elected
		if i > 0 {
			prefix = strings.Repeat(" ", ansi.StringWidth(elected))
		}
		if c >= 0 && c < len(r.Candidates) {
			out = append(out, lines(wrap(prefix+safetext.Sanitize(r.Candidates[c].Name), w))...)
		}
	}
	return out
}
