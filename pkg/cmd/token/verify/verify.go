// Package verify implements "hydra token verify": check JWT access tokens
// and ID tokens offline, against the issuer's published keys, one or a
// stream of them.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// DefaultLeeway is the default of --leeway: the clock skew tolerated
// between the issuer and this machine.
const DefaultLeeway = 60 * time.Second

// maxJWKSFile bounds --jwks-file: a key set is a few KiB.
const maxJWKSFile = api.MaxBodySize

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	// Conn is the connection to Hydra's public API, for discovery, and
	// its TLS, timeout and trace flags for --jwks-url.
	Conn cmdutil.Connection

	// JWKSFile is a file holding the issuer's JWK set: no request at all.
	JWKSFile string
	// JWKSURL is the URL of the issuer's JWK set.
	JWKSURL string
	// Issuer is the iss that every token must carry; with discovery, it
	// defaults to the discovered issuer.
	Issuer string
	// Audiences are the audiences of which a token's aud must hold one;
	// none skips the check.
	Audiences []string
	// Scopes must all be granted (scp or scope).
	Scopes []string
	// Type is TypeAccessToken, TypeIDToken, or empty for either.
	Type string
	// Leeway is the clock skew allowed for exp, nbf and iat.
	Leeway time.Duration
	// RequireValid stops a stream at its first invalid token.
	RequireValid bool
	Format       printer.Format

	// Token is the JWT; "-" reads a stream of them from stdin.
	Token string

	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// NewCmdVerify builds the command. runF replaces the run function in tests
