// Package list implements "hydra token cache list": what the token cache
// holds, never a token.
package list

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hydratoken/hydra/pkg/cmdutil"
	"github.com/hydratoken/hydra/pkg/iostreams"
	"github.com/hydratoken/hydra/pkg/printer"
	"github.com/hydratoken/hydra/pkg/text"
	"github.com/hydratoken/hydra/pkg/tokencache"
)

// Options are the parsed flags of the command.
type Options struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory

	Format printer.Format
	// Now is the clock, for "expires in"; tests set it.
	Now func() time.Time
}

// NewCmdList builds the command. runF replaces the run function in tests of
// flag parsing.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f, Now: time.Now}
	var format cmdutil.FormatFlag
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the cached tokens, without the tokens themselves",
		Long: text.Doc(`
			List what the token cache holds: for each entry, what the token is for
			(token URL, client ID, grant, scopes, audience, subject), when it
			expires, whether a refresh token is kept, and where (disk or keyring).
			No token is ever printed.

			The cache is in $XDG_CACHE_HOME/hydra/tokens, or the OS's cache
			directory. Files that cannot be trusted are reported on stderr.
		`),
		Example: text.Doc(`
			$ hydra token cache list
			$ hydra token cache list --format json
		`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = format.Parse(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(opts)
		},
	}
	cmdutil.AddFormatFlag(cmd, &format, "table")
	return cmd
}

// Item is one entry as listed: the key fields and dates, no token.
type Item struct {
	ID              string            `json:"id"`
	Issuer          string            `json:"issuer"`
	ClientID        string            `json:"client_id"`
	Grant           string            `json:"grant"`
	Scopes          []string          `json:"scopes"`
	Audience        []string          `json:"audience"`
	Subject         string            `json:"subject,omitempty"`
	Extra           map[string]string `json:"extra,omitempty"`
	Storage         string            `json:"storage"`
	ObtainedAt      time.Time         `json:"obtained_at"`
	ExpiresAt       *time.Time        `json:"expires_at"`
	Expired         bool              `json:"expired"`
	HasRefreshToken bool              `json:"has_refresh_token"`
}

// Entries reads the cache directory named by the environment. A directory
// that does not exist yet is an empty cache. Files that cannot be trusted
// are reported on stderr.
func Entries(f *cmdutil.Factory) ([]*tokencache.Entry, string, error) {
	dir, err := tokencache.DefaultDir(f.Getenv)
	if err != nil {
		return nil, "", fmt.Errorf("cannot find the token cache: %w", err)
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, dir, nil
	}
	entries, bad, err := tokencache.List(dir)
	if err != nil {
		return nil, dir, err
	}
	for _, b := range bad {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", b)
	}
	return entries, dir, nil
}

func listRun(opts *Options) error {
	entries, dir, err := Entries(opts.Factory)
	if err != nil {
		return err
	}
	now := opts.Now()
	items := make([]Item, 0, len(entries))
	for _, e := range entries {
		it := Item{
			ID: e.ID, Issuer: e.Key.Issuer, ClientID: e.Key.ClientID, Grant: e.Key.Grant,
			Scopes: nonNil(e.Key.Scopes), Audience: nonNil(e.Key.Audience), Subject: e.Subject, Extra: e.Key.Extra,
			Storage: e.Storage, ObtainedAt: e.ObtainedAt.UTC(), HasRefreshToken: e.HasRefreshToken,
		}
		if !e.ExpiresAt.IsZero() {
			exp := e.ExpiresAt.UTC()
			it.ExpiresAt = &exp
			it.Expired = !exp.After(now)
		}
		items = append(items, it)
	}
	if len(items) == 0 && opts.Format.Name == "" {
		fmt.Fprintf(opts.IO.ErrOut, "No cached tokens in %s.\n", dir)
		return nil
	}
	raw, err := json.Marshal(items)
	if err != nil {
		return err
	}
	format := opts.Format
	if format.Name == "" {
		format.Name = printer.Table
	}
	p := printer.Printer{Format: format, Color: opts.IO.ColorEnabled()}
	return p.Print(opts.IO.Out, raw, func() printer.TableData { return table(items, now) })
}

func table(items []Item, now time.Time) printer.TableData {
	t := printer.TableData{Headers: []string{"CLIENT ID", "GRANT", "ISSUER", "SCOPES", "AUDIENCE", "SUBJECT", "EXPIRES", "REFRESH TOKEN", "STORAGE"}}
	for _, it := range items {
		exp := "unknown"
		if it.ExpiresAt != nil {
			left := it.ExpiresAt.Sub(now).Round(time.Second)
			if left > 0 {
				exp = fmt.Sprintf("%s (in %s)", it.ExpiresAt.Format(time.RFC3339), left)
			} else {
				exp = fmt.Sprintf("%s (expired)", it.ExpiresAt.Format(time.RFC3339))
			}
		}
		subject := it.Subject
		for k, v := range it.Extra {
			subject = strings.TrimSpace(subject + " " + k + "=" + v)
		}
		rt := "no"
		if it.HasRefreshToken {
			rt = "yes"
		}
		t.Rows = append(t.Rows, []string{it.ClientID, it.Grant, it.Issuer, strings.Join(it.Scopes, " "), strings.Join(it.Audience, " "), subject, exp, rt, it.Storage})
	}
	return t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
