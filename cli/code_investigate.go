package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// booth code investigate: the election committee reads, with the tally
// key, who issued which kiosk code for whom (issue 10 item 6).

func newCodeInvestigateCmd() *cobra.Command {
	var keyFile string
	var asJSON bool
	var tf trusteeFlags
	cmd := &cobra.Command{
		Use:   "investigate ELECTION --key FILE | --trustees --release FILE… [--json]",
		Short: "List who issued kiosk codes for whom in an election (needs its tally key)",
		Long: `Unseal the records of the kiosk codes that could open ELECTION: for each,
who issued it (a staff member over SSH, or an officer here), for which
member, when, until when, and whether it was used at a kiosk, revoked or
expired. booth seals these records to the election's tally key when a code
is issued, so the server alone cannot read them: this is for the election
committee settling a dispute ("someone voted as me at the stand").

Each record is checked against the audit log: AUDIT names the entry of the
code's issue by the same person, and "MISSING" marks a record with no such
entry, which deserves a look. The unsealing is recorded in the audit log.
It works while the election is open too: a dispute at the stand is best
settled while the staff are there, and whoever holds the key could read the
records with age anyway.

An election with trustees has no tally key: its records are sealed to the
key split among the trustees. After the close and before publication, the
releases of its open count session open them (--trustees --release FILE…,
as 'booth election count --trustees' takes them; they stay good for the
count). While it is open, or once published, they cannot be read.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			investigate, err := codeOpener(cmd, args[0], keyFile, tf)
			if err != nil {
				return err
			}
			return withElections(cmd, func(ctx context.Context, svc *models.Service) error {
				fs, err := investigate(ctx, svc)
				if errors.Is(err, models.ErrNotFound) {
					return fmt.Errorf("no election %q: see 'booth election list'", args[0])
				}
				if err != nil {
					return err
				}
				if asJSON {
					return safetext.WriteJSON(cmd.OutOrStdout(), findingsJSON(fs))
				}
				return printFindings(cmd.OutOrStdout(), args[0], fs)
			})
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the election's tally key file, or an officer's SSH private key (required without --trustees)")
	cmd.Flags().BoolVar(&tf.on, "trustees", false, "an election with trustees: open the records with the releases (--release) of its open count session")
	cmd.Flags().StringArrayVar(&tf.releases, "release", nil, "a trustee's release file (repeat for each; with --trustees)")
	cmd.Flags().StringVar(&tf.sessionKey, "session-key", "", "the count session's key file (default as for 'booth election count --trustees')")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the records as JSON")
	return cmd
}

// codeOpener is how the records are opened: with --key, or with the
// trustees' releases.
func codeOpener(cmd *cobra.Command, electionID, keyFile string, tf trusteeFlags) (func(context.Context, *models.Service) ([]models.CodeFinding, error), error) {
	if !tf.on {
		if len(tf.releases) > 0 || tf.sessionKey != "" {
			return nil, errors.New("--release and --session-key go with --trustees")
		}
		if keyFile == "" {
			return nil, errors.New("--key is required: the election's tally key file, or an officer's SSH private key (an election with trustees: --trustees --release FILE…)")
		}
		ids, err := readKeyFile(keyFile)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, svc *models.Service) ([]models.CodeFinding, error) {
			return svc.InvestigateCodes(ctx, electionID, ids, actor())
		}, nil
	}
	if keyFile != "" {
		return nil, errors.New("--key is not used with --trustees: the trustees' releases (--release) open the records")
	}
	if len(tf.releases) == 0 {
		return nil, errors.New("--trustees needs the trustees' releases: --release FILE for each")
	}
	files, err := tf.readReleases()
	if err != nil {
		return nil, err
	}
	sessionKey := tf.keyFile(electionID)
	return func(ctx context.Context, svc *models.Service) ([]models.CodeFinding, error) {
		return svc.InvestigateCodesWithTrustees(ctx, electionID, sessionKey, files, actor())
	}, nil
}

// findingJSON is one record as code investigate --json prints it.
type findingJSON struct {
	Code     string     `json:"code"`
	Staff    string     `json:"staff,omitempty"`
	Officer  string     `json:"officer,omitempty"`
	Member   string     `json:"member"`
	Election string     `json:"election,omitempty"`
	Issued   *time.Time `json:"issued,omitempty"`
	Expires  *time.Time `json:"expires,omitempty"`
	State    string     `json:"state,omitempty"`
	AuditSeq int64      `json:"audit_seq,omitempty"`
}

func findingsJSON(fs []models.CodeFinding) []findingJSON {
	out := make([]findingJSON, len(fs))
	for i, f := range fs {
		out[i] = findingJSON{Code: f.Code, Staff: f.Staff, Officer: f.Officer, Member: f.Member, Election: f.Election,
			State: string(f.State), AuditSeq: f.AuditSeq}
		if f.Logged {
			issued, expires := f.Issued.UTC(), f.Expires.UTC()
			out[i].Issued, out[i].Expires = &issued, &expires
		}
	}
	return out
}

func printFindings(w io.Writer, election string, fs []models.CodeFinding) error {
	if len(fs) == 0 {
		_, err := fmt.Fprintf(w, "no kiosk code was issued that could open election %s\n", election)
		return err
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ISSUED BY\tMEMBER\tCODE ID\tSCOPE\tISSUED (UTC)\tSTATE\tAUDIT")
	for _, f := range fs {
		// A record is sealed to a public key: whoever can write to the
		// database could forge one, so its text is shown quoted when odd.
		by := "staff " + safetext.Show(f.Staff)
		if f.Staff == "" {
			by = "officer " + safetext.Show(f.Officer)
		}
		scope := safetext.Show(f.Election)
		if scope == "" {
			scope = "any"
		}
		issued, state := "not logged", "-"
		if f.Logged {
			issued, state = f.Issued.UTC().Format("2006-01-02 15:04:05"), string(f.State)
		}
		audit := "MISSING"
		if f.AuditSeq != 0 {
			audit = fmt.Sprintf("#%d", f.AuditSeq)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", by, safetext.Show(f.Member), f.Code[:8], scope, issued, state, audit)
	}
	return tw.Flush()
}