// of flag parsing.
func NewCmdVerify(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag
	var audiences, scopes []string

	cmd := &cobra.Command{
		Use:   "verify <jwt> | -",
		Short: "Verify JWT access tokens and ID tokens offline, one or a stream",
		Long: text.Doc(`
			Check a JWT access token or ID token without asking Hydra: its signature
			against the issuer's public keys, its iss, exp, nbf and iat, and the
			audience, scopes and type you ask for. A valid token's claims are
			printed; an invalid one exits 3 with the reason on stderr.

			The keys come from --jwks-file (no request at all), --jwks-url, or the
			issuer's discovery document at --endpoint (the public API). They are
			loaded once per run; a token signed by a kid the keys lack makes them
			load again, once per run, so that a rotated key is picked up. Only the
			algorithms a key allows are accepted: never "none", never an HMAC.

			Verification cannot see revocation: a revoked token verifies until it
			expires. Use "hydra token introspect" when that matters, and for Hydra's
			default opaque tokens (ory_at_...), which are not JWTs.

			Give "-" to read tokens from stdin, one a line (blank lines skipped; a
			line longer than 1 MiB is invalid, and the lines after it are read on).
			One JSON object a line comes back, in input order:
			{"index":N,"valid":true,"claims":{...}} or
			{"index":N,"valid":false,"error":"..."}, N counting tokens from 0. The
			tokens are verified on every core. The command exits 3 if any token is
			invalid; --require-valid stops at the first one.
		`),
		Example: text.Doc(`
			# Keys and issuer from Hydra's discovery document.
			$ hydra token verify -e http://127.0.0.1:4444 "$ACCESS_TOKEN"
			$ hydra token verify -e http://127.0.0.1:4444 --type id-token --audience "$CLIENT_ID" "$ID_TOKEN"

			# Fully offline, from a saved key set.
			$ curl -s http://127.0.0.1:4444/.well-known/jwks.json > jwks.json
			$ hydra token verify --jwks-file jwks.json --issuer http://127.0.0.1:4444 --scope read "$ACCESS_TOKEN"

			# A stream: one token a line in, one JSON object a line out.
			$ hydra token verify --jwks-file jwks.json --issuer http://127.0.0.1:4444 - < tokens.txt > results.ndjson
		`),
		Args: cmdutil.ExactArgs(1, "one JWT (or - to read them from stdin, one a line)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			opts.Token = args[0]
			opts.Audiences = cmdutil.SplitList(audiences)
			opts.Scopes = cmdutil.SplitList(scopes)
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}

	fl := cmd.Flags()
	fl.StringVar(&opts.JWKSFile, "jwks-file", "", "Verify with the JWK set in this `file`, sending no request")
	fl.StringVar(&opts.JWKSURL, "jwks-url", "", "Verify with the JWK set at this `URL`, instead of the one that discovery names")
	fl.StringVar(&opts.Issuer, "issuer", "", "The iss every token must have (default: the issuer that discovery names; required with --jwks-file and --jwks-url)")
	fl.StringSliceVar(&audiences, "audience", nil, "Require an aud of these (repeatable, comma-separated: any one matches)")
	fl.StringSliceVar(&scopes, "scope", nil, "Require these scopes, in scp or scope (repeatable, comma-separated: all must be granted)")
	fl.StringVar(&opts.Type, "type", "", "Require this kind of token: at+jwt (an access token) or id-token")
	fl.DurationVar(&opts.Leeway, "leeway", DefaultLeeway, "Clock skew allowed for exp, nbf and iat")
	fl.BoolVar(&opts.RequireValid, "require-valid", false, "With -, stop at the first invalid token")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions([]string{TypeAccessToken, TypeIDToken}, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.AddFormatFlag(cmd, &format, "the claims as indented JSON; with -, one JSON object a line")
	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public)
	return cmd
}

// validate checks the flags together, before anything is read or sent.
func (o *Options) validate(cmd *cobra.Command) error {
	if o.JWKSFile != "" && o.JWKSURL != "" {
		return cmdutil.FlagErrorf("--jwks-file and --jwks-url both name the keys: give one")
	}
	if (o.JWKSFile != "" || o.JWKSURL != "") && o.Issuer == "" {
		return cmdutil.FlagErrorf("--issuer is required with --jwks-file and --jwks-url: without discovery, nothing says which iss the tokens must have")
	}
	if o.JWKSFile != "" && cmd.Flags().Changed("endpoint") {
		return cmdutil.FlagErrorf("--jwks-file and --endpoint contradict each other: --jwks-file sends no request")
	}
	if o.JWKSURL != "" {
		if _, err := cmdutil.ParseHTTPURL("--jwks-url", o.JWKSURL, "http://127.0.0.1:4444/.well-known/jwks.json"); err != nil {
			return err
		}
	}
	if o.Issuer != "" {
		if _, err := cmdutil.ParseHTTPURL("--issuer", o.Issuer, "http://127.0.0.1:4444"); err != nil {
			return err
		}
	}
	if o.Type != "" && o.Type != TypeAccessToken && o.Type != TypeIDToken {
		return cmdutil.FlagErrorf("--type must be %s or %s, got %q", TypeAccessToken, TypeIDToken, o.Type)
	}
	if o.Leeway < 0 {
		return cmdutil.FlagErrorf("--leeway must not be negative")
	}
	if o.Token == "-" {
		if o.JWKSFile == "-" {
			return cmdutil.FlagErrorf(`"-" reads the tokens from stdin, so --jwks-file cannot read stdin too`)
		}
		if o.Format.Name == printer.Table {
			return cmdutil.FlagErrorf("--format table shows one token's claims; with -, use json, yaml, jsonpath or jsonpointer")
		}
	} else if o.RequireValid {
		return cmdutil.FlagErrorf("--require-valid applies to a stream (-): one token exits 3 when it is invalid anyway")
	}
	return nil
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func verifyRun(ctx context.Context, opts *Options) error {
	if opts.Token == "-" {
		return verifyStream(ctx, opts)
	}
	token, err := cmdutil.CleanToken(opts.Token, "token")
	if err != nil {
		return err
	}
	if _, err := shared.SplitJWT(token); err != nil {
		// Nothing to verify: say so before asking for keys.
		return cmdutil.FlagErrorWrap(err)
	}
	v, err := newVerifier(ctx, opts)
	if err != nil {
		return err
	}
	claims, err := v.verify(ctx, token)
	if err != nil {
		var inv *shared.InvalidError
		if errors.As(err, &inv) {
			return &cmdutil.ExitError{Code: cmdutil.ExitInactive, Err: fmt.Errorf("the token is not valid: %s", inv.Reason)}
		}
		return err
	}
	p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
	return p.Print(opts.IO.Out, claims, nil)
}

// verifier checks tokens with one set of keys and one set of checks.
type verifier struct {
	keys   *shared.KeySet
	checks checks
	now    func() time.Time
}

// newVerifier gets the keys, and the issuer when discovery gives it. Any
// failure here is the keys' (exit 1), or the flags' (exit 2).
func newVerifier(ctx context.Context, opts *Options) (*verifier, error) {
	ks, issuer, err := keySet(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := ks.Load(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, fmt.Errorf("getting the keys to verify with: %w", err)
	}
	return &verifier{
		keys: ks,
		checks: checks{
			issuer:    issuer,
			audiences: opts.Audiences,
			scopes:    opts.Scopes,
			typ:       opts.Type,
			leeway:    opts.Leeway,
		},
		now: opts.now,
	}, nil
}

// verify checks one token and returns its claims. An invalid token gets an
// *shared.InvalidError; any other error is a failure to get the keys.
func (v *verifier) verify(ctx context.Context, token string) ([]byte, error) {
	got, err := v.keys.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := v.checks.check(got, v.now()); err != nil {
		return nil, err
	}
	return got.Claims, nil
}

// keySet returns where the keys come from, and the issuer the tokens must
// name. Nothing is read yet, except the discovery document.
func keySet(ctx context.Context, opts *Options) (*shared.KeySet, string, error) {
	switch {
	case opts.JWKSFile != "":
		path := opts.JWKSFile
		return shared.NewKeySet("--jwks-file "+path, func(context.Context) ([]byte, error) {
			return readKeyFile(opts.Factory, path)
		}), opts.Issuer, nil

	case opts.JWKSURL != "":
		u, err := url.Parse(opts.JWKSURL)
		if err != nil {
			return nil, "", cmdutil.FlagErrorf("--jwks-url: %v", err)
		}
		// The user named this server, so -H goes there too.
		client, err := keyServer(opts, u, "--jwks-url", true)
		if err != nil {
			return nil, "", err
		}
		return shared.NewKeySet("the keys at "+api.StripQuery(u), func(ctx context.Context) ([]byte, error) {
			return client.JWKS(ctx, u)
		}), opts.Issuer, nil
	}

	if opts.Conn.Endpoint == "" && !slices.ContainsFunc(cmdutil.EndpointEnv(api.Public), func(env string) bool { return strings.TrimSpace(opts.Factory.Getenv(env)) != "" }) {
		return nil, "", cmdutil.FlagErrorf("no keys to verify with: pass the issuer's public API with --endpoint (or %s) to discover them, or --jwks-file or --jwks-url with --issuer", strings.Join(cmdutil.EndpointEnv(api.Public), "/"))
	}
	client, err := opts.Conn.Client(opts.Factory)
	if err != nil {
		return nil, "", err
	}
	d, err := client.Discover(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("discovering the issuer's keys: %w", err)
	}
	// The document names the issuer's own URL, which may not be reachable
	// from here (a port-forward, a proxy): read the keys through the
	// endpoint when they live under the issuer.
	raw := api.RebaseURL(d.JWKSURI, d.Issuer, client.BaseURL)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("discovering the issuer's keys: %s names jwks_uri %q, which is not an HTTP URL", client.URL(api.DiscoveryPath, nil), text.OneLine(d.JWKSURI, 200))
	}
	keysClient := client
	if u.Host != client.BaseURL.Host {
		// Another host: the -H headers, meant for Hydra, stay home.
		if keysClient, err = keyServer(opts, u, "the discovery document's jwks_uri", false); err != nil {
			return nil, "", err
		}
	}
	issuer := opts.Issuer
	if issuer == "" {
		issuer = d.Issuer
	}
	return shared.NewKeySet("the keys at "+api.StripQuery(u), func(ctx context.Context) ([]byte, error) {
		return keysClient.JWKS(ctx, u)
	}), issuer, nil
}

// keyServer builds the client for a key set at u that is not Hydra's API,
// with the -H headers only when the user named it (headers), and a
// warning for plain HTTP. source says where u came from, for messages.
func keyServer(opts *Options, u *url.URL, source string, headers bool) (*api.Client, error) {
	return opts.Conn.External(opts.Factory, u, cmdutil.ExternalServer{Name: "the issuer's key set", Source: source, Headers: headers, WarnPlainHTTP: true})
}

// readKeyFile reads --jwks-file, capped: a key set is a few KiB.
func readKeyFile(f *cmdutil.Factory, path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = f.IOStreams.In
	} else {
		file, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--jwks-file: %w", err)
		}
		defer file.Close()
		r = file
	}
	b, err := io.ReadAll(io.LimitReader(r, maxJWKSFile+1))
	if err != nil {
		return nil, fmt.Errorf("--jwks-file %s: %w", path, err)
	}
	if len(b) > maxJWKSFile {
		return nil, fmt.Errorf("--jwks-file %s is larger than %d MiB, more than any key set", path, maxJWKSFile>>20)
	}
	return b, nil
}
