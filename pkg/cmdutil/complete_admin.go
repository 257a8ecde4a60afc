package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
)

// CompleteWith returns a ValidArgsFunction that offers what list finds
// through this admin connection, as CompleteClientIDs does for clients: the
// command's own flags and the environment apply, the requests write nothing
// and give up quickly, and any failure offers nothing.
func (a *Admin) CompleteWith(f *Factory, list func(ctx context.Context, c *api.Client, args []string, toComplete string) []cobra.Completion) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		const directive = cobra.ShellCompDirectiveNoFileComp
		client, err := completionClient(f, &a.Conn, &a.AccessToken)
		if err != nil {
			return nil, directive
		}
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, cancel := context.WithTimeout(ctx, CompletionTimeout)
		defer cancel()
		return list(ctx, client, args, toComplete), directive
	}
}
