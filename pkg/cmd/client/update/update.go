// Package update implements "hydra client update": it changes the given
// fields of an OAuth 2.0 client, and only those, with a JSON Patch.
package update

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/pgphelper"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

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

	// ID is the client to change.
	ID string
	// File is --file: a JSON object of fields to set, "-" for stdin.
	File string
	// Secret is --secret or --secret-file: a new secret.
	Secret cmdutil.Secret
	// Fields are the fields given as flags; they override the file's.
	Fields shared.Doc
	// PGP is --pgp-key, --pgp-key-url and --keybase.
	PGP pgphelper.Flags
}

// NewCmdUpdate builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	return NewCmdUpdateStyled(f, runF, printer.Style{})
}

// NewCmdUpdateStyled is NewCmdUpdate with the output of another spelling,
// such as Hydra v2's (see printer.Style).
func NewCmdUpdateStyled(f *cmdutil.Factory, runF func(context.Context, *Options) error, style printer.Style) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Style: style}
	var format cmdutil.FormatFlag
	var clientFlags *shared.ClientFlags

	cmd := &cobra.Command{
		Use:   "update <id>",
		Short: "Change fields of an OAuth 2.0 client",
		Long: text.Doc(`
			Change the fields of an OAuth 2.0 client that the flags (or --file) give,
			and leave every other field as it is. The change is one JSON Patch
			(RFC 6902) request, so nothing is reset: unlike Hydra v2's own
			"update client", which replaces the whole client and resets every
			field not given.

			A list flag replaces the whole list: --audience a --audience b sets
			[a, b]; --audience "" clears it. --file takes a JSON object whose
			fields are set in the same way; flags override it.

			The output is the updated client as the server sent it; -q prints its
			ID only. A new secret given with --secret or --secret-file is not
			printed back.

			With --pgp-key, --pgp-key-url or --keybase, the new secret is encrypted
			to that OpenPGP key before it is sent, and printed encrypted: base64 of
			an armored PGP message (base64 -d | gpg --decrypt); under "clients",
			Hydra v1's spelling, base64 of the binary message, as v1 printed it.
			They run hydra-pgp, the OpenPGP helper that comes beside hydra (or: go
			install github.com/hydratoken/hydra/cmd/hydra-pgp@latest).
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra client update "$CLIENT_ID" --name "new name"
			$ hydra client update "$CLIENT_ID" -a read,write --audience ""
			$ openssl rand -hex 32 | hydra client update "$CLIENT_ID" --secret-file -
			$ echo '{"metadata": {"team": "payments"}}' | hydra client update "$CLIENT_ID" --file -
		`),
		Args: cmdutil.ExactArgs(1, "one client ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet, opts.Style); err != nil {
				return err
			}
			opts.Format.Hydra = opts.Style.HydraPaths
			if err := shared.CheckID(args[0]); err != nil {
				return err
			}
			opts.ID = args[0]
			if opts.Fields, err = clientFlags.Fields(cmd); err != nil {
				return err
			}
			if len(opts.Fields) == 0 && opts.File == "" && opts.Secret.Value == "" && opts.Secret.File == "" {
				return cmdutil.FlagErrorf("nothing to update: give the fields to change as flags (such as --name) or with --file")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmd.ValidArgsFunction = func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return opts.Admin.CompleteClientIDs(f)(c, args, toComplete)
	}
	cmdutil.AddFormatFlag(cmd, &format, "indented JSON")
	clientFlags = shared.AddClientFlags(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Secret.Value, "secret", "", "A new secret, at least 6 characters; prefer --secret-file, since argv is visible to other users")
	fl.StringVar(&opts.Secret.File, "secret-file", "", "Read a new secret from `file`, or from stdin when '-'")
	cmd.MarkFlagsMutuallyExclusive("secret", "secret-file")
	opts.Secret.Flag = "secret"
	fl.StringVarP(&opts.File, "file", "f", "", "Set the fields of the JSON object in `file`, or stdin when '-'")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the client ID")
	pgphelper.AddFlags(cmd, &opts.PGP)
	return cmd
}

