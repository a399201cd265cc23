package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models/trustee"
)

// newTrusteeCmd is what a trustee runs on their own machine.
func newTrusteeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trustee",
		Short: "What a trustee runs on their own machine: release a share to a count",
	}
	cmd.AddCommand(newTrusteeReleaseCmd())
	return cmd
}

func newTrusteeReleaseCmd() *cobra.Command {
	var keyPath, to string
	cmd := &cobra.Command{
		Use:   "release SHARE --key PRIVATE-KEY --to COUNT-SESSION-KEY > release",
		Short: "Open your share with your SSH key and release it to one count session, signed",
		Long: `Open the share file (from 'ssh HOST trustee share ELECTION > share') with your
own SSH private key, seal the share again to the count session key the
officers gave you (age1…), and sign a statement with your key that names
the election, its fingerprint, the count session, your share and your key.
The release is written to standard output: send it to the officers. It is
good for that count session only; nothing else can open it. Run this on
your own machine; booth needs no server or database for it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case keyPath == "":
				return errors.New("--key is required: your SSH private key, e.g. --key ~/.ssh/id_ed25519")
			case to == "":
				return errors.New("--to is required: the count session key the officers gave you (age1…)")
			}
			share, err := readSmallFile(args[0])
			if err != nil {
				return fmt.Errorf("reading the share: %w", err)
			}
			key, err := readKey(keyPath)
			if err != nil {
				return err
			}
			release, err := trustee.MakeRelease(share, key, to)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(release)
			return err
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "your SSH private key (ssh-ed25519 or ssh-rsa, unencrypted)")
	cmd.Flags().StringVar(&to, "to", "", "the count session key (age1…)")
	return cmd
}

// readKey reads a private key file of reasonable size.
func readKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the key: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("reading the key: %w", err)
	}
	return data, nil
}
