package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/bundle"
	boothssh "vote.example.org/booth/ssh"
)

// auditHeadFlags are the options of booth audit head.
type auditHeadFlags struct {
	sign         bool
	out, hostKey string
}

func newAuditHeadCmd() *cobra.Command {
	var f auditHeadFlags
	cmd := &cobra.Command{
		Use:   "head [--sign [--out FILE]]",
		Short: "Print the audit chain's head, for the officers to publish",
		Long: `Print the audit chain's head: its last entry and that entry's hash. Entries
removed from the chain's end leave a consistent chain, so officers publish
the head at every step that matters (close and count print it too); booth
audit verify --head then shows that the chain still holds it.

With --sign the head is written signed with the host key (SSH signature,
namespace ` + bundle.HeadNamespace + `), to standard output or --out FILE;
booth audit verify --head-file FILE checks it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAuditHead(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.sign, "sign", false, "write the head signed with the host key")
	fl.StringVar(&f.out, "out", "", "with --sign, the `FILE` to write it to (never overwritten; default standard output)")
	fl.StringVar(&f.hostKey, "host-key", "", "the host key that signs (default DATA/"+hostKeyName+")")
	return cmd
}

func runAuditHead(cmd *cobra.Command, f auditHeadFlags) error {
	if f.out != "" && !f.sign {
		return errors.New("--out is for the signed head: give --sign too")
	}
	log, err := readAuditLog(cmd)
	if err != nil {
		return err
	}
	head, err := models.VerifyChain(log)
	if err != nil {
		return fmt.Errorf("audit chain broken: %w; a broken chain has no head to publish", err)
	}
	if len(log) == 0 {
		return errors.New("the audit log is empty: there is no head to publish yet")
	}
	if !f.sign {
		_, err := fmt.Fprintf(cmd.OutOrStdout(), "audit head: entry %d, %s\n", len(log), models.HashString(head))
		return err
	}
	signer, err := boothssh.LoadHostKey(hostKeyPath(cmd, f.hostKey))
	if err != nil {
		return err
	}
	data, err := bundle.SignHead(int64(len(log)), head, signer)
	if err != nil {
		return err
	}
	if f.out == "" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	if err := writeNewFile(f.out, data, 0o644); err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "audit head (entry %d, %s) written to %s, signed by the host key; publish it\n", len(log), models.HashString(head), f.out)
	return err
}

// printAuditHead prints the audit chain's head after a lifecycle step, for
// the officers to publish: a head published then is what shows later that
// no entry up to it was removed.
func printAuditHead(ctx context.Context, w io.Writer, svc *models.Service) error {
	entries, head, err := svc.AuditHead(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "audit head: entry %d, %s\npublish it (booth audit head --sign writes it signed); booth audit verify --head checks the chain still holds it\n",
		entries, models.HashString(head))
	return err
}

// readHeadFile reads a signed audit head and checks it against the host key.
func readHeadFile(cmd *cobra.Command, path, hostKey string) (int64, [32]byte, error) {
	signer, err := boothssh.LoadHostKey(hostKeyPath(cmd, hostKey))
	if err != nil {
		return 0, [32]byte{}, err
	}
	// A signed head is a few hundred bytes.
	data, err := readLimited(path, 1<<16-1)
	if err != nil {
		return 0, [32]byte{}, err
	}
	seq, head, err := bundle.OpenHead(data, signer.PublicKey())
	if err != nil {
		return 0, head, fmt.Errorf("%s: %w", path, err)
	}
	return seq, head, nil
}
