// Package jwtbearer implements "hydra token jwt-bearer": the JWT bearer
// grant (RFC 7523 §2.1), which exchanges an assertion signed by a trusted
// issuer, such as a CI job's identity token, for an access token, with no
// stored client secret.
package jwtbearer

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/text"
)

// FromGitHubActions is the --assertion-from value that fetches a GitHub
// Actions job's identity token.
const FromGitHubActions = "github-actions"

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	shared.GrantFlags
	Scopes []string

	// The assertion comes from exactly one of these.
	//
	// AssertionFile is a file holding it, or "-" for stdin.
	AssertionFile string
	// AssertionEnv names an environment variable holding it.
	AssertionEnv string
	// AssertionFrom names a CI system to fetch it from: FromGitHubActions.
	AssertionFrom string
	// SigningKey is --assertion-key: a private key file ("-" for stdin)
	// that signs a fresh assertion for Issuer and Subject.
	SigningKey string
	Issuer     string
	Subject    string

	// Audience is the audience asked of GitHub Actions, or set in a signed
	// assertion; empty means the token URL, which Hydra requires.
	Audience string

	// Cache holds the token cache flags: an assertion is single-use, so the
	// cache is what lets a job reuse its token across steps.
	Cache cachewire.Flags

	// signer is the signing key, once loaded (for the cache key).
	signer *shared.SigningKey

	// oldSpelling says that --private-key was given where --assertion-key
	// is meant: before --assertion-key, --private-key signed the assertion
	// here.
	oldSpelling bool
}

