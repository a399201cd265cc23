package ssh

import (
	"context"
	"errors"
	"strings"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// The members' side of standing and nominations: renewing one's own
// membership, nominating a member, listing an election's nominations, and
// a nominee's answer. Each is one action authenticated by the key that
// signed in; the store checks the rules and audits it.

func renew(ctx context.Context, c *cmdContext) error {
	m, err := c.s.cfg.Service.Renew(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	c.out.WriteString(c.p.T("Your membership is renewed: you are in good standing until %s.", m.GoodUntil.UTC().Format("2006-01-02")) + "\n")
	return nil
}

// standingLine is whoami's line on the member's standing.
func standingLine(ctx context.Context, c *cmdContext) string {
	st, err := c.s.cfg.Service.Standing(ctx, c.id.member.ID)
	if err != nil {
		return c.p.T("unknown (%s)", c.p.Err(err))
	}
	return st.Standing.DescribeIn(c.p)
}

func nominateCmd(ctx context.Context, c *cmdContext) error {
	election, nominee := c.args[0], c.args[1]
	if err := models.CheckMemberID(nominee); err != nil {
		return err
	}
	if err := c.s.cfg.Service.Nominate(ctx, election, c.id.member.ID, nominee); err != nil {
		return err
	}
	c.out.WriteString(c.p.T("You nominated %s in %s. They are told at their next login and accept or decline.", nominee, safetext.Sanitize(election)) + "\n")
	return nil
}

// maxStatementInput is the most a statement read from standard input
// may be: what a definition's statement may be.
const maxStatementInput = models.MaxStatementBytes

// nominationsCmd is `nominations ELECTION [--json]` and the nominee's
// `nominations accept|decline|withdraw ELECTION` (accept reads the
// statement, Markdown, from standard input).
func nominationsCmd(ctx context.Context, c *cmdContext) error {
	args, asJSON := c.args, false
	if n := len(args); n > 0 && args[n-1] == "--json" {
		args, asJSON = args[:n-1], true
	}
	switch {
	case len(args) == 1:
		return listNominations(ctx, c, args[0], asJSON)
	case len(args) == 2 && !asJSON:
		a := models.NominationAction(args[0])
		if a != models.Accept && a != models.Decline && a != models.Withdraw {
			break
		}
		return answerNomination(ctx, c, args[1], a)
	}
	return errors.New(c.p.T("usage: nominations ELECTION [--json], or nominations accept|decline|withdraw ELECTION; see 'ssh HOST help'"))
}

func listNominations(ctx context.Context, c *cmdContext, election string, asJSON bool) error {
	e, ns, err := c.s.cfg.Service.Nominations(ctx, election, false)
	if errors.Is(err, models.ErrNotFound) {
		return errors.New(c.p.T("no election %q", safetext.Sanitize(election)))
	}
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]models.NominationSummary, len(ns))
		for i, n := range ns {
			out[i] = models.NewNominationSummary(n)
		}
		return safetext.WriteJSON(c.out, out)
	}
	head, rows := models.NominationTable(c.p, e, ns)
	c.out.WriteString(head + "\n")
	if rows == nil {
		c.out.WriteString(c.p.T("No nominations yet.") + "\n")
		return nil
	}
	return writeTable(c.out, rows)
}

func answerNomination(ctx context.Context, c *cmdContext, election string, a models.NominationAction) error {
	var statement string
	if a == models.Accept {
		// A shutdown mid-statement would accept the part read so far.
		data, err := c.readStdin(maxStatementInput, c.p.T("reading your statement from standard input"),
			c.p.T("the booth is shutting down; your nomination was not answered"))
		if err != nil {
			return err
		}
		if len(data) > maxStatementInput {
			return errors.New(c.p.T("your statement is longer than %d bytes: shorten it", maxStatementInput))
		}
		statement = string(data)
	}
	n, err := c.s.cfg.Service.AnswerNomination(ctx, election, c.id.member.ID, a, statement)
	if err != nil {
		return err
	}
	switch n.State {
	case models.NominationAccepted:
		c.out.WriteString(c.p.T("You accepted your nomination in %s, with a statement of %d bytes. You may withdraw until the nominations close.",
			safetext.Sanitize(election), len(n.Statement)) + "\n")
	case models.NominationDeclined:
		c.out.WriteString(c.p.T("You declined your nomination in %s.", safetext.Sanitize(election)) + "\n")
	default:
		c.out.WriteString(c.p.T("You withdrew from %s.", safetext.Sanitize(election)) + "\n")
	}
	return nil
}

// myNominationLines tells a member about their nominations still open,
// for status: what they must answer, and what the officers decided.
func myNominationLines(ctx context.Context, c *cmdContext) error {
	mine, err := c.s.cfg.Service.MyNominations(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	for _, n := range mine {
		closes := n.Election.Nominations.Closes.UTC().Format(time.RFC3339)
		switch n.State {
		case models.NominationPending:
			c.out.WriteString(c.p.T("You are nominated in %s (%s): accept with 'ssh HOST nominations accept %s < statement.md' or decline with 'ssh HOST nominations decline %s', before %s.",
				n.Election.ID, safetext.Sanitize(n.Election.Title), n.Election.ID, n.Election.ID, closes) + "\n")
		case models.NominationAccepted:
			c.out.WriteString(c.p.T("You accepted your nomination in %s; you stand when the nominations close at %s.", n.Election.ID, closes) + "\n")
		case models.NominationRejected:
			if why, dropped := strings.CutPrefix(n.Reason, models.DroppedAtClose); dropped {
				c.out.WriteString(c.p.T("Your nomination in %s did not reach the ballot: at the close of the nominations, %s", n.Election.ID, safetext.Sanitize(why)) + "\n")
				break
			}
			c.out.WriteString(c.p.T("The officers rejected your nomination in %s: %s", n.Election.ID, safetext.Sanitize(n.Reason)) + "\n")
		}
	}
	return nil
}
