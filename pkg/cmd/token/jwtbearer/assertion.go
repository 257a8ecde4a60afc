package jwtbearer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/token/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Environment variables of a GitHub Actions job whose workflow grants
// "permissions: id-token: write".
const (
	EnvGitHubRequestURL   = "ACTIONS_ID_TOKEN_REQUEST_URL"
	EnvGitHubRequestToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
)

// gitHubActionsToken fetches the job's identity token for audience, as
// GitHub's actions/core getIDToken does: GET the request URL with an
// audience parameter and the request token as a bearer token, which
// answers {"value": "<JWT>"}. The -H headers, meant for Hydra, are not
// sent.
func gitHubActionsToken(ctx context.Context, o *Options, audience string) (string, error) {
	rawURL, reqToken := o.Factory.Getenv(EnvGitHubRequestURL), o.Factory.Getenv(EnvGitHubRequestToken)
	if rawURL == "" || reqToken == "" {
		return "", fmt.Errorf("--assertion-from %s: %s and %s are not both set: run this in a GitHub Actions job whose workflow or job grants 'permissions: id-token: write'",
			FromGitHubActions, EnvGitHubRequestURL, EnvGitHubRequestToken)
	}
	u, err := cmdutil.ParseHTTPURL(EnvGitHubRequestURL, rawURL, "https://pipelines.actions.githubusercontent.com/...")
	if err != nil {
		return "", fmt.Errorf("--assertion-from %s: %w", FromGitHubActions, err)
	}
	q := u.Query()
	q.Set("audience", audience)
	client, err := o.Conn.External(o.Factory, u, cmdutil.ExternalServer{Name: "GitHub's ID token service", Source: EnvGitHubRequestURL, Advice: gitHubAdvice})
	if err != nil {
		return "", err
	}
	resp, err := client.Do(ctx, api.Request{
		Method: http.MethodGet, Path: u.EscapedPath(), Query: q, Retry: true,
		Header: http.Header{"Authorization": {"bearer " + reqToken}},
	})
	if err != nil {
		return "", err
	}
	var body struct {
		Value string `json:"value"`
	}
	if err := api.DecodeJSON(resp, http.MethodGet, client.URL(u.EscapedPath(), nil), &body); err != nil {
		return "", err
	}
	if body.Value == "" {
		return "", &api.Error{Method: http.MethodGet, URL: api.StripQuery(client.URL(u.EscapedPath(), nil)), StatusCode: resp.StatusCode, Status: fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode)),
			Description: `the answer has no "value": want {"value":"<JWT>"}`}
	}
	return body.Value, nil
}

// gitHubAdvice is the advice of GitHub's ID token service, registered with
// its endpoint, for the answers whose meaning is GitHub's own.
func gitHubAdvice(err error) string {
	var ce *api.ConnError
	if errors.As(err, &ce) && ce.Cause == api.CauseDial {
		return fmt.Sprintf("Is GitHub's ID token service reachable from this runner? The URL comes from %s.", EnvGitHubRequestURL)
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden:
			return fmt.Sprintf("GitHub refused %s: it is valid only while its job runs, and the workflow or job must grant 'permissions: id-token: write'.", EnvGitHubRequestToken)
		case ae.StatusCode == http.StatusNotFound:
			return fmt.Sprintf("GitHub's ID token service is not at the URL in %s: is this a GitHub Actions job?", EnvGitHubRequestURL)
		}
	}
	return ""
}

// looksLikeJWT reports whether s is a compact JWS: three base64url parts,
// the first two non-empty.
func looksLikeJWT(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		if strings.IndexFunc(p, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '=')
		}) >= 0 {
			return false
		}
	}
	return true
}

// claims are what an assertion says of itself, read without verifying it,
// to explain Hydra's refusals. None of them is secret.
type claims struct {
	Iss, Sub, JTI, KID string
	Aud                []string
	Exp                time.Time
}

func readClaims(assertion string) claims {
	var c claims
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return c
	}
	var header struct {
		KID string `json:"kid"`
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "=")); err == nil {
		_ = json.Unmarshal(b, &header)
	}
	var body struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		JTI string          `json:"jti"`
		Aud json.RawMessage `json:"aud"`
		Exp float64         `json:"exp"`
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "=")); err == nil {
		_ = json.Unmarshal(b, &body)
	}
	c.Iss, c.Sub, c.JTI, c.KID = printer.Printable(body.Iss), printer.Printable(body.Sub), printer.Printable(body.JTI), printer.Printable(header.KID)
	var one string
	if json.Unmarshal(body.Aud, &one) == nil {
		c.Aud = []string{one}
	} else {
		_ = json.Unmarshal(body.Aud, &c.Aud)
	}
	for i := range c.Aud {
		c.Aud[i] = printer.Printable(c.Aud[i])
	}
	if body.Exp > 0 {
		c.Exp = time.Unix(int64(body.Exp), 0).UTC()
	}
	return c
}

