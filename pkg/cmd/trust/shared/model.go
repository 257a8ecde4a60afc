package shared

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/jwkey"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Hydra's data model of trust relationships, which every command that
// creates or deletes one must respect (the same on v1.11, v2.1 and v2.3):
//
//   - A relationship names its key by issuer and kid only. Hydra stores
//     the key itself once, in the JSON Web Key set named after the issuer,
//     under the kid: one key per issuer and kid, shared by every
//     relationship of that issuer that names the kid, whatever its subject.
//   - Creating a relationship stores the key it carries only when the
//     issuer has no key under that kid yet. Otherwise the new relationship
//     trusts the key already stored, and the one sent is dropped in silence.
//   - Deleting a relationship deletes the stored key, and with it (a
//     foreign key with ON DELETE CASCADE) every other relationship of the
//     same issuer and kid. Hydra answers 204 and says nothing of them.
//   - Hydra has no update: a new scope or expiry is a delete and a create,
//     and the new relationship gets a new ID.
//   - The admin API never returns a stored key: a relationship shows only
//     {"set": issuer, "kid": kid}, and the key set named after an issuer
//     URL cannot be read through /admin/keys, whose set is one path
//     segment. Whether a stored key is the same as a given one can only be
//     known when the kid is the key's RFC 7638 thumbprint.
//   - Conversely, an issuer that is not a URL names a key set that
//     /admin/keys can reach: deleting that set, or a key in it, deletes
//     the relationships of that issuer (or kid) too.
//
// So, before any delete, Sharers finds the relationships that the delete
// would take with it; the commands re-create them or refuse (see
// DeleteGuard and "hydra trust sync"). Before a create, KIDInUse finds the
// relationships whose stored key the new one would trust.

// Sharers returns the relationships in all, other than t itself, that
// share t's stored key: same issuer, same kid. Hydra deletes them all when
// t is deleted.
func Sharers(t *api.Trust, all []*api.Trust) []*api.Trust {
	var out []*api.Trust
	for _, o := range all {
		if o.ID != t.ID && o.Issuer == t.Issuer && o.PublicKey.KID == t.PublicKey.KID {
			out = append(out, o)
		}
	}
	return out
}

// KIDInUse returns the relationships of issuer whose key has ID kid: if
// there are any, Hydra already stores a key under kid, and a new
// relationship with that kid trusts the stored key, not the one it
// carries.
func KIDInUse(ctx context.Context, client *api.Client, issuer, kid string) ([]*api.Trust, error) {
	all, err := All(ctx, client, issuer)
	if err != nil {
		return nil, err
	}
	var out []*api.Trust
	for _, t := range all {
		if t.Issuer == issuer && t.PublicKey.KID == kid {
			out = append(out, t)
		}
	}
	return out, nil
}

// Describe names a relationship for messages: its ID, subject, scope and
// expiry, which is what it takes to re-create it by hand.
func Describe(t *api.Trust) string {
	who := fmt.Sprintf("subject %q", t.Subject)
	if t.AllowAnySubject {
		who = "any subject"
	}
	scope := strings.Join(t.Scope, " ")
	if scope == "" {
		scope = "(none)"
	}
	return printer.Printable(fmt.Sprintf("%s (%s, scope %s, expires %s)", t.ID, who, scope, text.Stamp(t.ExpiresAt)))
}

// DescribeAll is Describe of each, joined for one message.
func DescribeAll(ts []*api.Trust) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, Describe(t))
	}
	return strings.Join(parts, "; ")
}

// Recreate creates again a relationship that a delete took with it, with
// its issuer, subject (or any subject), scope and expiry, and key, the
// issuer's key under the same kid. The copy gets a new ID.
func Recreate(ctx context.Context, client *api.Client, old *api.Trust, key Key) (*api.Trust, error) {
	req := api.TrustRequest{
		Issuer: old.Issuer, Subject: old.Subject, AllowAnySubject: old.AllowAnySubject,
		Scope: old.Scope, JWK: key.JWK, ExpiresAt: old.ExpiresAt,
	}
	return client.CreateTrust(ctx, req)
}

// IsThumbprintKID reports whether k's ID is its RFC 7638 SHA-256
// thumbprint, which names that key and no other: a key stored under it is
// k.
func IsThumbprintKID(k Key) bool {
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(k.JWK); err != nil {
		return false
	}
	tp, err := jwkey.Thumbprint(&jwk)
	return err == nil && tp == k.KID
}
