// Package jwtbearer implements "hydra token jwt-bearer": the JWT bearer
// grant (RFC 7523 §2.1), which exchanges an assertion signed by a trusted
// issuer, such as a CI job's identity token, for an access token, with no
// stored client secret.
package jwtbearer

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/cachewire"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/text"
	"github.com/hydratoken/hydra/pkg/tokencache"
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
	// AssertionFrom names a CI system to get it from: one of sources.
	// With FromGitLab, AssertionEnv names the variable; with
	// FromKubernetes, AssertionFile names the file.
	AssertionFrom string
	// SigningKey is --assertion-key: a private key file ("-" for stdin)
	// that signs a fresh assertion for Issuer and Subject.
	SigningKey string
	Issuer     string
	Subject    string

	// Audience is the audience that Hydra wants: asked of GitHub Actions
	// and CircleCI, set in a signed assertion, and checked in the others;
	// empty means the token URL.
	Audience string

	// JTIOptional and IATOptional say that Hydra sets
	// oauth2.grant.jwt.jti_optional and iat_optional: an assertion without
	// a jti or an iat is then sent instead of refused here.
	JTIOptional, IATOptional bool

	// source is the settled source of the assertion: an --assertion-from
	// value (auto detected), "file", "env" or "key".
	source string

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
			      a file, or '-' for stdin;
			  --assertion-env NAME
			      an environment variable;
			  --assertion-from %[1]s
			      the GitHub Actions job's identity token, fetched with
			      ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN
			      (the workflow needs permissions: id-token: write);
			  --assertion-from gitlab
			      the GitLab CI job's ID token in the variable that --assertion-env
			      names (default %[5]s), defined by the job's
			      id_tokens: with the token URL as aud;
			  --assertion-from circleci
			      the CircleCI job's token from 'circleci run oidc get', asked for
			      the token URL;
			  --assertion-from kubernetes
			      a projected service account token: the file that
			      --assertion-file names (default %[6]s);
			  --assertion-from auto
			      the first of these whose environment is there: GitHub Actions
			      (ACTIONS_ID_TOKEN_REQUEST_URL), GitLab (GITLAB_CI and the
			      variable), CircleCI (CIRCLECI), Kubernetes
			      (KUBERNETES_SERVICE_HOST and the file);
			  --assertion-key FILE --issuer ISS --subject SUB
			      a fresh assertion signed with this key, for services that hold
			      one. A key without a kid (PEM, DER, a JWK without one) is named
			      in the assertion's header by its RFC 7638 thumbprint, the kid
			      that 'hydra trust create --public-key' gives it by default.
			Buildkite is not supported: one issuer signs every organisation's
			tokens. See docs/secretless-ci.md for a recipe per CI system.

			Hydra wants the assertion's aud to be its token URL: that is the
			audience asked of GitHub and CircleCI, and set in a signed assertion,
			unless --assertion-audience names another (Hydra's own token URL,
			when this one goes through a port-forward).

			Before it is sent, the assertion is checked as Hydra will check it,
			so that none is spent on a known refusal: its aud (the token URL, or
			the token_endpoint of Hydra's discovery document), its jti and iat
			(which Hydra requires unless oauth2.grant.jwt.jti_optional or
			iat_optional is set: then pass --jti-optional or --iat-optional),
			its exp and nbf; an exp further than Hydra's
			default max_ttl (720h) is a warning. An assertion is single-use:
			each one spent is recorded, as a hash of its iss and jti until it
			expires, in %[7]s beside the token cache's
			directory, and is refused here if given again, saying when it was
			spent. An assertion without a jti is not single-use, and is not
			recorded.

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
			assertion spent, while it has more than --min-ttl left. An assertion
			already spent here gets the token it bought, however little it has
			left, while it has not expired. See docs/token-cache.md.

			By default only the access token is printed, so that
			TOKEN=$(hydra token jwt-bearer ...) works; --format prints the whole
			response. The assertion is never printed, nor shown by -v.
		`, FromGitHubActions, api.JWTBearerGrantType, shared.EnvClientSecret, shared.EnvPrivateKey, DefaultGitLabVariable, DefaultKubernetesFile, SpentFile),
		Example: text.Doc(`
			# In a GitHub Actions job with permissions: id-token: write
			$ export HYDRA_URL=https://hydra.example.com OAUTH2_CLIENT_ID=ci-deploy
			$ TOKEN=$(hydra token jwt-bearer --assertion-from github-actions --scope deploy)

			# In a GitLab CI job whose id_tokens define HYDRA_ID_TOKEN
			$ hydra token jwt-bearer --assertion-from gitlab --scope deploy --cache

			# In a CircleCI job
			$ hydra token jwt-bearer --assertion-from circleci --scope deploy

			# In a Kubernetes pod with a projected service account token
			$ hydra token jwt-bearer --assertion-from kubernetes --cache

			# Whichever of these the job runs in
			$ hydra token jwt-bearer --assertion-from auto --cache

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
	fl.StringVar(&opts.AssertionFile, "assertion-file", "", "Read the assertion from this `file` ('-' for stdin); with --assertion-from kubernetes, the projected token's file (default "+DefaultKubernetesFile+")")
	fl.StringVar(&opts.AssertionEnv, "assertion-env", "", "Read the assertion from the environment variable with this `name`; with --assertion-from gitlab, the id_tokens variable (default "+DefaultGitLabVariable+")")
	fl.StringVar(&opts.AssertionFrom, "assertion-from", "", "Get the assertion from this CI system: "+strings.Join(sources, ", "))
	fl.StringVar(&opts.SigningKey, "assertion-key", "", "Sign a fresh assertion for --issuer and --subject with the private key in this PEM, DER or JWK `file` ('-' for stdin)")
	fl.StringVar(&opts.Issuer, "issuer", "", "The iss of the assertion that --assertion-key signs")
	fl.StringVar(&opts.Subject, "subject", "", "The sub of the assertion that --assertion-key signs")
	fl.StringVar(&opts.Audience, "assertion-audience", "", "The audience Hydra wants in the assertion: asked of GitHub Actions and CircleCI, set by --assertion-key, checked in the others (default: the token URL)")
	fl.BoolVar(&opts.JTIOptional, "jti-optional", false, "Hydra sets oauth2.grant.jwt.jti_optional: send an assertion without a jti (it is then not single-use, and this machine's record of spent assertions cannot track it)")
	fl.BoolVar(&opts.IATOptional, "iat-optional", false, "Hydra sets oauth2.grant.jwt.iat_optional: send an assertion without an iat")
	cachewire.AddFlags(cmd, &opts.Cache)
	cmd.MarkFlagsMutuallyExclusive("assertion-file", "assertion-key")
	cmd.MarkFlagsMutuallyExclusive("assertion-env", "assertion-key")
	cmd.MarkFlagsMutuallyExclusive("assertion-from", "assertion-key")
	_ = cmd.RegisterFlagCompletionFunc("assertion-from", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return []cobra.Completion{
			cobra.CompletionWithDesc(FromGitHubActions, "the GitHub Actions job's identity token"),
			cobra.CompletionWithDesc(FromGitLab, "the GitLab CI job's id_tokens variable"),
			cobra.CompletionWithDesc(FromCircleCI, "circleci run oidc get"),
			cobra.CompletionWithDesc(FromKubernetes, "a projected service account token file"),
			cobra.CompletionWithDesc(FromAuto, "whichever of these the job runs in"),
		}, cobra.ShellCompDirectiveNoFileComp
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
		return cmdutil.FlagErrorf("no assertion: pass one of --assertion-file FILE, --assertion-env NAME, --assertion-from %s, or --assertion-key FILE with --issuer and --subject", strings.Join(sources, "|"))
	}
	switch o.AssertionFrom {
	case "":
		if o.AssertionFile != "" && o.AssertionEnv != "" {
			return cmdutil.FlagErrorf("--assertion-file and --assertion-env are two sources of the assertion: pass one (both go only with --assertion-from %s)", FromAuto)
		}
	case FromBuildkite:
		return buildkiteRefusal()
	case FromGitHubActions, FromCircleCI:
		if o.AssertionFile != "" || o.AssertionEnv != "" {
			return cmdutil.FlagErrorf("--assertion-from %s fetches the assertion: --assertion-file and --assertion-env do not apply", o.AssertionFrom)
		}
	case FromGitLab:
		if o.AssertionFile != "" {
			return cmdutil.FlagErrorf("--assertion-from %s reads the variable that --assertion-env names: --assertion-file does not apply", FromGitLab)
		}
	case FromKubernetes:
		if o.AssertionEnv != "" {
			return cmdutil.FlagErrorf("--assertion-from %s reads the file that --assertion-file names: --assertion-env does not apply", FromKubernetes)
		}
	case FromAuto:
	default:
		return cmdutil.FlagErrorf("unknown --assertion-from %q: valid values are %s", o.AssertionFrom, strings.Join(sources, ", "))
	}
	if o.SigningKey != "" && (o.Issuer == "" || o.Subject == "") {
		return cmdutil.FlagErrorf("--assertion-key signs a fresh assertion, which needs --issuer and --subject")
	}
	if o.SigningKey == "" && (o.Issuer != "" || o.Subject != "") {
		return cmdutil.FlagErrorf("--issuer and --subject are for the assertion that --assertion-key signs; an assertion from elsewhere carries its own")
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
	if err := opts.settleSource(); err != nil {
		return err
	}
	key, assertion, fl, err := opts.cacheKey(ctx, s)
	if err != nil {
		return err
	}
	var spentAt time.Time
	if fl.Enabled && assertion != "" {
		// An assertion spent here already bought a token: while that
		// token has not expired, it is the answer, however little it has
		// left, since the assertion cannot buy another.
		if at, ok := openSpent(opts.Factory.Getenv).spentAt(assertion, time.Now()); ok {
			spentAt = at
			reuse := *fl
			reuse.MinTTL, reuse.ForceRefresh = 0, false
			fl = &reuse
		}
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
	if !spentAt.IsZero() && res.Source == tokencache.FromCache && (opts.Cache.ForceRefresh || !res.Token.FreshFor(time.Now(), opts.Cache.MinTTL)) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the cached token has %s left, less than --min-ttl asks; it is printed all the same, as the assertion that would buy a new one was already spent here at %s\n",
			time.Until(res.Token.Expiry).Round(time.Second), spentAt.Format(time.RFC3339))
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
	if err := opts.settleSource(); err != nil {
		return nil, err
	}
	return opts.grant(ctx, s, "")
}

// settleSource settles where the assertion comes from, detecting the CI
// system for --assertion-from auto.
func (o *Options) settleSource() error {
	switch {
	case o.SigningKey != "":
		o.source = "key"
	case o.AssertionFrom == FromAuto:
		src, err := o.detect()
		if err != nil {
			return err
		}
		o.source = src
	case o.AssertionFrom != "":
		o.source = o.AssertionFrom
	case o.AssertionFile != "":
		o.source = "file"
	default:
		o.source = "env"
	}
	return nil
}

// fetched reports whether the assertion is asked of the CI system for an
// audience, on each call.
func (o *Options) fetched() bool {
	return o.source == FromGitHubActions || o.source == FromCircleCI
}

// grant spends the assertion, fetched or signed first when it is "".
func (opts *Options) grant(ctx context.Context, s *shared.Session, assertion string) (*shared.Token, error) {
	if assertion == "" {
		var err error
		if assertion, err = opts.assertion(ctx, s.TokenURL); err != nil {
			return nil, err
		}
	}
	var spent *spentRecord
	if opts.source != "key" {
		// A signed assertion is made fresh here: nothing to check.
		now := time.Now()
		warnings, err := opts.checkAssertion(assertion, opts.source, opts.audience(s.TokenURL), func() string { return discoveredTokenURL(ctx, s) }, now)
		if err != nil {
			return nil, err
		}
		for _, w := range warnings {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
		}
		spent = openSpent(opts.Factory.Getenv)
		if at, ok := spent.spentAt(assertion, now); ok {
			return nil, opts.replayed(assertion, at)
		}
	}
	// Hydra's refusals of the assertion are explained by the advice
	// registered with the token endpoint, which also names the failure.
	var headline string
	s.GrantAdvice = func(err error) string {
		var advice string
		headline, advice = refusal(ctx, err, assertion, s.TokenURL.String(), s.Auth.ClientID, opts)
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
	if err := spent.add(assertion, time.Now()); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the spent assertion could not be recorded, so a replay of it will go to Hydra to be refused: %s\n", err)
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
	case o.source == "file":
		from = "--assertion-file " + o.AssertionFile
		if o.AssertionFile == "-" {
			from = "stdin"
		}
		s, err := cmdutil.ReadSecretFile(o.Factory, o.AssertionFile)
		if err != nil {
			return "", fmt.Errorf("--assertion-file: %w", err)
		}
		a = s
	case o.source == FromKubernetes:
		file := o.kubernetesFile()
		from = "the service account token file " + file
		s, err := cmdutil.ReadSecretFile(o.Factory, file)
		if err != nil {
			return "", fmt.Errorf("--assertion-from %s: %w; mount a projected serviceAccountToken volume there (see docs/secretless-ci.md), or name the file with --assertion-file", FromKubernetes, err)
		}
		a = s
	case o.source == "env":
		from = "$" + o.AssertionEnv
		a = o.Factory.Getenv(o.AssertionEnv)
		if strings.TrimSpace(a) == "" {
			return "", fmt.Errorf("--assertion-env: %s is empty or not set", o.AssertionEnv)
		}
	case o.source == FromGitLab:
		name := o.gitLabVariable()
		from = "$" + name
		a = o.Factory.Getenv(name)
		if strings.TrimSpace(a) == "" {
			return "", fmt.Errorf("--assertion-from %s: %s is empty or not set: give the job 'id_tokens: %s: aud: %s' in .gitlab-ci.yml, or name its variable with --assertion-env", FromGitLab, name, name, o.audience(tokenURL))
		}
	case o.source == FromCircleCI:
		from = "circleci run oidc get"
		s, err := circleCIToken(ctx, o.audience(tokenURL))
		if err != nil {
			return "", err
		}
		a = s
	case o.source == FromGitHubActions:
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

// discoveredTokenURL is the token_endpoint of Hydra's OpenID discovery
// document, or "" when it cannot be read: it is asked only when the
// assertion's aud is not the token URL used here, to tell a wrong aud from
// a Hydra reached through a port-forward or a proxy.
func discoveredTokenURL(ctx context.Context, s *shared.Session) string {
	ctx, cancel := context.WithTimeout(ctx, diagnoseTimeout)
	defer cancel()
	const path = "/.well-known/openid-configuration"
	resp, err := s.API.Do(ctx, api.Request{Method: http.MethodGet, Path: path})
	if err != nil {
		return ""
	}
	var doc struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if api.DecodeJSON(resp, http.MethodGet, s.API.URL(path, nil), &doc) != nil {
		return ""
	}
	return doc.TokenEndpoint
}
