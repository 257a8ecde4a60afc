// Package importcmd implements "hydra client import": it creates OAuth 2.0
// clients from JSON files.
package importcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmd/client/createmany"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/pgphelper"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
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
	// PGP is --pgp-key, --pgp-key-url and --keybase.
	PGP pgphelper.Flags

	// Style is the output of the spelling the command was called by:
	// Hydra v2's prints its tab-padded table and reads stdin when no file
	// is named (printer.Style.HydraTable).
	Style printer.Style
}

// NewCmdImport builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdImport(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdImportStyled(f, runF, printer.Style{})
}

// NewCmdImportStyled is NewCmdImport with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdImportStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	var format cmdutil.FormatFlag
	cmd := &cobra.Command{
		Use:   "import <file>...",
		Short: "Create OAuth 2.0 clients from JSON files",
		Long: text.Doc(`
			Create the OAuth 2.0 clients in JSON files: each file holds one client
			(a JSON object in Hydra's client format) or an array of them. "-" reads
			stdin; without it, stdin is never read.

			Every file is read and checked before the first client is created, so
			that a malformed file creates nothing. A document with none of a
			client's fields (a JWK set, a JWK, {} or {"foo":1}) is refused:
			Hydra would create a default client from it. Then each client gets one line
			of report on stdout: its source, its ID and, when the server generated
			it, its secret, which cannot be fetched again. A client the server
			refuses is named on stderr, the others are still created, and the
			command exits 1.

			--format prints the created clients as one JSON array instead (with a
			SECRET column in a table); -q prints their IDs only. Whatever the
			format, an ID or generated secret that the output does not show is
			shown on stderr. Existing clients are not updated: use "hydra client
			update" for that.

			A client without a client_id gets a random UUID, as Hydra would give
			it, chosen before the request is sent. On Ctrl-C, no new client is
			sent; the one in flight is printed if the server answers within half a
			second, and otherwise named on stderr, as one that may exist.

			With --pgp-key, --pgp-key-url or --keybase, each client's secret (made
			here when the file gives none) is encrypted to that OpenPGP key before
			the client is sent, and shown encrypted in its place.
			They run hydra-pgp, the OpenPGP helper that comes beside hydra (or: go
			install github.com/hydratoken/hydra/cmd/hydra-pgp@latest).
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra client import clients.json
			$ hydra client import a.json b.json --format json
			$ echo '{"client_name": "ci", "grant_types": ["client_credentials"]}' | hydra client import -
		`),
		Args: cmdutil.MinimumArgs(1, `at least one file (or - for stdin)`),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet, opts.Style); err != nil {
				return err
			}
			opts.Format.Hydra = opts.Style.HydraPaths
			if len(args) == 0 && opts.Style.HydraTable {
				// Hydra v2's CLI reads stdin when no file is named:
				// cat clients.json | hydra import oauth2-client.
				args = []string{"-"}
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
	if style.HydraTable {
		cmd.Args = cobra.ArbitraryArgs
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "a line of report per client")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the IDs of the created clients, one a line")
	pgphelper.AddFlags(cmd, &opts.PGP)
	return cmd
}

func importRun(ctx context.Context, opts *Options) error {
	var items []createmany.Item
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
			items = append(items, createmany.Item{Where: where, Doc: d})
		}
	}
	if len(items) == 0 {
		return fmt.Errorf("no client to import: the files hold empty arrays")
	}
	for _, it := range items {
		if sec := it.Doc.String("client_secret"); sec != "" && len(sec) < 6 {
			return fmt.Errorf("%s: client_secret is %d characters long; Hydra requires at least 6", it.Where, len(sec))
		}
	}
	pgpKey, err := opts.PGP.Load(ctx, opts.Factory, opts.Admin.Conn)
	if err != nil {
		return err
	}
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	return createmany.Run(ctx, createmany.Options{
		IO:     opts.IO,
		Client: client,
		Format: opts.Format,
		Quiet:  opts.Quiet,
		View:   createmany.ReportView,
		Style:  opts.Style,
		// --format prints one array, whatever the files held.
		Array: true,
		Verb:  "imported",

		Encrypt: pgpKey,
	}, items)
}
