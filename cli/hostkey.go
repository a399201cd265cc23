package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	boothssh "vote.example.org/booth/ssh"
)

// hostKeyName is the host key's file name in the data directory.
const hostKeyName = "ssh_host_ed25519_key"

func newHostkeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hostkey",
		Short: "Manage the SSH host key",
	}
	var path string
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Create the SSH host key (keeping one that exists) and print its fingerprint",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := hostKeyPath(cmd, path)
			out := cmd.OutOrStdout()
			if _, err := os.Lstat(p); err == nil {
				// Members know its fingerprint: booth never replaces it.
				signer, err := boothssh.LoadHostKey(p)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(out, "host key %s exists: kept it (booth never replaces a host key)\nfingerprint %s\n", p, gossh.FingerprintSHA256(signer.PublicKey()))
				return err
			}
			fp, err := boothssh.InitHostKey(p)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(out, "host key %s\nfingerprint %s (publish it with the election announcement)\n", p, fp)
			return err
		},
	}
	initCmd.Flags().StringVar(&path, "host-key", "", "host key file (default DATA/"+hostKeyName+")")
	cmd.AddCommand(initCmd)
	return cmd
}

func hostKeyPath(cmd *cobra.Command, flag string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join(dataDir(cmd), hostKeyName)
}
