// Package importcmd implements "hydra client import": it creates OAuth 2.0
// clients from JSON files.
package importcmd

import (
	"context"
	"fmt"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format
	Quiet  bool

	// Files are the files to import; "-" is stdin.
	Files []string
}

// NewCmdImport builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdImport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	cmd := &cobra.Command{
		Use:   "import <file>...",
		Short: "Create OAuth 2.0 clients from JSON files",
		Long: heredoc.Doc(`
			Create the OAuth 2.0 clients in JSON files: each file holds one client
			(a JSON object in Hydra's client format) or an array of them. "-" reads
			stdin; without it, stdin is never read.

			Every file is read and checked before the first client is created, so
			that a malformed file creates nothing. Then each client gets one line
			of report on stdout: its source, its ID and, when the server generated
			it, its secret, which cannot be fetched again. A client the server
			refuses is named on stderr, the others are still created, and the
			command exits 1.

			--format prints the created clients as one JSON array instead; -q
			prints their IDs only. Existing clients are not updated: use
			"hydra client update" for that.
		`),
		Example: heredoc.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra client import clients.json
			$ hydra client import a.json b.json --format json
			$ echo '{"client_name": "ci", "grant_types": ["client_credentials"]}' | hydra client import -
		`),
		Args: cmdutil.MinimumArgs(1, `at least one file (or - for stdin)`),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = shared.ParseFormat(&format, opts.Quiet); err != nil {
				return err
			}
			stdin := 0
			for _, a := range args {
				if a == "-" {
					stdin++
				}
			}
			if stdin > 1 {
				return cmdutil.FlagErrorf("stdin (-) can be read only once")
			}
			opts.Files = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return importRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "a line of report per client")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the IDs of the created clients, one a line")
	return cmd
}

// source is one client to import and where it came from.
type source struct {
	where string
	doc   shared.Doc
}

func importRun(ctx context.Context, opts *Options) error {
	var todo []source
	for _, path := range opts.Files {
		docs, _, err := shared.ReadDocs(path, opts.IO.In)
		if err != nil {
			return err
		}
		name := path
		if path == "-" {
			name = "stdin"
		}
		for i, d := range docs {
			where := name
			if len(docs) > 1 {
				where = fmt.Sprintf("%s[%d]", name, i)
			}
			todo = append(todo, source{where: where, doc: d})
		}
	}
	if len(todo) == 0 {
		return fmt.Errorf("no client to import: the files hold empty arrays")
	}
	for _, s := range todo {
		if sec := s.doc.String("client_secret"); sec != "" && len(sec) < 6 {
			return fmt.Errorf("%s: client_secret is %d characters long; Hydra requires at least 6", s.where, len(sec))
		}
	}
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	var created []*api.OAuth2Client
	failed, generatedN := 0, 0
	report := opts.Format.Name == "" && !opts.Quiet
	stopped := false
	var batch shared.Batch
	// printFormatted prints the clients created, with --format, at the end
	// or when interrupted.
	printFormatted := func() error {
		if opts.Format.Name == "" || len(created) == 0 {
			return nil
		}
		p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
		return p.Print(opts.IO.Out, shared.JSONArray(created), func() printer.TableData { return shared.Table(created) })
	}
	for i, s := range todo {
		shared.WarnUnknown(opts.IO.ErrOut, s.where, s.doc)
		c, err := client.CreateClient(ctx, s.doc.Marshal())
		if err != nil {
			if ctx.Err() != nil {
				// Interrupted: with --format, the clients created so far
				// are printed yet, or the secrets the server generated
				// for them would be lost. The report lines are already
				// out.
				if perr := printFormatted(); perr != nil {
					return perr
				}
				return ctx.Err()
			}
			failed++
			fmt.Fprintf(opts.IO.ErrOut, "error: %s: %s\n", s.where, shared.ClientError(s.doc.String("client_id"), err))
			if left := len(todo) - i - 1; left > 0 && batch.Stop(err) {
				// The next requests would fail alike: one message, not
				// one per client.
				fmt.Fprintf(opts.IO.ErrOut, "stopped: %d of %d clients were not imported, %d of them not attempted\n", failed+left, len(todo), left)
				failed += left
				stopped = true
				break
			}
			continue
		}
		generated := s.doc.String("client_secret") == "" && c.ClientSecret != ""
		if !generated {
			c.Raw = shared.WithoutSecret(c.Raw)
		}
		created = append(created, c)
		if generated {
			generatedN++
		}
		switch {
		case report:
			line := fmt.Sprintf("created %s from %s", c.ClientID, s.where)
			if generated {
				line += ", client_secret: " + c.ClientSecret
			}
			fmt.Fprintln(opts.IO.Out, line)
		case opts.Quiet:
			fmt.Fprintln(opts.IO.Out, c.ClientID)
		}
		if generated && opts.Quiet {
			fmt.Fprintf(opts.IO.ErrOut, "warning: client %s got a secret from the server, which -q does not print and which cannot be fetched again\n", c.ClientID)
		}
	}
	if err := printFormatted(); err != nil {
		return err
	}
	if n := generatedN; n > 0 && !opts.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s generated by the server cannot be fetched again: store %s now\n", plural(n, "secret"), pronoun(n))
	}
	if failed > 0 {
		if !stopped {
			fmt.Fprintf(opts.IO.ErrOut, "%d of %d clients could not be imported\n", failed, len(todo))
		}
		return cmdutil.ErrSilent
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
