package reliability

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/hydratoken/hydra/pkg/api"
)

// The stub issuer's signing key, made once: ES256 keeps it fast.
var (
	keyOnce    sync.Once
	signingKey *ecdsa.PrivateKey
)

const keyID = "stub-key-1"

func issuerKey() *ecdsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		signingKey = k
	})
	return signingKey
}

// signedJWT is a token the stub issuer signed, with iss and the extra
// claims.
func signedJWT(iss string, extra map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: issuerKey()},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keyID))
	if err != nil {
		panic(err)
	}
	now := time.Now()
	claims := map[string]any{"iss": iss, "sub": "alice", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for k, v := range extra {
		claims[k] = v
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		panic(err)
	}
	return s
}

func jwksJSON() []byte {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: issuerKey().Public(), KeyID: keyID, Algorithm: string(jose.ES256), Use: "sig"}}}
	b, err := json.Marshal(set)
	if err != nil {
		panic(err)
	}
	return b
}

// jwksHandler serves the stub issuer's keys at every path.
func jwksHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwksJSON())
	})
}

// userFlowHandler is a stub Hydra public (and admin) API for one run of
// token user --headless: discovery, keys, an authorization request that
// redirects straight back with a code (no login or consent to accept), and
// a token endpoint whose ID token carries the nonce sent.
func userFlowHandler() http.Handler {
	var mu sync.Mutex
	var nonce, scope string
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		iss := scheme + "://" + r.Host
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case discoveryPath:
			_ = json.NewEncoder(w).Encode(map[string]any{
				"issuer":                                iss,
				"authorization_endpoint":                iss + "/oauth2/auth",
				"token_endpoint":                        iss + "/oauth2/token",
				"jwks_uri":                              iss + jwksPath,
				"response_types_supported":              []string{"code"},
				"subject_types_supported":               []string{"public"},
				"id_token_signing_alg_values_supported": []string{"ES256"},
			})
		case jwksPath:
			_, _ = w.Write(jwksJSON())
		case "/oauth2/auth":
			q := r.URL.Query()
			mu.Lock()
			nonce, scope = q.Get("nonce"), q.Get("scope")
			mu.Unlock()
			back, err := url.Parse(q.Get("redirect_uri"))
			if err != nil {
				http.Error(w, "bad redirect_uri", http.StatusBadRequest)
				return
			}
			back.RawQuery = url.Values{"code": {secretCode}, "state": {q.Get("state")}, "scope": {q.Get("scope")}}.Encode()
			http.Redirect(w, r, back.String(), http.StatusFound)
		case "/oauth2/token":
			_ = r.ParseForm()
			mu.Lock()
			n, openid := nonce, slices.Contains(strings.Fields(scope), "openid")
			mu.Unlock()
			resp := map[string]any{"access_token": "at-result", "token_type": "bearer", "expires_in": 3600, "refresh_token": "rt-result"}
			if openid {
				resp["id_token"] = signedJWT(iss, map[string]any{"aud": "app", "nonce": n})
			}
			_ = json.NewEncoder(w).Encode(resp)
		default:
			http.NotFound(w, r)
		}
	})
}

