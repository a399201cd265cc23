package booth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// NominationBackend is what the booth's membership and nomination screens
// ask of the rest of booth; *models.Service satisfies it. A backend
// without it, and the kiosk (whose voters sign in with a code, not their
// key), shows none of them.
type NominationBackend interface {
	Standing(ctx context.Context, memberID string) (models.MemberStanding, error)
	Renew(ctx context.Context, memberID string) (models.Member, error)
	MyNominations(ctx context.Context, memberID string) ([]models.MyNomination, error)
	NominatingElections(ctx context.Context) ([]models.Election, error)
	Nominations(ctx context.Context, electionID string, officer bool) (models.Election, []models.NominationView, error)
	NomineeOptions(ctx context.Context, electionID, memberID string) ([]models.NomineeOption, error)
	Nominate(ctx context.Context, electionID, memberID, nominee string) error
	AnswerNomination(ctx context.Context, electionID, memberID string, a models.NominationAction, statement string) (models.Nomination, error)
}

var _ NominationBackend = (*models.Service)(nil)

var (
	kRenew       = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "renew membership"))
	kNominations = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "nominations"))
	kNominate    = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "nominate someone"))
	kAccept      = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept"))
	kDecline     = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "decline"))
	kWithdraw    = key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "withdraw"))
	kSubmit      = key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "accept with this statement"))

	nominationsKeys = keyMap{
		short: []key.Binding{kUp, kDown, kNominate, kAccept, kDecline, kWithdraw, kHelp, kBack},
		full:  [][]key.Binding{{kUp, kDown, kNominate}, {kAccept, kDecline, kWithdraw}, {kHelp, kBack, kQuit}},
	}
	// The Nominate screen types letters into its search: only the arrows move.
	kArrows      = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose"))
	kNominateGo  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "nominate"))
	nominateKeys = keyMap{
		short: []key.Binding{kArrows, kNominateGo, kEsc},
		full:  [][]key.Binding{{kArrows, kNominateGo}, {kEsc, kQuit}},
	}
	acceptKeys = keyMap{
		short: []key.Binding{kSubmit, kEsc},
		full:  [][]key.Binding{{kSubmit}, {kEsc, kQuit}},
	}
)

// nomState is what the booth knows of the member's standing and of the
// elections taking nominations, and the nomination screens' own state.
type nomState struct {
	loaded   bool
	err      error
	standing models.MemberStanding
	mine     []models.MyNomination
	open     []nomElection
	cursor   int    // the election on the nominations screen
	confirm  bool   // home asks to confirm a renewal
	note     string // the outcome of the last action, in words
	pick     *pickState
	accept   *textarea.Model
}

// nomElection is an election taking nominations, with its nominations.
type nomElection struct {
	e  models.Election
	ns []models.NominationView
}

// pickState is the Nominate screen: members filtered by name or ID.
type pickState struct {
	input   textinput.Model
	options []pickOption
	// lower is the options' names in lower case, made once when they
	// load: the filter runs more than once on every key.
	lower  []string
	cursor int
}

// pickOption is a member one could nominate, with the refusal said once
// in the member's language when the options load, not at every frame.
type pickOption struct {
	models.NomineeOption
	why string // the Refusal in the member's words, sanitised; "" when none
}

// setOptions keeps the options loaded for the pick, with their names
// lowered for filtered and their refusals said in p's language.
func (p *pickState) setOptions(options []models.NomineeOption, lang i18n.Printer) {
	p.options = make([]pickOption, len(options))
	p.lower = make([]string, len(options))
	for i, o := range options {
		p.options[i] = pickOption{NomineeOption: o}
		if o.Refusal != nil {
			p.options[i].why = safetext.Sanitize(lang.Err(o.Refusal))
		}
		p.lower[i] = strings.ToLower(o.Member.Name)
	}
}

type nomLoadedMsg struct {
	standing models.MemberStanding
	mine     []models.MyNomination
	open     []nomElection
	err      error
}

type nomDoneMsg struct {
	note string
	err  error
}

type optionsMsg struct {
	options []models.NomineeOption
	err     error
}

// nomBackend is the backend's nomination side, or nil when it has none
// or the session is the kiosk's.
func (m *model) nomBackend() NominationBackend {
	nb, ok := m.b.(NominationBackend)
	if !ok || m.s.Kiosk {
		return nil
	}
	return nb
}

// loadNominations reads the member's standing, their nominations and the
// elections taking nominations.
func (m *model) loadNominations() tea.Cmd {
	nb := m.nomBackend()
	if nb == nil {
		return nil
	}
	ctx, id := m.ctx, m.s.Member.ID
	return func() tea.Msg {
		var msg nomLoadedMsg
		if msg.standing, msg.err = nb.Standing(ctx, id); msg.err != nil {
			return msg
		}
		if msg.mine, msg.err = nb.MyNominations(ctx, id); msg.err != nil {
			return msg
		}
		es, err := nb.NominatingElections(ctx)
		if err != nil {
			msg.err = err
			return msg
		}
		for _, e := range es {
			_, ns, err := nb.Nominations(ctx, e.ID, false)
			if err != nil {
				msg.err = err
				return msg
			}
			msg.open = append(msg.open, nomElection{e, ns})
		}
		return msg
	}
}

