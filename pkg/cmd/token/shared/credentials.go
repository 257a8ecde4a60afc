// Package shared is the one owner of OAuth 2.0 client authentication in the
// tool. Every token command that acts as a client (token client, refresh,
// revoke, user, and grants added later) registers the same credential flags
// with AddCredentialFlags, resolves them into an Auth, and sends its
// requests through a Session: Session.Token for every grant, and
// Session.Revoke for RFC 7009 revocation.
//
// How a client authenticates is decided in one function, Auth.style: adding
// an auth method is one case there, plus its name in AuthMethods.
package shared

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/jwkey"
)

// Environment variables that hold client credentials, as in Hydra's CLIs.
const (
	EnvClientID     = "OAUTH2_CLIENT_ID"
	EnvClientSecret = "OAUTH2_CLIENT_SECRET"
	// EnvPrivateKey holds a PEM or JWK private key for private_key_jwt, as
	// a CI secret often does. It is read with --auth-method
	// private_key_jwt and no --private-key, and, by MethodRule, when no
	// --auth-method, key or secret is given.
	EnvPrivateKey = "OAUTH2_CLIENT_PRIVATE_KEY"
)

// The client authentication methods of --auth-method (OpenID Connect
// Core §9).
const (
	AuthBasic         = "client_secret_basic"
	AuthPost          = "client_secret_post"
	AuthPrivateKeyJWT = "private_key_jwt"
	// AuthNone is a public client's: it sends its ID and no secret.
	AuthNone = "none"
)

// AuthMethods lists the values of --auth-method.
var AuthMethods = []string{AuthBasic, AuthPost, AuthPrivateKeyJWT, AuthNone}

// MethodRule is the rule that picks the auth method when --auth-method is
// not given, as the help of every token command states it.
const MethodRule = `Without --auth-method, the client authenticates with private_key_jwt when
--private-key is given; with client_secret_basic when a secret is given
(--client-secret-file, --client-secret or ` + EnvClientSecret + `); with
private_key_jwt when only ` + EnvPrivateKey + ` is set (beside
` + EnvClientSecret + `, it is not used, with a warning); and as a public
client (none), sending its ID and no secret, when none is (token client,
whose grant is for confidential clients only, then stops and names the ways
to give a secret). When the secret
came only from ` + EnvClientSecret + ` and Hydra answers that the client is public
(token_endpoint_auth_method none), the request is sent once more without the
secret: Hydra checks the client before it looks at a code or a refresh
token, so nothing was spent. A revocation refused with that secret is
likewise sent once more without it.`

// Credentials are the credential flags of a command.
type Credentials struct {
	// ClientID is --client-id; OAUTH2_CLIENT_ID when empty.
	ClientID string
	// Secret is --client-secret, --client-secret-file or
	// OAUTH2_CLIENT_SECRET.
	Secret cmdutil.Secret
	// AuthMethod is --auth-method; empty means the rule of MethodRule.
	AuthMethod string
	// PrivateKey is the file (or "-" for stdin) of the PEM or JWK private
	// key that signs private_key_jwt assertions.
	PrivateKey string
	// TokenURL is --token-url: the token endpoint, which is also the
	// audience of a private_key_jwt assertion. Empty means
	// <endpoint>/oauth2/token.
	TokenURL string
	// Quiet silences the warning about a secret on argv.
	Quiet bool

	// implicit records that Validate settled AuthMethod by MethodRule.
	implicit bool
}

// AddCredentialFlags registers the credential flags on cmd: --client-id,
// --client-secret(-file), --auth-method, --private-key, --token-url and,
// unless cmd has one already, -q/--quiet. tokenURLHelp describes
// --token-url for this command. --client-id completes client IDs from the
// admin API named by the environment.
func AddCredentialFlags(cmd *cobra.Command, f *cmdutil.Factory, c *Credentials, tokenURLHelp string) {
	fl := cmd.Flags()
	fl.StringVar(&c.ClientID, "client-id", "", "The OAuth 2.0 client's ID (env: "+EnvClientID+")")
	cmdutil.CompleteClientIDFlag(cmd, f, "client-id", nil, nil)
	cmdutil.AddSecretFlags(cmd, &c.Secret, "client-secret", EnvClientSecret, "Client secret")
	fl.StringVar(&c.AuthMethod, "auth-method", "", "How the client authenticates: "+strings.Join(AuthMethods, ", ")+" (default: "+AuthPrivateKeyJWT+" with --private-key, "+AuthBasic+" with a secret, else "+AuthNone+")")
	fl.StringVar(&c.PrivateKey, "private-key", "", "Sign a "+AuthPrivateKeyJWT+" client assertion (RFC 7523) with the private key in this PEM or JWK `file` ('-' for stdin) (env: "+EnvPrivateKey+")")
	fl.StringVar(&c.TokenURL, "token-url", "", tokenURLHelp)
	if fl.Lookup("quiet") == nil {
		fl.BoolVarP(&c.Quiet, "quiet", "q", false, "Do not warn about a secret given on the command line")
	}
	_ = cmd.RegisterFlagCompletionFunc("auth-method", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return AuthMethods, cobra.ShellCompDirectiveNoFileComp
	})
}

