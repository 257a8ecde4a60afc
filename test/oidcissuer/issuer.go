// Package oidcissuer is a small OpenID Connect issuer for tests, such as a
// CI system's: it serves discovery and a JWK set on loopback, signs ID
// tokens, rotates its keys, and stands in for GitHub Actions' ID token
// endpoint.
package oidcissuer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// GitHubPath is where the GitHub Actions stand-in answers.
const GitHubPath = "/_apis/actionstoken/idtoken"

// Issuer is a running test issuer.
type Issuer struct {
	// URL is the issuer: the iss of its tokens, and where its discovery
	// document is.
	URL string

	srv *httptest.Server

	mu        sync.Mutex
	keys      map[string]*ecdsa.PrivateKey
	published []string // kids in the JWK set, newest last
	n         int

	// github is the stand-in's request token and the sub of its tokens.
	githubToken, githubSub string
	// GitHubRequests counts the stand-in's answered requests.
	githubRequests int
}

// Start starts an issuer on 127.0.0.1 with one key. Close stops it.
func Start() (*Issuer, error) {
	i := &Issuer{keys: map[string]*ecdsa.PrivateKey{}}
	if _, err := i.addKey(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", i.discovery)
	mux.HandleFunc("GET /.well-known/jwks.json", i.jwks)
	mux.HandleFunc("GET "+GitHubPath, i.github)
	// The URL is set before the server starts, since its handlers read it
	// and the requests come from other processes, with no ordering the
	// race detector could see.
	i.srv = httptest.NewUnstartedServer(mux)
	i.URL = "http://" + i.srv.Listener.Addr().String()
	i.srv.Start()
	return i, nil
}

// Close stops the issuer.
func (i *Issuer) Close() { i.srv.Close() }

func (i *Issuer) addKey() (string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	i.n++
	kid := fmt.Sprintf("key-%d-%d", i.n, time.Now().UnixNano()%100000)
	i.keys[kid] = k
	i.published = append(i.published, kid)
	return kid, nil
}

// KIDs returns the IDs of the published keys, oldest first.
func (i *Issuer) KIDs() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return slices.Clone(i.published)
}

// Rotate publishes a new key and withdraws the old ones, as an issuer does
// after a rotation. Tokens can still be signed with a withdrawn key, to
// show that it is no longer trusted. It returns the new key's ID.
func (i *Issuer) Rotate() (string, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	kid, err := i.addKey()
	if err != nil {
		return "", err
	}
	i.published = []string{kid}
	return kid, nil
}

// PrivateJWK returns a key as a private JWK with its kid, for a command that
// signs its own assertions.
func (i *Issuer) PrivateJWK(kid string) string {
	i.mu.Lock()
	defer i.mu.Unlock()
	b, err := json.Marshal(jose.JSONWebKey{Key: i.keys[kid], KeyID: kid, Algorithm: string(jose.ES256), Use: "sig"})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Token signs an ID token with the newest published key: iss is the
// issuer, with sub and aud, a fresh jti, and five minutes of life.
func (i *Issuer) Token(sub, aud string) string {
	kids := i.KIDs()
	return i.SignWith(kids[len(kids)-1], map[string]any{"sub": sub, "aud": aud})
}

// SignWith signs claims with the key kid, adding iss, iat, exp and jti
// where claims has none.
func (i *Issuer) SignWith(kid string, claims map[string]any) string {
	i.mu.Lock()
	key := i.keys[kid]
	i.mu.Unlock()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		panic(err)
	}
	jti := make([]byte, 16)
	_, _ = rand.Read(jti)
	now := time.Now()
	all := map[string]any{"iss": i.URL, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": base64.RawURLEncoding.EncodeToString(jti)}
	for k, v := range claims {
		all[k] = v
	}
	s, err := jwt.Signed(signer).Claims(all).Serialize()
	if err != nil {
		panic(err)
	}
	return s
}

func (i *Issuer) discovery(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer":                                i.URL,
		"jwks_uri":                              i.URL + "/.well-known/jwks.json",
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"ES256"},
	})
}

func (i *Issuer) jwks(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	var set jose.JSONWebKeySet
	for _, kid := range i.published {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: i.keys[kid].Public(), KeyID: kid, Algorithm: string(jose.ES256), Use: "sig"})
	}
	i.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

// GitHub sets up the GitHub Actions stand-in: with "Authorization: bearer
// requestToken" and an audience parameter, it answers {"value": token},
// a token for sub with that audience. It returns what a job's
// ACTIONS_ID_TOKEN_REQUEST_URL holds.
func (i *Issuer) GitHub(requestToken, sub string) string {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.githubToken, i.githubSub = requestToken, sub
	return i.URL + GitHubPath + "?api-version=2.0"
}

// GitHubRequests returns how many tokens the stand-in handed out.
func (i *Issuer) GitHubRequests() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.githubRequests
}

func (i *Issuer) github(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	want, sub := i.githubToken, i.githubSub
	i.mu.Unlock()
	// GitHub's runner sends the scheme in lower case; accept either.
	got := r.Header.Get("Authorization")
	if want == "" || (got != "bearer "+want && got != "Bearer "+want) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"Bad credentials"}`))
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		http.Error(w, "api-version is required", http.StatusBadRequest)
		return
	}
	aud := r.URL.Query().Get("audience")
	if aud == "" {
		http.Error(w, "this stand-in wants an audience", http.StatusBadRequest)
		return
	}
	tok := i.Token(sub, aud)
	i.mu.Lock()
	i.githubRequests++
	i.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"value": tok})
}
