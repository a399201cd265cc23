package ssh

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

// codeUsage is how the code commands are called.
var codeUsage = i18n.Key("usage: ssh HOST code issue MEMBER [ELECTION], or ssh HOST code history")

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
		return errors.New(c.p.T(codeUsage))
	}
	member, election := args[1], ""
	if len(args) == 3 {
		election = args[2]
	}
	ic, err := svc.StaffIssueCode(ctx, c.id.member.ID, member, election)
	if err != nil {
		return codeIssueError(c.p, err, member, election, svc.Now())
	}
	scope := c.p.T("any of their open elections")
	if election != "" {
		scope = c.p.T("%s only", safetext.Sanitize(election))
	}
	mins := int(ic.Expires.Sub(svc.Now()).Round(time.Minute) / time.Minute)
	fmt.Fprintf(c.out, "%s\n%s\n", ic.Code, c.p.T("for member %s, %s; works once, until %s (%d minutes)",
		safetext.Sanitize(member), scope, ic.Expires.UTC().Format("15:04 UTC"), mins))
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
		fmt.Fprintln(c.out, c.p.T("you may issue %d more kiosk codes now (limit %d per %s)", h.Left, h.Rate.Codes, shortDuration(h.Rate.Per)))
	} else {
		fmt.Fprintln(c.out, c.p.T("you have issued %d kiosk codes in the last %s, the limit: the next at %s (in %s)",
			h.Rate.Codes, shortDuration(h.Rate.Per), h.Next.UTC().Format("15:04 UTC"), shortDuration(h.Next.Sub(now))))
	}
	if len(h.Entries) == 0 {
		c.out.WriteString(c.p.T("you have issued no kiosk codes") + "\n")
		return nil
	}
	rows := [][]string{{c.p.T("ISSUED (UTC)"), c.p.T("CODE ID"), c.p.T("ELECTION"), c.p.T("EXPIRES (UTC)"), c.p.T("STATE"), c.p.T("MEMBER")}}
	for _, e := range h.Entries {
		election, member := e.ElectionID, e.MemberID
		if election == "" {
			election = c.p.T("any")
		}
		if member == "" {
			member = "-"
		}
		rows = append(rows, []string{e.Issued.UTC().Format("2006-01-02 15:04"), e.ID(), election,
			e.Expires.UTC().Format("2006-01-02 15:04"), codeStateWord(c.p, e.StateAt(now)), member})
	}
	return writeTable(c.out, rows)
}

// shortDuration writes a wait as 12m or 1h5m, rounded to the minute and
// at least one.
func shortDuration(d time.Duration) string {
	return models.ShortDuration(max(d.Round(time.Minute), time.Minute))
}

// codeStateWord is what became of a code, in the staff's language.
func codeStateWord(p i18n.Printer, s models.CodeState) string {
	switch s {
	case models.CodeIssued:
		return p.C("code", "issued")
	case models.CodeUsed:
		return p.C("code", "used")
	case models.CodeRevoked:
		return p.C("code", "revoked")
	case models.CodeExpired:
		return p.C("code", "expired")
	}
	return safetext.Sanitize(string(s))
}

// codeIssueError says why no code was issued, in the staff's terms.
func codeIssueError(p i18n.Printer, err error, member, election string, now time.Time) error {
	m, e := safetext.Sanitize(member), safetext.Sanitize(election)
	var rate *models.CodeRateError
	switch {
	case errors.As(err, &rate):
		return errors.New(p.T("no code issued: you have issued %d kiosk codes in the last %s, the limit; you may issue the next at %s (in %s). 'ssh HOST code history' lists them",
			rate.Rate.Codes, shortDuration(rate.Rate.Per), rate.Next.UTC().Format("15:04 UTC"), shortDuration(rate.Next.Sub(now))))
	case errors.Is(err, models.ErrNotFound) && election != "":
		return errors.New(p.T("no member %q or no election %q: check the badge and the election id", m, e))
	case errors.Is(err, models.ErrNotFound):
		return errors.New(p.T("no member %q: check the id on the badge", m))
	case errors.Is(err, models.ErrInactive):
		return errors.New(p.T("member %s is not active and cannot vote: send them to the election officers", m))
	case errors.Is(err, models.ErrAlreadyVoted):
		return errors.New(p.T("member %s has already voted in %s", m, e))
	case errors.Is(err, models.ErrNothingToVote):
		return errors.New(p.T("member %s has no open election left to vote in", m))
	case errors.Is(err, models.ErrNotOnRoll):
		return errors.New(p.T("member %s is not on the roll of %s", m, e))
	case errors.Is(err, models.ErrNotOpen):
		return errors.New(p.T("%s is not open for voting", e))
	}
	return err
}
