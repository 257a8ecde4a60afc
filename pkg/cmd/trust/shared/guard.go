package shared

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/printer"
)

// DeleteGuard deletes trust relationships by ID without taking others
// with them in silence. Hydra deletes every relationship that shares the
// key of the one deleted (see the data model in model.go), and it cannot
// return the key to create them again. So Delete refuses a relationship
// whose key others share, naming them, unless they are being deleted too,
// or Force is set; then it names, on ErrOut, each one Hydra deleted with
// it.
type DeleteGuard struct {
	Client *api.Client
	// IDs are all the relationships being deleted: sharing a key with one
	// of them is no reason to refuse.
	IDs []string
	// Force deletes the relationships that share a key as well.
	Force  bool
	ErrOut io.Writer

	// gone are the relationships Hydra deleted with an earlier one.
	gone map[string]bool
}

// Delete deletes one relationship, as described at DeleteGuard. Its
// errors are to be explained with TrustError.
func (g *DeleteGuard) Delete(ctx context.Context, id string) error {
	if g.gone[id] {
		// Deleted with an earlier one, since it shared its key: make
		// sure it is gone, then count it as deleted.
		_, err := g.Client.GetTrust(ctx, id)
		var apiErr *api.Error
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
			return nil
		}
		if err != nil {
			return err
		}
	}
	t, err := g.Client.GetTrust(ctx, id)
	if err != nil {
		return err
	}
	all, err := All(ctx, g.Client, t.Issuer)
	if err != nil {
		return fmt.Errorf("listing the relationships that share the key of %s (issuer %s, kid %q): %w", id, printer.Printable(t.Issuer), printer.Printable(t.PublicKey.KID), err)
	}
	sharers := Sharers(t, all)
	var others []*api.Trust
	for _, o := range sharers {
		if !slices.Contains(g.IDs, o.ID) {
			others = append(others, o)
		}
	}
	if len(others) > 0 && !g.Force {
		return fmt.Errorf("not deleted: trust relationship %s shares its key (issuer %s, kid %q) with %d other relationships, and Hydra would delete them with it: %s.\nDelete them too by naming their IDs, or pass --force",
			id, printer.Printable(t.Issuer), printer.Printable(t.PublicKey.KID), len(others), DescribeAll(others))
	}
	if err := g.Client.DeleteTrust(ctx, id); err != nil {
		return err
	}
	if g.gone == nil {
		g.gone = map[string]bool{}
	}
	for _, o := range sharers {
		g.gone[o.ID] = true
	}
	for _, o := range others {
		// Say only what Hydra's answer shows: a 404 for the other one.
		what := "also deleted by Hydra"
		var apiErr *api.Error
		if _, err := g.Client.GetTrust(ctx, o.ID); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
			what = "may have been deleted by Hydra too (not confirmed)"
		}
		fmt.Fprintf(g.ErrOut, "%s with %s, since it shared key %q of issuer %s (--force): %s\n",
			what, id, printer.Printable(t.PublicKey.KID), printer.Printable(t.Issuer), Describe(o))
	}
	return nil
}
