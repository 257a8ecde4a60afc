package hydratest

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// archive is a Hydra release that the Go module proxy does not serve
// (v25.4 and later), built from its source archive: the copy in the
// project's shared/testdata when there is one, GitHub's archive of the tag
// otherwise (a contributor's machine).
type archive struct {
	version string
	// file is the archive's name in shared/testdata.
	file string
	// sha256 is the checksum of that file. GitHub builds its archives on
	// demand, so a download is not held to it byte for byte; its tree is
	// checked instead (see checkTree).
	sha256 string
	// url is GitHub's archive of the tag.
	url string
	// dir is the archive's top-level folder.
	dir string
	// commit is the tag's commit, which the binary reports with the
	// version (hydra version), as a release build's does.
	commit string
}

var archives = map[string]archive{
	HydraV26: {
		version: HydraV26,
		file:    "ory-hydra-v26.2.0.tar.gz",
		sha256:  "f5030c650fd6d996da3c3141ee12bc5b443546ab1977c9b4cdfd2e3cf22857c6",
		url:     "https://github.com/ory/hydra/archive/refs/tags/v26.2.0.tar.gz",
		dir:     "hydra-26.2.0",
		commit:  "0b84568fffccf151dc5e6c7955fdfb738555bf4b",
	},
}

// EnvTestdata names an environment variable that may point at the folder
// holding the source archives, where it is not ../shared/testdata beside
// the repository.
const EnvTestdata = "HYDRA_TESTDATA"

// build returns the cached binary of the release, extracting and building
// the archive first when the cache does not hold it. The build takes a few
// minutes on two cores; its modules come from the Go module proxy, except
// the two the release's go.mod replaces with folders of its tree.
func (a archive) build() (string, error) {
	flags := a.buildFlags()
	key := sha256.Sum256([]byte(a.sha256 + "\x00" + strings.Join(flags, "\x00")))
	return cachedBuild("hydra-"+a.version+"-"+hex.EncodeToString(key[:6]), func(out string) error {
		src, cleanup, err := a.source()
		if err != nil {
			return err
		}
		defer cleanup()
		tmp, err := os.MkdirTemp(filepath.Dir(out), "src-"+a.version+"-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := extract(src, tmp); err != nil {
			return fmt.Errorf("extracting %s: %w", src, err)
		}
		tree := filepath.Join(tmp, a.dir)
		if err := a.checkTree(tree); err != nil {
			return err
		}
		return goBuild(tree, ".", out, flags, []string{"CGO_ENABLED=1"})
	})
}

// buildFlags are Hydra's build flags plus a release's version stamp, as
// Hydra's Makefile sets it. -trimpath keeps the build cache's entries
// valid from one temporary folder to the next.
func (a archive) buildFlags() []string {
	const pkg = "github.com/ory/hydra/v2/driver/config"
	return append(append([]string{}, hydraBuildFlags...), "-trimpath",
		"-ldflags", "-X "+pkg+".Version="+a.version+" -X "+pkg+".Commit="+a.commit)
}

// source returns the path of the archive: shared/testdata's copy, checked
// against its checksum, or a download of GitHub's archive of the tag.
func (a archive) source() (path string, cleanup func(), err error) {
	for _, dir := range testdataDirs() {
		p := filepath.Join(dir, a.file)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		sum, err := fileSHA256(p)
		if err != nil {
			return "", nil, err
		}
		if sum != a.sha256 {
			return "", nil, fmt.Errorf("%s has sha256 %s, want %s: replace it with the release's archive", p, sum, a.sha256)
		}
		return p, func() {}, nil
	}
	fmt.Fprintf(os.Stderr, "hydratest: %s is not in %s; downloading %s\n", a.file, strings.Join(testdataDirs(), " or "), a.url)
	f, err := os.CreateTemp("", "hydra-"+a.version+"-*.tar.gz")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.Remove(f.Name()) }
	client := &http.Client{Timeout: 10 * time.Minute}
	resp, err := client.Get(a.url)
	if err != nil {
		f.Close()
		cleanup()
		return "", nil, fmt.Errorf("downloading Ory Hydra %s's source: %w (or put %s in %s)", a.version, err, a.file, testdataDirs()[0])
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		f.Close()
		cleanup()
		return "", nil, fmt.Errorf("downloading %s: %s", a.url, resp.Status)
	}
	_, err = io.Copy(f, io.LimitReader(resp.Body, 256<<20))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("downloading %s: %w", a.url, err)
	}
	return f.Name(), cleanup, nil
}

// checkTree makes sure the extracted tree is the release's: the archive's
// folder holds Hydra's module.
func (a archive) checkTree(tree string) error {
	mod, err := os.ReadFile(filepath.Join(tree, "go.mod"))
	if err != nil {
		return fmt.Errorf("the archive of Ory Hydra %s has no %s/go.mod: %w", a.version, a.dir, err)
	}
	if !strings.Contains(string(mod), "module github.com/ory/hydra/v2\n") {
		return fmt.Errorf("the archive of Ory Hydra %s holds another module in %s", a.version, a.dir)
	}
	return nil
}

// testdataDirs lists where the source archives may be: $HYDRA_TESTDATA,
// then shared/testdata beside the repository (where CI puts it), or beside
// a folder above it (a git worktree of the repository in a subfolder).
func testdataDirs() []string {
	var dirs []string
	if d := os.Getenv(EnvTestdata); d != "" {
		dirs = append(dirs, d)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		// test/hydratest/archive.go → the repository → its parents
		dir := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
		for parent := filepath.Dir(dir); parent != dir; dir, parent = parent, filepath.Dir(parent) {
			dirs = append(dirs, filepath.Join(parent, "shared", "testdata"))
		}
	}
	return dirs
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// extract unpacks the gzipped tar file src into dir: regular files,
// folders and symbolic links that stay inside dir, nothing else.
func extract(src, dir string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !inside(dir, target) {
			return fmt.Errorf("%s leaves the archive's folder", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := writeFile(target, tr, h.FileInfo().Mode().Perm()); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if filepath.IsAbs(h.Linkname) || !inside(dir, filepath.Join(filepath.Dir(target), h.Linkname)) {
				return fmt.Errorf("%s links outside the archive's folder", h.Name)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, target); err != nil {
				return err
			}
		}
	}
}

func inside(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func writeFile(path string, r io.Reader, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