// NewCmdJWTBearer builds the command. runF replaces the run function in
// tests of flag parsing.
func NewCmdJWTBearer(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var scopes []string

	cmd := &cobra.Command{
		Use:   "jwt-bearer",
		Short: "Exchange a signed assertion for an access token (JWT bearer grant)",
		Long: text.Docf(`
			Get an access token with the JWT bearer grant (RFC 7523): Hydra exchanges
			an assertion, a JWT signed by an issuer that it trusts, for an access
			token whose subject is the assertion's sub. A CI job can so get a token
			from its own identity, with no stored secret: see 'hydra trust sync'
			for the trust, and docs/secretless-ci.md for a recipe.

			The assertion comes from exactly one of:
			  --assertion-file FILE
			      a file, or '-' for stdin, such as a Kubernetes service account
			      token;
			  --assertion-env NAME
			      an environment variable, such as one of GitLab CI's id_tokens;
			  --assertion-from %[1]s
			      the GitHub Actions job's identity token, fetched with
			      ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN
			      (the workflow needs permissions: id-token: write);
			  --assertion-key FILE --issuer ISS --subject SUB
			      a fresh assertion signed with this key, for services that hold
			      one. A key without a kid (PEM, DER, a JWK without one) is named
			      in the assertion's header by its RFC 7638 thumbprint, the kid
			      that 'hydra trust create --public-key' gives it by default.
			Hydra wants the assertion's aud to be its token URL: that is the
			audience asked of GitHub and set in a signed assertion, unless
			--assertion-audience says otherwise. An assertion is single-use.

			The client authenticates as for the other token commands. A public
			client (token_endpoint_auth_method none, with the grant type
			%[2]s)
			needs no secret, and is the recommended setup: without a secret
			(--client-secret, --client-secret-file or %[3]s) or a private key
			(--private-key or %[4]s), --auth-method defaults to none.
			--private-key is the client's private_key_jwt key, as in every
			token command. Before --assertion-key existed, --private-key signed
			the assertion here: given with --issuer or --subject and no other
			assertion source, it still does, with a warning, so that old scripts
			keep working.

			Hydra's refusals are explained. When it answers that it trusts no key
			for the assertion's issuer and subject, and HYDRA_ADMIN_URL names its
			admin API (with OAUTH2_ACCESS_TOKEN if that needs one), the admin API is
			asked whether the issuer, the subject or the key is the one it does not
			trust, or whether the trust expired.

			As an assertion is single-use, --cache (or HYDRA_TOKEN_CACHE=disk) is how
			the steps of a job share one token: it is kept, keyed by the identity
			the assertion proves (its issuer and subject, read locally, and the
			signing key's thumbprint with --assertion-key), and reused, with no
			assertion spent, while it has more than --min-ttl left. See
			docs/token-cache.md.

			By default only the access token is printed, so that
			TOKEN=$(hydra token jwt-bearer ...) works; --format prints the whole
			response. The assertion is never printed, nor shown by -v.
		`, FromGitHubActions, api.JWTBearerGrantType, shared.EnvClientSecret, shared.EnvPrivateKey),
		Example: text.Doc(`
			# In a GitHub Actions job with permissions: id-token: write
			$ export HYDRA_URL=https://hydra.example.com OAUTH2_CLIENT_ID=ci-deploy
			$ TOKEN=$(hydra token jwt-bearer --assertion-from github-actions --scope deploy)

			# In a GitLab CI job whose id_tokens define HYDRA_ID_TOKEN
			$ hydra token jwt-bearer --assertion-env HYDRA_ID_TOKEN --scope deploy

			# With a Kubernetes projected service account token
			$ hydra token jwt-bearer --assertion-file /var/run/secrets/hydra/token

			# A service that signs its own assertion
			$ hydra token jwt-bearer --assertion-key key.pem --issuer https://svc.example --subject svc-a --format json
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Prepare(cmd, opts.settle); err != nil {
				return err
			}
			if opts.oldSpelling {
				fmt.Fprintln(f.IOStreams.ErrOut, "warning: --private-key with --issuer and --subject is the old spelling of --assertion-key, which signs the assertion; --private-key now means the client's private_key_jwt key, as in the other token commands: use --assertion-key")
			}
			opts.Scopes = cmdutil.SplitList(scopes)
			if err := opts.Cache.Validate(cmd, f.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return jwtBearerRun(cmd.Context(), opts)
		},
	}

	shared.AddGrantFlags(cmd, f, &opts.GrantFlags, "Send the request to this token endpoint `URL`, which is also the assertion's audience (default: <endpoint>"+api.TokenPath+")", "the access token alone")
	cmd.Flags().Lookup("auth-method").Usage = "How the client authenticates: " + strings.Join(shared.AuthMethods, ", ") + "; default: " + shared.AuthPrivateKeyJWT + " with a private key, " + shared.AuthBasic + " with a client secret, else none"
	fl := cmd.Flags()
	fl.StringSliceVar(&scopes, "scope", nil, "Ask for these scopes (repeatable, comma-separated)")
	fl.StringVar(&opts.AssertionFile, "assertion-file", "", "Read the assertion from this `file` ('-' for stdin)")
	fl.StringVar(&opts.AssertionEnv, "assertion-env", "", "Read the assertion from the environment variable with this `name`")
	fl.StringVar(&opts.AssertionFrom, "assertion-from", "", "Fetch the assertion from this CI system: "+FromGitHubActions)
	fl.StringVar(&opts.SigningKey, "assertion-key", "", "Sign a fresh assertion for --issuer and --subject with the private key in this PEM, DER or JWK `file` ('-' for stdin)")
	fl.StringVar(&opts.Issuer, "issuer", "", "The iss of the assertion that --assertion-key signs")
	fl.StringVar(&opts.Subject, "subject", "", "The sub of the assertion that --assertion-key signs")
	fl.StringVar(&opts.Audience, "assertion-audience", "", "The audience asked of GitHub Actions, or of the assertion --assertion-key signs (default: the token URL)")
	cachewire.AddFlags(cmd, &opts.Cache)
	cmd.MarkFlagsMutuallyExclusive("assertion-file", "assertion-env", "assertion-from", "assertion-key")
	_ = cmd.RegisterFlagCompletionFunc("assertion-from", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{cobra.CompletionWithDesc(FromGitHubActions, "the GitHub Actions job's identity token")}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// settle checks the assertion source and settles the client's
// authentication. Its errors are usage errors.
func (o *Options) settle() error {
	c := &o.Credentials
	if c.PrivateKey != "" && o.SigningKey == "" && o.AssertionFile == "" && o.AssertionEnv == "" && o.AssertionFrom == "" && (o.Issuer != "" || o.Subject != "") {
		// The old spelling: --private-key signed the assertion here. With
		// --issuer or --subject and no other source, that is what is meant.
		o.SigningKey, c.PrivateKey, o.oldSpelling = c.PrivateKey, "", true
	}
	n := 0
	for _, v := range []string{o.AssertionFile, o.AssertionEnv, o.AssertionFrom, o.SigningKey} {
		if v != "" {
			n++
		}
	}
	if n == 0 {
		return cmdutil.FlagErrorf("no assertion: pass one of --assertion-file FILE, --assertion-env NAME, --assertion-from %s, or --assertion-key FILE with --issuer and --subject", FromGitHubActions)
	}
	if o.AssertionFrom != "" && o.AssertionFrom != FromGitHubActions {
		return cmdutil.FlagErrorf("unknown --assertion-from %q: valid values are %s", o.AssertionFrom, FromGitHubActions)
	}
	if o.SigningKey != "" && (o.Issuer == "" || o.Subject == "") {
		return cmdutil.FlagErrorf("--assertion-key signs a fresh assertion, which needs --issuer and --subject")
	}
	if o.SigningKey == "" && (o.Issuer != "" || o.Subject != "") {
		return cmdutil.FlagErrorf("--issuer and --subject are for the assertion that --assertion-key signs; an assertion from elsewhere carries its own")
	}
	if o.Audience != "" && o.AssertionFrom == "" && o.SigningKey == "" {
		return cmdutil.FlagErrorf("--assertion-audience applies to --assertion-from and --assertion-key; an assertion from a file or variable carries its own aud")
	}
	if o.AssertionEnv != "" && strings.ContainsAny(o.AssertionEnv, "=$ ") {
		return cmdutil.FlagErrorf("--assertion-env takes the variable's name, such as HYDRA_ID_TOKEN, not its value")
	}
	stdin := 0
	for _, v := range []string{o.AssertionFile, o.SigningKey, c.Secret.File, c.PrivateKey} {
		if v == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return cmdutil.FlagErrorf("only one of the assertion, --assertion-key, --private-key and --client-secret-file can be read from stdin")
	}
	return c.Validate()
}

func jwtBearerRun(ctx context.Context, opts *Options) error {
	s, err := opts.Credentials.Session(opts.Factory, &opts.Conn, opts.CommandPath, false)
	if err != nil {
		return err
	}
	key, assertion, fl, err := opts.cacheKey(ctx, s)
	if err != nil {
		return err
	}
	res, err := cachewire.Get(ctx, opts.Factory, fl, cachewire.Request{Key: key, Grant: func(ctx context.Context) ([]byte, error) {
		tok, err := opts.grant(ctx, s, assertion)
		if err != nil {
			return nil, err
		}
		return tok.Raw, nil
	}})
	if err != nil {
		return err
	}
	// An assertion from elsewhere (a CI job's ID token) is single-use: the
	// token it bought cannot be bought again. One signed here can be.
	tok := &shared.Token{AccessToken: res.Token.AccessToken, Raw: res.Raw, RefreshTokenKept: res.Kept()}
	if err := shared.PrintTokenWith(opts.IO, tok, shared.TokenOutput{Format: opts.Format, SingleUse: opts.SigningKey == ""}); err != nil {
		return err
	}
	return res.Finish(opts.IO, opts.Format)
}

// Token gets an access token with the JWT bearer grant, and prints
// nothing.
func Token(ctx context.Context, opts *Options) (*shared.Token, error) {
	s, err := opts.Credentials.Session(opts.Factory, &opts.Conn, opts.CommandPath, false)
	if err != nil {
		return nil, err
	}
	return opts.grant(ctx, s, "")
}

// grant spends the assertion, fetched or signed first when it is "".
func (opts *Options) grant(ctx context.Context, s *shared.Session, assertion string) (*shared.Token, error) {
	if assertion == "" {
		var err error
		if assertion, err = opts.assertion(ctx, s.TokenURL); err != nil {
			return nil, err
		}
	}
	// Hydra's refusals of the assertion are explained by the advice
	// registered with the token endpoint, which also names the failure.
	c := readClaims(assertion)
	var headline string
	s.GrantAdvice = func(err error) string {
		var advice string
		headline, advice = refusal(ctx, err, c, s.TokenURL.String(), s.Auth.ClientID, opts)
		return advice
	}
	defer func() { s.GrantAdvice = nil }()
	tok, err := s.Token(ctx, shared.JWTBearer(assertion, opts.Scopes))
	if err != nil {
		if headline != "" {
			return nil, fmt.Errorf("%s: %w", headline, err)
		}
		return nil, err
	}
	return tok, nil
}

// audience is what the assertion's aud must be.
func (o *Options) audience(tokenURL *url.URL) string {
	if o.Audience != "" {
		return o.Audience
	}
	return tokenURL.String()
}

// assertion gets the assertion from its source.
func (o *Options) assertion(ctx context.Context, tokenURL *url.URL) (string, error) {
	var a, from string
	switch {
	case o.AssertionFile != "":
		from = "--assertion-file " + o.AssertionFile
		if o.AssertionFile == "-" {
			from = "stdin"
		}
		s, err := cmdutil.ReadSecretFile(o.Factory, o.AssertionFile)
		if err != nil {
			return "", fmt.Errorf("--assertion-file: %w", err)
		}
		a = s
	case o.AssertionEnv != "":
		from = "$" + o.AssertionEnv
		a = o.Factory.Getenv(o.AssertionEnv)
		if strings.TrimSpace(a) == "" {
			return "", fmt.Errorf("--assertion-env: %s is empty or not set", o.AssertionEnv)
		}
	case o.AssertionFrom == FromGitHubActions:
		from = "GitHub Actions"
		s, err := gitHubActionsToken(ctx, o, o.audience(tokenURL))
		if err != nil {
			return "", err
		}
		a = s
	default:
		flag := "--assertion-key"
		if o.oldSpelling {
			flag = "--private-key"
		}
		key := o.signer
		var err error
		if key == nil {
			if key, err = shared.LoadSigningKey(o.Factory, flag, o.SigningKey); err != nil {
				return "", err
			}
		}
		if key.JWK.KeyID == "" {
			// Hydra finds the trusted key by the assertion's kid; a key
			// without one is named by its thumbprint, the kid that "trust
			// create --public-key" stores by default, so that a refusal
			// can be diagnosed by the key.
			if key.JWK.KeyID, err = jwkey.Thumbprint(&key.JWK); err != nil {
				return "", fmt.Errorf("%s: %w", flag, err)
			}
		}
		a, err := key.Sign(o.Issuer, o.Subject, o.audience(tokenURL))
		if err != nil {
			return "", fmt.Errorf("%s: %w", flag, err)
		}
		return a, nil
	}
	a = strings.TrimSpace(a)
	if a == "" {
		return "", fmt.Errorf("the assertion from %s is empty", from)
	}
	if !looksLikeJWT(a) {
		return "", fmt.Errorf("the assertion from %s is not a JWT (want three base64url parts, header.payload.signature); it is not shown, since it may be a secret", from)
	}
	return a, nil
}