// Validate checks the flags that can be checked before anything is read,
// and settles the auth method by MethodRule where the flags decide it:
// private_key_jwt with --private-key, client_secret_basic with a secret
// flag. Otherwise AuthMethod stays empty, and Resolve settles it once it
// knows whether the environment holds a secret. Its errors are usage
// errors.
func (c *Credentials) Validate() error {
	if c.AuthMethod != "" && !slices.Contains(AuthMethods, c.AuthMethod) {
		return cmdutil.FlagErrorf("unknown --auth-method %q: valid methods are %s", c.AuthMethod, strings.Join(AuthMethods, ", "))
	}
	secretGiven := c.Secret.Value != "" || c.Secret.File != ""
	method := c.AuthMethod
	if method == "" {
		c.implicit = true
		switch {
		case c.PrivateKey != "":
			method = AuthPrivateKeyJWT
		case secretGiven:
			method = AuthBasic
		}
	}
	switch {
	case method == AuthPrivateKeyJWT && secretGiven:
		return cmdutil.FlagErrorf("--auth-method %s signs with --private-key and sends no client secret: drop --client-secret and --client-secret-file", AuthPrivateKeyJWT)
	case method == AuthNone && secretGiven:
		return cmdutil.FlagErrorf("--auth-method %s is for public clients and sends no client secret: drop --client-secret and --client-secret-file", AuthNone)
	case method != AuthPrivateKeyJWT && c.PrivateKey != "":
		return cmdutil.FlagErrorf("--private-key needs --auth-method %s, not %s", AuthPrivateKeyJWT, method)
	}
	if c.TokenURL != "" {
		if _, err := cmdutil.ParseHTTPURL("--token-url", c.TokenURL, tokenURLExample); err != nil {
			return err
		}
	}
	c.AuthMethod = method
	return nil
}

// tokenURLExample is a --token-url of the right kind, for messages.
const tokenURLExample = "http://127.0.0.1:4444" + api.TokenPath

// Auth is a client's resolved credentials.
type Auth struct {
	// ClientID is the client's ID.
	ClientID string
	// Method is one of AuthMethods.
	Method string
	// Secret is the client secret, for client_secret_basic and
	// client_secret_post.
	Secret string
	// Key signs client assertions, for private_key_jwt.
	Key *SigningKey

	// Implicit says that the method was not chosen with --auth-method but
	// by MethodRule, so that advice can say how to choose another.
	Implicit bool
	// SecretFromEnv says that the secret came only from
	// OAUTH2_CLIENT_SECRET under MethodRule: a Session then retries as a
	// public client when Hydra says the client is one.
	SecretFromEnv bool
}

