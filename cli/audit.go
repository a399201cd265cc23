package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	"vote.example.org/booth/models/safetext"
	boothssh "vote.example.org/booth/ssh"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check and read the audit log of officer actions and lifecycle events",
	}
	cmd.AddCommand(newAuditVerifyCmd(), newAuditLogCmd(), newAuditHeadCmd())
	return cmd
}

// auditVerifyFlags are the options of booth audit verify.
type auditVerifyFlags struct {
	head, headFile, bundle, hostKey string
	namespace                       string
}

func newAuditVerifyCmd() *cobra.Command {
	var f auditVerifyFlags
	cmd := &cobra.Command{
		Use:   "verify [--head HASH | --head-file FILE | --bundle FILE]",
		Short: "Check every link of the audit chain, and that it still holds a published head",
		Long: `Check every link of the audit log's hash chain. Each entry carries the hash of
the one before, so an edited, removed or reordered entry breaks the chain;
the first broken link is reported and the command exits with status 1.

Links alone cannot show entries removed from the end of the chain: what is
left is still a consistent chain. So officers publish the head it prints,
and a results bundle carries the head of the moment it was published,
signed with the host key. --head HASH checks that the chain still holds a
published head; --head-file FILE checks a head that booth audit head --sign
wrote (signed by this server's host key, --host-key); --bundle FILE checks
the head in a results bundle (signed by the host key too) and that the
chain records this bundle's publication after it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAuditVerify(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.head, "head", "", "a published audit head `HASH` the chain must still hold")
	fl.StringVar(&f.headFile, "head-file", "", "a signed audit head `FILE` (booth audit head --sign) the chain must still hold")
	fl.StringVar(&f.bundle, "bundle", "", "a results bundle `FILE` whose audit head the chain must still hold, with its publication")
	fl.StringVar(&f.hostKey, "host-key", "", "the host key that signed the bundle (default DATA/"+hostKeyName+")")
	fl.StringVar(&f.namespace, "namespace", "", namespaceUsage)
	return cmd
}

func runAuditVerify(cmd *cobra.Command, f auditVerifyFlags) error {
	given := 0
	for _, v := range []string{f.head, f.headFile, f.bundle} {
		if v != "" {
			given++
		}
	}
	if given > 1 {
		return errors.New("give one of --head, --head-file and --bundle")
	}
	var headSeq int64
	var signedHead [32]byte
	if f.headFile != "" {
		var err error
		if headSeq, signedHead, err = readHeadFile(cmd, f.headFile, f.hostKey); err != nil {
			return err
		}
	}
	var b *bundle.Bundle
	var sum [32]byte
	if f.bundle != "" {
		signer, err := boothssh.LoadHostKey(hostKeyPath(cmd, f.hostKey))
		if err != nil {
			return err
		}
		trust, err := bundle.TrustSigner(gossh.FingerprintSHA256(signer.PublicKey()))
		if err != nil {
			return err
		}
		data, err := readBundle(cmd, f.bundle)
		if err != nil {
			return err
		}
		ns, err := resultsNamespace(f.namespace)
		if err != nil {
			return err
		}
		if b, err = bundle.OpenTrusted(data, trust, time.Now(), ns); err != nil {
			return fmt.Errorf("%s: %w", f.bundle, err)
		}
		// As booth wrote it: a copy with a newline more still verifies.
		sum = b.SHA256()
	}
	var head [32]byte
	if f.head != "" {
		h, err := hex.DecodeString(strings.TrimSpace(f.head))
		if err != nil || len(h) != len(head) {
			return fmt.Errorf("--head %q is not an audit head: want the 64 hexadecimal digits booth audit verify prints", f.head)
		}
		copy(head[:], h)
	}
	log, err := readAuditLog(cmd)
	if err != nil {
		return err
	}
	last, err := models.VerifyChain(log)
	if err != nil {
		return fmt.Errorf("audit chain broken: %w", err)
	}
	out := cmd.OutOrStdout()
	switch {
	case f.head != "":
		seq, err := models.FindHead(log, head)
		if err != nil {
			return fmt.Errorf("audit chain cut: %w", err)
		}
		fmt.Fprintf(out, "the published head is entry %d of the chain\n", seq)
	case f.headFile != "":
		if err := models.CheckHead(log, headSeq, signedHead); err != nil {
			return fmt.Errorf("audit chain cut: %s: %w", f.headFile, err)
		}
		fmt.Fprintf(out, "the head signed in %s is entry %d of the chain\n", f.headFile, headSeq)
	case b != nil:
		bundleHead, err := hex.DecodeString(b.AuditHead)
		if err != nil || len(bundleHead) != len(head) {
			return fmt.Errorf("%s: its audit head %q is not a hash", f.bundle, safetext.Sanitize(b.AuditHead))
		}
		copy(head[:], bundleHead)
		if err := models.CheckHead(log, b.AuditSeq, head); err != nil {
			return fmt.Errorf("audit chain cut: %s: %w", f.bundle, err)
		}
		seq, err := models.FindPublication(log, b.AuditSeq, sum)
		if err != nil {
			return fmt.Errorf("audit chain cut: %s: %w", f.bundle, err)
		}
		fmt.Fprintf(out, "the head published in %s is entry %d of the chain; entry %d records its publication\n", f.bundle, b.AuditSeq, seq)
	}
	_, err = fmt.Fprintf(out, "audit chain intact: %d entries, head %s\n", len(log), models.HashString(last))
	return err
}

// auditEntryJSON is one entry of `booth audit log --json`.
type auditEntryJSON struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`
}

func newAuditLogCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Print the audit log, oldest entry first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := readAuditLog(cmd)
			if err != nil {
				return err
			}
			if asJSON {
				entries := make([]auditEntryJSON, len(log))
				for i, e := range log {
					entries[i] = auditEntryJSON{e.Seq, e.At.UTC(), e.Actor, e.Action, e.Detail, models.HashString(e.Prev), models.HashString(e.Hash)}
				}
				return safetext.WriteJSON(cmd.OutOrStdout(), entries)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "SEQ\tTIME (UTC)\tOFFICER\tACTION\tDETAIL")
			for _, e := range log {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", e.Seq, e.At.UTC().Format("2006-01-02 15:04:05"),
					safetext.Show(e.Actor), safetext.Show(e.Action), safetext.Show(e.Detail))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the log as JSON, with each entry's hashes")
	return cmd
}

// readAuditLog reads the whole audit log from the data directory.
func readAuditLog(cmd *cobra.Command) ([]models.AuditEntry, error) {
	s, err := openService(cmd)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.AuditLog(cmd.Context())
}
