package cli

import "github.com/spf13/cobra"

// Command is booth's whole command tree, as the binary runs it: the
// packaging program (internal/package) generates the man pages and the
// shell completions from it, so they cannot drift from the commands.
func Command() *cobra.Command { return newRootCmd() }
