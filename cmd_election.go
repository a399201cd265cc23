package main

import "github.com/spf13/cobra"

// Placeholder until the election commands are written.
func newElectionCmd() *cobra.Command { return &cobra.Command{Use: "election", Hidden: true} }
