package update

import (
	"context"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/cmd/client/internal/clienttest"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/pgphelper"
	"github.com/hydratoken/hydra/pkg/pgpsecret"
	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
	"github.com/hydratoken/hydra/pkg/printer"
)

// TestUpdatePGPHydraV1: under Hydra v1's spelling, --pgp-key prints v1's
// line of the encrypted secret in place of the new secret, which is not
// shown in clear; it decrypts to the secret the server received.
func TestUpdatePGPHydraV1(t *testing.T) {
	key := pgptest.NewKey(t)
	srv := clienttest.New(t, existing())
	f, _, out, errOut := cmdtest.Factory(nil)
	err := cmdtest.Run(NewCmdUpdateStyled(f, func(ctx context.Context, o *Options) error {
		o.Admin.Conn = srv.Conn()
		o.PGP.Helper = pgphelper.InProcess(pgpsecret.Main)
		return updateRun(ctx, o)
	}, printer.Style{HydraV1: true}), "c1", "--secret", "new-secret-1", "--pgp-key", key.Base64())
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	lines := strings.Split(out.String(), "\n")
	enc, ok := strings.CutPrefix(lines[1], "OAuth 2.0 Encrypted Client Secret: ")
	if lines[0] != "c1 OAuth 2.0 Client updated" || !ok || len(lines) != 3 {
		t.Fatalf("stdout:\n%s", out)
	}
	if got, err := key.Decrypt(enc); err != nil || got != "new-secret-1" {
		t.Errorf("decrypted %q, %v", got, err)
	}
	sent := false
	for _, r := range srv.Requests() {
		sent = sent || (r.Method == "PATCH" && strings.Contains(r.Body, `"new-secret-1"`))
	}
	if !sent {
		t.Errorf("the new secret was not sent: %v", srv.Requests())
	}
	if strings.Contains(out.String()+errOut.String(), "new-secret-1") {
		t.Errorf("the secret is shown in clear:\n%s\n%s", out, errOut)
	}
}