func updateRun(ctx context.Context, opts *Options) error {
	d, err := buildDoc(opts)
	if err != nil {
		return err
	}
	shared.WarnUnknown(opts.IO.ErrOut, "", d)
	// The new secret is encrypted before it is sent: a key that cannot
	// take it changes nothing.
	sealed, err := opts.PGP.Seal(ctx, opts.Factory, opts.Admin.Conn, opts.IO.ErrOut, d.String("client_secret"), opts.Style.HydraV1)
	if err != nil {
		return err
	}
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	c, err := client.PatchClient(ctx, opts.ID, PatchOps(d))
	if err != nil {
		return shared.ClientError(opts.ID, err)
	}
	shared.WarnDropped(ctx, opts.IO.ErrOut, client, d, c, "updated")
	raw := shared.WithoutSecret(c.Raw)
	if sealed != "" {
		c.ClientSecret, raw = sealed, shared.SetSecret(c.Raw, sealed)
	}
	if opts.Quiet {
		return shared.PrintIDs(opts.IO.Out, []*api.OAuth2Client{c})
	}
	if opts.Style.HydraV1 && opts.Format.Name == "" {
		// Hydra v1's lines; it echoed a new secret, which only the
		// command line could give it.
		line := printer.Printable(c.ClientID) + " OAuth 2.0 Client updated\n"
		switch secret := d.String("client_secret"); {
		case sealed != "":
			// --pgp-key: v1's line of the encrypted secret.
			line += "OAuth 2.0 Encrypted Client Secret: " + printer.Printable(sealed) + "\n"
		case secret != "":
			line += "Updated OAuth 2.0 Client Secret: " + printer.Printable(secret) + "\n"
		}
		_, err := io.WriteString(opts.IO.Out, line)
		return err
	}
	if opts.Style.HydraTable && (opts.Format.Name == "" || opts.Format.Name == printer.Table) {
		return printer.WriteHydraRow(opts.IO.Out, shared.HydraHeaders, shared.HydraRow(c))
	}
	p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
	err = p.Print(opts.IO.Out, raw, func() printer.TableData { return shared.Table([]*api.OAuth2Client{c}) })
	var noMatch *printer.NoMatchError
	if errors.As(err, &noMatch) {
		// The update is done: under the tool's own spelling, a selector
		// that misses it is not a failure that would hide it, nor a reason
		// to retry. Under Hydra v2's, the command exits non-zero, as Hydra
		// v2's CLI does for a jsonpointer that misses (issue 24).
		fmt.Fprintf(opts.IO.ErrOut, "warning: client %s was updated, but --format %s selects nothing in it\n", printer.Printable(c.ClientID), opts.Format)
		if opts.Style.HydraPaths {
			return err
		}
		return nil
	}
	return err
}

// buildDoc gathers the fields to set from the file, the flags and the
// secret flags, checking all of them before any request.
func buildDoc(opts *Options) (shared.Doc, error) {
	d := shared.Doc{}
	if opts.File != "" {
		if opts.File == "-" && opts.Secret.File == "-" {
			return nil, cmdutil.FlagErrorf("--file - and --secret-file - cannot both read stdin")
		}
		docs, _, err := shared.ReadDocs(opts.File, opts.IO.In)
		if err != nil {
			return nil, err
		}
		if len(docs) != 1 {
			return nil, fmt.Errorf("%s: want one JSON object of fields to set, not an array", opts.File)
		}
		d = docs[0]
		// The ID is the path of the request, not a field to patch.
		if id, ok := d["client_id"]; ok {
			if d.String("client_id") != opts.ID {
				return nil, cmdutil.FlagErrorf("%s sets client_id %s, but the client to update is %q: a client's ID cannot change", opts.File, string(id), opts.ID)
			}
			delete(d, "client_id")
		}
	}
	for k, v := range opts.Fields {
		d[k] = v
	}
	secret, _, err := opts.Secret.Resolve(opts.Factory, opts.Quiet)
	if err != nil {
		return nil, err
	}
	if secret != "" {
		d.Set("client_secret", secret)
	}
	if _, ok := d["client_secret"]; ok {
		if n := len(d.String("client_secret")); n < 6 {
			return nil, cmdutil.FlagErrorf("the new client secret is %d characters long; Hydra requires at least 6", n)
		}
	}
	if len(d) == 0 {
		return nil, fmt.Errorf("nothing to update: %s sets no field", opts.File)
	}
	return d, nil
}

// PatchOps turns the fields to set into JSON Patch operations, in a stable
// order. "add" sets an object member whether or not it exists (RFC 6902
// §4.1), which "replace" would not for a field the server omits when empty.
func PatchOps(d shared.Doc) []api.PatchOp {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	ops := make([]api.PatchOp, 0, len(keys))
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	for _, k := range keys {
		ops = append(ops, api.PatchOp{Op: "add", Path: "/" + esc.Replace(k), Value: d[k]})
	}
	return ops
}
