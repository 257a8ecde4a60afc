package create

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4"
	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/client/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/text"
)

// defaultKeyAlg is the algorithm of --generate-key given without one:
// Hydra's default for private_key_jwt assertions.
const defaultKeyAlg = "RS256"

// KeyOptions are the flags that set up a private_key_jwt client in one
// step: --generate-key and --private-key-out, and --jwks given a file.
type KeyOptions struct {
	// Algorithm is --generate-key's algorithm; empty without the flag.
	Algorithm string
	// PrivateKeyOut is the new file the generated private key goes to.
	PrivateKeyOut string

	key *jose.JSONWebKey
}

// addKeyFlags registers --generate-key and --private-key-out, and lets
// --jwks, a client field flag, name a file.
func addKeyFlags(cmd *cobra.Command, k *KeyOptions) {
	cmd.Long += text.Doc(`

		For a private_key_jwt client in one step, --generate-key [ALG] makes
		a key pair here: the public key is registered as the client's jwks,
		with its RFC 7638 thumbprint as kid, and token_endpoint_auth_method
		and token_endpoint_auth_signing_alg are set to match. The private key
		is written, as a JWK, to the new file --private-key-out names (mode
		0600), which 'hydra token client --private-key FILE' reads as is. No
		secret is asked for: Hydra gives every client one, so a random one is
		sent and forgotten, and none is printed. --jwks registers a key set of your own instead:
		JSON text, a file, or - for stdin; private keys in it are refused.
	`)
	fl := cmd.Flags()
	fl.StringVar(&k.Algorithm, "generate-key", "", "Generate a key pair for private_key_jwt, with this `ALG` ("+strings.Join(jwkey.SigningAlgorithms, ", ")+"; RS256 when given alone): its public key becomes the client's jwks, its private key goes to --private-key-out")
	fl.Lookup("generate-key").NoOptDefVal = defaultKeyAlg
	fl.StringVar(&k.PrivateKeyOut, "private-key-out", "", "With --generate-key: write the private key, as a JWK, to this new `file` (mode 0600; never overwritten)")
	if f := fl.Lookup("jwks"); f != nil {
		f.Usage = "The client's JSON Web Key Set of public keys, for private_key_jwt: JSON text, a `file`, or - for stdin"
	}
	for _, other := range []string{"jwks", "jwks-uri", "secret", "secret-file"} {
		cmd.MarkFlagsMutuallyExclusive("generate-key", other)
	}
	_ = cmd.RegisterFlagCompletionFunc("generate-key", cobra.FixedCompletions(jwkey.SigningAlgorithms, cobra.ShellCompDirectiveNoFileComp))
}

// keyArgs is create's Args: none, except the algorithm after a bare
// --generate-key, as in "--generate-key ES256", which pflag reads as the
// flag alone and then an argument.
func keyArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 1 && cmd.Flags().Changed("generate-key") && slices.Contains(jwkey.SigningAlgorithms, args[0]) {
		if v, _ := cmd.Flags().GetString("generate-key"); v == defaultKeyAlg {
			return nil
		}
	}
	return cmdutil.NoArgs(cmd, args)
}

// prepare runs before the client flags are read: it takes the algorithm
// given as an argument, generates the key, and replaces a --jwks file name
// with the file's key set.
func (k *KeyOptions) prepare(cmd *cobra.Command, opts *Options, args []string) error {
	fl := cmd.Flags()
	if len(args) == 1 {
		k.Algorithm = args[0]
	}
	if fl.Changed("jwks") {
		alg, err := readJWKSFlag(cmd, opts)
		if err != nil {
			return err
		}
		// Hydra enforces RS256 on a private_key_jwt client without a
		// signing alg: take the keys' own, when they agree on one.
		if m, _ := fl.GetString("token-endpoint-auth-method"); m == "private_key_jwt" && alg != "" && !fl.Changed("token-endpoint-auth-signing-alg") {
			if err := fl.Set("token-endpoint-auth-signing-alg", alg); err != nil {
				return err
			}
			fmt.Fprintf(opts.IO.ErrOut, "note: token_endpoint_auth_signing_alg is %s, the alg of the --jwks keys\n", alg)
		}
	}
	if !fl.Changed("generate-key") {
		if k.PrivateKeyOut != "" {
			return cmdutil.FlagErrorf("--private-key-out needs --generate-key")
		}
		return nil
	}
	if !slices.Contains(jwkey.SigningAlgorithms, k.Algorithm) {
		return cmdutil.FlagErrorf("unknown --generate-key algorithm %q: valid ones are %s", k.Algorithm, strings.Join(jwkey.SigningAlgorithms, ", "))
	}
	switch k.PrivateKeyOut {
	case "":
		return cmdutil.FlagErrorf("--generate-key needs --private-key-out FILE: the private key exists nowhere else")
	case "-":
		return cmdutil.FlagErrorf("--private-key-out needs a file: stdout carries the new client")
	}
	if _, err := os.Lstat(k.PrivateKeyOut); err == nil {
		return cmdutil.FlagErrorf("--private-key-out %s exists: the private key is never written over a file; choose another path", k.PrivateKeyOut)
	}
	for _, f := range []string{"token-endpoint-auth-method", "token-endpoint-auth-signing-alg"} {
		want := map[string]string{"token-endpoint-auth-method": "private_key_jwt", "token-endpoint-auth-signing-alg": k.Algorithm}[f]
		if v, _ := fl.GetString(f); fl.Changed(f) && v != want {
			return cmdutil.FlagErrorf("--%s %s contradicts --generate-key, which sets %s", f, v, want)
		}
	}
	// The client authenticates with its key: no secret, not even one left
	// in the environment.
	opts.Secret.Env = ""
	var err error
	if k.key, err = jwkey.GenerateSigningKey(k.Algorithm); err != nil {
		return err
	}
	return nil
}

