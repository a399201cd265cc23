package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

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
		Short: "Create the SSH host key (never replacing one) and print its fingerprint",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fp, err := boothssh.InitHostKey(hostKeyPath(cmd, path))
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "host key %s\nfingerprint %s (publish it with the election announcement)\n", hostKeyPath(cmd, path), fp)
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