// Resolve reads the client ID, the secret or the private key, from flags,
// files, stdin or the environment, and settles the auth method by
// MethodRule. Missing credentials fail with a message that names every way
// to give them.
func (c *Credentials) Resolve(f *cmdutil.Factory, cmdPath string) (*Auth, error) {
	a := &Auth{ClientID: c.ClientID, Method: c.AuthMethod, Implicit: c.implicit || c.AuthMethod == ""}
	if a.ClientID == "" {
		a.ClientID = strings.TrimSpace(f.Getenv(EnvClientID))
	}
	if a.ClientID == "" {
		return nil, fmt.Errorf("no client ID: pass --client-id or set %s; see '%s --help'", EnvClientID, cmdPath)
	}
	if a.Method == "" && c.PrivateKey != "" {
		a.Method = AuthPrivateKeyJWT
	}
	switch a.Method {
	case AuthPrivateKeyJWT:
		key, err := c.signingKey(f, cmdPath)
		if err != nil {
			return nil, err
		}
		a.Key = key
		return a, nil
	case AuthNone:
		// A public client: OAUTH2_CLIENT_SECRET, if set, is not for it.
		return a, nil
	}
	secret, source, err := c.Secret.Resolve(f, c.Quiet)
	if err != nil {
		return nil, err
	}
	if a.Method == "" && f.Getenv(EnvPrivateKey) != "" {
		// The rule's one choice made by the environment alone: a key set
		// for private_key_jwt is meant to be used, unless a secret is
		// set too, which has always won, and then the key is named.
		if secret == "" {
			a.Method = AuthPrivateKeyJWT
			if a.Key, err = c.signingKey(f, cmdPath); err != nil {
				return nil, err
			}
			return a, nil
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s is set but not used: the client authenticates with its secret (%s); pass --auth-method %s to sign with the key instead\n", EnvPrivateKey, AuthBasic, AuthPrivateKeyJWT)
	}
	if secret == "" {
		if a.Method == "" {
			a.Method = AuthNone
			return a, nil
		}
		return nil, fmt.Errorf("no client secret for client %s: --auth-method %s needs one: pass --client-secret-file FILE ('-' for stdin), set %s, or pass --client-secret; see '%s --help'", a.ClientID, a.Method, EnvClientSecret, cmdPath)
	}
	if a.Method == "" {
		a.Method = AuthBasic
		a.SecretFromEnv = source == cmdutil.SourceEnv
	}
	a.Secret = secret
	return a, nil
}

func (c *Credentials) signingKey(f *cmdutil.Factory, cmdPath string) (*SigningKey, error) {
	if c.PrivateKey != "" {
		return LoadSigningKey(f, "--private-key", c.PrivateKey)
	}
	if env := f.Getenv(EnvPrivateKey); env != "" {
		return jwkey.ParseSigningKey(EnvPrivateKey, []byte(env))
	}
	return nil, fmt.Errorf("no private key: --auth-method %s needs --private-key FILE (PEM or JWK, '-' for stdin) or %s; see '%s --help'", AuthPrivateKeyJWT, EnvPrivateKey, cmdPath)
}

// public returns the same client as a public one, without its secret.
func (a *Auth) public() *Auth {
	return &Auth{ClientID: a.ClientID, Method: AuthNone, Implicit: true}
}

// style is the one place that says how each auth method authenticates a
// request to the token or revocation endpoint: whether the client ID and
// secret go in an HTTP Basic header or in the form, which secret is sent,
// and what else goes in the form. audience is the token URL, the audience
// of a client assertion.
func (a *Auth) style(audience string) (oauth2.AuthStyle, string, url.Values, error) {
	switch a.Method {
	case AuthBasic:
		return oauth2.AuthStyleInHeader, a.Secret, nil, nil
	case AuthPost:
		return oauth2.AuthStyleInParams, a.Secret, nil, nil
	case AuthNone:
		// client_id in the form and no client_secret: x/oauth2 omits an
		// empty one.
		return oauth2.AuthStyleInParams, "", nil, nil
	case AuthPrivateKeyJWT:
		assertion, err := a.Key.Assertion(a.ClientID, audience)
		if err != nil {
			return 0, "", nil, fmt.Errorf("%s: %w", AuthPrivateKeyJWT, err)
		}
		return oauth2.AuthStyleInParams, "", url.Values{
			"client_assertion_type": {ClientAssertionType},
			"client_assertion":      {assertion},
		}, nil
	}
	return 0, "", nil, fmt.Errorf("unknown auth method %q", a.Method)
}

// CheckStdin fails when a token argument and a credential flag both want to
// read stdin, which holds one value.
func (c *Credentials) CheckStdin(tokenArg string) error {
	if tokenArg != "-" {
		return nil
	}
	return c.checkStdin("the token")
}

// StdinUsed reports whether a credential is read from stdin.
func (c *Credentials) StdinUsed() bool { return c.Secret.File == "-" || c.PrivateKey == "-" }

func (c *Credentials) checkStdin(what string) error {
	switch {
	case c.Secret.File == "-":
		return cmdutil.FlagErrorf("%s and --client-secret-file cannot both be read from stdin: give the secret in a file or in %s", what, EnvClientSecret)
	case c.PrivateKey == "-":
		return cmdutil.FlagErrorf("%s and --private-key cannot both be read from stdin: give the key in a file", what)
	}
	return nil
}
