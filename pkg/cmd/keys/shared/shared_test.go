package shared

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
)

func keysOf(t *testing.T, set string, ks ...jose.JSONWebKey) []Key {
	t.Helper()
	var out []Key
	for _, k := range ks {
		b, err := k.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Key{Set: set, Raw: b})
	}
	return out
}

func TestPrint(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keys := keysOf(t, "s",
		jose.JSONWebKey{Key: ec, KeyID: "ec", Algorithm: "ES256", Use: "sig"},
		jose.JSONWebKey{Key: []byte("0123456789abcdef0123456789abcdef"), KeyID: "hmac", Algorithm: "HS256", Use: "sig"},
	)
	d := keys[0].Raw

	print := func(o OutputFlags, tty bool) (string, string, error) {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(tty)
		err := Print(ios, keys, o)
		return out.String(), errOut.String(), err
	}

	out, errOut, err := print(OutputFlags{}, true)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(out), &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["kid"] != "ec" {
		t.Fatalf("public output: %v\n%s", err, out)
	}
	if _, ok := set.Keys[0]["d"]; ok || strings.Contains(out, `"k"`) {
		t.Errorf("private material printed without --private:\n%s", out)
	}
	if !strings.Contains(errOut, `"hmac"`) || !strings.Contains(errOut, "symmetric") || strings.Contains(errOut, "warning") {
		t.Errorf("stderr should note the symmetric key left out, and warn of nothing: %q", errOut)
	}

	out, errOut, err = print(OutputFlags{Private: true, Format: printer.Format{Name: printer.JSON}}, true)
	if err != nil || !strings.Contains(out, string(d[:10])) || !strings.Contains(out, `"d":`) || !strings.Contains(out, `"k":`) {
		t.Fatalf("--private: %v\n%s", err, out)
	}
	if !strings.Contains(errOut, "warning: printing private keys to the terminal") {
		t.Errorf("private keys to a terminal need a warning: %q", errOut)
	}
	_, errOut, _ = print(OutputFlags{Private: true}, false)
	if errOut != "" {
		t.Errorf("private keys to a file need no warning: %q", errOut)
	}

	out, _, err = print(OutputFlags{PEM: true}, false)
	if err != nil || strings.Count(out, "BEGIN PUBLIC KEY") != 1 || strings.Contains(out, "PRIVATE") {
		t.Fatalf("pem: %v\n%s", err, out)
	}
	block, _ := pem.Decode([]byte(out))
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil || !pub.(*ecdsa.PublicKey).Equal(&ec.PublicKey) {
		t.Errorf("the PEM is not the key's public key: %v", err)
	}
	out, errOut, err = print(OutputFlags{PEM: true, Private: true}, true)
	if err != nil || !strings.Contains(out, "BEGIN PRIVATE KEY") || !strings.Contains(errOut, "warning") {
		t.Fatalf("pem --private: %v\n%s\n%s", err, out, errOut)
	}

	out, _, err = print(OutputFlags{Format: printer.Format{Name: printer.Table}}, false)
	if err != nil || !strings.HasPrefix(out, "SET ID") || !strings.Contains(out, "ES256") {
		t.Fatalf("table: %v\n%s", err, out)
	}
}

func TestOutputFlagsParse(t *testing.T) {
	o := OutputFlags{format: "pem"}
	if err := o.Parse(); err != nil || !o.PEM {
		t.Fatalf("pem: %v %v", err, o.PEM)
	}
	o = OutputFlags{format: "nope"}
	if err := o.Parse(); err == nil || !strings.Contains(err.Error(), "pem, json") {
		t.Fatalf("unknown format: %v", err)
	}
}

func TestCompleteKeyIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin/keys/s" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"keys":[{"kid":"k1","alg":"ES256","use":"sig"},{"kid":"k2\u001b[31m"},{"kid":"other","alg":"RS256"}]}`))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	c := &api.Client{HTTP: srv.Client(), Endpoint: api.Endpoint{BaseURL: u, Kind: api.Admin}}
	got := CompleteKeyIDs(context.Background(), c, []string{"s"}, "k")
	if len(got) != 1 || got[0] != "k1\tES256 sig" {
		t.Errorf("completions: %q", got)
	}
	if got := CompleteKeyIDs(context.Background(), c, nil, ""); got != nil {
		t.Errorf("no set, no completions: %q", got)
	}
	if got := CompleteKeyIDs(context.Background(), c, []string{"missing"}, ""); got != nil {
		t.Errorf("a missing set offers nothing: %q", got)
	}
}