// refusal is the advice of Hydra's refusals of the grant, registered with
// the token endpoint (Session.GrantAdvice), and the headline that names
// the failure; both "" for an error it has nothing to add to. c are the
// assertion's claims: the assertion itself is never quoted. Hydra gives
// several refusals one error code, so its description tells them apart.
func refusal(ctx context.Context, err error, assertion, tokenURL, clientID string, o *Options) (headline, advice string) {
	var e *api.Error
	if !errors.As(err, &e) {
		return "", ""
	}
	c := readClaims(assertion)
	reason := e.Description + " " + e.Hint
	switch {
	case e.Code == "jti_known":
		headline = "the assertion was already used"
		advice = fmt.Sprintf("Hydra has already accepted an assertion with jti %q: an assertion is single-use. Get a fresh one: --assertion-from %s and --assertion-key make a new one on each run; a file or variable must be refilled by its issuer.", c.JTI, FromGitHubActions)
		if o.source == FromKubernetes {
			advice = fmt.Sprintf("Hydra has already accepted an assertion with jti %q. %s", c.JTI, rotationAdvice(assertion, o.kubernetesFile(), time.Now()))
		}
	case strings.Contains(reason, "No public JWK was registered"):
		headline = fmt.Sprintf("Hydra trusts no key of issuer %q for subject %q", c.Iss, c.Sub)
		kid := "no kid"
		if c.KID != "" {
			kid = fmt.Sprintf("kid %q", c.KID)
		}
		advice = fmt.Sprintf("Either Hydra has no trust relationship for this issuer, or its relationships pin another subject, or the issuer signed with a key (%s) that Hydra does not trust yet. See 'hydra trust list --issuer %s'; 'hydra trust sync --issuer %s --subject %s --scope ...' trusts the issuer's current keys for this subject.",
			kid, text.ShellQuote(c.Iss), text.ShellQuote(c.Iss), text.ShellQuote(c.Sub))
		if d := diagnose(ctx, o, c); d != nil {
			headline, advice = d.headline, d.advice
		}
	case strings.Contains(reason, "'aud'"):
		headline = "the assertion is for another audience"
		advice = fmt.Sprintf("Its aud is %q, and Hydra wants its token URL, %s. Ask the issuer for that audience: --assertion-from %s asks for the token URL unless --assertion-audience says otherwise; in GitLab CI, set id_tokens: NAME: aud: %s.",
			strings.Join(c.Aud, " "), tokenURL, FromGitHubActions, tokenURL)
	case strings.Contains(reason, "parameter expired"):
		headline = "the assertion has expired"
		when := ""
		if !c.Exp.IsZero() {
			when = fmt.Sprintf(" It expired at %s (now %s).", c.Exp.Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339))
		}
		advice = "Get a fresh one, and use it at once; check the clocks of this machine and Hydra if it was fresh." + when
	case e.Code == "unauthorized_client":
		headline = fmt.Sprintf("client %q may not use the JWT bearer grant", clientID)
		advice = fmt.Sprintf("Add %s to the client's grant types: hydra client update %s --grant-type %s (listing every grant type it keeps).", api.JWTBearerGrantType, text.ShellQuote(clientID), api.JWTBearerGrantType)
	case e.Code == "invalid_scope" && strings.Contains(reason, "public key registered"):
		headline = "the trust relationship does not allow this scope"
		advice = fmt.Sprintf("Ask only for scopes that 'hydra trust list --issuer %s' shows for this subject (and that the client has), or widen them with 'hydra trust sync --scope'.", text.ShellQuote(c.Iss))
	case e.Code == "invalid_client" && o.Credentials.AuthMethod == shared.AuthNone:
		headline = "Hydra refused the client"
		advice = fmt.Sprintf("Check --client-id (%s); a client without a secret needs token_endpoint_auth_method none. For a confidential client, give its secret with --client-secret-file or %s.", shared.EnvClientID, shared.EnvClientSecret)
	case strings.Contains(reason, "Unable to parse JSON Web Token"):
		headline = "Hydra could not read the assertion as a JWT"
		advice = "Check that the file or variable holds the issuer's token alone, as the issuer wrote it."
	case e.Code == "invalid_grant":
		headline = "Hydra refused the assertion"
		advice = "Hydra's reason is above; the assertion's iss, sub, aud, exp, iat and jti must all pass."
	}
	return headline, advice
}