func (m *model) onNomLoaded(msg nomLoadedMsg) {
	n := &m.nom
	n.loaded, n.err, n.standing, n.mine, n.open = true, msg.err, msg.standing, msg.mine, msg.open
	n.cursor = min(n.cursor, max(len(n.open)-1, 0))
}

// nomAction runs one action and reloads.
func (m *model) nomAction(do func(context.Context, NominationBackend) (string, error)) tea.Cmd {
	nb, ctx := m.nomBackend(), m.ctx
	return func() tea.Msg {
		note, err := do(ctx, nb)
		return nomDoneMsg{note, err}
	}
}

func (m *model) onNomDone(msg nomDoneMsg) tea.Cmd {
	m.nom.note = msg.note
	if msg.err != nil {
		m.nom.note = refusalText(m.p, msg.err)
	}
	return m.loadNominations()
}

// refusalText is an error as the member reads it, the rule's words in the
// member's language.
func refusalText(p i18n.Printer, err error) string {
	if errors.Is(err, models.ErrRefused) || errors.Is(err, models.ErrExists) || errors.Is(err, models.ErrNotFound) {
		return p.T("Not done: %s.", safetext.Sanitize(p.Err(err)))
	}
	return p.T("Not done: %s. Please try again later, or tell the election officers.", safetext.Sanitize(p.Err(err)))
}

// homeNotices are home's lines about the member's membership and
// nominations, under the header, and the keys they offer.
func (m *model) homeNotices() (string, []key.Binding) {
	n := &m.nom
	if m.nomBackend() == nil || !n.loaded || n.err != nil {
		return "", nil
	}
	var out []string
	var keys []key.Binding
	st := n.standing.Standing
	switch {
	case n.confirm:
		out = append(out, m.st.warn.Render(m.p.T("Renew your membership for another term? Press y to renew, any other key not to.")))
	case st.State == models.StandingExpiring || st.State == models.StandingGrace:
		out = append(out, m.st.warn.Render(m.p.T("Renew your membership"))+m.p.T(" — it ends %s; press r to renew it for another term", utc(st.Until)))
		keys = append(keys, kRenew)
	case st.State == models.StandingLapsed:
		out = append(out, m.st.bad.Render(m.p.T("Your membership has lapsed"))+m.p.T(": ask the officers to renew it."))
	}
	for _, mn := range n.mine {
		if mn.State == models.NominationPending {
			out = append(out, m.st.title.Render(m.p.T("You are nominated"))+m.p.T(" in %s: accept or decline before %s (press n)",
				safetext.Sanitize(mn.Election.Title), utc(mn.Election.Nominations.Closes)))
		}
	}
	if len(n.open) > 0 {
		out = append(out, m.p.N(len(n.open), "Nominations are open in 1 election: press n to nominate or see them",
			"Nominations are open in %d elections: press n to nominate or see them", len(n.open)))
		keys = append(keys, kNominations)
	}
	if n.note != "" && m.scr == scrHome {
		out = append(out, n.note)
	}
	if len(out) == 0 {
		return "", nil
	}
	return wrap(strings.Join(out, "\n"), m.w), keys
}

// homeNomKey handles home's renewal and nominations keys; it reports
// whether it took the key.
func (m *model) homeNomKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	n := &m.nom
	if m.nomBackend() == nil || !n.loaded {
		return nil, false
	}
	if n.confirm {
		n.confirm = false
		if msg.String() != "y" {
			n.note = m.p.T("Not renewed.")
			return nil, true
		}
		id := m.s.Member.ID
		return m.nomAction(func(ctx context.Context, nb NominationBackend) (string, error) {
			mb, err := nb.Renew(ctx, id)
			if err != nil {
				return "", err
			}
			return m.st.good.Render(m.p.T("Renewed ✓")) + m.p.T(" you are in good standing until %s.", utc(mb.GoodUntil)), nil
		}), true
	}
	st := n.standing.Standing.State
	switch {
	case key.Matches(msg, kRenew) && (st == models.StandingExpiring || st == models.StandingGrace):
		n.confirm, n.note = true, ""
		return nil, true
	case key.Matches(msg, kNominations) && len(n.open) > 0:
		n.note = ""
		m.scr = scrNominations
		return nil, true
	}
	return nil, false
}