// readJWKSFlag lets --jwks name a file, or stdin with "-", and refuses a
// key set that holds private keys, whose place is not the server.
func readJWKSFlag(cmd *cobra.Command, opts *Options) (string, error) {
	v, _ := cmd.Flags().GetString("jwks")
	name, data := "--jwks", []byte(v)
	if t := strings.TrimSpace(v); !strings.HasPrefix(t, "{") {
		name = t
		var err error
		switch {
		case t == "-" && (opts.File == "-" || opts.Secret.File == "-"):
			return "", cmdutil.FlagErrorf("only one of --jwks, --file and --secret-file can read stdin")
		case t == "-":
			name = "stdin"
			data, err = io.ReadAll(io.LimitReader(opts.IO.In, api.MaxBodySize))
		default:
			data, err = os.ReadFile(t)
		}
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", cmdutil.FlagErrorf("--jwks: reading %s: %w", name, err)
		}
	}
	set, alg, err := jwkey.ReadPublicSet(name, data)
	if err != nil {
		if ke := (*jwkey.KindError)(nil); errors.As(err, &ke) && ke.Got == jwkey.Private {
			err = fmt.Errorf("%w: register only the public keys; 'hydra keys get --format json' prints a set's public keys", err)
		}
		return "", cmdutil.FlagErrorWrap(fmt.Errorf("--jwks: %w", err))
	}
	return alg, cmd.Flags().Set("jwks", string(set))
}

// apply sets the fields of a private_key_jwt client with the generated key.
func (k *KeyOptions) apply(d shared.Doc) error {
	if k.key == nil {
		return nil
	}
	set, err := jwkey.PublicSet(k.key)
	if err != nil {
		return err
	}
	d["jwks"] = set
	d.Set("token_endpoint_auth_method", "private_key_jwt")
	d.Set("token_endpoint_auth_signing_alg", k.Algorithm)
	// Hydra gives every client without one a secret, which would be shown
	// and warned about, and would work if the auth method were changed
	// later. A random one that is sent and then forgotten leaves no usable
	// secret anywhere.
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	d.Set("client_secret", base64.RawURLEncoding.EncodeToString(b))
	return nil
}

// run writes the private key, then runs the creation. When the server
// refused the client, the key file goes again; when the client may exist,
// the key stays, since it is the client's only credential.
func (k *KeyOptions) run(ctx context.Context, opts *Options, create func(context.Context, *Options) error) error {
	if k.key == nil {
		return create(ctx, opts)
	}
	remove, err := jwkey.WritePrivateKey(k.PrivateKeyOut, k.key)
	if err != nil {
		return err
	}
	if err := create(ctx, opts); err != nil {
		var apiErr *api.Error
		if errors.As(err, &apiErr) || cmdutil.ExitCodeOf(err) == cmdutil.ExitUsage {
			_ = remove()
		} else {
			fmt.Fprintf(opts.IO.ErrOut, "note: the private key stays in %s, in case the client was created\n", k.PrivateKeyOut)
		}
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Wrote the private key (kid %s, %s) to %s; get a token with: hydra token client --client-id CLIENT_ID --private-key %s\n",
		k.key.KeyID, k.Algorithm, k.PrivateKeyOut, k.PrivateKeyOut)
	return nil
}
