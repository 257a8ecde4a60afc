package tokencache

import (
	"strings"
	"testing"
	"time"
)

func TestKeyNormalizeAndID(t *testing.T) {
	a := Key{Issuer: "HTTP://127.0.0.1:4444/oauth2/token", ClientID: "c", Grant: "client_credentials", Scopes: []string{"b", "a b", "a"}, Audience: []string{"y x"}}
	b := Key{Issuer: "http://127.0.0.1:4444/oauth2/token", ClientID: " c ", Grant: "client_credentials", Scopes: []string{"a", "b"}, Audience: []string{"x", "y"}}
	if a.ID() != b.ID() {
		t.Fatalf("equivalent keys have different IDs: %s %s", a.ID(), b.ID())
	}
	n := a.Normalize()
	if strings.Join(n.Scopes, " ") != "a b" || strings.Join(n.Audience, " ") != "x y" || n.Issuer != "http://127.0.0.1:4444/oauth2/token" {
		t.Fatalf("normalised key: %+v", n)
	}
	for name, k := range map[string]Key{
		"issuer":     {Issuer: "http://127.0.0.1:4445/oauth2/token", ClientID: "c", Grant: "client_credentials", Scopes: []string{"a", "b"}, Audience: []string{"x", "y"}},
		"client":     {Issuer: b.Issuer, ClientID: "d", Grant: b.Grant, Scopes: b.Scopes, Audience: b.Audience},
		"grant":      {Issuer: b.Issuer, ClientID: "c", Grant: "authorization_code", Scopes: b.Scopes, Audience: b.Audience},
		"scopes":     {Issuer: b.Issuer, ClientID: "c", Grant: b.Grant, Scopes: []string{"a"}, Audience: b.Audience},
		"audience":   {Issuer: b.Issuer, ClientID: "c", Grant: b.Grant, Scopes: b.Scopes},
		"subject":    {Issuer: b.Issuer, ClientID: "c", Grant: b.Grant, Scopes: b.Scopes, Audience: b.Audience, Subject: "alice"},
		"extra":      {Issuer: b.Issuer, ClientID: "c", Grant: b.Grant, Scopes: b.Scopes, Audience: b.Audience, Extra: map[string]string{"assertion_issuer": "ci"}},
		"credential": {Issuer: b.Issuer, ClientID: "c", Grant: b.Grant, Scopes: b.Scopes, Audience: b.Audience, Credential: "other secret"},
	} {
		if k.ID() == b.ID() {
			t.Errorf("a key with another %s has the same ID", name)
		}
	}
	if len(b.ID()) != 32 {
		t.Errorf("ID %q: want 32 hex digits", b.ID())
	}
}

func TestKeyCredentialNeverStored(t *testing.T) {
	c := newTestCache(t, StorageDisk)
	key := testKey()
	key.Credential = "s3cret-value"
	res, err := c.Get(t.Context(), Request{Key: key, MinTTL: -1, Grant: grantN(t, new(int), time.Hour, false, c)})
	if err != nil || res.Source != FromGrant {
		t.Fatal(res, err)
	}
	b := readAll(t, c.Dir())
	if strings.Contains(b, "s3cret-value") {
		t.Fatalf("the credential is stored in clear:\n%s", b)
	}
}

func TestFreshFor(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := func(life, left time.Duration) *Token {
		return &Token{AccessToken: "a", ObtainedAt: now.Add(left - life), Expiry: now.Add(left)}
	}
	for _, tc := range []struct {
		name      string
		tok       *Token
		minTTL    time.Duration
		wantFresh bool
	}{
		{"hour token, 30m left", tok(time.Hour, 30*time.Minute), -1, true},
		{"hour token, 61s left", tok(time.Hour, 61*time.Second), -1, true},
		{"hour token, 59s left: inside the 60s margin", tok(time.Hour, 59*time.Second), -1, false},
		{"2m token, 13s left: margin is 10% = 12s", tok(2*time.Minute, 13*time.Second), -1, true},
		{"2m token, 11s left", tok(2*time.Minute, 11*time.Second), -1, false},
		{"--min-ttl 10m with 9m left", tok(time.Hour, 9*time.Minute), 10 * time.Minute, false},
		{"--min-ttl 0 with 1s left", tok(time.Hour, time.Second), 0, true},
		{"expired", tok(time.Hour, -time.Second), 0, false},
		{"no expiry", &Token{AccessToken: "a", ObtainedAt: now}, 0, false},
		{"nil", nil, 0, false},
	} {
		if got := tc.tok.FreshFor(now, tc.minTTL); got != tc.wantFresh {
			t.Errorf("%s: fresh = %v, want %v", tc.name, got, tc.wantFresh)
		}
	}
}

func TestParseResponseAndResponseAt(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	raw := `{"access_token":"at","expires_in":3599,"id_token":"idt","refresh_token":"rt","scope":"offline","token_type":"bearer","x_unknown":{"expires_in":1}}`
	tok, err := ParseResponse([]byte(raw), now)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at" || tok.RefreshToken != "rt" || tok.IDToken != "idt" || tok.TokenType != "bearer" || !tok.Expiry.Equal(now.Add(3599*time.Second)) {
		t.Fatalf("parsed %+v", tok)
	}
	if got := string(tok.ResponseAt(now)); got != raw {
		t.Errorf("at once, the response should be unchanged:\n%s", got)
	}
	want := strings.Replace(raw, `"expires_in":3599`, `"expires_in":3499`, 1)
	if got := string(tok.ResponseAt(now.Add(100 * time.Second))); got != want {
		t.Errorf("100s later:\n got %s\nwant %s", got, want)
	}
	spaced := "{\n  \"access_token\": \"at\",\n  \"expires_in\" :  60 ,\n  \"token_type\": \"bearer\"\n}"
	tok, _ = ParseResponse([]byte(spaced), now)
	if got := string(tok.ResponseAt(now.Add(20 * time.Second))); got != strings.Replace(spaced, "60", "40", 1) {
		t.Errorf("spaced JSON:\n%s", got)
	}
	tok, _ = ParseResponse([]byte(`{"access_token":"at","expires_in":"60"}`), now)
	if !tok.Expiry.Equal(now.Add(time.Minute)) {
		t.Errorf("string expires_in: expiry %v", tok.Expiry)
	}
	for _, bad := range []string{`[]`, `{"expires_in":1}`, `nope`} {
		if _, err := ParseResponse([]byte(bad), now); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}
