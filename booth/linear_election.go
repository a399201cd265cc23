package booth

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// linearElection is one election opened in linear mode, with the
// candidates numbered in the member's order (see CandidateOrder).
type linearElection struct {
	me    models.MemberElection
	order []int
	// reviews counts the ballots read back, so a second one is told
	// from the first.
	reviews int
}

// cand is the candidate the member's number k (from 1) stands for.
func (le *linearElection) cand(k int) models.Candidate {
	return le.me.Candidates[le.order[k-1]]
}

// election prints an election once per session (later visits name it
// only) and offers what can be done in it. It returns errLeave when the
// member leaves the booth.
func (l *linear) election(me models.MemberElection) error {
	le := &linearElection{me: me, order: CandidateOrder(l.secret, l.s.Member.ID, me.Definition)}
	if l.seen[me.ID] {
		l.line("\n" + l.p.T("Back in %s. %s", safetext.Sanitize(me.Title), linearStatus(l.p, me, l.s.Now())))
	} else {
		l.seen[me.ID] = true
		l.about(le)
	}
	said := "" // the last word on why there is nothing to do, said once
	for {
		act, label := l.action(me)
		if act == actNone && label != said {
			l.line(label)
			said = label
		}
		// The choices are the prompt itself: a member who comes back to
		// this question hears them again with it, and nothing else is
		// printed again.
		var choices []string
		if act != actNone {
			choices = append(choices, lowerFirst(label))
		}
		if me.Method == tally.YesNo {
			choices = append(choices, l.p.T("read an answer's statement"), l.p.T("list the answers"))
		} else {
			choices = append(choices, l.p.T("read a candidate's statement"), l.p.T("list the candidates"))
		}
		choices = append(choices, l.p.T("read the description"))
		for i := range choices {
			choices[i] = strconv.Itoa(i+1) + " " + choices[i]
		}
		help := l.p.T("Type the number of what you want to do. back returns to your elections.")
		k, _, err := l.choose(l.p.T("Type %s", strings.Join(choices, l.p.T(", "))), help, len(choices))
		if errors.Is(err, errBack) {
			return nil
		}
		if err != nil {
			return err
		}
		if act == actNone {
			k++ // the choices start at the statements
		}
		switch k {
		case 1:
			err = l.act(le, act)
			if me2, ok := l.refresh(me.ID); ok {
				me, le.me = me2, me2
			}
		case 2:
			err = l.statement(le)
		case 3:
			l.candidates(le)
		case 4:
			l.description(le)
		}
		if errors.Is(err, errLeave) {
			return err
		}
	}
}

// lowerFirst is label as the middle of a sentence: its first letter
// lowered ("Vote" in "1 vote", "Ver" in "1 ver"); scripts without case
// are unchanged.
func lowerFirst(label string) string {
	if label == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(label)
	return string(unicode.ToLower(r)) + label[size:]
}

// action is the booth's election action, with its label in words only.
func (l *linear) action(me models.MemberElection) (action, string) {
	m := &model{s: l.s, p: l.p, el: &electionState{me: me}}
	act, label := m.electionAction()
	return act, strings.ReplaceAll(label, " ✓ — ", l.p.T("; "))
}

// refresh reloads one election after a vote.
func (l *linear) refresh(id string) (models.MemberElection, bool) {
	list, err := l.b.MemberElections(l.ctx, l.s.Member.ID)
	if err != nil {
		return models.MemberElection{}, false
	}
	i := slices.IndexFunc(list, func(e models.MemberElection) bool { return e.ID == id })
	if i < 0 {
		return models.MemberElection{}, false
	}
	return list[i], true
}

func (l *linear) act(le *linearElection, act action) error {
	switch act {
	case actVote:
		return l.vote(le, "")
	case actReplace:
		old, err := l.oldReceipt(le)
		if err != nil {
			return err
		}
		return l.vote(le, old)
	case actResults:
		return l.results(le)
	}
	return nil
}

// about prints an election's details: title, state, method, description
// and candidates.
func (l *linear) about(le *linearElection) {
	me := le.me
	l.line("\n" + l.p.T("Election: %s", safetext.Sanitize(me.Title)))
	l.line(linearStatus(l.p, me, l.s.Now()))
	l.line(l.p.T("How it works: %s", me.MethodSentenceIn(l.p)))
	if me.State != models.Draft {
		l.line(strings.ReplaceAll(turnoutLine(l.p, me), " · ", l.p.T("; ")) + l.p.T("."))
	}
	l.description(le)
	l.candidates(le)
}

