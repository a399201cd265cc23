package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/safetext"
	boothssh "vote.example.org/booth/ssh"
)

// trusteeFlags are the options of a count or a publication by trustees.
type trusteeFlags struct {
	on         bool
	releases   []string
	sessionKey string
}

// add adds the flags to a command.
func (f *trusteeFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.on, "trustees", false, "the election's trustees open its ballots: start or resume a count session, or use its releases (--release)")
	fl.StringArrayVar(&f.releases, "release", nil, "a trustee's release file (repeat for each; with --trustees)")
	fl.StringVar(&f.sessionKey, "session-key", "", "the count session's key file (default ./ELECTION.count-session-key, outside DATA)")
}

// keyFile is the count session's key file of an election. By default it
// is in the current directory, like a tally key (./ID.tally-key), not in
// DATA: backups copy DATA, and with k releases this key opens the ballots.
func (f *trusteeFlags) keyFile(electionID string) string {
	if f.sessionKey != "" {
		return f.sessionKey
	}
	return electionID + ".count-session-key"
}

// readReleases reads the --release files.
func (f *trusteeFlags) readReleases() ([]models.ReleaseFile, error) {
	var out []models.ReleaseFile
	for _, name := range f.releases {
		data, err := readSmallFile(name)
		if err != nil {
			return nil, fmt.Errorf("--release %s: %w", name, err)
		}
		out = append(out, models.ReleaseFile{Name: name, Data: data})
	}
	return out, nil
}

// maxReleaseBytes bounds a release file: a few kilobytes of text.
const maxReleaseBytes = 64 << 10

// readSmallFile reads a file that is a few kilobytes at most.
func readSmallFile(name string) ([]byte, error) {
	data, err := readLimited(name, maxReleaseBytes)
	if err != nil {
		return nil, err
	}
	if len(data) > maxReleaseBytes {
		return nil, fmt.Errorf("more than %d bytes: not a release", maxReleaseBytes)
	}
	return data, nil
}

// runTrusteeCount is booth election count ELECTION --trustees: without
// releases it starts (or resumes) the count session and says what each
// trustee does; with them it counts.
func runTrusteeCount(cmd *cobra.Command, electionID string, f trusteeFlags, asJSON bool) error {
	s, err := tickedService(cmd)
	if err != nil {
		return err
	}
	defer s.Close()
	keyFile := f.keyFile(electionID)
	if len(f.releases) == 0 {
		st, err := s.StartCountSession(cmd.Context(), electionID, keyFile, actor())
		if err != nil {
			return err
		}
		return printCountSession(cmd.OutOrStdout(), st)
	}
	files, err := f.readReleases()
	if err != nil {
		return err
	}
	res, err := s.CountWithTrustees(cmd.Context(), electionID, keyFile, files, actor())
	if err != nil {
		return err
	}
	if asJSON {
		if err := writeResultJSON(cmd.OutOrStdout(), res); err != nil {
			return err
		}
		return printAuditHead(cmd.Context(), cmd.ErrOrStderr(), s)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "ballots of %s opened by %d trustees' releases, counted; the key was dropped from memory\n\n", electionID, len(files))
	if err := writeSheet(out, res); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nPublish with: booth election publish %s --trustees --out FILE", electionID)
	if e, err := s.Election(cmd.Context(), electionID); err == nil && e.PublishLedger {
		fmt.Fprint(out, " and the same --release files (the ledger's ballots are unsealed again)")
	}
	fmt.Fprint(out, "\n\n")
	return printAuditHead(cmd.Context(), out, s)
}

