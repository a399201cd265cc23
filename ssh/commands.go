package ssh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	cssh "charm.land/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/i18n"
	"vote.example.org/booth/models/safetext"
)

var commandHelp = i18n.Key(`Commands (ssh HOST COMMAND); without one, ssh HOST opens the booth:

  whoami                      who you are signed in as, with which key, and your settings
  status                      the elections you are on the roll for, and whether you voted
  elections [--json]          your elections: open, upcoming and past
  show ELECTION [--json]      an election: description, how it is counted, dates, candidates with ids and statements
  ballot ELECTION > FILE      a ballot to fill in with your editor: the candidates' ids and the rules, as comments
  cast ELECTION < BALLOT      cast the ballot read from standard input: says how it read it, then prints your receipt
  cast ELECTION --dry-run < BALLOT
                              how the ballot would be read, in words; nothing is stored
  replace ELECTION < FILE     replace your ballot where the election allows it: the file's first line is
                              the receipt of the ballot to replace, the rest the new ballot; prints the new receipt
  results ELECTION [--json]   the result of a counted election
  bundle ELECTION > FILE      the signed results bundle, for booth verify or ssh-keygen -Y verify
  verify RECEIPT|-            whether the ballot cast with RECEIPT (- reads it from standard input) was counted, and what it says
  renew                       renew your membership (in the renewal window or the grace after it)
  nominate ELECTION MEMBER    nominate a member as a candidate, while the election takes nominations
  nominations ELECTION [--json]
                              the nominations: nominees, their supporters (when published), their state
  nominations accept ELECTION < STATEMENT
                              accept your nomination with a statement (Markdown) read from standard input
  nominations decline|withdraw ELECTION
                              decline your nomination, or withdraw after accepting, until the nominations close
  plain                       the booth in linear mode (use ssh -t HOST plain): one line at a time, for
                              screen readers and plain terminals
  set plain on|off            open linear mode every time (off: the full-screen booth)
  set lang en|ja|es|auto      the language booth speaks to you (auto: your client's locale)
  code issue MEMBER [ELECTION]
                              stand staff only: a one-time code to vote at the kiosk
  code history                stand staff only: the kiosk codes you issued
  trustee share ELECTION > FILE
                              trustees only: your share of the election's key, sealed to your key
  help                        this text

Linear mode also opens for ssh -o SetEnv=ACCESSIBLE=1 -t HOST (or BOOTH_PLAIN=1),
and by itself for TERM=dumb. When your locale (LC_ALL, LC_CTYPE or LANG, sent
with ssh -o SetEnv=LANG=C) is not UTF-8, booth sends ASCII only.

A ballot is text: one line per rank with candidate ids, first preference
first; "=" between ids that share a rank (Schulze only); yes, no or abstain
for a question; one id per line for approval; "#" starts a comment. A blank
ballot is the word blank alone; empty input casts nothing.
`)

// command is one non-interactive command: it writes its answer to out and
// returns an error for stderr.
type command struct {
	args int  // positional arguments
	json bool // accepts --json
	// dryRun: accepts --dry-run
	dryRun bool
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
	// dryRun: --dry-run was given
	dryRun bool
	out    *bytes.Buffer
	p      i18n.Printer // the member's language (sessionLang)
	// prefs are the member's preferences as read once for the session
	// (prefsErr: why they could not be), for the commands that show or
	// change them.
	prefs    models.Preferences
	prefsErr error
}

var commands = map[string]command{
	"help":        {run: func(_ context.Context, c *cmdContext) error { c.out.WriteString(c.p.T(commandHelp)); return nil }},
	"whoami":      {run: whoami},
	"status":      {run: status},
	"elections":   {json: true, run: elections},
	"results":     {args: 1, json: true, run: results},
	"cast":        {args: 1, dryRun: true, run: cast},
	"show":        {args: 1, json: true, run: showCmd},
	"ballot":      {args: 1, run: ballotCmd},
	"replace":     {args: 1, run: replaceCmd},
	"bundle":      {args: 1, run: bundleCmd},
	"verify":      {args: 1, run: verifyCmd},
	"code":        {ownArgs: true, run: codeCmd},
	"trustee":     {ownArgs: true, run: trusteeCmd},
	"renew":       {run: renew},
	"nominate":    {args: 2, run: nominateCmd},
	"nominations": {ownArgs: true, run: nominationsCmd},
	"set":         {ownArgs: true, run: setCmd},
}

