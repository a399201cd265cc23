package ssh

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// codeUsage is how the code commands are called.
const codeUsage = "usage: ssh HOST code issue MEMBER [ELECTION], or ssh HOST code history"

// codeCmd is `code issue MEMBER [ELECTION]` and `code history`: the
// stand's staff, signed in with their own key, issue a one-time kiosk
// code for a member whose badge they checked, and list the codes they
// issued. The audit log records the staff member and the scope, not the
// member the code is for; a record naming both is sealed to the election's
// tally key.
func codeCmd(ctx context.Context, c *cmdContext) error {
	svc := c.s.cfg.Service
	staff, err := svc.IsStaff(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if !staff {
		return models.ErrNotStaff
	}
	args := c.args
	if len(args) == 1 && args[0] == "history" {
		return codeHistory(ctx, c)
	}
	if len(args) < 2 || len(args) > 3 || args[0] != "issue" {
		return errors.New(codeUsage)
	}
	member, election := args[1], ""
	if len(args) == 3 {
		election = args[2]
	}
	ic, err := svc.StaffIssueCode(ctx, c.id.member.ID, member, election)
	if err != nil {
		return codeIssueError(err, member, election, svc.Now())
	}
	scope := "any of their open elections"
	if election != "" {
		scope = safetext.Sanitize(election) + " only"
	}
	fmt.Fprintf(c.out, "%s\nfor member %s, %s; works once, until %s (%d minutes)\n", ic.Code, safetext.Sanitize(member), scope,
		ic.Expires.UTC().Format("15:04 UTC"), int(ic.Expires.Sub(svc.Now()).Round(time.Minute)/time.Minute))
	return nil
}

// codeHistory lists the caller's own codes, newest first: when, for which
// election, until when, and what became of each. The member is named only
// while a code is live; afterwards the server keeps no readable link from
// a staff member to a member (the sealed records are for the election
// committee).
func codeHistory(ctx context.Context, c *cmdContext) error {
	svc := c.s.cfg.Service
	h, err := svc.StaffCodeHistory(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	now := svc.Now().UTC()
	if h.Left > 0 {
		fmt.Fprintf(c.out, "you may issue %d more kiosk codes now (limit %d per %s)\n", h.Left, h.Rate.Codes, shortDuration(h.Rate.Per))
	} else {
		fmt.Fprintf(c.out, "you have issued %d kiosk codes in the last %s, the limit: the next at %s (in %s)\n",
			h.Rate.Codes, shortDuration(h.Rate.Per), h.Next.UTC().Format("15:04 UTC"), shortDuration(h.Next.Sub(now)))
	}
	if len(h.Entries) == 0 {
		c.out.WriteString("you have issued no kiosk codes\n")
		return nil
	}
	tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ISSUED (UTC)\tCODE ID\tELECTION\tEXPIRES (UTC)\tSTATE\tMEMBER")
	for _, e := range h.Entries {
		election, member := e.ElectionID, e.MemberID
		if election == "" {
			election = "any"
		}
		if member == "" {
			member = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Issued.UTC().Format("2006-01-02 15:04"), e.ID(), election,
			e.Expires.UTC().Format("2006-01-02 15:04"), e.StateAt(now), member)
	}
	return tw.Flush()
}

// shortDuration writes a wait as 12m or 1h5m, rounded to the minute and
// at least one.
func shortDuration(d time.Duration) string {
	return models.ShortDuration(max(d.Round(time.Minute), time.Minute))
}

// codeIssueError says why no code was issued, in the staff's terms.
func codeIssueError(err error, member, election string, now time.Time) error {
	m, e := safetext.Sanitize(member), safetext.Sanitize(election)
	var rate *models.CodeRateError
	switch {
	case errors.As(err, &rate):
		return fmt.Errorf("no code issued: you have issued %d kiosk codes in the last %s, the limit; you may issue the next at %s (in %s). 'ssh HOST code history' lists them",
			rate.Rate.Codes, shortDuration(rate.Rate.Per), rate.Next.UTC().Format("15:04 UTC"), shortDuration(rate.Next.Sub(now)))
	case errors.Is(err, models.ErrNotFound) && election != "":
		return fmt.Errorf("no member %q or no election %q: check the badge and the election id", m, e)
	case errors.Is(err, models.ErrNotFound):
		return fmt.Errorf("no member %q: check the id on the badge", m)
	case errors.Is(err, models.ErrInactive):
		return fmt.Errorf("member %s is not active and cannot vote: send them to the election officers", m)
	case errors.Is(err, models.ErrAlreadyVoted):
		return fmt.Errorf("member %s has already voted in %s", m, e)
	case errors.Is(err, models.ErrNothingToVote):
		return fmt.Errorf("member %s has no open election left to vote in", m)
	case errors.Is(err, models.ErrNotOnRoll):
		return fmt.Errorf("member %s is not on the roll of %s", m, e)
	case errors.Is(err, models.ErrNotOpen):
		return fmt.Errorf("%s is not open for voting", e)
	}
	return err
}
