package jwtbearer

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/printer"
)

// hydraMaxTTL is Hydra's default oauth2.grant.jwt.max_ttl: it refuses an
// assertion whose exp is further than that from its iat (from now, for an
// assertion without iat), as fosite's RFC 7523 handler measures it.
const hydraMaxTTL = 720 * time.Hour

// clockSkew is the leeway given to an iat or nbf in the future.
const clockSkew = time.Minute

// times are an assertion's time claims, read without verifying it.
type times struct {
	IAT, NBF, Exp time.Time
	HasJTI        bool
}

func readTimes(assertion string) times {
	var t times
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return t
	}
	var body struct {
		JTI any     `json:"jti"`
		IAT float64 `json:"iat"`
		NBF float64 `json:"nbf"`
		Exp float64 `json:"exp"`
	}
	if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "=")); err == nil {
		_ = json.Unmarshal(b, &body)
	}
	s, _ := body.JTI.(string)
	t.HasJTI = s != ""
	at := func(v float64) time.Time {
		if v <= 0 {
			return time.Time{}
		}
		return time.Unix(int64(v), 0).UTC()
	}
	t.IAT, t.NBF, t.Exp = at(body.IAT), at(body.NBF), at(body.Exp)
	return t
}

// checkAssertion makes, before the assertion is sent, the checks of
// Hydra that it can make locally, so that no assertion is spent on a
// refusal that is known in advance: each error names what to change. The
// warnings are for what Hydra may refuse, depending on its settings.
// source is the settled assertion source; audience is the aud that Hydra
// wants.
//
// hydraAudience, called only when the aud lacks audience, returns the
// token URL that Hydra announces in its discovery document: behind a
// port-forward or a proxy, that one, not the URL used here, is the aud it
// wants. It returns "" when it cannot be read.
func (o *Options) checkAssertion(assertion, source, audience string, hydraAudience func() string, now time.Time) (warnings []string, err error) {
	c, t := readClaims(assertion), readTimes(assertion)
	if !slices.Contains(c.Aud, audience) && (o.Audience != "" || hydraAudience == nil || !slices.Contains(c.Aud, hydraAudience())) {
		got := "it has no aud"
		if len(c.Aud) > 0 {
			got = fmt.Sprintf("its aud is %q", strings.Join(c.Aud, " "))
		}
		return nil, fmt.Errorf("the assertion is for another audience: %s, and Hydra wants its token URL, %s\n%s", got, audience, o.audienceAdvice(source, audience))
	}
	if !t.HasJTI && !o.JTIOptional {
		return nil, fmt.Errorf("the assertion has no jti: Hydra refuses it unless its configuration sets oauth2.grant.jwt.jti_optional: true. Ask the issuer for tokens with a jti, or set that option in Hydra's configuration (a jti is what makes an assertion single-use), or, if Hydra sets it, pass --jti-optional")
	}
	if t.IAT.IsZero() && !o.IATOptional {
		return nil, fmt.Errorf("the assertion has no iat: Hydra refuses it unless its configuration sets oauth2.grant.jwt.iat_optional: true. Ask the issuer for tokens with an iat, or set that option in Hydra's configuration, or, if Hydra sets it, pass --iat-optional")
	}
	if t.Exp.IsZero() {
		return nil, fmt.Errorf("the assertion has no exp, which Hydra requires: ask the issuer for tokens that expire")
	}
	stamp := func(t time.Time) string { return t.Format(time.RFC3339) }
	if !now.Before(t.Exp) {
		return nil, fmt.Errorf("the assertion has expired: it expired at %s (now %s)\n%s", stamp(t.Exp), stamp(now), o.freshAdvice(source))
	}
	for _, nb := range []struct {
		name string
		at   time.Time
	}{{"iat", t.IAT}, {"nbf", t.NBF}} {
		if !nb.at.IsZero() && nb.at.After(now.Add(clockSkew)) {
			return nil, fmt.Errorf("the assertion is not valid yet: its %s is %s, and it is %s here. Check this machine's clock and the issuer's; Hydra refuses it until then", nb.name, stamp(nb.at), stamp(now))
		}
	}
	issued, from := t.IAT, "its iat"
	if issued.IsZero() {
		issued, from = now, "now"
	}
	if life := t.Exp.Sub(issued); life > hydraMaxTTL {
		warnings = append(warnings, fmt.Sprintf("the assertion expires at %s, %s after %s, later than Hydra's default oauth2.grant.jwt.max_ttl (720h) allows: Hydra refuses it unless its max_ttl is longer. Ask the issuer for a shorter-lived token", stamp(t.Exp), life.Round(time.Hour), from))
	}
	return warnings, nil
}

// audienceAdvice says how to get an assertion for audience, in the terms
// of the source.
func (o *Options) audienceAdvice(source, audience string) string {
	hatch := " If Hydra's token URL is not the one used here (a port-forward, a proxy), name Hydra's own with --assertion-audience."
	switch source {
	case FromGitLab:
		return fmt.Sprintf("In .gitlab-ci.yml, give the job 'id_tokens: %s: aud: %s'.", o.gitLabVariable(), audience) + hatch
	case FromKubernetes:
		return fmt.Sprintf("Set the projected volume's 'serviceAccountToken: audience: %s' (or run 'kubectl create token NAME --audience %s').", audience, audience) + hatch
	case FromCircleCI:
		return fmt.Sprintf("It was asked for with 'circleci run oidc get --claims {\"aud\":\"%s\"}'; $CIRCLE_OIDC_TOKEN, whose aud is the organisation's ID, does not do.", audience)
	case FromGitHubActions:
		return fmt.Sprintf("It was asked of GitHub with audience %s: check --assertion-audience.", audience)
	case "key":
		return "Check --assertion-audience."
	}
	return fmt.Sprintf("Ask the issuer for a token with aud %s: in GitLab CI, 'id_tokens: NAME: aud: %s' (or --assertion-from %s); in Kubernetes, the projected volume's serviceAccountToken audience (or --assertion-from %s); in CircleCI, --assertion-from %s.", audience, audience, FromGitLab, FromKubernetes, FromCircleCI) + hatch
}

// freshAdvice says how to get a fresh assertion from the source.
func (o *Options) freshAdvice(source string) string {
	switch source {
	case FromGitLab:
		return "GitLab's id_tokens live as long as the job's timeout allows: get the Hydra token early in the job, with --cache so that later steps reuse it."
	case FromKubernetes:
		return "The kubelet refreshes the projected token file before it expires: is the file the projected volume's (not a copy), and is the kubelet running?"
	}
	return "Get a fresh one, and use it at once; check the clocks of this machine and of the issuer if it was fresh."
}

// rotationAdvice explains a replayed Kubernetes service account token:
// the kubelet rewrites the file only after 80% of the token's lifetime.
func rotationAdvice(assertion, file string, now time.Time) string {
	t := readTimes(assertion)
	when := "after 80% of the token's lifetime"
	if !t.IAT.IsZero() && t.Exp.After(t.IAT) {
		at := t.IAT.Add(t.Exp.Sub(t.IAT) * 8 / 10)
		when = fmt.Sprintf("at %s (80%% of its lifetime, from iat %s to exp %s; %s from now)", at.Format(time.RFC3339), t.IAT.Format(time.RFC3339), t.Exp.Format(time.RFC3339), at.Sub(now).Round(time.Second))
	}
	return fmt.Sprintf("The kubelet has not rotated %s yet: it rewrites it with a new token only %s, so reading it again replays the same token. Pass --cache (or set HYDRA_TOKEN_CACHE=disk): the Hydra token bought with it is then reused instead.", printer.Printable(file), when)
}