func (l *linear) description(le *linearElection) {
	if strings.TrimSpace(le.me.Description) == "" {
		l.line(l.p.T("%s has no description.", safetext.Sanitize(le.me.Title)))
		return
	}
	title := safetext.Sanitize(le.me.Title)
	l.line(l.p.T("Description of %s:", title))
	l.para(renderMarkdown(le.me.Description, linearMarkdown, linearWidth, true))
	l.line(l.p.T("End of the description of %s.", title))
}

// candidates lists the candidates with the numbers the member types.
func (l *linear) candidates(le *linearElection) {
	if le.me.Method == tally.YesNo {
		l.line(l.p.T("Answers (%d), numbered in the order you see them:", len(le.order)))
	} else {
		l.line(l.p.T("Candidates (%d), numbered in the order you see them:", len(le.order)))
	}
	for k := 1; k <= len(le.order); k++ {
		c := le.cand(k)
		line := fmt.Sprintf("%d. ", k) + l.p.T("%s (id %s)", safetext.Sanitize(c.Name), safetext.Sanitize(c.ID))
		if c.Affiliation != "" {
			line += l.p.T(", ") + safetext.Sanitize(c.Affiliation)
		}
		if slices.Contains(le.me.Withdrawn, c.ID) {
			line += l.p.T(": withdrawn, cannot be chosen")
		}
		if strings.TrimSpace(c.Statement) != "" {
			line += l.p.T("; has a statement")
		}
		l.line(line + l.p.T("."))
	}
}

func (l *linear) statement(le *linearElection) error {
	n := len(le.order)
	k, _, err := l.choose(l.p.T("Statement of number (1 to %d)", n),
		l.p.T("Type the number of the candidate whose statement you want to read; back returns to the election."), n)
	if errors.Is(err, errBack) {
		return nil
	}
	if err != nil {
		return err
	}
	c := le.cand(k)
	if strings.TrimSpace(c.Statement) == "" {
		l.line(l.p.T("%s has no statement.", safetext.Sanitize(c.Name)))
		return nil
	}
	l.line(l.p.T("Statement of %s:", safetext.Sanitize(c.Name)))
	l.para(renderMarkdown(c.Statement, linearMarkdown, linearWidth, true))
	l.line(l.p.T("End of the statement of %s.", safetext.Sanitize(c.Name)))
	return nil
}

// oldReceipt asks for the receipt of the ballot to replace and checks it
// with the backend before any new ballot is filled in.
func (l *linear) oldReceipt(le *linearElection) (string, error) {
	l.line("\n" + l.p.T("Replace your ballot: your new ballot replaces the one with the receipt you enter; the booth never links you to a ballot, so the receipt is the only way to find it."))
	for {
		a, err := l.ask(l.p.T("Receipt of the ballot to replace"), l.p.T("Type the receipt you were given when you cast your ballot in this election, with or without its dashes; back returns to the election."))
		if err != nil {
			return "", err
		}
		norm, err := models.NormalizeReceipt(a)
		if err != nil {
			l.line(safetext.Sanitize(l.p.Err(err)))
			continue
		}
		if err := l.b.CheckReplace(l.ctx, le.me.ID, norm); err != nil {
			l.line(replaceCheckError(l.p, err))
			continue
		}
		return norm, nil
	}
}

// vote fills in a ballot, reads it back and casts it when the member
// types cast. old is the receipt of the ballot being replaced, if any.
func (l *linear) vote(le *linearElection, old string) error {
	for {
		b, shortened, err := l.fill(le)
		if err != nil {
			if errors.Is(err, errBack) {
				return nil
			}
			return err
		}
		err = l.review(le, b, shortened, old)
		if errors.Is(err, errBack) {
			continue
		}
		return err
	}
}

var equalSpaces = regexp.MustCompile(`\s*=\s*`)

// fill asks for the ballot in one line and reads it with
// models.ParseBallot, asking again while it is refused.
func (l *linear) fill(le *linearElection) (models.Ballot, bool, error) {
	e := le.me
	prompt, help := fillPrompt(l.p, e)
	for {
		a, err := l.ask(prompt, help)
		if err != nil {
			return models.Ballot{}, false, err
		}
		text, ranks, msg := le.ballotText(l.p, a)
		if msg != "" {
			l.line(msg)
			continue
		}
		b, err := models.ParseBallot(e.Definition, e.Withdrawn, text)
		if err != nil {
			l.line(linearProblems(l.p, err, e.Method))
			continue
		}
		return b, len(b.Ranks) < ranks, nil
	}
}

