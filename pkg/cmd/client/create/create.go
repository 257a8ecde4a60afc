// Package create implements "hydra client create": it creates OAuth 2.0
// clients through Hydra's admin API.
package create

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

// EnvSecret may hold the new client's secret, read only when neither
// --secret, --secret-file nor --file gives one.
const EnvSecret = "HYDRA_CLIENT_SECRET"

// Options are the parsed flags and arguments of the command.
type Options struct {
	// Style is the output of the spelling the command was called by:
	// Hydra v2's prints its tab-padded table (printer.Style.HydraTable).
	Style printer.Style

	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format
	Quiet  bool

	// File is --file: a JSON client or array of clients, "-" for stdin.
	File string
	// ID is --id; empty lets the server choose, and never overrides the
	// file's client_id.
	ID string
	// Secret is --secret, --secret-file or HYDRA_CLIENT_SECRET.
	Secret cmdutil.Secret
	// Fields are the client fields given as flags; they override the
	// file's.
	Fields shared.Doc
	// Key is --generate-key and --private-key-out.
	Key KeyOptions
	// PGP is --pgp-key, --pgp-key-url and --keybase.
	PGP pgphelper.Flags
}

// NewCmdCreate builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdCreateStyled(f, runF, printer.Style{})
}

// NewCmdCreateStyled is NewCmdCreate with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdCreateStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	var format cmdutil.FormatFlag
	var clientFlags *shared.ClientFlags

	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an OAuth 2.0 client",
		Long: text.Docf(`
			Create an OAuth 2.0 client through Hydra's admin API. Flags set the
			client's fields; fields not given take the server's defaults.

			With --file, the client (a JSON object, or an array of them) comes from
			a file, or from stdin with "-". Flags given beside --file override the
			file's fields, and only those fields.

			The output is a YAML document per client: client_id and, when the
			server generated the secret, client_secret. The secret cannot be
			fetched again: store it now. --format prints the whole client as the
			server returned it (with a SECRET column in a table); -q prints the ID
			only. Whatever the format, an ID or generated secret that the output
			does not show (-q, or a jsonpath that selects other fields or nothing)
			is shown on stderr, and the command still succeeds.

			A client without a client_id gets a random UUID, as Hydra would give
			it, chosen before the request is sent. On Ctrl-C, no new client is
			sent; the one in flight is printed if the server answers within half a
			second, and otherwise named on stderr, as one that may exist.

			Hydra stores grant types, response types and token endpoint auth
			methods it does not support without a word, and drops unknown fields
			of a file; this command warns on stderr naming each.

			The secret may come from --secret, --secret-file (a file, or - for
			stdin), or %[1]s, in that order; a note on stderr says when
			%[1]s supplied it. A file's clients never take it.

			With --pgp-key, --pgp-key-url or --keybase, each secret (made here
			when none is given) is encrypted to that OpenPGP key before the client
			is sent, and the output shows it encrypted in its place: base64 of an
			armored PGP message (base64 -d | gpg --decrypt); under "clients",
			Hydra v1's spelling, base64 of the binary message, as v1 printed it.
			They run hydra-pgp, the OpenPGP helper that comes beside hydra (or: go
			install github.com/hydratoken/hydra/cmd/hydra-pgp@latest).
		`, EnvSecret),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra client create -n "my app" -g client_credentials -a read,write
			$ hydra client create -n web -c http://127.0.0.1:5555/callback -g authorization_code,refresh_token -r code -a openid,offline
			$ hydra client create --file client.json --name "renamed app"
			$ hydra client create -g client_credentials --format jsonpath='$["client_id","client_secret"]'
			$ hydra client create -g client_credentials --generate-key=ES256 --private-key-out key.json -q
			$ hydra client create -g client_credentials --pgp-key "$(gpg --export --armor you@example.com | base64 -w0)"
		`),
		Args: keyArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet, opts.Style); err != nil {
				return err
			}
			opts.Format.Hydra = opts.Style.HydraPaths
			if err := opts.Key.prepare(cmd, opts, args); err != nil {
				return err
			}
			if opts.Fields, err = clientFlags.Fields(cmd); err != nil {
				return err
			}
			if err := opts.Key.apply(opts.Fields); err != nil {
				return err
			}
			if cmd.Flags().Changed("id") && opts.ID != "" {
				if err := shared.CheckID(opts.ID); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return opts.Key.run(cmd.Context(), opts, createRun)
		},
	}

	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "client_id and client_secret as YAML")
	clientFlags = shared.AddClientFlags(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.ID, "id", "", "The client's ID (default: generated by the server)")
	fl.StringVar(&opts.Secret.Value, "secret", "", fmt.Sprintf("The client's secret, at least 6 characters (default: generated by the server); prefer %s or --secret-file, since argv is visible to other users", EnvSecret))
	fl.StringVar(&opts.Secret.File, "secret-file", "", "Read the client's secret from `file`, or from stdin when '-'")
	cmd.MarkFlagsMutuallyExclusive("secret", "secret-file")
	opts.Secret.Flag, opts.Secret.Env = "secret", EnvSecret
	fl.StringVarP(&opts.File, "file", "f", "", "Read the client, or a JSON array of clients, from `file`, or from stdin when '-'")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the client ID, one a line")
	addKeyFlags(cmd, &opts.Key)
	pgphelper.AddFlags(cmd, &opts.PGP)
	// --generate-key's client has no usable secret to encrypt.
	for _, fl := range []string{pgphelper.FlagKey, pgphelper.FlagKeyURL, pgphelper.FlagKeybase} {
		cmd.MarkFlagsMutuallyExclusive("generate-key", fl)
	}
	return cmd
}

func createRun(ctx context.Context, opts *Options) error {
	items, array, err := buildItems(opts)
	if err != nil {
		return err
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
		View:   createmany.YAMLView,
		Style:  opts.Style,
		Array:  array,

		Encrypt: pgpKey,
	}, items)
}

// buildItems reads the file, if any, and lays the flags over each client in
// it. Everything is checked before the first request, so that bad input
// creates nothing.
func buildItems(opts *Options) ([]createmany.Item, bool, error) {
	if opts.File == "-" && opts.Secret.File == "-" {
		return nil, false, cmdutil.FlagErrorf("--file - and --secret-file - cannot both read stdin")
	}
	docs, array := []shared.Doc{{}}, false
	if opts.File != "" {
		var err error
		if docs, array, err = shared.ReadDocs(opts.File, opts.IO.In); err != nil {
			return nil, false, err
		}
		if len(docs) == 0 {
			return nil, false, fmt.Errorf("%s holds an empty array: no client to create", fileName(opts.File))
		}
	}
	secret, source, err := resolveSecret(opts)
	if err != nil {
		return nil, false, err
	}
	if len(docs) > 1 && (opts.ID != "" || secret != "") {
		return nil, false, cmdutil.FlagErrorf("%s holds %d clients: --id and --secret would give them all the same value", fileName(opts.File), len(docs))
	}
	if source == cmdutil.SourceEnv {
		// A variable left set in a shell would otherwise give every new
		// client the same secret without a word.
		fmt.Fprintf(opts.IO.ErrOut, "note: the client secret comes from %s\n", EnvSecret)
	}
	items := make([]createmany.Item, len(docs))
	for i, d := range docs {
		switch {
		case opts.Style.HydraDefaults && opts.File == "":
			hydraDefaults(d)
		case opts.Style.HydraV1 && opts.File == "":
			hydraV1Defaults(d)
		}
		applyFlags(opts, d, secret)
		if s := d.String("client_secret"); s != "" && len(s) < 6 {
			return nil, false, cmdutil.FlagErrorf("the client secret is %d characters long; Hydra requires at least 6", len(s))
		}
		items[i] = createmany.Item{Doc: d, IDFromFlag: opts.ID != ""}
		switch {
		case array:
			items[i].Where = fmt.Sprintf("%s[%d]", fileName(opts.File), i)
		case opts.File != "":
			items[i].Where = fileName(opts.File)
		}
	}
	return items, array, nil
}

// applyFlags lays the flags over d: the one place where a flag becomes a
// field of the client document. Flags override the file's fields, and only
// those given.
func applyFlags(opts *Options, d shared.Doc, secret string) {
	for k, v := range opts.Fields {
		d[k] = v
	}
	// An empty --id never overwrites the file's client_id: Hydra v2.3's
	// CLI does, and silently gives the client a random ID.
	if opts.ID != "" {
		d.Set("client_id", opts.ID)
	}
	if secret != "" {
		d.Set("client_secret", secret)
	}
}

// hydraDefaults gives d the values that Hydra v2's "create oauth2-client"
// stores when its flags are not given (its flags' defaults), so that the
// same command line stores the same client (printer.Style.HydraDefaults).
// The flags given are laid over them by applyFlags.
func hydraDefaults(d shared.Doc) {
	d.Set("grant_types", []string{"authorization_code"})
	d.Set("response_types", []string{"code"})
	d.Set("request_object_signing_alg", "RS256")
	d.Set("subject_type", "public")
	d.Set("token_endpoint_auth_method", "client_secret_basic")
	d.Set("metadata", map[string]any{})
	for _, k := range []string{"skip_consent", "skip_logout_consent", "backchannel_logout_session_required", "frontchannel_logout_session_required"} {
		d.Set(k, false)
	}
}

// hydraV1Defaults gives d the values that Hydra v1's "clients create"
// sends when its flags are not given (its flags' defaults; its SDK drops
// the empty ones), so that the same command line stores the same client
// (printer.Style.HydraV1). The flags given are laid over them by
// applyFlags.
func hydraV1Defaults(d shared.Doc) {
	d.Set("grant_types", []string{"authorization_code"})
	d.Set("response_types", []string{"code"})
	d.Set("subject_type", "public")
	d.Set("token_endpoint_auth_method", "client_secret_basic")
}

// resolveSecret reads --secret, --secret-file, or, when neither is given and
// no file supplies the clients, HYDRA_CLIENT_SECRET.
func resolveSecret(opts *Options) (string, cmdutil.SecretSource, error) {
	s := opts.Secret
	if opts.File != "" {
		s.Env = ""
	}
	return s.Resolve(opts.Factory, opts.Quiet)
}

func fileName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}
