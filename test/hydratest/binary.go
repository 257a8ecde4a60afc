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
	return BuildCached(dir, "github.com/ory/hydra/v2", "hydra-"+HydraVersion,
		[]string{"-tags", "sqlite,sqlite_omit_load_extension"}, "CGO_ENABLED=1")
}

// BuildCached builds the package pkg of the tool module in moduleDir (a
// module of its own under test/, that pins one version of a tool) into the
// cache, as name plus a hash of the module's go.sum, and returns its path.
// A binary already cached is reused. Concurrent callers build it once: the
// build holds a file lock. flags go to "go build"; env is added to the
// build's environment.
func BuildCached(moduleDir, pkg, name string, flags []string, env ...string) (string, error) {
	sum, err := os.ReadFile(filepath.Join(moduleDir, "go.sum"))
	if err != nil {
		return "", fmt.Errorf("reading the tool module of %s: %w", name, err)
	}
	h := sha256.Sum256(sum)
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(cache, fmt.Sprintf("%s-%s", name, hex.EncodeToString(h[:6])))
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

	fmt.Fprintf(os.Stderr, "hydratest: building %s into %s (once)\n", name, bin)
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid())
	args := append(append([]string{"build"}, flags...), "-o", tmp, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("building %s: %w", name, err)
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
