package booth

import (
	"errors"
	"fmt"
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
		version = fmt.Sprintf(" (version %d)", le.reviews)
	}
	if old != "" {
		l.printf("Your new ballot in %s%s, read back. It replaces your earlier ballot (receipt %s), which will no longer count:\n",
			safetext.Sanitize(e.Title), version, groupReceipt(old))
	} else {
		l.printf("Your ballot in %s%s, read back:\n", safetext.Sanitize(e.Title), version)
	}
	l.para(safetext.SanitizeMultiline(b.Describe(e.Definition)))
	for _, n := range reviewNotes(b, e.Method, shortened) {
		l.once(n)
	}
	for {
		a, err := l.ask("Nothing is stored yet. Type cast to cast this ballot, or back to change it",
			"Type the word cast to cast the ballot read back above; nothing is stored before. back lets you type your ballot again; quit leaves without casting.")
		if errors.Is(err, errLeave) {
			l.farewell = "Nothing was cast. Goodbye."
		}
		if err != nil {
			return err
		}
		if strings.EqualFold(a, confirmWord) {
			break
		}
		l.printf("Not cast: type the word cast to cast it, or back to change it.\n")
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
		l.printf("%s\n", castError(err))
		return nil
	}
	l.receipt(e, receipt, old)
	return nil
}

// receipt prints the receipt once, with what it is for.
func (l *linear) receipt(e models.MemberElection, receipt, replaced string) {
	done := "Your ballot is cast."
	if replaced != "" {
		done = "Your ballot is replaced."
	}
	l.printf("%s Your receipt, shown only this once, is:\n%s\n", done, groupReceipt(receipt))
	l.printf("Letter by letter: %s\n", spellReceipt(receipt))
	if replaced != "" {
		l.printf("The receipt you entered, %s, no longer counts: its ballot was replaced by this one.\n", groupReceipt(replaced))
	}
	use := receiptUse(e)
	if e.AllowReplace {
		use += " Until the close you can replace your ballot: choose to replace it in this election and enter this receipt."
	}
	l.printf("What it is for: %s Keep it secret: whoever holds it can %s. Nobody, not even the election officers, can give it to you again. Write it down or copy it now.\n",
		use, holderPower(e))
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
		err = errors.New("the election has no stored result")
	}
	if err != nil {
		l.printf("The result cannot be shown just now: %s.\n", safetext.Sanitize(err.Error()))
		return nil
	}
	var sheet strings.Builder
	fmt.Fprintf(&sheet, "Result of %s, counted %s:\n", le.me.Title, utc(res.CountedAt))
	if err := res.Result.WriteSheet(&sheet); err != nil {
		l.printf("The result cannot be shown: %s.\n", safetext.Sanitize(err.Error()))
		return nil
	}
	fmt.Fprintf(&sheet, "End of the result of %s.\n", le.me.Title)
	l.para(safetext.SanitizeMultiline(sheet.String()))
	return nil
}
