package shared

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
)

// Hydra stores the key of a trust relationship in the key set named after
// its issuer (see the data model in pkg/cmd/trust/shared/model.go). An
// issuer that is not a URL names a set that /admin/keys reaches, and
// deleting that set, or a key of it, deletes the relationships that use
// it, with a 204 that says nothing of them.

// TrustsUsing returns the trust relationships whose stored key is in set,
// under kid when kid is set: those that deleting it would delete. A Hydra
// without the trust API (404) has none.
func TrustsUsing(ctx context.Context, c *api.Client, set, kid string) ([]*api.Trust, error) {
	all, err := api.Collect(c.AllTrusts(ctx, set))
	var apiErr *api.Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*api.Trust
	for _, t := range all {
		if t.PublicKey.Set == set && (kid == "" || t.PublicKey.KID == kid) {
			out = append(out, t)
		}
	}
	return out, nil
}

// TrustGuard is the error of a deletion of set (or of its key kid) that
// would take the trust relationships ts with it; nil when there are none.
func TrustGuard(set, kid string, ts []*api.Trust) error {
	if len(ts) == 0 {
		return nil
	}
	what := fmt.Sprintf("key set %q", set)
	if kid != "" {
		what = fmt.Sprintf("key %q of set %q", kid, set)
	}
	var parts, ids []string
	for _, t := range ts {
		who := fmt.Sprintf("subject %q", t.Subject)
		if t.AllowAnySubject {
			who = "any subject"
		}
		parts = append(parts, fmt.Sprintf("%s (issuer %s, %s, kid %q)", t.ID, t.Issuer, who, t.PublicKey.KID))
		ids = append(ids, t.ID)
	}
	return fmt.Errorf("not deleted: %s holds the keys of %d trust relationships, and Hydra would delete them with it: %s.\nDelete them first with '%s', or pass --force to delete them too",
		printer.Printable(what), len(ts), printer.Printable(strings.Join(parts, "; ")), text.Command(append([]string{"hydra", "trust", "delete"}, ids...)...))
}
