package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
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
your own machine; booth needs no server or database for it.

A key protected by a passphrase asks for it on the terminal (not echoed);
when standard input is not a terminal, its first line is the passphrase
(for scripts: booth trustee release ... < passphrase-file).`,
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
			release, err := trustee.MakeRelease(share, key, passphraseReader(cmd, keyPath), to)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(release)
			return err
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "your SSH private key (ssh-ed25519 or ssh-rsa; a passphrase is asked for)")
	cmd.Flags().StringVar(&to, "to", "", "the count session key (age1…)")
	return cmd
}

// passphraseReader asks for the passphrase of the key file on the
// terminal without echo, or, when standard input is not a terminal, reads
// its first line.
func passphraseReader(cmd *cobra.Command, keyPath string) func() ([]byte, error) {
	return func() ([]byte, error) {
		in := cmd.InOrStdin()
		if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
			fmt.Fprintf(cmd.ErrOrStderr(), "Passphrase for %s: ", keyPath)
			pw, err := term.ReadPassword(f.Fd())
			fmt.Fprintln(cmd.ErrOrStderr())
			return pw, err
		}
		line, err := bufio.NewReader(io.LimitReader(in, 4<<10)).ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			return nil, fmt.Errorf("%s is protected by a passphrase: type it on a terminal, or give it as the first line of standard input", keyPath)
		}
		return line, nil
	}
}

// readKey reads a private key file of reasonable size.
func readKey(path string) ([]byte, error) {
	data, err := readLimited(path, 64<<10-1) // reads at most 64 KiB
	if err != nil {
		return nil, fmt.Errorf("reading the key: %w", err)
	}
	return data, nil
}
