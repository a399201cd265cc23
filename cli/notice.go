package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/mailer"
	"vote.example.org/booth/models/safetext"
	boothssh "vote.example.org/booth/ssh"
)

// mailFlags configure how notices are mailed: booth notice and booth
// serve share them. Each has an environment variable, so a service unit
// can set them once; the SMTP password is read from the environment only.
type mailFlags struct {
	smtp, from                      string
	dkimKey, dkimDomain, dkimSelect string
	templates, foundation, sshCmd   string
	hostKey                         string
	rate                            float64
	lease                           time.Duration
}

func (f *mailFlags) add(fl *pflag.FlagSet, hostKeyFlag bool) {
	env := os.Getenv
	fl.StringVar(&f.smtp, "smtp", env("BOOTH_SMTP"), "mail server `URL`: smtp://[USER@]HOST[:PORT] (STARTTLS, required), smtps://… (TLS), ?tls=none only for a server on this machine; the password comes from $BOOTH_SMTP_PASSWORD (default $BOOTH_SMTP)")
	fl.StringVar(&f.from, "mail-from", env("BOOTH_MAIL_FROM"), "the notices' sender, e.g. \"Elections <vote@example.org>\" (default $BOOTH_MAIL_FROM)")
	fl.StringVar(&f.dkimKey, "dkim-key", env("BOOTH_DKIM_KEY"), "sign notices with this DKIM private key `FILE` (PEM, RSA or Ed25519; default $BOOTH_DKIM_KEY)")
	fl.StringVar(&f.dkimDomain, "dkim-domain", env("BOOTH_DKIM_DOMAIN"), "the DKIM signing domain (d=; default $BOOTH_DKIM_DOMAIN)")
	fl.StringVar(&f.dkimSelect, "dkim-selector", env("BOOTH_DKIM_SELECTOR"), "the DKIM selector (s=) under which the public key is published in DNS (default $BOOTH_DKIM_SELECTOR)")
	fl.StringVar(&f.templates, "notice-templates", env("BOOTH_NOTICE_TEMPLATES"), "`DIR` of the foundation's notice texts (announce.txt, remind.txt, …; ja/announce.txt, es/… for the members who chose that language); the others keep booth's (default $BOOTH_NOTICE_TEMPLATES)")
	fl.StringVar(&f.foundation, "foundation", env("BOOTH_FOUNDATION"), "the foundation's name in the notices (default $BOOTH_FOUNDATION)")
	fl.StringVar(&f.sshCmd, "ssh-command", env("BOOTH_SSH_COMMAND"), "the command members run to vote, as the notices give it, e.g. \"ssh vote.example.org\" (default $BOOTH_SSH_COMMAND)")
	fl.Float64Var(&f.rate, "mail-rate", 0, "most notices this process mails per second (0: as fast as the server takes them)")
	fl.DurationVar(&f.lease, "claim-lease", models.DefaultNoticeLease, "how long this process holds a batch of notices before another may take it over (after a crash)")
	if hostKeyFlag {
		fl.StringVar(&f.hostKey, "host-key", "", "host key file whose fingerprint the notices give (default DATA/"+hostKeyName+")")
	}
}

// config builds the notice configuration; a nil Mailer when no server is
// given.
func (f *mailFlags) config(cmd *cobra.Command) (models.NoticeConfig, error) {
	var cfg models.NoticeConfig
	tmpl, err := models.LoadNoticeTemplates(f.templates)
	if err != nil {
		return cfg, err
	}
	if f.rate < 0 {
		return cfg, errors.New("--mail-rate must not be negative")
	}
	cfg = models.NoticeConfig{Templates: tmpl, Foundation: f.foundation, SSHCommand: f.sshCmd, PerSecond: f.rate, Lease: f.lease}
	if f.lease < 10*time.Second {
		return cfg, fmt.Errorf("--claim-lease %s is shorter than one exchange with a mail server may take: give 10s or more", f.lease)
	}
	if signer, err := boothssh.LoadHostKey(hostKeyPath(cmd, f.hostKey)); err == nil {
		cfg.HostKey = boothssh.Fingerprint(signer)
	}
	if at := strings.LastIndexByte(f.from, '@'); at >= 0 {
		cfg.Domain = strings.Trim(f.from[at+1:], "> ")
	}
	if f.smtp == "" {
		return cfg, nil
	}
	m, err := mailer.New(mailer.Config{
		URL: f.smtp, Password: os.Getenv("BOOTH_SMTP_PASSWORD"), From: f.from,
		DKIMKeyFile: f.dkimKey, DKIMDomain: f.dkimDomain, DKIMSelector: f.dkimSelect,
	})
	if err != nil {
		return cfg, err
	}
	cfg.Mailer = m
	return cfg, nil
}

func newNoticeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notice",
		Short: "Mail members about elections: announcements, reminders, results",
		Long: `Notices tell members that voting is open, remind those who have not voted,
announce an extended close and the results. An election's [notices] table
schedules them (booth serve sends them when due); booth notice send sends
one by hand. Each member gets each notice once: see booth notice status.`,
	}
	cmd.AddCommand(newNoticeSendCmd(), newNoticeDeliverCmd(), newNoticeStatusCmd())
	return cmd
}

func kindList() string {
	var ks []string
	for _, k := range models.NoticeKinds() {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, ", ")
}

func newNoticeSendCmd() *cobra.Command {
	var f mailFlags
	var dryRun, retry, renewal bool
	cmd := &cobra.Command{
		Use:   "send ELECTION KIND [--dry-run | --retry-failed] | send --renewal [--dry-run]",
		Short: "Send a notice now (" + kindList() + "), or preview it",
		Long: `Queue a notice for the members it concerns and mail it: announce (to the
roll), remind (to the members on the roll who have not voted), extended (the
same, after the close moved on for a missed quorum), results (to the roll,
once published), nominations (to every active member, while the election's
nominations are open). A member who votes before their reminder goes out does not
get it. An announcement, an extension and the results go out once; each
reminder sent by hand is a new one.

--dry-run queues and mails nothing: it prints how many members would get
the notice now and one of the mails as it would be sent.

--retry-failed queues again the mails of the election's notices of KIND that
failed for good (booth notice status lists them), once you fixed their cause:
a member's address, or the mail server's settings.

--renewal (no ELECTION, no KIND) sends the membership renewal reminder to
every active member in the renewal window or grace (booth foundation) who
has not had the reminder of their current term; booth serve does the same
at every tick.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if renewal {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(2)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if renewal {
				if retry {
					return errors.New("--renewal and --retry-failed do not go together")
				}
				return runRenewalSend(cmd, f, dryRun)
			}
			if dryRun && retry {
				return errors.New("--dry-run and --retry-failed do not go together: preview a notice, or send its failed mails again")
			}
			return runNoticeSend(cmd, f, args[0], args[1], dryRun, retry)
		},
	}
	cmd.Flags().BoolVar(&retry, "retry-failed", false, "queue again the failed mails of the notices of KIND, then mail them")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print who would get it and one example; send nothing")
	cmd.Flags().BoolVar(&renewal, "renewal", false, "send the membership renewal reminders due now (no ELECTION, no KIND)")
	f.add(cmd.Flags(), true)
	return cmd
}

// sendConfig is the notices' configuration for a send, which needs a mail
// server unless it is a dry run.
func (f *mailFlags) sendConfig(cmd *cobra.Command, dryRun bool) (models.NoticeConfig, error) {
	cfg, err := f.config(cmd)
	if err == nil && !dryRun && cfg.Mailer == nil {
		err = errors.New("no mail server is configured: give --smtp (or BOOTH_SMTP) and --mail-from, or preview with --dry-run")
	}
	return cfg, err
}

func runNoticeSend(cmd *cobra.Command, f mailFlags, electionID, kindArg string, dryRun, retry bool) error {
	kind, err := models.ParseNoticeKind(kindArg)
	if err != nil {
		return err
	}
	cfg, err := f.sendConfig(cmd, dryRun)
	if err != nil {
		return err
	}
	return withElections(cmd, func(ctx context.Context, s *models.Service) error {
		s.SetNotices(cfg)
		out := cmd.OutOrStdout()
		if dryRun {
			p, err := s.PreviewNotice(ctx, electionID, kind)
			if err != nil {
				return noticeError(err, electionID)
			}
			printPreview(out, electionID, kind, p)
			return nil
		}
		if retry {
			rows, err := s.RetryFailedNotices(ctx, electionID, kind, actor())
			if err != nil {
				return noticeError(err, electionID)
			}
			fmt.Fprintf(out, "queued again the failed %s mails of election %s for %d members\n", kind, safetext.Sanitize(electionID), rows)
			return deliver(ctx, cmd, s)
		}
		n, rows, err := s.QueueNoticeByHand(ctx, electionID, kind, actor())
		switch {
		case errors.Is(err, models.ErrExists):
			fmt.Fprintf(out, "notice %s was sent before; booth notice status %s shows how it went\n", safetext.Sanitize(n.ID()), safetext.Sanitize(electionID))
		case err != nil:
			return noticeError(err, electionID)
		default:
			fmt.Fprintf(out, "queued notice %s for %d members\n", safetext.Sanitize(n.ID()), rows)
		}
		return deliver(ctx, cmd, s)
	})
}

func runRenewalSend(cmd *cobra.Command, f mailFlags, dryRun bool) error {
	cfg, err := f.sendConfig(cmd, dryRun)
	if err != nil {
		return err
	}
	return withElections(cmd, func(ctx context.Context, s *models.Service) error {
		s.SetNotices(cfg)
		out := cmd.OutOrStdout()
		if dryRun {
			p, err := s.PreviewRenewals(ctx)
			if err != nil {
				return err
			}
			printPreview(out, "", models.NoticeRenewal, p)
			return nil
		}
		queued, err := s.QueueRenewals(ctx, actor())
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "queued the renewal reminder for %d members (members reminded before for their current term are not reminded again)\n", len(queued))
		return deliver(ctx, cmd, s)
	})
}

// noticeError says what to do about a refused notice.
func noticeError(err error, electionID string) error {
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("no election %s: booth election list shows the elections", safetext.Sanitize(electionID))
	}
	return err
}

// printPreview says what a send would do; electionID is "" for a notice
// about membership rather than an election (the renewal reminder).
func printPreview(out io.Writer, electionID string, kind models.NoticeKind, p models.NoticePreview) {
	what := fmt.Sprintf("the %s notice of election %s", kind, safetext.Sanitize(electionID))
	if electionID == "" {
		what = fmt.Sprintf("the %s notice", kind)
	}
	if p.SentBefore != "" {
		fmt.Fprintf(out, "dry run: notice %s was sent before, so a send would queue nothing; booth notice status %s shows how it went\n", safetext.Sanitize(p.SentBefore), safetext.Sanitize(electionID))
		return
	}
	fmt.Fprintf(out, "dry run: %s would be mailed to %d members now", what, p.Recipients)
	switch {
	case p.Electorate:
		fmt.Fprintf(out, ", those who have not voted")
		switch {
		case p.NoAddress == 1:
			fmt.Fprintf(out, " (1 member of the electorate has no email address)")
		case p.NoAddress > 1:
			fmt.Fprintf(out, " (%d members of the electorate have no email address)", p.NoAddress)
		}
	case p.NoAddress > 0:
		fmt.Fprintf(out, " (and %d without an email address would not)", p.NoAddress)
	}
	fmt.Fprintln(out)
	if p.Recipients == 0 {
		return
	}
	counts := make([]string, len(p.Languages))
	for i, lp := range p.Languages {
		counts[i] = fmt.Sprintf("%s %d", lp.Lang, lp.Recipients)
	}
	if p.Electorate {
		// Split, those who have not voted would show who has.
		fmt.Fprintf(out, "the electorate, voted or not, by the language the members chose (en: none or English): %s\n", strings.Join(counts, ", "))
	} else {
		fmt.Fprintf(out, "by the language the members chose (en: none or English): %s\n", strings.Join(counts, ", "))
	}
	for _, lp := range p.Languages {
		text := fmt.Sprintf("booth's built-in %s text", languageNames[lp.Lang])
		if lp.Text.File != "" {
			text = "your " + safetext.Sanitize(lp.Text.File)
		}
		m := lp.Example
		switch {
		case p.Electorate:
			fmt.Fprintf(out, "\n%s: the members who chose it get %s; as it would be mailed, to a made-up member:\n", lp.Lang, text)
		case lp.Recipients == 1:
			fmt.Fprintf(out, "\n%s: 1 member gets %s; one of them, as it would be mailed:\n", lp.Lang, text)
		default:
			fmt.Fprintf(out, "\n%s: %d members get %s; one of them, as it would be mailed:\n", lp.Lang, lp.Recipients, text)
		}
		fmt.Fprintf(out, "\nTo: %s <%s>\nSubject: %s\nMessage-ID: <%s>\nList-Id: %s\nAuto-Submitted: auto-generated\n\n%s",
			safetext.Sanitize(m.ToName), safetext.Sanitize(m.To), safetext.Sanitize(m.Subject), m.MessageID, m.ListID, safetext.SanitizeMultiline(m.Body))
	}
}

// languageNames name the languages booth mails in, for the officers.
var languageNames = map[string]string{"en": "English", "ja": "Japanese", "es": "Spanish"}

// deliver mails what is due and says how it went.
func deliver(ctx context.Context, cmd *cobra.Command, s *models.Service) error {
	st, err := s.DeliverNotices(ctx)
	fmt.Fprintf(cmd.OutOrStdout(), "mailed %d; %d to retry later, %d failed, %d uncertain\n", st.Sent, st.Retried, st.Failed, st.Uncertain)
	if err != nil {
		return fmt.Errorf("mailing notices: %w; what is queued stays queued: booth serve with --smtp, or booth notice deliver, mails it once the server takes it", err)
	}
	return nil
}

func newNoticeDeliverCmd() *cobra.Command {
	var f mailFlags
	cmd := &cobra.Command{
		Use:   "deliver",
		Short: "Queue the scheduled notices that are due and mail everything due, then stop",
		Long: `Do once what booth serve does all the time: queue the notices the elections'
schedules call for now and mail every notice that is due (retries
included). For a host that runs no booth serve with --smtp, from a timer.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.config(cmd)
			if err != nil {
				return err
			}
			if cfg.Mailer == nil {
				return errors.New("no mail server is configured: give --smtp (or BOOTH_SMTP) and --mail-from")
			}
			return withElections(cmd, func(ctx context.Context, s *models.Service) error {
				s.SetNotices(cfg)
				if err := s.NoticeTick(ctx); err != nil {
					return err
				}
				return deliver(ctx, cmd, s)
			})
		},
	}
	f.add(cmd.Flags(), true)
	return cmd
}

func newNoticeStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status ELECTION [--json]",
		Short: "Show each notice of an election: sent, pending, failed (with the reasons)",
		Long: `Show each notice queued for an election with how many members it was mailed
to, how many are pending, failed or skipped, and why. An uncertain mail
is one a front end was sending when it stopped: the server may or may not
have taken it, and booth does not send it again (a member never gets a
notice twice); ask the member, or look in the mail server's log.
Failed and uncertain mails name their members until the election closes;
then the notices to those who had not voted keep their counts only.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withElections(cmd, func(ctx context.Context, s *models.Service) error {
				rs, err := s.NoticeReports(ctx, args[0])
				if err != nil {
					return noticeError(err, args[0])
				}
				if asJSON {
					out := make([]models.NoticeStatus, 0, len(rs))
					for _, r := range rs {
						out = append(out, models.NewNoticeStatus(r))
					}
					return safetext.WriteJSON(cmd.OutOrStdout(), out)
				}
				printNoticeStatus(cmd.OutOrStdout(), args[0], rs)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (see docs/formats.md)")
	return cmd
}

func printNoticeStatus(out io.Writer, electionID string, rs []models.NoticeReport) {
	if len(rs) == 0 {
		fmt.Fprintf(out, "No notice was sent for election %s.\n", safetext.Sanitize(electionID))
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NOTICE\tQUEUED\tMEMBERS\tSENT\tPENDING\tFAILED\tUNCERTAIN\tSKIPPED")
	for _, r := range rs {
		c := r.Counts
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", safetext.Sanitize(r.Notice.ID()), r.Created.UTC().Format("2006-01-02 15:04 UTC"),
			r.Total(), c[models.OutboxSent], c[models.OutboxPending]+c[models.OutboxClaimed]+c[models.OutboxSending],
			c[models.OutboxFailed], c[models.OutboxUncertain], c[models.OutboxSkipped])
	}
	tw.Flush()
	for _, r := range rs {
		for _, nr := range r.Reasons {
			if nr.Reason == "" {
				continue
			}
			fmt.Fprintf(out, "%s: %d %s: %s", safetext.Sanitize(r.Notice.ID()), nr.Count, nr.State, safetext.Sanitize(nr.Reason))
			if len(nr.Members) > 0 {
				fmt.Fprintf(out, " (%s)", safetext.Sanitize(strings.Join(nr.Members, ", ")))
			}
			fmt.Fprintln(out)
		}
		if r.Folded {
			fmt.Fprintf(out, "%s: closed; its per-member rows were dropped, its counts kept\n", safetext.Sanitize(r.Notice.ID()))
		}
	}
}
