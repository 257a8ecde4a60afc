// Package shared holds what the token commands that act as an OAuth 2.0
// client share: the credential flags (client ID, secret, auth method,
// private key, token URL), client authentication, the token request, and
// the printing of a token response.
package shared

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
)

// Environment variables that hold client credentials, as in Hydra's CLIs.
const (
	EnvClientID     = "OAUTH2_CLIENT_ID"
	EnvClientSecret = "OAUTH2_CLIENT_SECRET"
	// EnvPrivateKey holds a PEM or JWK private key for private_key_jwt, as
	// a CI secret often does. It is read only with --auth-method
	// private_key_jwt and no --private-key: it never changes the method.
	EnvPrivateKey = "OAUTH2_CLIENT_PRIVATE_KEY"
)

// The client authentication methods of --auth-method (OpenID Connect
// Core §9).
const (
	AuthBasic         = "client_secret_basic"
	AuthPost          = "client_secret_post"
	AuthPrivateKeyJWT = "private_key_jwt"
	// AuthNone is a public client's: it sends its ID and no secret, as the
	// clients of "hydra token user" may, to refresh or revoke their tokens.
	AuthNone = "none"
)

// AuthMethods lists the values of --auth-method.
var AuthMethods = []string{AuthBasic, AuthPost, AuthPrivateKeyJWT, AuthNone}

// Credentials are the credential flags of a command.
type Credentials struct {
	// ClientID is --client-id; OAUTH2_CLIENT_ID when empty.
	ClientID string
	// Secret is --client-secret, --client-secret-file or
	// OAUTH2_CLIENT_SECRET.
	Secret cmdutil.Secret
	// AuthMethod is --auth-method; empty means client_secret_basic, or
	// private_key_jwt when PrivateKey is set.
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
}

// AddCredentialFlags registers the credential flags on cmd. tokenURLHelp
// describes --token-url for this command. --client-id completes client IDs
// from the admin API named by the environment.
func AddCredentialFlags(cmd *cobra.Command, f *cmdutil.Factory, c *Credentials, tokenURLHelp string) {
	fl := cmd.Flags()
	fl.StringVar(&c.ClientID, "client-id", "", "The OAuth 2.0 client's ID (env: "+EnvClientID+")")
	cmdutil.CompleteClientIDFlag(cmd, f, "client-id", nil, nil)
	cmdutil.AddSecretFlags(cmd, &c.Secret, "client-secret", EnvClientSecret, "Client secret")
	fl.StringVar(&c.AuthMethod, "auth-method", "", "How the client authenticates: "+strings.Join(AuthMethods, ", ")+"; default: "+AuthBasic+", or "+AuthPrivateKeyJWT+" with --private-key")
	fl.StringVar(&c.PrivateKey, "private-key", "", "Sign a "+AuthPrivateKeyJWT+" client assertion (RFC 7523) with the private key in this PEM or JWK `file` ('-' for stdin) (env: "+EnvPrivateKey+", with --auth-method "+AuthPrivateKeyJWT+")")
	fl.StringVar(&c.TokenURL, "token-url", "", tokenURLHelp)
	fl.BoolVarP(&c.Quiet, "quiet", "q", false, "Do not warn about a secret given on the command line")
	_ = cmd.RegisterFlagCompletionFunc("auth-method", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return AuthMethods, cobra.ShellCompDirectiveNoFileComp
	})
}

// Validate checks the flags that can be checked before anything is read,
// and settles the auth method. Its errors are usage errors.
func (c *Credentials) Validate() error {
	switch c.AuthMethod {
	case "":
		c.AuthMethod = AuthBasic
		if c.PrivateKey != "" {
			c.AuthMethod = AuthPrivateKeyJWT
		}
	case AuthBasic, AuthPost, AuthPrivateKeyJWT, AuthNone:
	default:
		return cmdutil.FlagErrorf("unknown --auth-method %q: valid methods are %s", c.AuthMethod, strings.Join(AuthMethods, ", "))
	}
	if c.AuthMethod == AuthPrivateKeyJWT {
		if c.Secret.Value != "" || c.Secret.File != "" {
			return cmdutil.FlagErrorf("--auth-method %s signs with --private-key and sends no client secret: drop --client-secret and --client-secret-file", AuthPrivateKeyJWT)
		}
	} else if c.AuthMethod == AuthNone && (c.Secret.Value != "" || c.Secret.File != "") {
		return cmdutil.FlagErrorf("--auth-method %s is for public clients and sends no client secret: drop --client-secret and --client-secret-file", AuthNone)
	} else if c.PrivateKey != "" {
		return cmdutil.FlagErrorf("--private-key needs --auth-method %s, not %s", AuthPrivateKeyJWT, c.AuthMethod)
	}
	if c.TokenURL != "" {
		if _, err := parseHTTPURL(c.TokenURL); err != nil {
			return cmdutil.FlagErrorf("invalid --token-url %s: %v", api.RedactURL(c.TokenURL), err)
		}
	}
	return nil
}

func parseHTTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("want a URL such as http://127.0.0.1:4444%s", api.TokenPath)
	}
	return u, nil
}

// Auth is a client's resolved credentials. It authenticates requests to
// the token and revocation endpoints.
type Auth struct {
	ClientID string
	Method   string
	// Secret is the client secret, for client_secret_basic and
	// client_secret_post.
	Secret string
	// Key signs client assertions, for private_key_jwt.
	Key *SigningKey
	// Audience is the audience of client assertions: the token URL.
	Audience string
}

// Resolve reads the client ID, the secret or the private key, from flags,
// files, stdin or the environment. Missing credentials fail with a message
// that names every way to give them.
func (c *Credentials) Resolve(f *cmdutil.Factory, cmdPath string) (*Auth, error) {
	a := &Auth{ClientID: c.ClientID, Method: c.AuthMethod}
	if a.ClientID == "" {
		a.ClientID = strings.TrimSpace(f.Getenv(EnvClientID))
	}
	if a.ClientID == "" {
		return nil, fmt.Errorf("no client ID: pass --client-id or set %s; see '%s --help'", EnvClientID, cmdPath)
	}
	if a.Method == AuthPrivateKeyJWT {
		if c.PrivateKey == "" {
			if env := f.Getenv(EnvPrivateKey); env != "" {
				key, err := ParseSigningKey([]byte(env))
				if err != nil {
					return nil, fmt.Errorf("%s: %w", EnvPrivateKey, err)
				}
				a.Key = key
				return a, nil
			}
			return nil, fmt.Errorf("no private key: --auth-method %s needs --private-key FILE (PEM or JWK, '-' for stdin) or %s; see '%s --help'", AuthPrivateKeyJWT, EnvPrivateKey, cmdPath)
		}
		key, err := LoadSigningKey(f, c.PrivateKey)
		if err != nil {
			return nil, err
		}
		a.Key = key
		return a, nil
	}
	if a.Method == AuthNone {
		// A public client: OAUTH2_CLIENT_SECRET, if set, is not for it.
		return a, nil
	}
	secret, _, err := c.Secret.Resolve(f, c.Quiet)
	if err != nil {
		return nil, err
	}
	if secret == "" {
		return nil, fmt.Errorf("no client secret for client %s: pass --client-secret-file FILE ('-' for stdin), set %s, or pass --client-secret; or sign with --private-key; for a public client, pass --auth-method none; see '%s --help'", a.ClientID, EnvClientSecret, cmdPath)
	}
	a.Secret = secret
	return a, nil
}

// Authenticate adds the client's authentication to a request to the
// revocation endpoint, as x/oauth2 does for the token endpoint.
func (a *Auth) Authenticate(form url.Values, header http.Header) error {
	switch a.Method {
	case AuthPost:
		form.Set("client_id", a.ClientID)
		form.Set("client_secret", a.Secret)
	case AuthPrivateKeyJWT:
		assertion, err := a.Key.Assertion(a.ClientID, a.Audience)
		if err != nil {
			return err
		}
		form.Set("client_id", a.ClientID)
		form.Set("client_assertion_type", ClientAssertionType)
		form.Set("client_assertion", assertion)
	case AuthNone:
		form.Set("client_id", a.ClientID)
	default:
		header.Set("Authorization", api.BasicAuth(a.ClientID, a.Secret))
	}
	return nil
}

// CheckStdin fails when a token argument and a credential flag both want to
// read stdin, which holds one value.
func (c *Credentials) CheckStdin(tokenArg string) error {
	if tokenArg != "-" {
		return nil
	}
	switch {
	case c.Secret.File == "-":
		return cmdutil.FlagErrorf("the token and --client-secret-file cannot both be read from stdin: give the secret in a file or in %s", EnvClientSecret)
	case c.PrivateKey == "-":
		return cmdutil.FlagErrorf("the token and --private-key cannot both be read from stdin: give the key in a file")
	}
	return nil
}