// fillPrompt says what to type for a ballot under the election's method.
func fillPrompt(p i18n.Printer, e models.MemberElection) (prompt, help string) {
	prompt, help = fillPromptHelp(p, e)
	if e.Method != tally.YesNo {
		// What ballotText reads as the member's number, whatever the ids.
		help += p.T(" #3 is always your number 3, even where a candidate's id is a number too.")
	}
	return prompt, help
}

// fillPromptHelp is fillPrompt's prompt and help but for #N.
func fillPromptHelp(p i18n.Printer, e models.MemberElection) (string, string) {
	switch e.Method {
	case tally.YesNo:
		return p.T("Your answer: yes, no or abstain"),
			p.T("Type yes, no or abstain (a number from the list works too); back returns to the election.")
	case tally.Approval:
		return p.T("Numbers of the candidates you approve, separated by spaces, or blank"),
			p.T("Type the numbers of every candidate you approve, for example 3 1, in any order. blank casts a blank ballot that approves nobody. Candidate ids work as well as numbers. back returns to the election.")
	case tally.Schulze:
		return p.T("Your ranking: candidate numbers, first preference first, = joins equal ranks, or blank"),
			p.T("Type candidate numbers in your order of preference, separated by spaces: 3 1 2 ranks candidate 3 first, 1 second, 2 third. Join numbers with = to rank them equal: 3 1=2 4. Leave out whom you do not want to rank; they count equal, below everyone you ranked. blank casts a blank ballot. Candidate ids work as well as numbers. In messages about your ballot, line N is your rank N. back returns to the election.")
	}
	return p.T("Your ranking: candidate numbers, first preference first, or blank"),
		p.T("Type candidate numbers in your order of preference, separated by spaces: 3 1 2 ranks candidate 3 first, 1 second, 2 third. Leave out whom you do not want to rank. blank casts a blank ballot. Candidate ids work as well as numbers. In messages about your ballot, line N is your rank N. back returns to the election.")
}

// ballotText turns a one-line answer into ballot text, one rank (or one
// approval) to a line, numbers replaced by candidate ids: what the member
// typed is then read by models.ParseBallot like any ballot. It returns
// the number of ranks typed, or a message about a number it cannot take.
// "#N" is always the member's number N. A bare number that is also
// another candidate's id (ids may be all digits: numbered proposals) is
// refused, never guessed: the member types #N for either candidate.
func (le *linearElection) ballotText(p i18n.Printer, a string) (string, int, string) {
	a = strings.ReplaceAll(a, ",", " ")
	fields := strings.Fields(equalSpaces.ReplaceAllString(a, "="))
	var b strings.Builder
	for _, f := range fields {
		group := strings.Split(f, "=")
		for i, tok := range group {
			num, hash := strings.CutPrefix(tok, "#")
			k, err := strconv.Atoi(num)
			switch {
			case hash && err != nil:
				return "", 0, p.T("%q is not a number: # goes before one of your numbers, from 1 to %d.", safetext.Sanitize(tok), len(le.order))
			case err != nil:
				continue
			case k < 1 || k > len(le.order):
				return "", 0, p.T("There is no number %d: the numbers go from 1 to %d (type list at the election to hear them).", k, len(le.order))
			}
			if j := le.numberOf(tok); !hash && j > 0 && j != k {
				return "", 0, p.T("%[1]q is both your number %[2]d (%[3]s) and the id of %[4]s, your number %[5]d: type #%[2]d for %[3]s or #%[5]d for %[4]s.",
					tok, k, safetext.Sanitize(le.cand(k).Name), safetext.Sanitize(le.cand(j).Name), j)
			}
			group[i] = le.cand(k).ID
		}
		b.WriteString(strings.Join(group, " = ") + "\n")
	}
	return b.String(), len(fields), ""
}

// numberOf is the member's number for the candidate whose id is id, or 0
// when no candidate has it.
func (le *linearElection) numberOf(id string) int {
	for k := 1; k <= len(le.order); k++ {
		if le.cand(k).ID == id {
			return k
		}
	}
	return 0
}

// linearProblems is why ParseBallot refused a ballot, one problem a line.
func linearProblems(p i18n.Printer, err error, method tally.Method) string {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return safetext.Sanitize(p.Err(err))
	}
	var s strings.Builder
	s.WriteString(p.T("This ballot cannot be cast:") + "\n")
	for _, pr := range ve.Problems {
		if pr.Line > 0 && method != tally.YesNo {
			s.WriteString("- " + p.T("line %d: %s", pr.Line, safetext.Sanitize(pr.Msg)) + "\n")
		} else {
			s.WriteString("- " + safetext.Sanitize(pr.Msg) + "\n")
		}
	}
	s.WriteString(p.T("Type your ballot again."))
	return s.String()
}
