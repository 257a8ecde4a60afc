// Package hydratest runs a real Ory Hydra v2.3.0, in memory on loopback
// ports, for the end-to-end tests, the demo and the benchmarks, together
// with a small login and consent app that accepts through the admin API.
//
// The Hydra binary is built from the Go module proxy in its own module,
// test/hydra-server, and cached between runs.
package hydratest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
)

// HydraVersion is the version of Ory Hydra the tests run against.
const HydraVersion = "v2.3.0"

// EnvBinary names an environment variable that may point at a Hydra binary
// already built, skipping the build.
const EnvBinary = "HYDRA_SERVER_BIN"

// moduleDir returns test/hydra-server, found from this source file.
func moduleDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the hydratest package's source")
	}
	return filepath.Join(filepath.Dir(file), "..", "hydra-server"), nil
}

// Binary returns the path of the Hydra binary, building it first if the
// cache does not hold it. The cache key is the tool module's go.sum, so that
// a change of version rebuilds it. Concurrent callers, such as test binaries
// of several packages, build it once: the build holds a file lock.
func Binary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		return p, nil
	}
	dir, err := moduleDir()
	if err != nil {
		return "", err
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		return "", fmt.Errorf("reading the Hydra tool module: %w", err)
	}
	h := sha256.Sum256(sum)
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(cache, fmt.Sprintf("hydra-%s-%s", HydraVersion, hex.EncodeToString(h[:6])))
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}

	lock, err := os.OpenFile(bin+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("locking %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil // another process built it while we waited
	}

	fmt.Fprintf(os.Stderr, "hydratest: building Ory Hydra %s into %s (once; a minute or two)\n", HydraVersion, bin)
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid())
	cmd := exec.Command("go", "build", "-tags", "sqlite,sqlite_omit_load_extension", "-o", tmp, "github.com/ory/hydra/v2")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("building Ory Hydra %s: %w", HydraVersion, err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	return bin, nil
}

func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "hydratoken")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, nil
}
