// Package cachewire is the one seam between the token commands and the
// token cache (pkg/tokencache): the cache flags, HYDRA_TOKEN_CACHE, and the
// call that looks a token up, refreshes it or runs the grant, and stores
// it. A command that obtains tokens adds the flags with AddFlags, checks
// them with Flags.Validate, and sends its grant through Get; see
// docs/token-cache.md.
package cachewire

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// EnvCache names a storage (disk, keyring or none) to turn the cache on
// from the environment, as --cache-storage does.
const EnvCache = "HYDRA_TOKEN_CACHE"

// Flags are a command's cache flags.
type Flags struct {
	// Enabled is set by --cache, --cache-storage or HYDRA_TOKEN_CACHE.
	Enabled bool
	// Storage is disk, keyring or none.
	Storage string
	// MinTTL is --min-ttl; negative means tokencache.DefaultMargin.
	MinTTL time.Duration
	// ForceRefresh is --force-refresh.
	ForceRefresh bool

	cache        bool
	storage      string
	minTTL       time.Duration
	forceRefresh bool
}

// AddFlags registers --cache, --cache-storage, --min-ttl and
// --force-refresh on cmd.
func AddFlags(cmd *cobra.Command, fl *Flags) {
	f := cmd.Flags()
	f.BoolVar(&fl.cache, "cache", false, "Reuse a cached token while it has more than --min-ttl left; otherwise refresh or get a new one, and cache it (env: "+EnvCache+"=STORAGE)")
	f.StringVar(&fl.storage, "cache-storage", "", "Where --cache keeps tokens: "+strings.Join(tokencache.Storages, ", ")+" (env: "+EnvCache+"; default: "+tokencache.StorageDisk+"); implies --cache")
	f.DurationVar(&fl.minTTL, "min-ttl", 0, "With --cache: the lifetime a cached token must have left to be used (default: 60s, or 10% of the token's lifetime if shorter)")
	f.BoolVar(&fl.forceRefresh, "force-refresh", false, "With --cache: do not use the cached access token; refresh it or get a new one, and cache that")
	_ = cmd.RegisterFlagCompletionFunc("cache-storage", cobra.FixedCompletions(tokencache.Storages, cobra.ShellCompDirectiveNoFileComp))
}

// Validate settles the flags from the command line and the environment;
// its errors are usage errors. --cache=false turns off a cache that
// HYDRA_TOKEN_CACHE turned on.
func (fl *Flags) Validate(cmd *cobra.Command, getenv func(string) string) error {
	changed := cmd.Flags().Changed
	env := strings.TrimSpace(getenv(EnvCache))
	fl.Storage = tokencache.StorageDisk
	switch {
	case changed("cache") && !fl.cache:
		if changed("cache-storage") {
			return cmdutil.FlagErrorf("--cache=false and --cache-storage contradict each other")
		}
		fl.Enabled = false
	case changed("cache-storage"):
		fl.Enabled, fl.Storage = true, fl.storage
	case env != "":
		fl.Enabled, fl.Storage = true, env
	default:
		fl.Enabled = fl.cache
	}
	if fl.Enabled && !validStorage(fl.Storage) {
		from := "--cache-storage"
		if !changed("cache-storage") {
			from = EnvCache
		}
		return cmdutil.FlagErrorf("invalid %s %q: valid storages are %s", from, fl.Storage, strings.Join(tokencache.Storages, ", "))
	}
	if !fl.Enabled {
		for _, name := range []string{"min-ttl", "force-refresh"} {
			if changed(name) {
				return cmdutil.FlagErrorf("--%s applies only with --cache (or %s)", name, EnvCache)
			}
		}
	}
	fl.MinTTL = -1
	if changed("min-ttl") {
		if fl.minTTL < 0 {
			return cmdutil.FlagErrorf("--min-ttl must not be negative")
		}
		fl.MinTTL = fl.minTTL
	}
	fl.ForceRefresh = fl.forceRefresh
	return nil
}

func validStorage(s string) bool {
	for _, v := range tokencache.Storages {
		if s == v {
			return true
		}
	}
	return false
}

// Request is one token a command needs.
type Request struct {
	// Key says what the token is for. Key.Credential should hold what
	// authenticates the client (its method and secret, or its key's
	// thumbprint), so that other credentials never get this token.
	Key tokencache.Key
	// Grant obtains a new token response: the server's JSON.
	Grant func(ctx context.Context) ([]byte, error)
	// Refresh spends a refresh token and returns the server's JSON. Nil
	// when the grant's tokens are not refreshed this way.
	Refresh func(ctx context.Context, refreshToken string) ([]byte, error)
	// Subject, if set, reads who a token response is for (such as the
	// verified ID token's sub), for "cache list".
	Subject func(raw []byte) string
}

// Result is a token ready to print.
type Result struct {
	// Token is the token, with its refresh token and expiry.
	Token *tokencache.Token
	// Raw is the token response to print: the server's JSON, with
	// expires_in counting down for a cached token.
	Raw []byte
	// Source says whether the token came from the cache, a refresh or the
	// grant.
	Source tokencache.Source

	saveErr error
	// cached says the cache was used (not storage none).
	cached bool
}

