package main

import "github.com/spf13/cobra"

// Placeholder until the cast commands are written.
func newCastCmd() *cobra.Command { return &cobra.Command{Use: "cast", Hidden: true} }
