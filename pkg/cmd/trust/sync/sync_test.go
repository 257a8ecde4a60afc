package sync

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hydratoken/hydra/pkg/api"
	"github.com/hydratoken/hydra/pkg/cmd/trust/shared"
	"github.com/hydratoken/hydra/pkg/cmdutil/cmdtest"
)

func TestNewCmdSync(t *testing.T) {
	cmdtest.RunArgvCases(t, NewCmdSync, []cmdtest.ArgvCase[Options]{
		{Argv: "--issuer https://i.example --subject s --scope a,b --prune --dry-run", Check: func(t *testing.T, o *Options) {
			if o.Issuer != "https://i.example" || o.Subject != "s" || !o.Prune || !o.DryRun || !reflect.DeepEqual(o.Scopes, []string{"a", "b"}) ||
				o.ExpiresIn != DefaultLifetime || o.RenewBefore != DefaultLifetime/2 {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--issuer https://i --allow-any-subject --expires-in 2h --renew-before 30m --jwks-url https://i/k", Check: func(t *testing.T, o *Options) {
			if !o.AllowAnySubject || o.ExpiresIn != 2*time.Hour || o.RenewBefore != 30*time.Minute || o.JWKSURL != "https://i/k" {
				t.Errorf("%+v", o)
			}
		}},
		{Argv: "--issuer iss-not-a-url --subject s --jwks-url https://i/k", Check: func(t *testing.T, o *Options) {}},
		{Argv: "--subject s", WantErr: "--issuer is required"},
		{Argv: "--issuer https://i", WantErr: "--allow-any-subject"},
		{Argv: "--issuer iss --subject s", WantErr: "pass --jwks-url"},
		{Argv: "--issuer https://i --subject s --expires-in 1h --renew-before 2h", WantErr: "shorter than --expires-in"},
		{Argv: "--issuer https://i --subject s --format nope", WantErr: "nope"},
	})
}

func TestPlan(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	trust := func(id, sub, kid string, scope []string, expires time.Time) *api.Trust {
		t := &api.Trust{ID: id, Issuer: "https://i", Subject: sub, Scope: scope, ExpiresAt: expires}
		t.PublicKey.KID = kid
		return t
	}
	far := now.Add(29 * 24 * time.Hour)
	existing := []*api.Trust{
		trust("t-keep", "s", "k-keep", []string{"a"}, far),
		trust("t-scope", "s", "k-scope", []string{"b"}, far),
		trust("t-old", "s", "k-old", []string{"a"}, now.Add(time.Hour)),
		trust("t-gone", "s", "k-gone", []string{"a"}, far),
		trust("t-other", "other", "k-new", []string{"a"}, far),
	}
	keys := []shared.Key{{KID: "k-keep"}, {KID: "k-scope"}, {KID: "k-old"}, {KID: "k-new"}}
	opts := &Options{Issuer: "https://i", Subject: "s", Scopes: []string{"a"}, ExpiresIn: 30 * 24 * time.Hour, RenewBefore: 15 * 24 * time.Hour}
	got := map[string]string{}
	for _, a := range Plan(opts, keys, existing, now) {
		got[a.KID] = a.Action
	}
	want := map[string]string{"k-keep": ActionKeep, "k-scope": ActionReplace, "k-old": ActionReplace, "k-new": ActionCreate, "k-gone": ActionStale}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
	opts.Prune = true
	for _, a := range Plan(opts, keys, existing, now) {
		if a.KID == "k-gone" && a.Action != ActionDelete {
			t.Errorf("--prune: %+v", a)
		}
	}
}

// Relationships of other subjects that share a key are recorded: a
// replace creates them again, and a prune leaves the key alone without
// --force, since Hydra would delete them with it.
func TestPlanSharedKeys(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	far := now.Add(29 * 24 * time.Hour)
	trust := func(id, sub, kid string, scope ...string) *api.Trust {
		t := &api.Trust{ID: id, Issuer: "https://i", Subject: sub, Scope: scope, ExpiresAt: far}
		t.PublicKey.KID = kid
		return t
	}
	existing := []*api.Trust{
		trust("t-scope", "s", "k-scope", "b"),
		trust("o-scope", "other", "k-scope", "x"),
		trust("t-gone", "s", "k-gone", "a"),
		trust("o-gone", "other", "k-gone", "x"),
	}
	keys := []shared.Key{{KID: "k-scope"}}
	opts := &Options{Issuer: "https://i", Subject: "s", Scopes: []string{"a"}, ExpiresIn: 30 * 24 * time.Hour, RenewBefore: 15 * 24 * time.Hour, Prune: true}
	byKID := func() map[string]Action {
		m := map[string]Action{}
		for _, a := range Plan(opts, keys, existing, now) {
			m[a.KID] = a
		}
		return m
	}
	got := byKID()
	if a := got["k-scope"]; a.Action != ActionReplace || !reflect.DeepEqual(a.SharedWith, []string{"o-scope"}) {
		t.Errorf("replace: %+v", a)
	}
	if a := got["k-gone"]; a.Action != ActionStale || !a.blocked || !reflect.DeepEqual(a.SharedWith, []string{"o-gone"}) {
		t.Errorf("prune without --force: %+v", a)
	}
	res := &Result{Actions: Plan(opts, keys, existing, now)}
	if err := blockedPrunes(res); err == nil || !strings.Contains(err.Error(), `"k-gone"`) {
		t.Errorf("blockedPrunes: %v", err)
	}
	opts.Force = true
	if a := byKID()["k-gone"]; a.Action != ActionDelete || a.blocked {
		t.Errorf("prune with --force: %+v", a)
	}
}