// Get returns a token for req: through the cache when the flags enable
// it, or straight from the grant.
func Get(ctx context.Context, f *cmdutil.Factory, fl *Flags, req Request) (*Result, error) {
	grant := func(ctx context.Context) (*tokencache.Token, error) {
		raw, err := req.Grant(ctx)
		if err != nil {
			return nil, err
		}
		return parse(raw, req.Subject)
	}
	if !fl.Enabled {
		t, err := grant(ctx)
		if err != nil {
			return nil, err
		}
		return &Result{Token: t, Raw: t.Response, Source: tokencache.FromGrant}, nil
	}
	c, err := Open(f, fl.Storage)
	if err != nil {
		return nil, err
	}
	// A keyring that is not there fails now, before a token is minted
	// that could not be kept.
	if err := c.Check(); err != nil {
		return nil, err
	}
	treq := tokencache.Request{
		Key:             req.Key,
		MinTTL:          fl.MinTTL,
		ForceRefresh:    fl.ForceRefresh,
		Grant:           grant,
		RefreshRejected: RefreshRejected,
	}
	if req.Refresh != nil {
		treq.Refresh = func(ctx context.Context, rt string) (*tokencache.Token, error) {
			raw, err := req.Refresh(ctx, rt)
			if err != nil {
				return nil, err
			}
			return parse(raw, req.Subject)
		}
	}
	res, err := c.Get(ctx, treq)
	if err != nil {
		return nil, err
	}
	raw := res.Token.Response
	if res.Source == tokencache.FromCache {
		raw = res.Token.ResponseAt(time.Now())
	}
	return &Result{Token: res.Token, Raw: raw, Source: res.Source, saveErr: res.SaveErr, cached: c.Storage() != tokencache.StorageNone}, nil
}

// Open opens the cache of the given storage in the directory the
// environment names, with warnings on stderr.
func Open(f *cmdutil.Factory, storage string) (*tokencache.Cache, error) {
	opts := tokencache.Options{Storage: storage, Warn: f.IOStreams.ErrOut}
	if storage != tokencache.StorageNone {
		dir, err := tokencache.DefaultDir(f.Getenv)
		if err != nil {
			return nil, fmt.Errorf("token cache: cannot find a cache directory: %w; use --cache-storage none, or set XDG_CACHE_HOME", err)
		}
		opts.Dir = dir
	}
	return tokencache.Open(opts)
}

func parse(raw []byte, subject func([]byte) string) (*tokencache.Token, error) {
	t, err := tokencache.ParseResponse(raw, time.Now())
	if err != nil {
		return nil, err
	}
	if subject != nil {
		t.Subject = subject(raw)
	}
	return t, nil
}

// RefreshRejected reports the token endpoint's refusal of a refresh token
// itself (RFC 6749 invalid_grant: expired, revoked or already spent), after
// which the cache drops it and runs the grant.
func RefreshRejected(err error) bool {
	var e *api.Error
	return errors.As(err, &e) && e.Code == "invalid_grant"
}

// OAuth2 is the token as x/oauth2 would have parsed the response, for a
// command's own view of it: the access and refresh tokens, the expiry, the
// type, and the response's other fields as extras.
func (r *Result) OAuth2() *oauth2.Token {
	t := &oauth2.Token{AccessToken: r.Token.AccessToken, RefreshToken: r.Token.RefreshToken, TokenType: r.Token.TokenType, Expiry: r.Token.Expiry}
	var extra map[string]any
	if json.Unmarshal(r.Raw, &extra) == nil {
		t = t.WithExtra(extra)
	}
	return t
}

// Kept reports whether the token is stored in the cache, refresh token
// included, so that output that does not show the refresh token loses
// nothing.
func (r *Result) Kept() bool { return r.cached && r.saveErr == nil }

// Finish is called after the command printed the token: when the cache
// could not store a new token, it says so on stderr. Nothing is lost: the
// command printed the token with RefreshTokenKept false (Kept), so its
// output path (shared.PrintTokenWith, through printer.ShowOnce) put the
// refresh token on stderr when stdout does not hold it. The run exits 0:
// the token was obtained and printed, as --cache's docs say of a cache that
// cannot store.
func (r *Result) Finish(ios *iostreams.IOStreams, _ printer.Format) error {
	if r.saveErr != nil {
		fmt.Fprintf(ios.ErrOut, "warning: %s\nThe token was not cached.\n", r.saveErr)
	}
	return nil
}

// Credential is the Key.Credential of a client that authenticates with
// method and secret, or with the private key key (for private_key_jwt): the
// key's thumbprint, never the key itself. It is only ever hashed.
func Credential(method, secret string, key *jose.JSONWebKey) string {
	c := method + "\x00" + secret
	if key != nil {
		if tp, err := jwkey.Thumbprint(key); err == nil {
			c += "\x00" + tp
		}
	}
	return c
}

// Forget removes a revoked token's entry from the cache, if it is there,
// and says so on stderr. clientID revoked it, at tokenURL; confirmed says
// that introspection showed the token inactive. An entry is removed only
// when the revocation proves its tokens dead (see tokencache.Forget);
// otherwise it is kept, and stderr says why and how to remove it. A cache
// that cannot be read is reported, not an error: the revocation itself
// succeeded.
func Forget(f *cmdutil.Factory, token, clientID, tokenURL string, confirmed bool) {
	dir, err := tokencache.DefaultDir(f.Getenv)
	if err != nil {
		return
	}
	if _, err := os.Stat(dir); err != nil {
		return
	}
	res, err := tokencache.Forget(dir, tokencache.Revocation{Token: token, ClientID: clientID, TokenURL: tokenURL, Confirmed: confirmed}, nil)
	if res != nil {
		for _, e := range res.Removed {
			fmt.Fprintf(f.IOStreams.ErrOut, "Removed the revoked token from the token cache (client %s, %s).\n", e.Key.ClientID, e.Storage)
		}
		for i, e := range res.Kept {
			fmt.Fprintf(f.IOStreams.ErrOut, "Kept the token's entry in the token cache (client %s, %s): %s. To remove it anyway: hydra token cache clear --client-id %s\n", e.Key.ClientID, e.Storage, res.Why[i], text.ShellQuote(e.Key.ClientID))
		}
	}
	if err != nil {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: the token cache could not be searched for the revoked token: %s\n", err)
	}
}
