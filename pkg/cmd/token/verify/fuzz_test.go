package verify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
)

// fuzzJWKS is the public half of the ES256 key that signed the valid seeds
// in testdata/fuzz/FuzzVerify; its private half was thrown away.
const fuzzJWKS = `{"keys":[{"use":"sig","kty":"EC","kid":"fuzz","crv":"P-256","alg":"ES256","x":"-9r00U7215mk200meCEqbWXYx8r4jc-t0DmfFoTCNUA","y":"4mEF-3xvZdOe0fWxlcQbilo1QtlJ52d2jzb_wPno_D4"}]}`

// FuzzVerify runs any string through the stream's path for one token:
// parsing, the signature, the claim checks and the result line. It must
// either be valid, with a result that is one line of JSON holding the
// signed claims, or invalid with a reason that is one printable line; a
// token whose kid the keys lack costs at most one reload.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	f.Fuzz(func(t *testing.T, token string) {
		loads := 0
		ks := shared.NewKeySet("the fuzz keys", func(context.Context) ([]byte, error) {
			loads++
			return []byte(fuzzJWKS), nil
		})
		if err := ks.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		v := &verifier{keys: ks, now: func() time.Time { return now }, checks: checks{
			issuer: "https://issuer.example", leeway: time.Minute, audiences: []string{"api", "c"}, scopes: nil,
		}}
		claims, err := v.verify(context.Background(), token)
		if loads > 2 {
			t.Fatalf("the keys were loaded %d times", loads)
		}
		o := outcome{claims: claims}
		if err != nil {
			var inv *shared.InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("not an InvalidError: %v", err)
			}
			if claims != nil {
				t.Fatal("claims with an error")
			}
			if strings.Contains(inv.Reason, "\n") || strings.ContainsFunc(inv.Reason, unicode.IsControl) {
				t.Fatalf("reason %q is not one clean line", inv.Reason)
			}
			o.reason = inv.Reason
		} else if !strings.HasPrefix(token, "eyJhbGciOiJFUzI1NiIsImtpZCI6ImZ1enoi") {
			// Only the seeds were signed, and all with this header.
			t.Fatalf("verified a token that the key did not sign: %q", token)
		}
		line, err := appendResult(nil, 7, o)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(string(line), "\r\n") || !json.Valid(line) {
			t.Fatalf("result is not one line of JSON: %q", line)
		}
		var res struct {
			Index  int             `json:"index"`
			Valid  bool            `json:"valid"`
			Claims json.RawMessage `json:"claims"`
		}
		if err := json.Unmarshal(line, &res); err != nil || res.Index != 7 || res.Valid != (claims != nil) {
			t.Fatalf("result %s: %v", line, err)
		}
	})
}
