// Package create implements "hydra trust create": it makes Hydra trust one
// key of an issuer for the JWT bearer grant (RFC 7523).
package create

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/trust/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Admin  cmdutil.Admin
	Format printer.Format
	Quiet  bool

	// Issuer is the "iss" of the assertions to trust.
	Issuer string
	// Subject is the "sub" they must carry, unless AllowAnySubject.
	Subject         string
	AllowAnySubject bool
	// Scopes are the scopes the assertions may ask for.
	Scopes []string

	// ExpiresIn, when set, makes the relationship expire this long from
	// now; otherwise ExpiresAt says when.
	ExpiresIn time.Duration
	ExpiresAt time.Time

	// The key: from JWKFile, PublicKeyFile (each "-" for stdin), or the
	// key set at JWKSURL. KID picks a key of a set, or names a key that
	// has no kid.
	JWKFile       string
	PublicKeyFile string
	JWKSURL       string
	KID           string

	// Force creates the relationship even when the issuer already stores
	// a key under its kid that may not be the key given (see
	// shared.KIDInUse).
	Force bool
}

// NewCmdCreate builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	var rel shared.RelationshipFlags
	var expiresAt string

	cmd := &cobra.Command{
		Use:   "create",
		Short: "Trust an issuer's key for the JWT bearer grant",
		Long: text.Doc(`
			Make Hydra trust one public key of an issuer, so that a client with the
			JWT bearer grant (RFC 7523) can exchange an assertion that the issuer
			signed with that key for an access token: see 'hydra token jwt-bearer'.

			The assertion's iss must be --issuer, and its sub --subject, unless
			--allow-any-subject is given. --scope lists the scopes it may ask for.
			Hydra needs an expiry: --expires-in (such as 720h or 30d) or
			--expires-at (RFC 3339).

			The key comes from --jwk (a JWK, or a JWK set with --kid), --public-key
			(a PEM public key or certificate), or --jwks-url with --kid. Only the
			public half of a key is ever sent. Hydra needs a key ID: --kid sets
			one, and a key without one gets its RFC 7638 thumbprint.

			Hydra stores one key per issuer and key ID, shared by every
			relationship that names them, and keeps the key it stored first. So
			when the issuer already has relationships with this key ID, the new
			one would trust their key, not the one given: unless the key ID is the
			key's thumbprint, which names one key only, the command refuses and
			names them. --force creates it all the same, for when the stored key
			is known to be this one.

			To follow an issuer whose keys rotate, use 'hydra trust sync' instead.

			The output is the new relationship's JSON; -q prints its ID.
		`),
		Example: text.Doc(`
			$ export HYDRA_ADMIN_URL=http://127.0.0.1:4445
			$ hydra trust create --issuer https://issuer.example --subject svc-deploy \
			    --scope deploy --expires-in 30d --public-key key.pub.pem
			$ hydra trust create --issuer https://token.actions.githubusercontent.com \
			    --subject repo:octo-org/app:ref:refs/heads/main --expires-in 720h \
			    --jwks-url https://token.actions.githubusercontent.com/.well-known/jwks --kid "$KID"
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.ParseWithQuiet(opts.Quiet, printer.Style{}); err != nil {
				return err
			}
			if rel.Issuer == "" {
				return cmdutil.FlagErrorf("--issuer is required: the iss of the assertions to trust")
			}
			if _, err := shared.CheckURL("--issuer", rel.Issuer); err != nil {
				return err
			}
			if err := rel.CheckSubject("the assertions"); err != nil {
				return err
			}
			opts.Issuer, opts.Subject, opts.AllowAnySubject = rel.Issuer, rel.Subject, rel.AllowAnySubject
			switch {
			case rel.ExpiresIn != "":
				if opts.ExpiresIn, err = shared.ParseLifetime("--expires-in", rel.ExpiresIn); err != nil {
					return err
				}
			case expiresAt != "":
				if opts.ExpiresAt, err = shared.ParseExpiresAt(expiresAt, time.Now()); err != nil {
					return err
				}
			default:
				return cmdutil.FlagErrorf("Hydra needs an expiry: pass --expires-in (such as 720h or 30d) or --expires-at (such as 2030-01-01T00:00:00Z)")
			}
			if opts.JWKFile == "" && opts.PublicKeyFile == "" && opts.JWKSURL == "" {
				return cmdutil.FlagErrorf("pass the key: --jwk FILE, --public-key FILE, or --jwks-url URL --kid KID")
			}
			if opts.JWKSURL != "" {
				if _, err := shared.CheckURL("--jwks-url", opts.JWKSURL); err != nil {
					return err
				}
			}
			if (opts.JWKFile == "-" || opts.PublicKeyFile == "-") && opts.Admin.AccessToken.File == "-" {
				return cmdutil.FlagErrorf("the key and --access-token-file cannot both be read from stdin")
			}
			opts.Scopes = rel.ScopeList()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddAdminFlags(cmd, &opts.Admin)
	cmdutil.AddFormatFlag(cmd, &format, "indented JSON")
	fl := cmd.Flags()
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "Print only the new relationship's ID")
	shared.AddRelationshipFlags(cmd, &rel, shared.RelationshipUsage{
		Of:        "assertions",
		Issuer:    "Trust assertions with this iss `URL`",
		ExpiresIn: "Stop trusting the key after this `duration`, such as 720h or 30d",
	})
	fl.StringVar(&expiresAt, "expires-at", "", "Stop trusting the key at this RFC 3339 `time`")
	fl.StringVar(&opts.JWKFile, "jwk", "", "Read the key from this JWK or JWK set `file` ('-' for stdin)")
	fl.StringVar(&opts.PublicKeyFile, "public-key", "", "Read the key from this PEM public key or certificate `file` ('-' for stdin)")
	fl.StringVar(&opts.JWKSURL, "jwks-url", "", "Fetch the key set at this `URL` and take the key --kid names")
	fl.StringVar(&opts.KID, "kid", "", "The key's ID: picks a key of a set, or names a key that has none")
	fl.BoolVar(&opts.Force, "force", false, "Create it even when the issuer already stores a key under this key ID, which the new relationship then trusts")
	cmd.MarkFlagsMutuallyExclusive("expires-in", "expires-at")
	cmd.MarkFlagsMutuallyExclusive("jwk", "public-key", "jwks-url")
	return cmd
}

func createRun(ctx context.Context, opts *Options) error {
	key, err := loadKey(ctx, opts)
	if err != nil {
		return err
	}
	if opts.AllowAnySubject {
		if w := shared.AnySubjectWarning(opts.Issuer); w != "" {
			fmt.Fprintln(opts.IO.ErrOut, w)
		}
	}
	expires := opts.ExpiresAt
	if opts.ExpiresIn > 0 {
		expires = time.Now().Add(opts.ExpiresIn).Truncate(time.Second)
	}
	client, err := opts.Admin.Client(opts.Factory)
	if err != nil {
		return err
	}
	req := api.TrustRequest{
		Issuer: opts.Issuer, Subject: opts.Subject, AllowAnySubject: opts.AllowAnySubject,
		Scope: opts.Scopes, JWK: key.JWK, ExpiresAt: expires,
	}
	if err := checkKID(ctx, opts, client, req, key); err != nil {
		return err
	}
	t, err := client.CreateTrust(ctx, req)
	if err != nil {
		return shared.CreateError(req, key.KID, err)
	}
	return shared.Trusts.Print(opts.IO.Out, []*api.Trust{t}, printer.Output{
		Format: opts.Format, Quiet: opts.Quiet, One: true, Color: opts.IO.ColorEnabled(),
	})
}

// checkKID refuses a key ID under which the issuer already stores a key
// that may be another: Hydra would make the new relationship trust the
// stored key, and drop the one given (see shared's data model). A kid that
// is the key's thumbprint names this key only, and a relationship of the
// same subject is left to Hydra, which refuses it as a conflict.
func checkKID(ctx context.Context, opts *Options, client *api.Client, req api.TrustRequest, key shared.Key) error {
	if opts.Force || shared.IsThumbprintKID(key) {
		return nil
	}
	inUse, err := shared.KIDInUse(ctx, client, req.Issuer, key.KID)
	if err != nil {
		return fmt.Errorf("checking whether issuer %s already has a key with ID %q: %w", printer.Printable(req.Issuer), printer.Printable(key.KID), err)
	}
	if len(inUse) == 0 {
		return nil
	}
	for _, t := range inUse {
		if t.AllowAnySubject == req.AllowAnySubject && (req.AllowAnySubject || t.Subject == req.Subject) {
			return nil
		}
	}
	return fmt.Errorf("issuer %s already has a key with ID %q, trusted by %s. Hydra stores one key per issuer and key ID, and would make this relationship trust that stored key, not the one given, which Hydra's admin API does not let this tool compare.\n"+
		"Give the new key another --kid (or leave --kid out, so that its thumbprint names it); if the stored key is this very key, pass --force",
		printer.Printable(req.Issuer), printer.Printable(key.KID), shared.DescribeAll(inUse))
}

// loadKey reads or fetches the key to trust.
func loadKey(ctx context.Context, opts *Options) (shared.Key, error) {
	if opts.JWKSURL != "" {
		u, err := shared.CheckURL("--jwks-url", opts.JWKSURL)
		if err != nil {
			return shared.Key{}, err
		}
		fetcher, err := shared.NewFetcher(opts.Factory, opts.Admin.Conn)
		if err != nil {
			return shared.Key{}, err
		}
		keys, _, err := fetcher.JWKS(ctx, u, "--jwks-url")
		if err != nil {
			return shared.Key{}, err
		}
		if opts.KID == "" && len(keys) != 1 {
			return shared.Key{}, cmdutil.FlagErrorf("the key set at --jwks-url holds %d signing keys: choose one with --kid", len(keys))
		}
		for _, k := range keys {
			if opts.KID == "" || k.KID == opts.KID {
				return k, nil
			}
		}
		return shared.Key{}, fmt.Errorf("the key set at %s has no signing key with kid %q", api.StripQuery(u), opts.KID)
	}
	path, flag := opts.JWKFile, "--jwk"
	if path == "" {
		path, flag = opts.PublicKeyFile, "--public-key"
	}
	data, err := readFile(opts.Factory, path)
	if err != nil {
		return shared.Key{}, fmt.Errorf("%s: %w", flag, err)
	}
	var key shared.Key
	if flag == "--jwk" {
		key, err = shared.ParseJWK(data, opts.KID)
	} else {
		key, err = shared.ParsePEM(data, opts.KID)
	}
	if err != nil {
		return shared.Key{}, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	return key, nil
}

func readFile(f *cmdutil.Factory, path string) ([]byte, error) {
	if path == "-" {
		s, err := cmdutil.ReadSecretFile(f, "-")
		return []byte(s), err
	}
	b, err := os.ReadFile(path)
	var pe *os.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%s: %w", path, pe.Err)
	}
	return b, err
}
