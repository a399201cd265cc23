package cli

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"vote.example.org/booth/models"
	"vote.example.org/booth/models/safetext"
)

// completeFirstArg gives every subcommand of parent whose first argument
// is named in args (as its Use line writes it: "ID", "ELECTION") the
// completion list: shell completion then suggests the ids in the data
// directory, each with its title or name.
func completeFirstArg(parent *cobra.Command, list func(context.Context, *models.Service) ([]cobra.Completion, error), args ...string) {
	for _, c := range parent.Commands() {
		if f := strings.Fields(c.Use); len(f) > 1 && c.ValidArgsFunction == nil && slices.Contains(args, f[1]) {
			c.ValidArgsFunction = completeWith(list)
		}
	}
}

// completeWith suggests what list gives, for the first argument only. It
// reads the store without the lifecycle's writes and, like every command
// that only reads, never creates a data directory; with no store it
// suggests nothing.
func completeWith(list func(context.Context, *models.Service) ([]cobra.Completion, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		svc, err := newService(cmd)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer svc.Close()
		all, err := list(cmd.Context(), svc)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, c := range all {
			if strings.HasPrefix(c, toComplete) {
				out = append(out, c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// electionIDs are the elections, each with its title.
func electionIDs(ctx context.Context, svc *models.Service) ([]cobra.Completion, error) {
	es, err := svc.Elections(ctx)
	out := make([]cobra.Completion, len(es))
	for i, e := range es {
		out[i] = cobra.CompletionWithDesc(e.ID, oneLine(e.Title))
	}
	return out, err
}

// memberIDs are the members, each with their name.
func memberIDs(ctx context.Context, svc *models.Service) ([]cobra.Completion, error) {
	ms, err := svc.Members(ctx)
	out := make([]cobra.Completion, len(ms))
	for i, m := range ms {
		out[i] = cobra.CompletionWithDesc(m.ID, oneLine(m.Name))
	}
	return out, err
}

// oneLine is text others wrote made safe for a completion's description,
// which a shell prints as it is.
func oneLine(s string) string {
	return strings.Join(strings.Fields(safetext.Sanitize(s)), " ")
}
