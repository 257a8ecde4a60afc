// Package parity runs Hydra's own CLIs and this tool side by side, with the
// same arguments against the same real Hydra, and compares what they print
// on stdout and whether they exit 0 (issue 24): under Hydra's spellings, a
// script written for Hydra's CLI must keep working when this binary takes
// its place. See parity_test.go for the cases and the rule.
package parity

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

var (
	// ours is the path of this tool's binary under test.
	ours string
	// home is the HOME of every run, removed after the last: a per-test
	// t.TempDir races with what a CLI may still be writing there.
	home string
	// servers holds one running Hydra per version of versions; each is
	// also that version's own CLI (servers[v].bin).
	servers = map[string]*server{}
)

// versions are the Hydras whose CLIs the suite compares against: v2.3.0
// and v1.11.10, and v26.2.0, the newest, whose CLI's output the v2
// spellings follow where it changed (cases_v26_test.go).
var versions = []string{hydratest.HydraVersion, hydratest.HydraV1, hydratest.HydraV26}

// server is one running Hydra, its CLI, and the objects made before the
// cases run, which every case may name.
type server struct {
	*hydratest.Server
	// bin is the Hydra binary: the server, and that version's own CLI.
	bin string
	// client is a client_credentials client with a known ID and secret.
	client hydratest.Client
	// token is an access token of client.
	token string
}

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hydra-parity-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	home = filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// hydra-pgp too, beside it (--pgp-key).
	if ours, err = hydratest.BuildCLI(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building the CLI:", err)
		return 1
	}

	// Hydra v26.2.0 is built from source the first time (minutes).
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
	for _, v := range versions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := startServer(ctx, v)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("Hydra %s: %w", v, err))
				return
			}
			servers[v] = s
		}()
	}
	wg.Wait()
	defer func() {
		for _, s := range servers {
			s.Stop()
		}
	}()
	if len(errs) > 0 {
		fmt.Fprintln(os.Stderr, "starting Hydra:", errs)
		return 1
	}
	return m.Run()
}

// startServer starts Hydra version and makes the objects the cases share.
func startServer(ctx context.Context, version string) (*server, error) {
	bin, err := hydratest.BinaryFor(version)
	if err != nil {
		return nil, err
	}
	opts := hydratest.Options{Version: version}
	if hydratest.HasDeviceGrant(version) {
		opts.Config = deviceConfig
	}
	hs, err := hydratest.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	s := &server{Server: hs, bin: bin}
	s.client, err = hs.CreateClient(map[string]any{
		"client_id": "parity-cc", "client_secret": "parity-secret-1", "client_name": "Get Me",
		"grant_types": []string{"client_credentials"}, "scope": "read write",
	})
	if err == nil && hydratest.HasDeviceGrant(version) {
		_, err = hs.CreateClient(deviceClient)
		if err == nil {
			_, err = hs.CreateClient(devicePostClient)
		}
	}
	if err == nil {
		var tok hydratest.TokenResponse
		tok, err = hs.ClientCredentials(s.client, "read")
		s.token = tok.AccessToken
	}
	if err != nil {
		hs.Stop()
		return nil, err
	}
	return s, nil
}
