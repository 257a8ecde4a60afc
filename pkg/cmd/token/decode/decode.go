// Package decode implements "hydra token decode": show a JWT's header and
// claims, and verify its signature against the issuer's published keys.
package decode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/tidwall/gjson"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// timeClaims are the claims that hold a time as seconds since the epoch.
var timeClaims = []string{"exp", "iat", "nbf", "auth_time", "rat", "updated_at"}

// Options are the parsed flags and arguments of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	// Conn carries the TLS, header, timeout and trace flags for the JWKS
	// request; it has no endpoint.
	Conn     cmdutil.Connection
	JWKSURL  string
	NoVerify bool
	Format   printer.Format

	// Token is the JWT; "-" reads it from stdin.
	Token string
}

// NewCmdDecode builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdDecode(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
	var format cmdutil.FormatFlag

	cmd := &cobra.Command{
		Use:   "decode <jwt>",
		Short: "Show a JWT's header and claims, and verify its signature",
		Long: text.Doc(`
			Show the header and claims of a JWT, such as an ID token or one of Hydra's
			JWT access tokens, with times shown as dates.

			The signature is verified against the issuer's keys, fetched from the
			token's iss claim + /.well-known/jwks.json, or from --jwks-url. A token
			whose signature does not verify is not shown, and the command exits 1.
			Verification proves that the key published at that URL signed the token:
			check that iss is an issuer you trust. --no-verify skips it, with a
			warning.

			Hydra's default, opaque access tokens (ory_at_...) are not JWTs; use
			"hydra token introspect" for them.

			Give "-" instead of a token to read it from stdin.
		`),
		Example: text.Doc(`
			$ hydra token decode "$ID_TOKEN"
			$ hydra token decode --format jsonpath=claims.sub "$ID_TOKEN"
			$ hydra token decode --jwks-url http://127.0.0.1:4444/.well-known/jwks.json "$ID_TOKEN"
			$ printf '%s\n' "$ID_TOKEN" | hydra token decode --no-verify -
		`),
		Args: cmdutil.ExactArgs(1, "one JWT (or - to read it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			if opts.NoVerify && opts.JWKSURL != "" {
				return cmdutil.FlagErrorf("--no-verify and --jwks-url contradict each other")
			}
			if len(opts.Conn.Headers) > 0 && opts.JWKSURL == "" {
				// Without --jwks-url the keys' host comes from the token's
				// iss claim, which whoever wrote the token chose: the
				// user's headers, often credentials, must not go there.
				return cmdutil.FlagErrorf("-H is sent only to a key server you name: pass --jwks-url with it (the token's iss claim is not trusted with your headers)")
			}
			if opts.JWKSURL != "" {
				if _, err := cmdutil.ParseHTTPURL("--jwks-url", opts.JWKSURL, "http://127.0.0.1:4444/.well-known/jwks.json"); err != nil {
					return err
				}
			}
			opts.Token = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return decodeRun(cmd.Context(), opts)
		},
	}

	fl := cmd.Flags()
	fl.StringVar(&opts.JWKSURL, "jwks-url", "", "Verify against the keys at this URL instead of iss + /.well-known/jwks.json")
	fl.BoolVar(&opts.NoVerify, "no-verify", false, "Do not verify the signature (insecure: anyone can write a JWT)")
	cmdutil.AddFormatFlag(cmd, &format, "a readable view of header and claims")
	// The request for the keys goes to the URL that the token or
	// --jwks-url names: no --endpoint.
	cmdutil.AddConnectionFlags(cmd, &opts.Conn, api.Public, cmdutil.NoEndpoint)
	return cmd
}

// decoded is a JWT taken apart.
type decoded struct {
	header, claims []byte
}

func decodeRun(ctx context.Context, opts *Options) error {
	token, err := cmdutil.ReadTokenArg(opts.Factory, opts.Token, "token")
	if err != nil {
		return err
	}
	d, err := split(token)
	if err != nil {
		return err
	}

	sig := map[string]any{"verified": false}
	if opts.NoVerify {
		fmt.Fprintln(opts.IO.ErrOut, "warning: --no-verify: the signature was not checked, so nothing shown can be trusted")
	} else {
		jwksURL := opts.JWKSURL
		if jwksURL == "" {
			iss := gjson.GetBytes(d.claims, "iss")
			if iss.Type != gjson.String || iss.Str == "" {
				return errors.New("the token has no iss claim to find its keys by: pass --jwks-url, or --no-verify to skip verification")
			}
			u, err := url.Parse(iss.Str)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("the token's iss %q is not a URL to find its keys by: pass --jwks-url, or --no-verify to skip verification", iss.Str)
			}
			jwksURL = strings.TrimSuffix(iss.Str, "/") + "/.well-known/jwks.json"
			warnForeignIssuer(opts, iss.Str)
		}
		if err := verify(ctx, opts, jwksURL, token); err != nil {
			return err
		}
		sig = map[string]any{"verified": true, "jwks_url": jwksURL}
	}

	doc, err := document(d, sig)
	if err != nil {
		return err
	}
	if exp := gjson.GetBytes(d.claims, "exp"); exp.Type == gjson.Number && time.Unix(exp.Int(), 0).Before(time.Now()) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the token expired at %s\n", text.Time(exp.Int()))
	}
	if opts.Format.Name != "" {
		p := printer.Printer{Format: opts.Format, Color: opts.IO.ColorEnabled()}
		return p.Print(opts.IO.Out, doc, nil)
	}
	return writeView(opts.IO.Out, d, sig, time.Now())
}