// deviceFlowHandler answers a whole device flow (RFC 8628): discovery,
// keys, the device authorization request, and a token endpoint that issues
// tokens at the first poll (after the one-second interval it asks for).
func deviceFlowHandler() http.Handler {
	var mu sync.Mutex
	var scope string
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		iss := scheme + "://" + r.Host
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case discoveryPath:
			_ = json.NewEncoder(w).Encode(map[string]any{
				"issuer":                                iss,
				"authorization_endpoint":                iss + "/oauth2/auth",
				"device_authorization_endpoint":         iss + "/oauth2/device/auth",
				"token_endpoint":                        iss + "/oauth2/token",
				"jwks_uri":                              iss + jwksPath,
				"response_types_supported":              []string{"code"},
				"subject_types_supported":               []string{"public"},
				"id_token_signing_alg_values_supported": []string{"ES256"},
			})
		case jwksPath:
			_, _ = w.Write(jwksJSON())
		case "/oauth2/device/auth":
			_ = r.ParseForm()
			mu.Lock()
			scope = r.PostForm.Get("scope")
			mu.Unlock()
			_ = json.NewEncoder(w).Encode(map[string]any{"device_code": secretCode, "user_code": "ABCD-EFGH",
				"verification_uri": iss + "/oauth2/device/verify", "verification_uri_complete": iss + "/oauth2/device/verify?user_code=ABCD-EFGH",
				"expires_in": 600, "interval": 1})
		case "/oauth2/token":
			mu.Lock()
			openid := slices.Contains(strings.Fields(scope), "openid")
			mu.Unlock()
			resp := map[string]any{"access_token": "at-result", "token_type": "bearer", "expires_in": 3600, "refresh_token": "rt-result"}
			if openid {
				resp["id_token"] = signedJWT(iss, map[string]any{"aud": "app"})
			}
			_ = json.NewEncoder(w).Encode(resp)
		default:
			http.NotFound(w, r)
		}
	})
}

// privateKeyPEM is the stub issuer's key as a PKCS #8 PEM file, for
// --private-key: it signs client assertions.
func privateKeyPEM() string {
	der, err := x509.MarshalPKCS8PrivateKey(issuerKey())
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// trustHandler is a stub of an issuer's keys beside Hydra's admin API: the
// key set at jwksPath, and a trust relationship for any other request.
func trustHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == jwksPath {
			_, _ = w.Write(jwksJSON())
			return
		}
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
		}
		_, _ = w.Write([]byte(trustOK))
	})
}

// trustDeleteHandler is Hydra's admin API for trust delete: each
// relationship shares its key with no other.
func trustDeleteHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		id := strings.TrimPrefix(r.URL.Path, "/admin/trust/grants/jwt-bearer/issuers/")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/admin/trust/grants/jwt-bearer/issuers":
			_, _ = w.Write([]byte(`[]`))
		case r.Method == http.MethodGet:
			_, _ = w.Write([]byte(`{"id":"` + id + `","issuer":"https://issuer.example","subject":"s","scope":["read"],"public_key":{"set":"https://issuer.example","kid":"k-` + id + `"},"expires_at":"2099-01-01T00:00:00Z"}`))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	})
}

// syncHandler is an issuer (discovery and keys) beside Hydra's admin API,
// for trust sync: the list holds a relationship for a key the issuer no
// longer publishes, so that a run creates one and deletes one.
func syncHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		iss := scheme + "://" + r.Host
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == discoveryPath:
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": iss, "jwks_uri": iss + jwksPath})
		case r.URL.Path == jwksPath:
			_, _ = w.Write(jwksJSON())
		case r.Method == http.MethodGet && r.URL.Path == "/admin/trust/grants/jwt-bearer/issuers":
			_, _ = w.Write([]byte(`[{"id":"old","issuer":"` + iss + `","subject":"s","scope":["read"],"public_key":{"set":"` + iss + `","kid":"gone"},"expires_at":"2099-01-01T00:00:00Z"}]`))
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(trustOK))
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	})
}

// gitHubHandler is GitHub Actions' ID token endpoint beside Hydra's token
// endpoint: the former answers a request that carries the job's request
// token with an assertion, the latter with a token.
func gitHubHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case gitHubPath:
			if r.Header.Get("Authorization") != "bearer "+secretGitHub || r.URL.Query().Get("audience") == "" {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"message":"Bad credentials"}`))
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"value": freshAssertion()})
		case "/oauth2/token":
			_, _ = w.Write([]byte(tokenOK))
		default:
			http.NotFound(w, r)
		}
	})
}

// deleteTokensHandler serves token delete's run: 204 to the deletion, and
// the client to the GET that confirms it exists.
// keysDeleteHandler answers keys delete as Hydra does when no trust
// relationship uses the set: its GET of the set or key, the list of trust
// relationships of the issuer named like the set (none), and the DELETE.
func keysDeleteHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == api.TrustPath:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("[]"))
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(keySetOK))
		}
	})
}

func deleteTokensHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/admin/clients/") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(clientOK))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
