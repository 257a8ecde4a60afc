package create

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/pgphelper"
	"github.com/hydratoken/hydra/pkg/pgpsecret"
	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
)

func TestNewCmdCreatePGP(t *testing.T) {
	o, err := cmdtest.Options(NewCmdCreate, nil, "--pgp-key", "a2V5")
	if err != nil || o.PGP.Key != "a2V5" {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = cmdtest.Options(NewCmdCreate, nil, "--pgp-key-url", "https://k/k.asc")
	if err != nil || o.PGP.KeyURL != "https://k/k.asc" {
		t.Fatalf("%+v %v", o, err)
	}
	o, err = cmdtest.Options(NewCmdCreate, nil, "--keybase", "alice")
	if err != nil || o.PGP.Keybase != "alice" || o.PGP.KeybaseURL != "" {
		t.Fatalf("%+v %v", o, err)
	}
	_, err = cmdtest.Options(NewCmdCreate, nil, "--keybase", "alice", "--pgp-key", "a2V5")
	cmdtest.WantUsageError(t, err, "give only one of")
	_, err = cmdtest.Options(NewCmdCreate, nil, "--generate-key", "--private-key-out", "k.json", "--pgp-key", "a2V5")
	cmdtest.WantUsageError(t, err, "give only one of")
}

// TestCreatePGP: the secret is made here and encrypted before the client
// is sent; the output carries the encrypted secret where it carries a
// generated one, and it decrypts to the secret the server received.
func TestCreatePGP(t *testing.T) {
	key := pgptest.NewKey(t)
	srv := clienttest.New(t)
	out, errOut, err := runPGP(t, srv, "", "-g", "client_credentials", "--pgp-key", key.Base64())
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	sent := posted(t, srv)
	if len(sent) != 1 {
		t.Fatalf("sent %v", sent)
	}
	secret, _ := sent[0]["client_secret"].(string)
	if len(secret) < 32 {
		t.Fatalf("the secret sent is made here, and strong: %q", secret)
	}
	var enc string
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "client_secret: "); ok {
			enc = v
		}
	}
	got, err := key.Decrypt(enc)
	if err != nil || got != secret {
		t.Fatalf("decrypted %q, %v; want the secret sent\n%s", got, err, out)
	}
	if strings.Contains(out+errOut, secret) {
		t.Errorf("the secret is shown in clear:\n%s\n%s", out, errOut)
	}

	// A file of clients: each gets its own secret; a secret the file
	// gives is encrypted as it is.
	file := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(file, []byte(`[{"client_name":"a"},{"client_name":"b","client_secret":"file-secret"}]`), 0o600)
	out, errOut, err = runPGP(t, srv, "", "--file", file, "--pgp-key", key.Base64(), "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var cs []map[string]any
	if err := json.Unmarshal([]byte(out), &cs); err != nil || len(cs) != 2 {
		t.Fatalf("%v\n%s", err, out)
	}
	sent = posted(t, srv)[1:]
	for i, c := range cs {
		got, err := key.Decrypt(c["client_secret"].(string))
		if err != nil || got != sent[i]["client_secret"] {
			t.Errorf("client %d: decrypted %q, %v; sent %v", i, got, err, sent[i]["client_secret"])
		}
	}
	if sent[1]["client_secret"] != "file-secret" || sent[0]["client_secret"] == sent[1]["client_secret"] {
		t.Errorf("sent %v", sent)
	}
}

// TestCreatePGPUnusableKey: a key that cannot encrypt sends nothing.
func TestCreatePGPUnusableKey(t *testing.T) {
	srv := clienttest.New(t)
	_, errOut, err := runPGP(t, srv, "", "-g", "client_credentials", "--pgp-key", pgptest.NewSigningOnlyKey(t).Base64())
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "cannot encrypt") {
		t.Fatalf("error %v, want a usage error saying the key cannot encrypt\n%s", err, errOut)
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("requests were sent: %v", srv.Requests())
	}
}

// runPGP is run with hydra-pgp's main answering in-process.
func runPGP(t *testing.T, srv *clienttest.Server, stdin string, args ...string) (string, string, error) {
	t.Helper()
	f, in, out, errOut := cmdtest.Factory(nil)
	in.WriteString(stdin)
	cmd := NewCmdCreate(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		o.PGP.Helper = pgphelper.InProcess(pgpsecret.Main)
		return createRun(ctx, o)
	})
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmdtest.Run(cmd, args...)
	return out.String(), errOut.String(), err
}

// TestCreatePGPNoHelper: without hydra-pgp, the command says what is
// missing and how to get it, and sends nothing.
func TestCreatePGPNoHelper(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	srv := clienttest.New(t)
	_, _, err := run(t, srv, "", "-g", "client_credentials", "--pgp-key", pgptest.NewKey(t).Base64())
	if cmdutil.ExitCodeOf(err) != cmdutil.ExitFailure || !strings.Contains(fmt.Sprint(err), "--pgp-key needs hydra-pgp") || !strings.Contains(fmt.Sprint(err), "go install github.com/hydratoken/hydra/cmd/hydra-pgp@latest") {
		t.Fatalf("error %v, want exit 1 naming hydra-pgp and how to install it", err)
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("requests were sent: %v", srv.Requests())
	}
}