// New private keys asked for with --private are not lost to a selector that
// misses or leaves them out: the key set goes to stderr, through the
// once-shown path. Keys fetched again (keys get) print as asked.
func TestPrintKeepsNewPrivateKeys(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keys := keysOf(t, "s", jose.JSONWebKey{Key: ec, KeyID: "ec", Algorithm: "ES256", Use: "sig"})
	d := gjsonString(t, keys[0].Raw, "d")
	for _, tc := range []struct {
		format  string
		new     bool
		wantErr bool
		shown   bool
	}{
		{"jsonpath=$.keys[0].kid", true, false, true},
		{"jsonpath=$.nope", true, true, true},
		{"table", true, false, true},
		{"json", true, false, false},
		{"jsonpath=$.keys[0].d", true, false, false},
		{"jsonpath=$.keys[0].kid", false, false, false},
	} {
		format, err := printer.ParseFormat(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		ios, _, _, errOut := iostreams.Test()
		err = Print(ios, keys, OutputFlags{Format: format, Private: true, New: tc.new})
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err = %v", tc.format, err)
		}
		if got := strings.Contains(errOut.String(), d) && strings.Contains(errOut.String(), "shown only once"); got != tc.shown {
			t.Errorf("%s (new %v): private key on stderr %v, want %v:\n%s", tc.format, tc.new, got, tc.shown, errOut)
		}
	}
}

func gjsonString(t *testing.T, raw []byte, key string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	s, _ := m[key].(string)
	if s == "" {
		t.Fatalf("no %s in %s", key, raw)
	}
	return s
}

// Under Hydra v2's spellings, keys print in Hydra's shapes: get of one key
// is that JWK object (private part included) and a vertical table, -q the
// set's name; several keys, or create's, are {"set":...,"keys":[...]} and
// a horizontal table whose rows have Hydra's three empty cells.
func TestPrintHydra(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	one := keysOf(t, "s", jose.JSONWebKey{Key: ec, KeyID: "k1", Algorithm: "ES256", Use: "sig"})
	two := append(keysOf(t, "s", jose.JSONWebKey{Key: ec, KeyID: "k1", Algorithm: "ES256", Use: "sig"}),
		keysOf(t, "t", jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "k2", Algorithm: "ES256", Use: "enc"})...)
	style := printer.Style{HydraTable: true, HydraPaths: true}
	print := func(keys []Key, shape HydraShape, format string, flags ...string) string {
		t.Helper()
		o := OutputFlags{Style: style, Shape: shape, format: format}
		for _, f := range flags {
			switch f {
			case "-q":
				o.Quiet = true
			case "--public":
				o.public = true
			}
		}
		if err := o.Parse(); err != nil {
			t.Fatal(err)
		}
		ios, _, out, _ := iostreams.Test()
		if err := Print(ios, keys, o); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	for _, tc := range []struct {
		name, got, want string
	}{
		{"get one", print(one, HydraGet, ""), "SET ID\t\ts\t\nKEY ID\t\tk1\t\nALGORITHM\tES256\t\nUSE\t\tsig\t\n"},
		{"get one -q", print(one, HydraGet, "", "-q"), "s\n"},
		{"get one jsonpath miss", print(one, HydraGet, "jsonpath=keys.0.kty"), "null\n"},
		{"get one jsonpath", print(one, HydraGet, "jsonpath=kid"), "\"k1\"\n"},
		{"get two", print(two, HydraGet, "table"), "SET ID\tKEY ID\tALGORITHM\tUSE\t\n\tk1\tES256\t\tsig\t\t\t\t\n\tk2\tES256\t\tenc\t\t\t\t\n"},
		{"get two -q", print(two, HydraGet, "", "-q"), "k1\nk2\n"},
		{"get two jsonpath", print(two, HydraGet, "jsonpath=set"), "\"\"\n"},
		{"create", print(one, HydraSet, ""), "SET ID\tKEY ID\tALGORITHM\tUSE\t\ns\tk1\tES256\t\tsig\t\t\t\t\n"},
		{"create -q", print(one, HydraSet, "", "-q"), "k1\n"},
		{"create jsonpath", print(one, HydraSet, "jsonpath=set"), "\"s\"\n"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s:\n%q\nwant\n%q", tc.name, tc.got, tc.want)
		}
	}
	var k map[string]any
	if err := json.Unmarshal([]byte(print(one, HydraGet, "json")), &k); err != nil || k["kid"] != "k1" || k["d"] == nil {
		t.Errorf("get one, json: the JWK object with its private part: %v %v", err, k)
	}
	var pub map[string]any
	if err := json.Unmarshal([]byte(print(one, HydraGet, "json", "--public")), &pub); err != nil || pub["kid"] != "k1" || pub["d"] != nil {
		t.Errorf("--public: no private part: %v %v", err, pub)
	}
	var set struct {
		Set  *string          `json:"set"`
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(print(two, HydraGet, "json")), &set); err != nil || set.Set == nil || *set.Set != "" || len(set.Keys) != 2 {
		t.Errorf("get two, json: {\"set\":\"\",\"keys\":[...]}: %v %+v", err, set)
	}
}
