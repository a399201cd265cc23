package ssh

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	cssh "charm.land/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

const commandHelp = `Commands (ssh HOST COMMAND); without one, ssh HOST opens the booth:

  whoami                      who you are signed in as, and with which key
  status                      the elections you are on the roll for, and whether you voted
  elections [--json]          your elections: open, upcoming and past
  results ELECTION [--json]   the result of a counted election
  cast ELECTION < BALLOT      cast the ballot read from standard input; prints your receipt
  bundle ELECTION > FILE      the signed results bundle, for booth verify or ssh-keygen -Y verify
  verify RECEIPT|-            whether the ballot cast with RECEIPT (- reads it from standard input) was counted, and what it says
  code issue MEMBER [ELECTION]
                              stand staff only: a one-time code to vote at the kiosk
  code history                stand staff only: the kiosk codes you issued
  help                        this text

A ballot is text: one line per rank with candidate ids, first preference
first; "=" between ids that share a rank (Schulze only); yes, no or abstain
for a question; one id per line for approval; "#" starts a comment. A blank
ballot is the word blank alone; empty input casts nothing.
`

// command is one non-interactive command: it writes its answer to out and
// returns an error for stderr.
type command struct {
	args int  // positional arguments
	json bool // accepts --json
	// ownArgs: the command checks its own arguments (all of them, options
	// included), for commands whose arguments vary.
	ownArgs bool
	run     func(ctx context.Context, c *cmdContext) error
}

// cmdContext is what a command works with.
type cmdContext struct {
	s    *Server
	sess cssh.Session
	id   identity
	args []string
	json bool
	out  *bytes.Buffer
}

var commands = map[string]command{
	"help":      {run: func(_ context.Context, c *cmdContext) error { c.out.WriteString(commandHelp); return nil }},
	"whoami":    {run: whoami},
	"status":    {run: status},
	"elections": {json: true, run: elections},
	"results":   {args: 1, json: true, run: results},
	"cast":      {args: 1, run: cast},
	"bundle":    {args: 1, run: bundleCmd},
	"verify":    {args: 1, run: verifyCmd},
	"code":      {ownArgs: true, run: codeCmd},
}

// runCommand runs the session's command and returns its exit status.
// Output is collected and written at the end, sanitised: it holds text
// others wrote (titles, candidate and member names).
func (s *Server) runCommand(sess cssh.Session, id identity) int {
	if deviceCommand(sess, id) {
		return 1
	}
	argv := sess.Command()
	if len(argv) == 0 {
		fmt.Fprintf(sess.Stderr(), "booth: cannot read the command %q; see 'ssh HOST help'\n", safetext.Sanitize(sess.RawCommand()))
		return 1
	}
	c := &cmdContext{s: s, sess: sess, id: id, out: &bytes.Buffer{}}
	cmd, ok := commands[argv[0]]
	if !ok {
		fmt.Fprintf(sess.Stderr(), "booth: unknown command %q; see 'ssh HOST help'\n", safetext.Sanitize(argv[0]))
		return 1
	}
	if err := c.parse(argv[1:], cmd); err != nil {
		fmt.Fprintf(sess.Stderr(), "booth %s: %s\n", argv[0], safetext.SanitizeMultiline(err.Error()))
		return 1
	}
	err := cmd.run(sess.Context(), c)
	if _, werr := sess.Write(c.out.Bytes()); err == nil && werr != nil {
		return 1
	}
	if err != nil {
		fmt.Fprintf(sess.Stderr(), "booth %s: %s\n", argv[0], safetext.SanitizeMultiline(err.Error()))
		return 1
	}
	return 0
}