// runCommand runs the session's command and returns its exit status.
// Output is collected and written at the end, sanitised: it holds text
// others wrote (titles, candidate and member names).
func (s *Server) runCommand(sess cssh.Session, id identity) int {
	if deviceCommand(sess, id) {
		return 1
	}
	// The member's preference, else their client's locale; a preference
	// that cannot be read leaves the locale to decide.
	prefs, prefsErr := s.cfg.Service.MemberPreferences(sess.Context(), id.member.ID)
	p := i18n.For(sessionLang(sess.Environ(), prefs))
	argv := sess.Command()
	if len(argv) == 0 {
		fmt.Fprintf(sess.Stderr(), "booth: %s\n", p.T("cannot read the command %q; see 'ssh HOST help'", safetext.Sanitize(sess.RawCommand())))
		return 1
	}
	c := &cmdContext{s: s, sess: sess, id: id, out: &bytes.Buffer{}, p: p, prefs: prefs, prefsErr: prefsErr}
	s.metrics.command(argv[0])
	cmd, ok := commands[argv[0]]
	if !ok {
		fmt.Fprintf(sess.Stderr(), "booth: %s\n", p.T("unknown command %q; see 'ssh HOST help'", safetext.Sanitize(argv[0])))
		return 1
	}
	if err := c.parse(argv[1:], cmd); err != nil {
		fmt.Fprintf(sess.Stderr(), "booth %s: %s\n", argv[0], safetext.SanitizeMultiline(p.Err(err)))
		return 1
	}
	err := cmd.run(sess.Context(), c)
	if _, werr := sess.Write(c.out.Bytes()); err == nil && werr != nil {
		return 1
	}
	if err != nil {
		// Errors from models are messages, said in the member's language.
		fmt.Fprintf(sess.Stderr(), "booth %s: %s\n", argv[0], safetext.SanitizeMultiline(p.Err(err)))
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
		case a == "--dry-run" && cmd.dryRun:
			c.dryRun = true
		case strings.HasPrefix(a, "-") && a != "-": // "-" alone is standard input
			return errors.New(c.p.T("unknown option %q; see 'ssh HOST help'", a))
		default:
			c.args = append(c.args, a)
		}
	}
	if len(c.args) != cmd.args {
		return errors.New(c.p.T("takes %d argument(s), not %d; see 'ssh HOST help'", cmd.args, len(c.args)))
	}
	return nil
}

func whoami(ctx context.Context, c *cmdContext) error {
	m := c.id.member
	fmt.Fprintf(c.out, "member  %s\nname    %s\nkey     %s\n", safetext.Sanitize(m.ID), safetext.Sanitize(m.Name), c.id.fingerprint)
	// The standing on a line of its own, after the lines scripts already
	// read.
	fmt.Fprintf(c.out, "standing: %s\n", standingLine(ctx, c))
	if c.prefsErr != nil {
		return c.prefsErr
	}
	writePrefs(c, c.prefs)
	return nil
}

