package main

import "github.com/spf13/cobra"

// Placeholder until the audit commands are written.
func newAuditCmd() *cobra.Command { return &cobra.Command{Use: "audit", Hidden: true} }