func (c *cmdContext) parse(args []string, cmd command) error {
	if cmd.ownArgs {
		c.args = args
		return nil
	}
	for _, a := range args {
		switch {
		case a == "--json" && cmd.json:
			c.json = true
		case strings.HasPrefix(a, "-") && a != "-": // "-" alone is standard input
			return fmt.Errorf("unknown option %q; see 'ssh HOST help'", a)
		default:
			c.args = append(c.args, a)
		}
	}
	if len(c.args) != cmd.args {
		return fmt.Errorf("takes %d argument(s), not %d; see 'ssh HOST help'", cmd.args, len(c.args))
	}
	return nil
}

func whoami(_ context.Context, c *cmdContext) error {
	m := c.id.member
	fmt.Fprintf(c.out, "member  %s\nname    %s\nkey     %s\n", safetext.Sanitize(m.ID), safetext.Sanitize(m.Name), c.id.fingerprint)
	return nil
}

func status(ctx context.Context, c *cmdContext) error {
	marks, err := c.s.cfg.Service.MemberRoll(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if len(marks) == 0 {
		c.out.WriteString("You are on no election's roll.\n")
		return nil
	}
	notices, err := c.s.cfg.Service.MemberNotices(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	for _, n := range notices {
		fmt.Fprintf(c.out, "Notice: %s\n", safetext.Sanitize(n.Text))
	}
	if len(notices) > 0 {
		c.out.WriteString("\n")
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ELECTION\tSTATE\tYOU\tTITLE")
	for _, mk := range marks {
		e, err := c.s.cfg.Service.Election(ctx, mk.ElectionID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safetext.Sanitize(e.ID), e.State, votedWord(mk.Voted), safetext.Sanitize(e.Title))
	}
	return tw.Flush()
}

func votedWord(v bool) string {
	if v {
		return "voted"
	}
	return "not voted"
}

func elections(ctx context.Context, c *cmdContext) error {
	list, err := c.s.cfg.Service.MemberElections(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if c.json {
		out := make([]models.MemberElectionSummary, 0, len(list))
		for _, e := range list {
			out = append(out, models.NewMemberElectionSummary(e))
		}
		return safetext.WriteJSON(c.out, out)
	}
	if len(list) == 0 {
		c.out.WriteString("You have no elections.\n")
		return nil
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ELECTION\tSTATE\tWHEN (UTC)\tYOU\tTURNOUT\tTITLE")
	for _, e := range list {
		when := "closes " + e.EffectiveClose().UTC().Format("2006-01-02 15:04")
		switch e.State {
		case models.Draft:
			when = "opens " + e.OpensAt.UTC().Format("2006-01-02 15:04")
		case models.Closed, models.Counted:
			when = "closed " + e.ClosedAt.UTC().Format("2006-01-02 15:04")
		}
		you := votedWord(e.Voted)
		if e.State == models.Draft {
			you = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%s\n", safetext.Sanitize(e.ID), e.State, when, you,
			e.Turnout.Voted, e.Turnout.Electorate, safetext.Sanitize(e.Title))
	}
	return tw.Flush()
}

// onRoll refuses an election whose roll does not hold the member: members
// see the results of their own elections, as in the booth.
func (c *cmdContext) onRoll(ctx context.Context, id string) error {
	marks, err := c.s.cfg.Service.MemberRoll(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(marks, func(mk models.RollMark) bool { return mk.ElectionID == id }) {
		return fmt.Errorf("you have no election %q; 'ssh HOST elections' lists yours", safetext.Sanitize(id))
	}
	return nil
}

func results(ctx context.Context, c *cmdContext) error {
	id := c.args[0]
	if err := c.onRoll(ctx, id); err != nil {
		return err
	}
	e, err := c.s.cfg.Service.Election(ctx, id)
	if err != nil {
		return err
	}
	if e.State != models.Counted {
		return fmt.Errorf("%s is %s: its result is published once it is counted", safetext.Sanitize(id), e.State)
	}
	res, err := c.s.cfg.Service.Result(ctx, id)
	if err != nil {
		return err
	}
	if c.json {
		data, err := res.Result.JSON()
		if err != nil {
			return err
		}
		return safetext.WriteJSON(c.out, json.RawMessage(data))
	}
	var sheet strings.Builder
	fmt.Fprintf(&sheet, "%s\nCounted:        %s UTC\n", e.Title, res.CountedAt.UTC().Format("2006-01-02 15:04"))
	if err := res.Result.WriteSheet(&sheet); err != nil {
		return err
	}
	c.out.WriteString(safetext.SanitizeMultiline(sheet.String()))
	return nil
}

// maxBallot bounds what cast reads from standard input.
const maxBallot = models.MaxBallotBytes

func cast(ctx context.Context, c *cmdContext) error {
	id := c.args[0]
	// Only elections on the member's roll are looked at, so an election
	// that exists but is not theirs answers like one that does not exist,
	// and its candidates never appear in an error.
	mine, err := c.s.cfg.Service.MemberElections(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(mine, func(me models.MemberElection) bool { return me.ID == id })
	if i < 0 {
		return fmt.Errorf("no election %q on your roll; 'ssh HOST elections' lists yours", safetext.Sanitize(id))
	}
	if e := mine[i]; e.State == models.Draft {
		return fmt.Errorf("%s is not open for voting: %s", safetext.Sanitize(id), e.WindowAt(c.s.cfg.Service.Now()))
	}
	e := mine[i].Election
	text, err := c.readBallot()
	if err != nil {
		return err
	}
	b, err := models.ParseBallot(e.Definition, e.Withdrawn, text)
	if err != nil {
		return fmt.Errorf("the ballot on standard input:\n%w", err)
	}
	receipt, err := c.s.cfg.Service.CastBallot(ctx, id, models.Caster{MemberID: c.id.member.ID, Key: c.id.fingerprint}, b)
	switch {
	case errors.Is(err, models.ErrAlreadyVoted):
		return fmt.Errorf("you have already voted in %s", safetext.Sanitize(id))
	case errors.Is(err, models.ErrKeyRevoked):
		return errors.New("the key you signed in with is no longer registered to you (the election officers removed it), so nothing was cast: ask the officers")
	case errors.Is(err, models.ErrInactive):
		return errors.New("your membership is not active (the election officers suspended or removed it), so nothing was cast: ask the officers")
	case errors.Is(err, models.ErrNotOpen):
		if when := models.NotOpenWhen(err); when != "" {
			return fmt.Errorf("%s is not open for voting: %s", safetext.Sanitize(id), when)
		}
		return fmt.Errorf("%s is not open for voting", safetext.Sanitize(id))
	case err != nil:
		return err
	}
	fmt.Fprintf(c.out, "%s\n", receipt)
	fmt.Fprintf(c.sess.Stderr(), "Your ballot is cast. The line above is your receipt: keep it to check later that your ballot was counted%s.\n",
		replaceNote(e))
	return nil
}

func replaceNote(e models.Election) string {
	if e.AllowReplace {
		return ", or to replace it before the close"
	}
	return ""
}

// readStdin reads standard input up to its end, or to one byte more than
// limit, so the caller can refuse what is too long. A shutdown closes the
// session rather than wait for a client that never ends its input.
func (c *cmdContext) readStdin(limit int64) ([]byte, error) {
	stop := context.AfterFunc(c.s.appCtx, func() { _ = c.sess.Close() })
	defer stop()
	return io.ReadAll(io.LimitReader(c.sess, limit+1))
}

// readBallot reads the ballot on standard input, refusing more than
// maxBallot bytes; on a shutdown nothing has been cast yet.
func (c *cmdContext) readBallot() (string, error) {
	data, err := c.readStdin(maxBallot)
	if err != nil {
		return "", fmt.Errorf("reading the ballot from standard input: %w", err)
	}
	if c.s.appCtx.Err() != nil {
		return "", errors.New("the booth is shutting down; nothing was cast")
	}
	if len(data) > maxBallot {
		return "", fmt.Errorf("the ballot on standard input is longer than %d bytes", maxBallot)
	}
	return string(data), nil
}
