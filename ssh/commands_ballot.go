package ssh

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"vote.example.org/booth/booth"
	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
	"vote.example.org/booth/tally"
)

// The commands for members who vote without a terminal: read an election
// (show), get a ballot to fill in (ballot), check how a ballot reads (cast
// --dry-run) and replace a ballot (replace). Each looks only at elections
// on the member's own list, so one that exists but is not theirs answers
// like one that does not exist.

// myElection is the member's election id, or an error that says where to
// find their elections.
func (c *cmdContext) myElection(ctx context.Context, id string) (models.MemberElection, error) {
	mine, err := c.s.cfg.Service.MemberElections(ctx, c.id.member.ID)
	if err != nil {
		return models.MemberElection{}, err
	}
	i := slices.IndexFunc(mine, func(me models.MemberElection) bool { return me.ID == id })
	if i < 0 {
		return models.MemberElection{}, errors.New(c.p.T("no election %q on your roll; 'ssh HOST elections' lists yours", safetext.Sanitize(id)))
	}
	return mine[i], nil
}

// order is the member's candidate order in e, as their booth shows it.
func (c *cmdContext) order(ctx context.Context, e models.MemberElection) ([]int, error) {
	secret, err := c.s.cfg.Service.OrderSecret(ctx)
	if err != nil {
		return nil, err
	}
	return booth.CandidateOrder(secret, c.id.member.ID, e.Definition), nil
}

// showCmd is `ssh HOST show ELECTION [--json]`: what an election asks and
// who stands, with each candidate's id and statement.
func showCmd(ctx context.Context, c *cmdContext) error {
	e, err := c.myElection(ctx, c.args[0])
	if err != nil {
		return err
	}
	if c.json {
		return safetext.WriteJSON(c.out, models.NewElectionDetail(e.Election))
	}
	order, err := c.order(ctx, e)
	if err != nil {
		return err
	}
	p := c.p
	var s strings.Builder
	fmt.Fprintf(&s, "%s\n", e.Title)
	s.WriteString(p.T("Election:     %s (%s)", e.ID, stateWord(p, e.State)) + "\n")
	s.WriteString(p.T("How it works: %s", e.MethodSentenceIn(p)) + "\n")
	s.WriteString(p.T("Opens:        %s UTC", e.OpensAt.UTC().Format("2006-01-02 15:04")) + "\n")
	s.WriteString(p.T("Closes:       %s UTC", e.EffectiveClose().UTC().Format("2006-01-02 15:04")) + "\n")
	if e.Fingerprint != "" {
		s.WriteString(p.T("Fingerprint:  %s", e.Fingerprint) + "\n")
	}
	s.WriteString(p.T("You:          %s", youIn(p, e)) + "\n")
	if d := strings.TrimSpace(e.Description); d != "" {
		fmt.Fprintf(&s, "\n%s\n", d)
	}
	if e.Method == tally.YesNo {
		s.WriteString("\n" + p.T("Answers (id, name):") + "\n")
	} else {
		s.WriteString("\n" + p.T("Candidates (id, name):") + "\n")
	}
	for _, i := range order {
		cand := e.Candidates[i]
		fmt.Fprintf(&s, "\n  %s  %s", cand.ID, cand.Name)
		if cand.Affiliation != "" {
			fmt.Fprintf(&s, " (%s)", cand.Affiliation)
		}
		if slices.Contains(e.Withdrawn, cand.ID) {
			s.WriteString(p.T(": withdrawn, cannot be chosen"))
		}
		s.WriteString("\n")
		if st := strings.TrimSpace(cand.Statement); st != "" {
			for _, l := range strings.Split(st, "\n") {
				fmt.Fprintf(&s, "    %s\n", l)
			}
		}
	}
	s.WriteString("\n" + p.T("'ssh HOST ballot %s' gives a ballot to fill in.", e.ID) + "\n")
	c.out.WriteString(safetext.SanitizeMultiline(s.String()))
	return nil
}

// youIn is where the member stands in an election.
func youIn(p i18n.Printer, e models.MemberElection) string {
	switch {
	case !e.OnRoll:
		return p.T("not on its roll")
	case e.Voted && e.AllowReplace:
		return p.T("voted (this election lets you replace your ballot with its receipt: ssh HOST replace)")
	case e.Voted:
		return p.T("voted")
	}
	return p.T("not voted")
}