// myNomination is the member's own nomination in e, if any.
func (m *model) myNomination(e models.Election) *models.NominationView {
	for _, ne := range m.nom.open {
		if ne.e.ID != e.ID {
			continue
		}
		for i, v := range ne.ns {
			if v.NomineeID == m.s.Member.ID {
				return &ne.ns[i]
			}
		}
	}
	return nil
}

func (m *model) nominationsKey(msg tea.KeyPressMsg) tea.Cmd {
	n := &m.nom
	if len(n.open) == 0 {
		m.scr = scrHome
		return nil
	}
	e := n.open[n.cursor].e
	mine := m.myNomination(e)
	id := m.s.Member.ID
	switch {
	case key.Matches(msg, kBack):
		m.scr, n.note = scrHome, ""
	case key.Matches(msg, kUp):
		n.cursor = max(n.cursor-1, 0)
	case key.Matches(msg, kDown):
		n.cursor = min(n.cursor+1, len(n.open)-1)
	case key.Matches(msg, kNominate):
		in := newInput(m, m.p.T("Find a member: "), "")
		in.Focus()
		n.pick, n.note = &pickState{input: in}, ""
		m.scr = scrNominate
		nb, ctx := m.nomBackend(), m.ctx
		return func() tea.Msg {
			os, err := nb.NomineeOptions(ctx, e.ID, id)
			return optionsMsg{os, err}
		}
	case key.Matches(msg, kAccept) && mine != nil:
		ta := newStatementArea(m, mine.Statement)
		n.accept, n.note = &ta, ""
		m.scr = scrAccept
		return ta.Focus()
	case key.Matches(msg, kDecline) && mine != nil, key.Matches(msg, kWithdraw) && mine != nil:
		a := models.Decline
		if key.Matches(msg, kWithdraw) {
			a = models.Withdraw
		}
		return m.nomAction(func(ctx context.Context, nb NominationBackend) (string, error) {
			out, err := nb.AnswerNomination(ctx, e.ID, id, a, "")
			return m.p.T("Your nomination in %s is now %s.", e.ID, out.State.In(m.p)), err
		})
	}
	return nil
}

// newStatementArea is the statement editor: Markdown, as long as an
// officer's candidate statement may be, without a blinking cursor.
func newStatementArea(m *model, value string) textarea.Model {
	ta := textarea.New()
	st := textarea.DefaultStyles(m.dark)
	if m.noColour {
		st = textarea.Styles{}
	}
	st.Cursor.Blink = false
	ta.SetStyles(st)
	ta.KeyMap.Paste.SetEnabled(false)
	ta.ShowLineNumbers = false
	ta.CharLimit = models.MaxStatementBytes
	ta.Placeholder = m.p.T("Why members should elect you (Markdown)…")
	ta.SetValue(value)
	sizeStatementArea(m, &ta)
	return ta
}

func sizeStatementArea(m *model, ta *textarea.Model) {
	ta.SetWidth(max(m.w-2, 10))
	ta.SetHeight(max(m.h-8, 3))
}

func (m *model) acceptKey(msg tea.KeyPressMsg) tea.Cmd {
	n := &m.nom
	switch {
	case key.Matches(msg, kEsc):
		n.accept, m.scr = nil, scrNominations
		return nil
	case key.Matches(msg, kSubmit):
		e := n.open[n.cursor].e
		statement, id := n.accept.Value(), m.s.Member.ID
		n.accept, m.scr = nil, scrNominations
		return m.nomAction(func(ctx context.Context, nb NominationBackend) (string, error) {
			_, err := nb.AnswerNomination(ctx, e.ID, id, models.Accept, statement)
			return m.st.good.Render(m.p.T("Accepted ✓")) + m.p.T(" you stand in %s when the nominations close, with your statement.", e.ID), err
		})
	}
	var cmd tea.Cmd
	*n.accept, cmd = n.accept.Update(msg)
	return cmd
}

