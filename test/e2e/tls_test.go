package e2e

import (
	"context"
	"crypto/x509/pkix"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/hydratoken/hydra/test/hydratest"
	"github.com/hydratoken/hydra/test/testca"
)

// A CA whose name could be one of the public roots in a system store.
var publicLookingCA = pkix.Name{
	CommonName:   "GlobalTrust Root CA - G3",
	Organization: []string{"GlobalTrust Services Inc."},
	Country:      []string{"US"},
}

var (
	tlsOnce sync.Once
	tlsSrv  *hydratest.Server
	tlsTok  string
	tlsErr  error
)

// httpsHydra starts, once for the package, a second Hydra that serves both
// APIs over HTTPS with a certificate signed by publicLookingCA, and mints a
// token on it.
func httpsHydra(t *testing.T) (*hydratest.Server, string) {
	t.Helper()
	tlsOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		tlsSrv, tlsErr = hydratest.Start(ctx, hydratest.Options{TLS: true, TLSCAName: publicLookingCA})
		if tlsErr != nil {
			return
		}
		var c hydratest.Client
		c, tlsErr = tlsSrv.CreateClient(map[string]any{"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "client_secret_basic"})
		if tlsErr != nil {
			return
		}
		var tok hydratest.TokenResponse
		tok, tlsErr = tlsSrv.ClientCredentials(c)
		tlsTok = tok.AccessToken
	})
	if tlsErr != nil {
		t.Fatal(tlsErr)
	}
	return tlsSrv, tlsTok
}

func stopHTTPSHydra() {
	if tlsSrv != nil {
		tlsSrv.Stop()
	}
}

// --ca-cert FILE trusts the CAs in FILE instead of the system's: a server
// whose CA the system store trusts is refused when that CA is not in FILE.
func TestCACertReplacesTheSystemStore(t *testing.T) {
	s, tok := httpsHydra(t)
	// The server's CA, public-looking, is the whole "system store".
	system := map[string]string{"HYDRA_ADMIN_URL": s.AdminURL, "SSL_CERT_FILE": s.CAFile, "SSL_CERT_DIR": t.TempDir()}

	t.Run("trusted by the system store", func(t *testing.T) {
		r := run{Env: system}.hydra(t, "token", "introspect", tok)
		r.wantCode(t, 0)
		if !strings.Contains(r.Stdout, `"active": true`) {
			t.Errorf("stdout %q, want an active token", r.Stdout)
		}
	})
	t.Run("refused when --ca-cert names another CA", func(t *testing.T) {
		other := testca.Unused(t, "Private CA")
		r := run{Env: system}.hydra(t, "token", "introspect", "--ca-cert", other, tok)
		r.wantCode(t, 1)
		r.assertClean(t)
		if r.Stdout != "" {
			t.Errorf("stdout %q, want nothing", r.Stdout)
		}
		r.wantStderr(t, s.AdminURL, "certificate", "--ca-cert "+other, "not the system's", "--skip-tls-verify")
		r.wantNoLeak(t, tok)
	})
	t.Run("trusted through --ca-cert without any system CA", func(t *testing.T) {
		env := map[string]string{"HYDRA_ADMIN_URL": s.AdminURL, "SSL_CERT_FILE": filepath.Join(t.TempDir(), "none.pem"), "SSL_CERT_DIR": t.TempDir()}
		r := run{Env: env}.hydra(t, "token", "introspect", "--ca-cert", s.CAFile, tok)
		r.wantCode(t, 0)
	})
	t.Run("refused without --ca-cert when the system store lacks the CA", func(t *testing.T) {
		env := map[string]string{"HYDRA_ADMIN_URL": s.AdminURL, "SSL_CERT_FILE": testca.Unused(t, "Private CA"), "SSL_CERT_DIR": t.TempDir()}
		r := run{Env: env}.hydra(t, "token", "introspect", "--retries", "0", tok)
		r.wantCode(t, 1)
		r.wantStderr(t, "certificate", "--ca-cert FILE")
	})
}

// opens counts the times files are opened, through inotify: the kernel
// queues an event for every open, so counting needs no timing.
type opens struct {
	fd    int
	names map[int32]string
}

func watchOpens(t *testing.T, paths ...string) *opens {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	o := &opens{fd: fd, names: map[int32]string{}}
	for _, p := range paths {
		wd, err := syscall.InotifyAddWatch(fd, p, syscall.IN_OPEN)
		if err != nil {
			t.Fatalf("watching %s: %v", p, err)
		}
		o.names[int32(wd)] = p
	}
	return o
}

// take returns the opens queued since the last call, by path.
func (o *opens) take(t *testing.T) map[string]int {
	t.Helper()
	got := map[string]int{}
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(o.fd, buf)
		if errors.Is(err, syscall.EAGAIN) {
			return got
		}
		if err != nil {
			t.Fatalf("reading inotify events: %v", err)
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
			if ev.Mask&syscall.IN_OPEN != 0 {
				got[o.names[ev.Wd]]++
			}
			off += syscall.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

// The system trust store is read only by an HTTPS request made without
// --ca-cert, and then once per process however many connections verify a
// certificate; version, completion and plain HTTP never read it.
func TestSystemTrustStoreLoadedOnlyWhenNeeded(t *testing.T) {
	s, tok := httpsHydra(t)
	dir := t.TempDir()
	bundle := filepath.Join(dir, "system-bundle.pem")
	ca, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bundle, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	certDir := filepath.Join(dir, "certs")
	if err := os.Mkdir(certDir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := watchOpens(t, bundle, certDir)
	store := func(m map[string]string) map[string]string {
		m["SSL_CERT_FILE"], m["SSL_CERT_DIR"] = bundle, certDir
		return m
	}
	_, plainTok := accessToken(t)

	cases := []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		want  int // opens of each of the bundle and the directory
	}{
		{"version", store(map[string]string{}), "", []string{"version"}, 0},
		{"completion", store(map[string]string{}), "", []string{"completion", "bash"}, 0},
		{"plain HTTP", store(serverEnv()), "", []string{"token", "introspect", plainTok}, 0},
		{"plain HTTP with --ca-cert", store(serverEnv()), "", []string{"token", "introspect", "--ca-cert", s.CAFile, plainTok}, 0},
		{"HTTPS with --ca-cert", store(map[string]string{"HYDRA_ADMIN_URL": s.AdminURL}), "", []string{"token", "introspect", "--ca-cert", s.CAFile, tok}, 0},
		{"HTTPS, system store", store(map[string]string{"HYDRA_ADMIN_URL": s.AdminURL}), "", []string{"token", "introspect", tok}, 1},
		// Four connections, so four certificates verified: one load.
		{"HTTPS, system store, batch", store(map[string]string{"HYDRA_ADMIN_URL": s.AdminURL}), strings.Repeat(tok+"\n", 16),
			[]string{"token", "introspect", "--concurrency", "4", "-"}, 1},
	}
	w.take(t)
	for _, c := range cases {
		r := run{Env: c.env, Stdin: c.stdin}.hydra(t, c.args...)
		r.wantCode(t, 0)
		got := w.take(t)
		if got[bundle] != c.want || got[certDir] != c.want {
			t.Errorf("%s: the system store was opened %d times (bundle) and %d times (directory), want %d", c.name, got[bundle], got[certDir], c.want)
		}
	}
}
