package main

import "github.com/spf13/cobra"

// Placeholder until the member commands are written.
func newMemberCmd() *cobra.Command { return &cobra.Command{Use: "member", Hidden: true} }