func (m *model) nominateKey(msg tea.KeyPressMsg) tea.Cmd {
	p := m.nom.pick
	shown := p.filtered()
	switch {
	case key.Matches(msg, kEsc):
		m.nom.pick, m.scr = nil, scrNominations
		return nil
	case msg.String() == "up":
		p.cursor = max(p.cursor-1, 0)
		return nil
	case msg.String() == "down":
		p.cursor = min(p.cursor+1, max(len(shown)-1, 0))
		return nil
	case key.Matches(msg, kNominateGo):
		if p.cursor >= len(shown) {
			return nil
		}
		o := shown[p.cursor]
		if o.Refusal != nil {
			m.nom.note = m.p.T("You cannot nominate %s: %s.", o.Member.ID, o.why)
			return nil
		}
		e, id := m.nom.open[m.nom.cursor].e, m.s.Member.ID
		m.nom.pick, m.scr = nil, scrNominations
		return m.nomAction(func(ctx context.Context, nb NominationBackend) (string, error) {
			err := nb.Nominate(ctx, e.ID, id, o.Member.ID)
			return m.st.good.Render(m.p.T("Nominated ✓")) + m.p.T(" %s in %s: they are told at their next login.", safetext.Sanitize(o.Member.Name), e.ID), err
		})
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	p.cursor = min(p.cursor, max(len(p.filtered())-1, 0))
	return cmd
}

// filtered is the options whose name or ID holds the typed text.
func (p *pickState) filtered() []pickOption {
	q := strings.ToLower(strings.TrimSpace(safetext.Sanitize(p.input.Value())))
	if q == "" {
		return p.options
	}
	var out []pickOption
	for i, o := range p.options {
		if strings.Contains(p.lower[i], q) || strings.Contains(o.Member.ID, q) {
			out = append(out, o)
		}
	}
	return out
}

func (m *model) nominationsView() (string, string, keyMap) {
	n := &m.nom
	head := m.st.title.Render(m.p.T("Nominations"))
	if len(n.open) == 0 {
		return head, m.p.T("No election takes nominations now."), nominationsKeys
	}
	var out []string
	for i, ne := range n.open {
		mark := "  "
		if i == n.cursor {
			mark = m.st.cursor.Render("› ")
		}
		r := ne.e.Nominations
		out = append(out, mark+m.st.heading.Render(safetext.Sanitize(ne.e.Title)))
		self := m.p.T("self-nomination not allowed")
		if r.Self {
			self = m.p.T("self-nomination allowed")
		}
		out = append(out, "    "+m.st.dim.Render(wrap(m.p.T("closes %s", utc(r.Closes))+" · "+
			m.p.N(r.Supporters, "1 supporter", "%s supporters", thousands(int64(r.Supporters)))+" · "+self, m.w-4)))
		if len(ne.ns) == 0 {
			out = append(out, "    "+m.p.T("No nominations yet."))
		}
		for _, v := range ne.ns {
			who := fmt.Sprintf("%d", v.SupporterCount)
			if v.Supporters != nil {
				who = strings.Join(v.Supporters, ", ")
			}
			line := m.p.T("%s (%s): %s, nominated by %s", safetext.Sanitize(v.Name), v.NomineeID, v.State.In(m.p), who)
			if v.NomineeID == m.s.Member.ID {
				line = m.st.title.Render(m.p.T("you")) + " — " + line
			}
			out = append(out, hang(lines(wrap(line, m.w-6)), "    • ", "      ")...)
		}
		out = append(out, "")
	}
	if n.note != "" {
		out = append(out, wrap(n.note, m.w))
	}
	if mine := m.myNomination(n.open[n.cursor].e); mine != nil && mine.State == models.NominationPending {
		out = append(out, wrap(m.p.T("You are nominated here: press a to accept with a statement, x to decline."), m.w))
	}
	return head, strings.Join(out, "\n"), nominationsKeys
}

func (m *model) nominateView() (string, string, keyMap) {
	p := m.nom.pick
	e := m.nom.open[m.nom.cursor].e
	head := m.st.title.Render(m.p.T("Nominate")) + m.p.T(" in %s", safetext.Sanitize(e.Title))
	var out []string
	out = append(out, p.input.View(), "")
	shown := p.filtered()
	if p.options == nil {
		out = append(out, m.p.T("Loading the members…"))
	}
	if m.nom.note != "" {
		out = append(out, lines(wrap(m.nom.note, m.w))...)
		out = append(out, "")
	}
	cursorLine, span := len(out), 1
	for i, o := range shown {
		mark := "  "
		item := hang(lines(wrap(safetext.Sanitize(o.Member.Name)+" ("+o.Member.ID+")", m.w-2)), "", "  ")
		if o.Refusal != nil {
			// Why not, whole: the member reads it before choosing.
			for _, l := range lines(wrap("— "+o.why, m.w-4)) {
				item = append(item, "  "+m.st.dim.Render(l))
			}
		}
		if i == p.cursor {
			mark = m.st.cursor.Render("› ")
			cursorLine, span = len(out), len(item)
		}
		item[0] = mark + item[0]
		for j := 1; j < len(item); j++ {
			item[j] = "  " + item[j]
		}
		out = append(out, item...)
	}
	return head, strings.Join(window(out, cursorLine, span, m.rows(head)), "\n"), nominateKeys
}

func (m *model) acceptView() (string, string, keyMap) {
	e := m.nom.open[m.nom.cursor].e
	head := m.st.title.Render(m.p.T("Accept your nomination")) + m.p.T(" in %s", safetext.Sanitize(e.Title))
	body := wrap(m.p.T("Your statement (Markdown), shown to every voter on the ballot. ctrl+s accepts; esc goes back without accepting."), m.w) +
		"\n\n" + m.nom.accept.View()
	return head, body, acceptKeys
}
