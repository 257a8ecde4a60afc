package createmany

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
	"github.com/hydratoken/hydra/pkg/pgphelper"
	"github.com/hydratoken/hydra/pkg/pgpsecret"
	"github.com/hydratoken/hydra/pkg/pgpsecret/pgptest"
	"github.com/hydratoken/hydra/pkg/printer"
)

func recipient(t *testing.T, key pgptest.Key) *pgphelper.Recipient {
	t.Helper()
	f, _, _, _ := cmdtest.Factory(nil)
	fl := pgphelper.Flags{Key: key.Base64(), Helper: pgphelper.InProcess(pgpsecret.Main)}
	r, err := fl.Load(context.Background(), f, cmdutil.Connection{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// echoServer answers a create with the client sent, and the secret that
// secret returns for it.
func echoServer(t *testing.T, secret func(sent string) string) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc map[string]any
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &doc)
		sent, _ := doc["client_secret"].(string)
		if s := secret(sent); s != "" {
			doc["client_secret"] = s
		} else {
			delete(doc, "client_secret")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestSealAnswer: the output shows the encrypted secret of the client as
// the server holds it: the one sent, also when the answer leaves it out,
// or another that the server gave it, encrypted after the answer.
func TestSealAnswer(t *testing.T) {
	key := pgptest.NewKey(t)
	for name, c := range map[string]struct {
		answer func(sent string) string
		want   func(sent string) string
	}{
		"the secret sent":         {func(s string) string { return s }, func(s string) string { return s }},
		"no secret in the answer": {func(string) string { return "" }, func(s string) string { return s }},
		"another secret":          {func(string) string { return "server-chose-this" }, func(string) string { return "server-chose-this" }},
	} {
		t.Run(name, func(t *testing.T) {
			var sent string
			ts := echoServer(t, func(s string) string { sent = s; return c.answer(s) })
			res := runAgainst(t, context.Background(), ts.URL, Options{Encrypt: recipient(t, key), Format: format(t, "json")}, `{"client_name":"a"}`)
			if res.err != nil {
				t.Fatalf("%v\n%s", res.err, res.errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(res.out), &got); err != nil {
				t.Fatalf("%v\n%s", err, res.out)
			}
			secret, err := key.Decrypt(got["client_secret"].(string))
			if err != nil || secret != c.want(sent) {
				t.Errorf("decrypted %q, %v; want %q", secret, err, c.want(sent))
			}
			if strings.Contains(res.out+res.errOut, secret) {
				t.Errorf("the secret is shown in clear:\n%s\n%s", res.out, res.errOut)
			}
		})
	}
}

// TestSealV1: under Hydra v1's spellings the secret is encrypted in v1's
// encoding, base64 of the binary message.
func TestSealV1(t *testing.T) {
	key := pgptest.NewKey(t)
	ts := echoServer(t, func(s string) string { return s })
	res := runAgainst(t, context.Background(), ts.URL, Options{Encrypt: recipient(t, key), Style: printer.Style{HydraV1: true}, Format: format(t, "json")}, `{"client_name":"a"}`)
	if res.err != nil {
		t.Fatal(res.err)
	}
	var got map[string]any
	json.Unmarshal([]byte(res.out), &got)
	enc, _ := got["client_secret"].(string)
	if b, err := base64.StdEncoding.DecodeString(enc); err != nil || strings.HasPrefix(string(b), "-----") {
		t.Fatalf("want base64 of a binary message: %q", enc)
	}
	if _, err := key.Decrypt(enc); err != nil {
		t.Fatal(err)
	}
}

// TestSealPublicClient: a public client (token_endpoint_auth_method none)
// gets no secret, and none is shown, as with Hydra's CLI.
func TestSealPublicClient(t *testing.T) {
	key := pgptest.NewKey(t)
	var sent string
	ts := echoServer(t, func(s string) string { sent = s; return "" })
	res := runAgainst(t, context.Background(), ts.URL, Options{Encrypt: recipient(t, key), Format: format(t, "json")}, `{"token_endpoint_auth_method":"none"}`)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if sent != "" || strings.Contains(res.out, "client_secret") {
		t.Errorf("sent %q, printed:\n%s", sent, res.out)
	}
}

// TestSealAnswerFails: a secret that the server chose and that cannot be
// encrypted is shown in clear, with a warning, rather than lost.
func TestSealAnswerFails(t *testing.T) {
	it := Item{Doc: map[string]json.RawMessage{"client_secret": json.RawMessage(`"sent"`)}, sealed: "SEALED"}
	c := &api.OAuth2Client{ClientID: "c1", ClientSecret: "server-chose-this", Raw: json.RawMessage(`{"client_id":"c1","client_secret":"server-chose-this"}`)}
	var errOut strings.Builder
	sealAnswer(&errOut, func(string) (string, error) { return "", errors.New("no entropy") }, c, &it)
	if c.ClientSecret != "server-chose-this" || !strings.Contains(errOut.String(), "shown unencrypted") {
		t.Fatalf("secret %q, stderr %q", c.ClientSecret, errOut.String())
	}
	f, _, out, _ := cmdtest.Factory(nil)
	o := newOutput(Options{IO: f.IOStreams})
	if err := o.add(c, it); err != nil {
		t.Fatal(err)
	}
	if !o.created[0].generated || !strings.Contains(out.String(), "server-chose-this") {
		t.Errorf("the secret is not shown:\n%s", out.String())
	}
}

// TestSealV1Lines: under Hydra v1's spellings the encrypted secret has
// v1's own line, "OAuth 2.0 Encrypted Client Secret: ", for a secret made
// here (clients create, clients import); a secret the user gave is not
// shown, as in v1.
func TestSealV1Lines(t *testing.T) {
	key := pgptest.NewKey(t)
	ts := echoServer(t, func(s string) string { return s })
	v1 := printer.Style{HydraV1: true}
	res := runAgainst(t, context.Background(), ts.URL, Options{Encrypt: recipient(t, key), Style: v1, View: YAMLView}, `{"client_id":"c1"}`, `{"client_id":"c2","client_secret":"given-secret"}`)
	if res.err != nil {
		t.Fatal(res.err)
	}
	lines := strings.Split(res.out, "\n")
	enc, ok := strings.CutPrefix(lines[1], "OAuth 2.0 Encrypted Client Secret: ")
	if lines[0] != "OAuth 2.0 Client ID: c1" || !ok || lines[2] != "OAuth 2.0 Client ID: c2" || len(lines) != 4 {
		t.Fatalf("stdout:\n%s", res.out)
	}
	if _, err := key.Decrypt(enc); err != nil {
		t.Errorf("decrypting %q: %v", enc, err)
	}

	res = runAgainst(t, context.Background(), ts.URL, Options{Encrypt: recipient(t, key), Style: v1, View: ReportView}, `{"client_id":"c3"}`)
	if res.err != nil {
		t.Fatal(res.err)
	}
	lines = strings.Split(res.out, "\n")
	enc, ok = strings.CutPrefix(lines[1], "OAuth 2.0 Encrypted Client Secret: ")
	if lines[0] != "Imported OAuth 2.0 Client c3 from: f.json[0]" || !ok || lines[2] != "" {
		t.Fatalf("stdout:\n%s", res.out)
	}
	if _, err := key.Decrypt(enc); err != nil {
		t.Errorf("decrypting %q: %v", enc, err)
	}
}
