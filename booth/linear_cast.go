package booth

import (
	"errors"
	"strings"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// review reads the ballot back and casts it when the member types cast;
// back (or any other answer but quit) casts nothing.
func (l *linear) review(le *linearElection, b models.Ballot, shortened bool, old string) error {
	e := le.me
	le.reviews++
	version := ""
	if le.reviews > 1 {
		version = l.p.T(" (version %d)", le.reviews)
	}
	if old != "" {
		l.line(l.p.T("Your new ballot in %s%s, read back. It replaces your earlier ballot (receipt %s), which will no longer count:",
			safetext.Sanitize(e.Title), version, groupReceipt(old)))
	} else {
		l.line(l.p.T("Your ballot in %s%s, read back:", safetext.Sanitize(e.Title), version))
	}
	// With the ids: what the member confirms must tell every candidate
	// apart, even when the terminal folds two names to the same ASCII. How
	// the count uses a ranking is said once, like the notes below.
	note := e.Definition.CountNoteIn(l.p)
	described, noted := strings.CutSuffix(b.DescribeWithIDsIn(l.p, e.Definition), note)
	l.para(safetext.SanitizeMultiline(described))
	if noted && note != "" {
		l.once(strings.TrimSuffix(note, "\n"))
	}
	for _, n := range reviewNotes(l.p, b, e.Method, shortened) {
		l.once(n)
	}
	for {
		a, err := l.ask(l.p.T("Nothing is stored yet. Type cast to cast this ballot, or back to change it"),
			l.p.T("Type the word cast to cast the ballot read back above; nothing is stored before. back lets you type your ballot again; quit leaves without casting."))
		if errors.Is(err, errLeave) {
			l.farewell = l.p.T("Nothing was cast. Goodbye.")
		}
		if err != nil {
			return err
		}
		if strings.EqualFold(a, confirmWord) {
			break
		}
		l.line(l.p.T("Not cast: type the word cast to cast it, or back to change it."))
	}
	by := models.Caster{MemberID: l.s.Member.ID, Key: l.s.Fingerprint}
	var receipt string
	var err error
	if old != "" {
		receipt, err = l.b.ReplaceBallot(l.ctx, e.ID, by, old, b)
	} else {
		receipt, err = l.b.CastBallot(l.ctx, e.ID, by, b)
	}
	if err != nil || receipt == "" {
		l.line(castError(l.p, err))
		return nil
	}
	l.receipt(e, receipt, old)
	return nil
}

// receipt prints the receipt once, with what it is for.
func (l *linear) receipt(e models.MemberElection, receipt, replaced string) {
	if replaced != "" {
		l.line(l.p.T("Your ballot is replaced. Your receipt, shown only this once, is:"))
	} else {
		l.line(l.p.T("Your ballot is cast. Your receipt, shown only this once, is:"))
	}
	l.line(groupReceipt(receipt))
	l.line(l.p.T("Letter by letter: %s", spellReceipt(receipt)))
	if replaced != "" {
		l.line(l.p.T("The receipt you entered, %s, no longer counts: its ballot was replaced by this one.", groupReceipt(replaced)))
	}
	use := receiptUse(l.p, e)
	if e.AllowReplace {
		use += l.p.T(" Until the close you can replace your ballot: choose to replace it in this election and enter this receipt.")
	}
	l.line(l.p.T("What it is for: %s %s Write it down or copy it now.", use, holderPower(l.p, e)))
}

// spellReceipt spells a receipt for a screen reader, which would otherwise
// try to read the groups as words: "a b 3 d, ...".
func spellReceipt(r string) string {
	groups := strings.Split(groupReceipt(r), "-")
	for i, g := range groups {
		groups[i] = strings.Join(strings.Split(g, ""), " ")
	}
	return strings.Join(groups, ", ")
}

// results prints a counted election's result sheet.
func (l *linear) results(le *linearElection) error {
	res, err := l.b.Result(l.ctx, le.me.ID)
	if err == nil && res.Result == nil {
		err = errors.New(l.p.T("the election has no stored result"))
	}
	if err != nil {
		l.line(l.p.T("The result cannot be shown just now: %s.", safetext.Sanitize(l.p.Err(err))))
		return nil
	}
	var sheet strings.Builder
	sheet.WriteString(l.p.T("Result of %s, counted %s:", le.me.Title, utc(res.CountedAt)) + "\n")
	if err := res.Result.WriteSheetIn(&sheet, l.p); err != nil {
		l.line(l.p.T("The result cannot be shown: %s.", safetext.Sanitize(l.p.Err(err))))
		return nil
	}
	sheet.WriteString(l.p.T("End of the result of %s.", le.me.Title) + "\n")
	l.para(safetext.SanitizeMultiline(sheet.String()))
	return nil
}