// printCountSession tells the officer what each trustee must do.
func printCountSession(w io.Writer, st models.CountSessionStart) error {
	e := st.Election
	t := e.Trustees
	verb := "started"
	if st.Resumed {
		verb = "resumed (it was open)"
	}
	fmt.Fprintf(w, "Count session of %s %s.\n\nCount session key (give it to the trustees):\n\n  %s\n\n", e.ID, verb, st.Key)
	fmt.Fprintf(w, "Its private half is in %s (mode 0600) until publishing deletes it: publish\nfrom this directory, or with the same --session-key. Keep it on this machine\nonly and out of backups: with the releases it opens the ballots.\n\n", st.KeyFile)
	fmt.Fprintf(w, "Any %d of these %d trustees must release their share to this session:\n\n", t.Threshold, len(t.Keys))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i := range t.Keys {
		fmt.Fprintf(tw, "  %d\t%s\n", i+1, safetext.Sanitize(t.Name(i)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, `
Each of them, on their own machine, with their own key:

  ssh HOST trustee share %[1]s > share
  booth trustee release share --key ~/.ssh/id_ed25519 --to %[2]s > release

and sends you the file release (it opens nothing without this session's key).
Then count with the releases, for example:

  booth election count %[1]s --trustees --release release-1 --release release-2 --release release-3
`, e.ID, st.Key)
	return err
}

// runTrusteePublish is booth election publish ELECTION --trustees.
func runTrusteePublish(cmd *cobra.Command, electionID string, f publishFlags, tf trusteeFlags) error {
	if f.out == "" {
		return errors.New("--out is required: the file to write the bundle to")
	}
	if _, err := os.Lstat(f.out); err == nil {
		return fmt.Errorf("%s already exists: choose another file, or remove it to publish again", f.out)
	}
	if f.key != "" {
		return errors.New("--key is not used with --trustees: the trustees' releases (--release) open the ballots")
	}
	ns, err := resultsNamespace(f.namespace)
	if err != nil {
		return err
	}
	files, err := tf.readReleases()
	if err != nil {
		return err
	}
	signer, err := boothssh.LoadHostKey(hostKeyPath(cmd, f.hostKey))
	if err != nil {
		return err
	}
	s, err := tickedService(cmd)
	if err != nil {
		return err
	}
	defer s.Close()
	data, err := s.PublishWithTrustees(cmd.Context(), electionID, tf.keyFile(electionID), files, func(p models.Publication) ([]byte, error) {
		return bundle.Sign(p, signer, ns)
	}, actor())
	if data == nil && err != nil {
		return err
	}
	if werr := writeNewFile(f.out, data, 0o644); werr != nil {
		return fmt.Errorf("the bundle was published (the server hands it out), but writing %s failed: %w; fetch it with 'ssh HOST bundle %s'", f.out, werr, electionID)
	}
	if err != nil {
		// Published; only ending the session failed: say so after the file.
		fmt.Fprintf(cmd.ErrOrStderr(), "booth: %v\n", err)
	}
	if err := printPublished(cmd.OutOrStdout(), electionID, f.out, ns, data, signer.PublicKey()); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\nThe bundle lists the trustees' signed releases; each checks with ssh-keygen alone (see the README, \"Trustees\").\n\n")
	return printAuditHead(cmd.Context(), cmd.OutOrStdout(), s)
}

func newElectionTrusteesCmd() *cobra.Command {
	var share int
	cmd := &cobra.Command{
		Use:   "trustees ELECTION [--share N]",
		Short: "Show an election's trustees, its threshold and its count sessions",
		Long: `Show the trustees of an election whose key is split among them: each
trustee's place, member and key fingerprint, how many of them must act
together (the threshold), the key ballots are sealed to and its count
sessions. With --share N, write trustee N's sealed share file instead, for
a trustee who cannot fetch it with 'ssh HOST trustee share ELECTION'
(it opens only with that trustee's key).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := tickedService(cmd)
			if err != nil {
				return err
			}
			defer s.Close()
			e, err := findElection(cmd.Context(), s, args[0])
			if err != nil {
				return err
			}
			if e.Trustees == nil {
				return fmt.Errorf("election %s has no trustees: its ballots are sealed to a tally key or the officers' keys", e.ID)
			}
			if share != 0 {
				return writeShare(cmd, s, e, share)
			}
			sessions, err := s.CountSessions(cmd.Context(), e.ID)
			if err != nil {
				return err
			}
			return printTrustees(cmd.OutOrStdout(), e, sessions)
		},
	}
	cmd.Flags().IntVar(&share, "share", 0, "write trustee N's sealed share file to standard output")
	return cmd
}

// writeShare writes trustee n's share file, as the ssh command gives it.
func writeShare(cmd *cobra.Command, s *models.Service, e models.Election, n int) error {
	t := e.Trustees
	if n < 1 || n > len(t.Keys) {
		return fmt.Errorf("--share %d: election %s has trustees 1 to %d", n, e.ID, len(t.Keys))
	}
	fp, err := keyFingerprint(t.Keys[n-1])
	if err != nil {
		return err
	}
	data, err := s.TrusteeShare(cmd.Context(), e.ID, fp, actor())
	if err != nil {
		return err
	}
	_, err = cmd.OutOrStdout().Write(data)
	return err
}

// printTrustees prints booth election trustees.
func printTrustees(w io.Writer, e models.Election, sessions []models.CountSession) error {
	t := e.Trustees
	fmt.Fprintf(w, "Election %s: any %d of its %d trustees together can open its ballots; fewer cannot.\n", e.ID, t.Threshold, len(t.Keys))
	fmt.Fprintf(w, "Up to %d of them may lose their key and the ballots can still be counted.\n\n", len(t.Keys)-t.Threshold)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tmember\tkey")
	for i, k := range t.Keys {
		fp, _ := keyFingerprint(k)
		m := t.Members[i]
		if m == "" {
			m = "-"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", i+1, safetext.Sanitize(m), fp)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nBallots are sealed to %s\n", t.Recipient)
	if len(sessions) == 0 {
		fmt.Fprintf(w, "No count session yet: after the close, start one with 'booth election count %s --trustees'.\n", e.ID)
		return nil
	}
	fmt.Fprintln(w, "\nCount sessions:")
	for _, cs := range sessions {
		fmt.Fprintf(w, "  %s  %s  started %s", cs.Key, cs.State, cs.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
		if len(cs.Releases) > 0 {
			fmt.Fprintf(w, ", counted with trustees")
			for _, r := range cs.Releases {
				fmt.Fprintf(w, " %d", r.Index)
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}

// countCommand is the command that counts an election: with its trustees
// or with the key.
func countCommand(ctx context.Context, s *models.Service, electionID string) string {
	if e, err := s.Election(ctx, electionID); err == nil && e.Trustees != nil {
		return "booth election count " + electionID + " --trustees"
	}
	return "booth election count " + electionID + " --key FILE"
}

// keyFingerprint is the SHA256 fingerprint of an authorized_keys line.
func keyFingerprint(line string) (string, error) {
	k, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return "", fmt.Errorf("a trustee key cannot be read: %w", err)
	}
	return gossh.FingerprintSHA256(k), nil
}