func status(ctx context.Context, c *cmdContext) error {
	if err := renewalNotice(ctx, c); err != nil {
		return err
	}
	if err := myNominationLines(ctx, c); err != nil {
		return err
	}
	marks, err := c.s.cfg.Service.MemberRoll(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if len(marks) == 0 {
		c.out.WriteString(c.p.T("You are on no election's roll.") + "\n")
		return nil
	}
	notices, err := c.s.cfg.Service.MemberNotices(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	for _, n := range notices {
		c.out.WriteString(c.p.T("Notice: %s", safetext.Sanitize(n.Line(c.p))) + "\n")
	}
	if len(notices) > 0 {
		c.out.WriteString("\n")
	}
	rows := [][]string{{c.p.T("ELECTION"), c.p.T("STATE"), c.p.T("YOU"), c.p.T("TITLE")}}
	for _, mk := range marks {
		e, err := c.s.cfg.Service.Election(ctx, mk.ElectionID)
		if err != nil {
			return err
		}
		rows = append(rows, []string{safetext.Sanitize(e.ID), stateWord(c.p, e.State), votedWord(c.p, mk.Voted), c.title(e)})
	}
	return writeTable(c.out, rows)
}

func votedWord(p i18n.Printer, v bool) string {
	if v {
		return p.T("voted")
	}
	return p.T("not voted")
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
		c.out.WriteString(c.p.T("You have no elections.") + "\n")
		return nil
	}
	rows := [][]string{{c.p.T("ELECTION"), c.p.T("STATE"), c.p.T("WHEN (UTC)"), c.p.T("YOU"), c.p.T("TURNOUT"), c.p.T("TITLE")}}
	for _, e := range list {
		when := c.p.T("closes %s", e.EffectiveClose().UTC().Format("2006-01-02 15:04"))
		switch e.State {
		case models.Draft:
			when = c.p.T("opens %s", e.OpensAt.UTC().Format("2006-01-02 15:04"))
		case models.Closed, models.Counted:
			when = c.p.T("closed %s", e.ClosedAt.UTC().Format("2006-01-02 15:04"))
		}
		you := votedWord(c.p, e.Voted)
		if e.State == models.Draft {
			you = "-"
		}
		rows = append(rows, []string{safetext.Sanitize(e.ID), stateWord(c.p, e.State), when, you,
			fmt.Sprintf("%d/%d", e.Turnout.Voted, e.Turnout.Electorate), c.title(e.Election)})
	}
	return writeTable(c.out, rows)
}

// onRoll refuses an election whose roll does not hold the member: members
// see the results of their own elections, as in the booth.
func (c *cmdContext) onRoll(ctx context.Context, id string) error {
	marks, err := c.s.cfg.Service.MemberRoll(ctx, c.id.member.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(marks, func(mk models.RollMark) bool { return mk.ElectionID == id }) {
		return errors.New(c.p.T("you have no election %q; 'ssh HOST elections' lists yours", safetext.Sanitize(id)))
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
		return errors.New(c.p.T("%s is %s: its result is published once it is counted", safetext.Sanitize(id), stateWord(c.p, e.State)))
	}
	res, err := c.s.cfg.Service.Result(ctx, id)
	if err != nil {
		return err
	}
	if c.json {
		me, err := c.myElection(ctx, id)
		if err != nil {
			return err
		}
		v, err := models.NewMemberResult(me, res)
		if err != nil {
			return err
		}
		return safetext.WriteJSON(c.out, v)
	}
	var sheet strings.Builder
	fmt.Fprintf(&sheet, "%s\n%s\n", c.title(e), c.p.T("Counted:        %s UTC", res.CountedAt.UTC().Format("2006-01-02 15:04")))
	if err := res.Result.WriteSheetIn(&sheet, c.p); err != nil {
		return err
	}
	c.out.WriteString(safetext.SanitizeMultiline(sheet.String()))
	return nil
}

// maxBallot bounds what cast reads from standard input.
const maxBallot = models.MaxBallotBytes

func cast(ctx context.Context, c *cmdContext) error {
	id := c.args[0]
	e, err := c.myElection(ctx, id)
	if err != nil {
		return err
	}
	if e.State == models.Draft {
		return errors.New(c.p.T("%s is not open for voting: %s", safetext.Sanitize(id), e.WindowAt(c.s.cfg.Service.Now()).In(c.p)))
	}
	text, err := c.readBallot()
	if err != nil {
		return err
	}
	b, err := models.ParseBallotIn(c.p, e.Definition, e.Withdrawn, text)
	if err != nil {
		return fmt.Errorf("%s\n%w", c.p.T("the ballot on standard input:"), err)
	}
	if c.dryRun {
		c.out.WriteString(readBack(c.p, e, b) + c.p.T("Nothing was stored: this was a dry run. Run the same command without --dry-run to cast it.") + "\n")
		return nil
	}
	receipt, err := c.s.cfg.Service.CastBallot(ctx, id, c.caster(), b)
	if err != nil {
		return castRefusal(c.p, id, err)
	}
	fmt.Fprintf(c.sess.Stderr(), "%s", readBack(c.p, e, b))
	fmt.Fprintf(c.out, "%s\n", receipt)
	fmt.Fprintln(c.sess.Stderr(), castNote(c.p, e.Election))
	return nil
}

// castNote says what the receipt printed is for.
func castNote(p i18n.Printer, e models.Election) string {
	if e.AllowReplace {
		return p.T("Your ballot is cast. The line above is your receipt: keep it to check later that your ballot was counted, or to replace it before the close.")
	}
	return p.T("Your ballot is cast. The line above is your receipt: keep it to check later that your ballot was counted.")
}

// readStdin reads standard input up to its end, or to one byte more than
// limit, so the caller can refuse what is too long. A shutdown closes the
// session rather than wait for a client that never ends its input, and
// what was read by then may be cut short: it is refused with shutdown,
// which says what was not done; a failed read is refused as reading.
func (c *cmdContext) readStdin(limit int64, reading, shutdown string) ([]byte, error) {
	stop := context.AfterFunc(c.s.appCtx, func() { _ = c.sess.Close() })
	defer stop()
	data, err := io.ReadAll(io.LimitReader(c.sess, limit+1))
	switch {
	case c.s.appCtx.Err() != nil:
		return nil, errors.New(shutdown)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", reading, err)
	}
	return data, nil
}

// readBallot reads the ballot on standard input, refusing more than
// maxBallot bytes; on a shutdown nothing has been cast yet.
func (c *cmdContext) readBallot() (string, error) {
	data, err := c.readStdin(maxBallot, c.p.T("reading the ballot from standard input"), c.p.T("the booth is shutting down; nothing was cast"))
	if err != nil {
		return "", err
	}
	if len(data) > maxBallot {
		return "", errors.New(c.p.T("the ballot on standard input is longer than %d bytes", maxBallot))
	}
	return string(data), nil
}
