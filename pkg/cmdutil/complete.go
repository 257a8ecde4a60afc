package cmdutil

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
)

// CompletionTimeout bounds the requests made to complete an argument: a
// shell waits on them while the user waits on the shell.
const CompletionTimeout = 3 * time.Second

// completionPageSize is how many client IDs completion asks for: one page,
// Hydra's maximum.
const completionPageSize = 1000

// CompleteClientIDs returns a ValidArgsFunction that offers the IDs of the
// admin API's OAuth 2.0 clients, with their names as descriptions. conn and
// token are the command's own flags, already parsed when cobra completes, so
// --endpoint and the environment apply. Any failure (no endpoint, no answer,
// an error status) silently offers nothing: completion must never print
// into the user's prompt.
func CompleteClientIDs(f *Factory, conn *Connection, token *Secret) cobra.CompletionFunc {
	return completeWith(f, conn, token, func(ctx context.Context, client *api.Client, args []string, toComplete string) []cobra.Completion {
		page, err := client.ListClients(ctx, api.ListClientsOptions{PageSize: completionPageSize})
		if err != nil {
			return nil
		}
		var out []cobra.Completion
		for _, c := range page.Clients {
			if !strings.HasPrefix(c.ClientID, toComplete) || slices.Contains(args, c.ClientID) {
				continue
			}
			if text.Printable(c.ClientID) != c.ClientID {
				continue // no shell should be handed control characters
			}
			out = append(out, cobra.CompletionWithDesc(c.ClientID, text.Printable(c.ClientName)))
		}
		return out
	})
}

// CompleteWith returns a ValidArgsFunction that offers what list finds
// through this admin connection, as CompleteClientIDs does for clients: the
// command's own flags and the environment apply, the requests write nothing
// and give up quickly, and any failure offers nothing.
func (a *Admin) CompleteWith(f *Factory, list func(ctx context.Context, c *api.Client, args []string, toComplete string) []cobra.Completion) cobra.CompletionFunc {
	return completeWith(f, &a.Conn, &a.AccessToken, list)
}

// completeWith is the completion of every argument that the admin API
// knows: a quiet client (completionClient), a time limit, and nothing
// offered on any failure.
func completeWith(f *Factory, conn *Connection, token *Secret, list func(ctx context.Context, c *api.Client, args []string, toComplete string) []cobra.Completion) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		const directive = cobra.ShellCompDirectiveNoFileComp
		client, err := completionClient(f, conn, token)
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

// completionClient builds an admin API client that writes nothing (no
// warnings, no trace), does not retry, and gives up quickly.
func completionClient(f *Factory, conn *Connection, token *Secret) (*api.Client, error) {
	quiet := &Factory{
		IOStreams: &iostreams.IOStreams{In: f.IOStreams.In, Out: io.Discard, ErrOut: io.Discard},
		Getenv:    f.Getenv,
	}
	c := *conn
	c.Kind = api.Admin
	c.Verbose, c.Retries, c.FailAfter, c.Timeout = false, 0, 0, CompletionTimeout
	c.APIVersion = "" // a bad --api-version detects
	if gen, err := conn.Generation(); err == nil && gen != api.GenerationUnknown {
		c.APIVersion = conn.APIVersion
	}
	ep, err := c.ResolveTarget(quiet.Getenv)
	if err != nil {
		return nil, err
	}
	var bearer string
	if token != nil && token.File != "-" {
		// Stdin belongs to the shell during completion: never read it.
		// A token that cannot be read completes without it.
		bearer, _ = bearerToken(quiet, token, c.Headers, true)
	}
	return c.connect(quiet, ep, link{bearer: bearer})
}

// CompleteClientIDFlag makes the flag named flag complete client IDs.
// Commands on the admin API pass their own connection and bearer token, so
// that --endpoint and --access-token apply. Commands on the public API pass
// nil for both: the admin API's URL then comes from the environment
// (HYDRA_ADMIN_URL, then HYDRA_URL, then ORY_SDK_URL), and its bearer token
// from OAUTH2_ACCESS_TOKEN.
func CompleteClientIDFlag(cmd *cobra.Command, f *Factory, flag string, conn *Connection, token *Secret) {
	if conn == nil {
		conn = &Connection{Kind: api.Admin}
		token = &Secret{Env: EnvAccessToken}
	}
	_ = cmd.RegisterFlagCompletionFunc(flag, CompleteClientIDs(f, conn, token))
}
