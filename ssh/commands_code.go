package ssh

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vote.example.org/booth/booth"
	"vote.example.org/booth/models"
)

// codeUsage is how code issue is called.
const codeUsage = "usage: ssh HOST code issue MEMBER [ELECTION]"

// errNotStaff answers a member without the staff role.
var errNotStaff = errors.New("not allowed: only the stand's staff issue kiosk codes; the election officers grant the staff role")

// codeCmd is `code issue MEMBER [ELECTION]`: the stand's staff, signed in
// with their own key, issue a one-time kiosk code for a member whose badge
// they checked. The audit log records the staff member and the scope, not
// the member the code is for.
func codeCmd(ctx context.Context, c *cmdContext) error {
	staff, err := c.s.cfg.Service.Store.IsStaff(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if !staff {
		return errNotStaff
	}
	args := c.args
	if len(args) < 2 || len(args) > 3 || args[0] != "issue" {
		return errors.New(codeUsage)
	}
	member, election := args[1], ""
	if len(args) == 3 {
		election = args[2]
	}
	actor := fmt.Sprintf("%s (staff, over SSH)", c.id.member.ID)
	ic, err := c.s.cfg.Service.IssueCode(ctx, member, election, 0, actor)
	if err != nil {
		return codeIssueError(err, member, election)
	}
	scope := "any of their open elections"
	if election != "" {
		scope = booth.Sanitize(election) + " only"
	}
	fmt.Fprintf(c.out, "%s\nfor member %s, %s; works once, until %s (%d minutes)\n", ic.Code, booth.Sanitize(member), scope,
		ic.Expires.UTC().Format("15:04 UTC"), int(ic.Expires.Sub(c.s.cfg.Service.Now()).Round(time.Minute)/time.Minute))
	return nil
}

// codeIssueError says why no code was issued, in the staff's terms.
func codeIssueError(err error, member, election string) error {
	m, e := booth.Sanitize(member), booth.Sanitize(election)
	switch {
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
