// Package hydratest runs a real Ory Hydra v2.3.0, in memory on loopback
// ports, for the end-to-end tests, the demo and the benchmarks, together
// with a small login and consent app that accepts through the admin API.
// For the compatibility tests it also runs Hydra v2.1.2, v1.11.10 and
// v26.2.0.
//
// The binaries of v2.3.0, v2.1.2 and v1.11.10 are built from the Go module
// proxy, each in its own module: test/hydra-server (v2.3.0),
// test/hydra-server-v2.1 and test/hydra-server-v1. Hydra v25.4 and later are
// not on the proxy, so v26.2.0 is built from its source archive (see
// archive.go). Every binary is cached between runs.
package hydratest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
)

// HydraVersion is the version of Ory Hydra the tests run against, unless
// Options.Version names another.
const HydraVersion = "v2.3.0"

// The older releases the compatibility tests also run against.
const (
	HydraV1 = "v1.11.10"
	HydraV2 = "v2.1.2"
	// HydraV26 is the newest release, the first with the device
	// authorization grant (RFC 8628), built from source (archive.go).
	HydraV26 = "v26.2.0"
)

// Versions lists every Hydra version the harness can build and start,
// HydraVersion first.
var Versions = []string{HydraVersion, HydraV2, HydraV1, HydraV26}

// EnvBinary names an environment variable that may point at a Hydra
// v2.3.0 binary already built, skipping the build. EnvBinaryFor names the
// variable of another version.
const EnvBinary = "HYDRA_SERVER_BIN"

// EnvBinaryFor returns the variable that may point at an already built
// binary of version: HYDRA_SERVER_BIN for HydraVersion, and
// HYDRA_SERVER_BIN_V1_11_10 for v1.11.10.
func EnvBinaryFor(version string) string {
	if version == HydraVersion || version == "" {
		return EnvBinary
	}
	return EnvBinary + "_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(version))
}

// tool is how one version is built: its tool module under test/ and the
// package of its main.
type tool struct {
	module, pkg string
}

var tools = map[string]tool{
	HydraVersion: {"hydra-server", "github.com/ory/hydra/v2"},
	HydraV2:      {"hydra-server-v2.1", "github.com/ory/hydra/v2"},
	HydraV1:      {"hydra-server-v1", "github.com/ory/hydra"},
}

// hydraBuildFlags are the build flags of every Hydra release: the in-memory
// database is SQLite.
var hydraBuildFlags = []string{"-tags", "sqlite,sqlite_omit_load_extension"}

// IsV1 reports whether version is a Hydra v1 release, whose admin API has
// no /admin prefix and whose server has no --dev flag.
func IsV1(version string) bool { return strings.HasPrefix(version, "v1.") }

// moduleDir returns the tool module's directory under test/, found from
// this source file.
func moduleDir(t tool) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the hydratest package's source")
	}
	return filepath.Join(filepath.Dir(file), "..", t.module), nil
}

// Binary returns the path of the Hydra v2.3.0 binary, building it first if
// the cache does not hold it. See BinaryFor.
func Binary() (string, error) { return BinaryFor(HydraVersion) }

// BinaryFor returns the path of the binary of one of Versions, building it
// first if the cache does not hold it. The cache key is the version's tool
// module's go.sum, so that a change of version rebuilds it. Concurrent
// callers, such as test binaries of several packages, build it once: the
// build holds a file lock.
func BinaryFor(version string) (string, error) {
	if version == "" {
		version = HydraVersion
	}
	if p := os.Getenv(EnvBinaryFor(version)); p != "" {
		return p, nil
	}
	if a, ok := archives[version]; ok {
		return a.build()
	}
	t, ok := tools[version]
	if !ok {
		return "", fmt.Errorf("hydratest: no tool module builds Ory Hydra %s; known: %s", version, strings.Join(Versions, ", "))
	}
	dir, err := moduleDir(t)
	if err != nil {
		return "", err
	}
	return BuildCached(dir, t.pkg, "hydra-"+version, hydraBuildFlags, "CGO_ENABLED=1")
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
	return cachedBuild(name+"-"+hex.EncodeToString(h[:6]), func(out string) error {
		return goBuild(moduleDir, pkg, out, flags, env)
	})
}

// cachedBuild returns the path of the cached file name, calling build to
// write it first when the cache does not hold it. build writes to a
// temporary path, renamed into place only when it succeeds, under a file
// lock, so that concurrent callers (test binaries of several packages)
// build once and never see half a binary.
func cachedBuild(name string, build func(out string) error) (string, error) {
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(cache, name)
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

	fmt.Fprintf(os.Stderr, "hydratest: building %s (once)\n", bin)
	tmp := fmt.Sprintf("%s.tmp%d", bin, os.Getpid())
	if err := build(tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("building %s: %w", name, err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	return bin, nil
}

// goBuild runs "go build flags -o out pkg" in dir, with env added to the
// environment and its output on stderr.
func goBuild(dir, pkg, out string, flags, env []string) error {
	args := append(append([]string{"build"}, flags...), "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
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