// split takes a compact JWS apart (shared.SplitJWT, which explains what
// other tokens are).
func split(token string) (*decoded, error) {
	p, err := shared.SplitJWT(token)
	if err != nil {
		return nil, err
	}
	return &decoded{header: p.Header, claims: p.Claims}, nil
}

// verify checks the token's signature with the keys at jwksURL, fetched
// through the tool's HTTP client (capped, and an error page reported by its
// status), with shared.KeySet, as token verify does: only the algorithms
// each key allows, and one reload for a kid the keys lack.
func verify(ctx context.Context, opts *Options, jwksURL, token string) error {
	u, err := url.Parse(jwksURL)
	if err != nil {
		return cmdutil.FlagErrorf("invalid keys URL %s: %v", api.RedactURL(jwksURL), err)
	}
	// The URL comes from the token's iss claim or --jwks-url; only the
	// flag can change it, and only a key server named with it gets -H.
	client, err := opts.Conn.External(opts.Factory, u, cmdutil.ExternalServer{Name: "the issuer's key set", Source: "--jwks-url",
		Headers: opts.JWKSURL != "", WarnPlainHTTP: true})
	if err != nil {
		return err
	}
	keys := shared.NewKeySet("the keys at "+api.StripQuery(u), func(ctx context.Context) ([]byte, error) {
		return client.JWKS(ctx, u)
	})
	fetchErr := func(err error) error {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("fetching the keys to verify the signature: %w", err)
	}
	if err := keys.Load(ctx); err != nil {
		return fetchErr(err)
	}
	_, err = keys.Verify(ctx, token)
	var invalid *shared.InvalidError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &invalid):
		return fmt.Errorf("the signature does not verify against the keys at %s: %s\nThe token may have been altered, or signed by another issuer; nothing was shown", api.StripQuery(u), text.OneLine(invalid.Reason, 300))
	}
	return fetchErr(err)
}

// document is the JSON that --format prints: the header and claims as the
// token has them, the time claims as dates, and the verification result.
func document(d *decoded, sig map[string]any) ([]byte, error) {
	dates := map[string]string{}
	for _, k := range timeClaims {
		if v := gjson.GetBytes(d.claims, k); v.Type == gjson.Number {
			dates[k] = text.Time(v.Int())
		}
	}
	doc := struct {
		Header    json.RawMessage   `json:"header"`
		Claims    json.RawMessage   `json:"claims"`
		Dates     map[string]string `json:"dates"`
		Signature map[string]any    `json:"signature"`
	}{d.header, d.claims, dates, sig}
	return json.Marshal(doc)
}

// writeView is the default view: header and claims as aligned lines, in the
// token's order, times as dates.
func writeView(w io.Writer, d *decoded, sig map[string]any, now time.Time) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	section := func(title string, raw []byte) {
		fmt.Fprintf(tw, "%s\n", title)
		gjson.ParseBytes(raw).ForEach(func(k, v gjson.Result) bool {
			val := printer.Cell(v)
			if v.IsObject() {
				val = v.Raw
			}
			if slices.Contains(timeClaims, k.Str) && v.Type == gjson.Number {
				t := time.Unix(v.Int(), 0)
				val = fmt.Sprintf("%s (%s)", text.Time(v.Int()), relative(t, now))
			}
			fmt.Fprintf(tw, "  %s\t%s\n", text.Printable(k.Str), text.Printable(val))
			return true
		})
	}
	section("HEADER", d.header)
	fmt.Fprintln(tw)
	section("CLAIMS", d.claims)
	fmt.Fprintln(tw)
	if sig["verified"] == true {
		fmt.Fprintf(tw, "SIGNATURE\tverified with the keys at %s\n", sig["jwks_url"])
	} else {
		fmt.Fprintf(tw, "SIGNATURE\tnot verified (--no-verify)\n")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func relative(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d == 0 {
		return "now"
	}
	if d > 0 {
		return "in " + d.String()
	}
	return (-d).String() + " ago"
}

// warnForeignIssuer warns when the token's issuer is not the Hydra that the
// environment names: its keys then prove only that whoever runs that issuer
// signed the token, and the keys are fetched from a host the token chose.
func warnForeignIssuer(opts *Options, iss string) {
	for _, env := range []string{cmdutil.EnvURL, cmdutil.EnvORYSDKURL} {
		want := strings.TrimSpace(opts.Factory.Getenv(env))
		if want == "" {
			continue
		}
		if strings.TrimSuffix(want, "/") != strings.TrimSuffix(iss, "/") {
			fmt.Fprintf(opts.IO.ErrOut, "warning: the token's issuer %s is not %s (%s): a verified signature shows only that that issuer signed it; pass --jwks-url to verify against keys you choose\n", text.Printable(iss), text.Printable(want), env)
		}
		return
	}
}