// ballotCmd is `ssh HOST ballot ELECTION`: a commented template to fill in
// and send back with cast.
func ballotCmd(ctx context.Context, c *cmdContext) error {
	e, err := c.myElection(ctx, c.args[0])
	if err != nil {
		return err
	}
	order, err := c.order(ctx, e)
	if err != nil {
		return err
	}
	c.out.WriteString(models.BallotTemplateIn(c.p, e.Election, order))
	return nil
}

// readBack is a ballot in words, as cast --dry-run, cast and replace say
// how they read it.
func readBack(p i18n.Printer, e models.MemberElection, b models.Ballot) string {
	return p.T("Your ballot was read as:") + "\n" + safetext.SanitizeMultiline(b.DescribeIn(p, e.Definition))
}

// replaceCmd is `ssh HOST replace ELECTION < FILE`: the file's first line
// is the receipt of the ballot to replace, the rest the new ballot.
func replaceCmd(ctx context.Context, c *cmdContext) error {
	e, err := c.myElection(ctx, c.args[0])
	if err != nil {
		return err
	}
	if !e.AllowReplace {
		return errors.New(c.p.T("%s does not allow replacing a ballot", safetext.Sanitize(e.ID)))
	}
	text, err := c.readBallot()
	if err != nil {
		return err
	}
	first, rest, _ := strings.Cut(text, "\n")
	old, err := models.NormalizeReceipt(strings.TrimSpace(first))
	if err != nil {
		return fmt.Errorf("%s: %w", c.p.T("the first line of standard input must be the receipt of the ballot to replace"), err)
	}
	b, err := models.ParseBallotIn(c.p, e.Definition, e.Withdrawn, rest)
	if err != nil {
		return fmt.Errorf("%s\n%w", c.p.T("the ballot on standard input (after the receipt; line 1 is the line after it):"), err)
	}
	receipt, err := c.s.cfg.Service.ReplaceBallot(ctx, e.ID, c.caster(), old, b)
	if err != nil {
		return castRefusal(c.p, e.ID, err)
	}
	fmt.Fprintf(c.sess.Stderr(), "%s", readBack(c.p, e, b))
	fmt.Fprintf(c.out, "%s\n", receipt)
	fmt.Fprintln(c.sess.Stderr(), c.p.T("Your ballot is replaced. The line above is your new receipt; the old one no longer counts."))
	return nil
}

func (c *cmdContext) caster() models.Caster {
	return models.Caster{MemberID: c.id.member.ID, Key: c.id.fingerprint}
}

// castRefusal says why a cast or a replacement stored nothing.
func castRefusal(p i18n.Printer, id string, err error) error {
	switch {
	case errors.Is(err, models.ErrAlreadyVoted):
		return errors.New(p.T("you have already voted in %s", safetext.Sanitize(id)))
	case errors.Is(err, models.ErrKeyRevoked):
		return errors.New(p.T("the key you signed in with is no longer registered to you (the election officers removed it), so nothing was cast: ask the officers"))
	case errors.Is(err, models.ErrInactive):
		return errors.New(p.T("your membership is not active (the election officers suspended or removed it), so nothing was cast: ask the officers"))
	case errors.Is(err, models.ErrNotOpen):
		if when := models.NotOpenWhen(err); !when.IsZero() {
			return errors.New(p.T("%s is not open for voting: %s", safetext.Sanitize(id), when.In(p)))
		}
		return errors.New(p.T("%s is not open for voting", safetext.Sanitize(id)))
	case errors.Is(err, models.ErrReceiptReplaced):
		return errors.New(p.T("the ballot with that receipt was already replaced, so that receipt no longer counts; nothing was changed: use the receipt of your latest ballot"))
	case errors.Is(err, models.ErrReceiptUnknown):
		return errors.New(p.T("no counted ballot in %s has that receipt (check it; a ballot already replaced has a new receipt); nothing was changed", safetext.Sanitize(id)))
	case errors.Is(err, models.ErrNoReplace):
		return errors.New(p.T("%s does not allow replacing a ballot; nothing was changed", safetext.Sanitize(id)))
	}
	return err
}
