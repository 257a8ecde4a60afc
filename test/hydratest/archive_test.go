package hydratest

import (
	"archive/tar"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeArchive writes a gzipped tar of the given entries to a file.
func writeArchive(t *testing.T, entries []*tar.Header, bodies map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.tar.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, h := range entries {
		body := bodies[h.Name]
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []interface{ Close() error }{tw, gz, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestExtractWritesTheTree(t *testing.T) {
	src := writeArchive(t, []*tar.Header{
		{Name: "hydra-x/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "hydra-x/go.mod", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "hydra-x/sub/link", Typeflag: tar.TypeSymlink, Linkname: "../go.mod"},
	}, map[string]string{"hydra-x/go.mod": "module github.com/ory/hydra/v2\n"})
	dir := t.TempDir()
	if err := extract(src, dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "hydra-x", "sub", "link"))
	if err != nil || string(got) != "module github.com/ory/hydra/v2\n" {
		t.Fatalf("link reads %q, %v", got, err)
	}
	a := archive{version: "vX", dir: "hydra-x"}
	if err := a.checkTree(filepath.Join(dir, "hydra-x")); err != nil {
		t.Fatal(err)
	}
}

func TestExtractRefusesPathsOutsideTheFolder(t *testing.T) {
	for name, h := range map[string]*tar.Header{
		"dot-dot file":    {Name: "../evil", Typeflag: tar.TypeReg, Mode: 0o644},
		"absolute link":   {Name: "x/link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"},
		"dot-dot link":    {Name: "x/link", Typeflag: tar.TypeSymlink, Linkname: "../../outside"},
		"nested dot-dots": {Name: "x/../../evil", Typeflag: tar.TypeReg, Mode: 0o644},
	} {
		t.Run(name, func(t *testing.T) {
			src := writeArchive(t, []*tar.Header{h}, nil)
			err := extract(src, t.TempDir())
			if err == nil || !strings.Contains(err.Error(), "archive's folder") {
				t.Fatalf("extract = %v, want a refusal", err)
			}
		})
	}
}

func TestCheckTreeRefusesAnotherModule(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/other\n"), 0o644)
	if err := (archive{version: "vX", dir: "x"}).checkTree(dir); err == nil {
		t.Fatal("checkTree accepted another module")
	}
}
