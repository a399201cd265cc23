package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
)

func newAuditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check and read the audit log of officer actions and lifecycle events",
	}
	cmd.AddCommand(newAuditVerifyCmd(), newAuditLogCmd())
	return cmd
}

func newAuditVerifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check every link of the audit chain and print its head hash",
		Long: `Check every link of the audit log's hash chain. Each entry carries the hash of
the one before, so an edited, removed or reordered entry breaks the chain;
the first broken link is reported and the command exits with status 1.
Officers publish the head hash it prints, so that a rewritten chain is caught
even if every link in it is consistent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := readAuditLog(cmd)
			if err != nil {
				return err
			}
			head, err := models.VerifyChain(log)
			if err != nil {
				return fmt.Errorf("audit chain broken: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "audit chain intact: %d entries, head %s\n", len(log), models.HashString(head))
			return err
		},
	}
}

// auditEntryJSON is one entry of `booth audit log --json`.
type auditEntryJSON struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`
}

func newAuditLogCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Print the audit log, oldest entry first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := readAuditLog(cmd)
			if err != nil {
				return err
			}
			if asJSON {
				entries := make([]auditEntryJSON, len(log))
				for i, e := range log {
					entries[i] = auditEntryJSON{e.Seq, e.At.UTC(), e.Actor, e.Action, e.Detail, models.HashString(e.Prev), models.HashString(e.Hash)}
				}
				return printJSON(cmd.OutOrStdout(), entries)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "SEQ\tTIME (UTC)\tOFFICER\tACTION\tDETAIL")
			for _, e := range log {
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", e.Seq, e.At.UTC().Format("2006-01-02 15:04:05"),
					auditText(e.Actor), auditText(e.Action), auditText(e.Detail))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the log as JSON, with each entry's hashes")
	return cmd
}

// auditText shows an audit field as it is, or quoted with escapes when it
// holds characters that could move the cursor or rewrite the terminal (the
// log records what an officer's machine reported, which booth does not
// control).
func auditText(s string) string {
	if s == "" || models.CheckText("audit field", s) == nil {
		return s
	}
	return strconv.Quote(s)
}

// readAuditLog reads the whole audit log from the data directory.
func readAuditLog(cmd *cobra.Command) ([]models.AuditEntry, error) {
	s, err := openService(cmd)
	if err != nil {
		return nil, err
	}
	defer s.Store.Close()
	return s.Store.AuditLog(cmd.Context())
}
