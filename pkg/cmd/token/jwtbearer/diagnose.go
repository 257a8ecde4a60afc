package jwtbearer

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/text"
)

// diagnoseTimeout bounds the look at the admin API after a refusal.
const diagnoseTimeout = 3 * time.Second

// diagnosis tells apart what Hydra's one message ("No public JWK was
// registered for issuer and subject") covers: an issuer it does not trust
// at all, a subject other than the pinned ones, a key it does not trust
// (the issuer rotated), and a trust that expired.
type diagnosis struct {
	headline, advice string
}

// diagnose asks the admin API which keys Hydra trusts for the assertion's
// issuer, when HYDRA_ADMIN_URL names it (with OAUTH2_ACCESS_TOKEN, if the
// API wants one). A CI job usually cannot reach it; then, and on any
// failure, it gives nil, quietly: the refusal is explained without it.
func diagnose(ctx context.Context, o *Options, c claims) *diagnosis {
	if o.Factory.Getenv(cmdutil.EnvAdminURL) == "" || c.Iss == "" {
		return nil
	}
	quiet := &cmdutil.Factory{IOStreams: &iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}, Getenv: o.Factory.Getenv}
	conn := o.Conn
	conn.Kind, conn.Endpoint, conn.Verbose, conn.Retries, conn.Timeout = api.Admin, "", false, 0, diagnoseTimeout
	token := cmdutil.Secret{Flag: "access-token", Env: cmdutil.EnvAccessToken}
	client, err := conn.AdminClient(quiet, &token, true)
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, diagnoseTimeout)
	defer cancel()
	page, err := client.ListTrusts(ctx, api.ListTrustsOptions{Issuer: c.Iss, PageSize: 500})
	if err != nil {
		return nil
	}
	var forIssuer, forSubject []*api.Trust
	for _, t := range page.Trusts {
		if t.Issuer != c.Iss {
			continue
		}
		forIssuer = append(forIssuer, t)
		if t.AllowAnySubject || t.Subject == c.Sub {
			forSubject = append(forSubject, t)
		}
	}
	sync := fmt.Sprintf("hydra trust sync --issuer %s --subject %s --scope ...", text.ShellQuote(c.Iss), text.ShellQuote(c.Sub))
	switch {
	case len(forIssuer) == 0:
		return &diagnosis{
			headline: fmt.Sprintf("Hydra does not trust issuer %q at all", c.Iss),
			advice:   fmt.Sprintf("Its admin API has no trust relationship for this issuer. Trust the issuer's keys for this subject with '%s'.", sync),
		}
	case len(forSubject) == 0:
		var subs []string
		for _, t := range forIssuer {
			if s := fmt.Sprintf("%q", t.Subject); !slices.Contains(subs, s) {
				subs = append(subs, s)
			}
		}
		if len(subs) > 5 {
			subs = append(subs[:5], "...")
		}
		return &diagnosis{
			headline: fmt.Sprintf("the assertion's subject %q is not one that Hydra trusts for issuer %q", c.Sub, c.Iss),
			advice: fmt.Sprintf("Hydra trusts this issuer only for the subject(s) %s. Check the job's branch, tag or environment, which make up the subject; to trust this one, run '%s'.",
				strings.Join(subs, ", "), sync),
		}
	}
	var kids []string
	var match *api.Trust
	for _, t := range forSubject {
		kids = append(kids, fmt.Sprintf("%q", t.PublicKey.KID))
		if t.PublicKey.KID == c.KID && (match == nil || t.ExpiresAt.After(match.ExpiresAt)) {
			match = t
		}
	}
	keyNote := ""
	if o.SigningKey != "" {
		keyNote = " A key file without a kid of its own signs with its RFC 7638 thumbprint as kid, the kid that 'hydra trust create --public-key' stores by default: if Hydra trusts the key under another --kid, give it as a JWK with that kid."
	}
	switch {
	case c.KID != "" && match == nil:
		return &diagnosis{
			headline: fmt.Sprintf("Hydra does not trust the key %q of issuer %q", c.KID, c.Iss),
			advice: fmt.Sprintf("For subject %q it trusts only the key(s) %s: the issuer has rotated its keys since the last sync, or the assertion was signed with a withdrawn key. Run '%s --prune'.%s",
				c.Sub, strings.Join(kids, ", "), sync, keyNote),
		}
	case match != nil && !match.ExpiresAt.IsZero() && match.ExpiresAt.Before(time.Now()):
		return &diagnosis{
			headline: fmt.Sprintf("Hydra's trust of key %q of issuer %q expired", c.KID, c.Iss),
			advice:   fmt.Sprintf("The relationship %s expired at %s. Run '%s' on a schedule: it renews relationships before they expire.", match.ID, text.Stamp(match.ExpiresAt), sync),
		}
	}
	return nil
}
