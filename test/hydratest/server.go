package hydratest

import (
	"bytes"
	"context"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Server is a running Hydra with its login and consent app.
type Server struct {
	// PublicURL and AdminURL are the two APIs, such as
	// http://127.0.0.1:41234.
	PublicURL string
	AdminURL  string

	// App is the login and consent app Hydra sends browsers to.
	App *LoginConsentApp

	// CAFile is the PEM file of the CA that signed the server's
	// certificate, when Options.TLS is set; "" otherwise.
	CAFile string

	// HTTP is a client for the server's APIs: it trusts CAFile alone when
	// the server serves HTTPS.
	HTTP *http.Client

	// Version is the Hydra release running, such as v2.3.0.
	Version string

	cmd  *exec.Cmd
	dir  string
	log  *syncBuffer
	done chan struct{}
}

// Options configures Start.
type Options struct {
	// Config is extra YAML appended to the generated configuration, such
	// as "strategies:\n  access_token: jwt\n".
	Config string

	// Issuer, when set, is urls.self.issuer, while urls.self.public stays
	// PublicURL: Hydra as seen through a port-forward or a proxy, where the
	// issuer in tokens and discovery is a public URL that the client does
	// not reach. Empty means the issuer is PublicURL.
	Issuer string

	// IssuerOnly sets urls.self.issuer (Issuer, or else PublicURL) and
	// leaves urls.self.public unset, so that Hydra takes its public URL
	// from the issuer, as a default install does: its redirects then go
	// to the issuer's host, whatever host the client reached it on.
	IssuerOnly bool

	// TLS makes both APIs serve HTTPS, with a certificate for 127.0.0.1
	// signed by a CA made for this server (see Server.CAFile). Browse
	// follows plain-HTTP flows only.
	TLS bool

	// TLSCAName is the subject of that CA; empty means DefaultCAName.
	TLSCAName pkix.Name

	// Version is the Hydra release to run, one of Versions; empty is
	// HydraVersion.
	Version string

	// LoginConsentURL, when set, is where urls.login (<URL>/login) and
	// urls.consent (<URL>/consent) point instead of the app: such as the
	// pages that perform authorization-code serves on its callback port.
	LoginConsentURL string
}

// Start builds Hydra if needed and starts it in memory on free loopback
// ports, waiting for /health/ready. Stop it with Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Version == "" {
		opts.Version = HydraVersion
	}
	bin, err := BinaryFor(opts.Version)
	if err != nil {
		return nil, err
	}
	var lastErr error
	// Free ports are found by binding port 0 and releasing it; another
	// process may take one in between, so try a few times.
	for attempt := 0; attempt < 3; attempt++ {
		s, err := start(ctx, bin, opts)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func start(ctx context.Context, bin string, opts Options) (*Server, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	scheme := "http"
	if opts.TLS {
		scheme = "https"
	}
	s := &Server{
		PublicURL: fmt.Sprintf("%s://127.0.0.1:%d", scheme, ports[0]),
		AdminURL:  fmt.Sprintf("%s://127.0.0.1:%d", scheme, ports[1]),
		HTTP:      httpClient,
		Version:   opts.Version,
		log:       &syncBuffer{},
		done:      make(chan struct{}),
	}
	s.dir, err = os.MkdirTemp("", "hydratest-")
	if err != nil {
		return nil, err
	}
	tlsConfig := ""
	if opts.TLS {
		s.CAFile, tlsConfig, s.HTTP, err = makeTLS(s.dir, opts.TLSCAName)
		if err != nil {
			s.cleanup()
			return nil, fmt.Errorf("making the test CA: %w", err)
		}
	}
	s.App, err = startLoginConsentApp(s.AdminURL, s.AdminPrefix(), s.HTTP)
	if err != nil {
		s.cleanup()
		return nil, err
	}
	issuer := s.PublicURL
	if opts.Issuer != "" {
		issuer = opts.Issuer
	}
	loginConsent := s.App.URL
	if opts.LoginConsentURL != "" {
		loginConsent = opts.LoginConsentURL
	}
	public := "\n    public: " + s.PublicURL
	if opts.IssuerOnly {
		public = ""
	}
	config := fmt.Sprintf(`serve:
  public:
    host: 127.0.0.1
    port: %d
  admin:
    host: 127.0.0.1
    port: %d
%surls:
  self:
    issuer: %s%s
  login: %s/login
  consent: %s/consent
  logout: %s/logout
  error: %s/error
%ssecrets:
  system:
    - hydratest-system-secret-not-for-production
log:
  level: warn
  leak_sensitive_values: false
dsn: %s
%s`, ports[0], ports[1], tlsConfig, issuer, public, loginConsent, loginConsent, s.App.URL, s.App.URL, deviceURLs(opts.Version, s.App.URL), dsn(opts.Version), opts.Config)
	cfgPath := filepath.Join(s.dir, "hydra.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		s.cleanup()
		return nil, err
	}

	// Hydra v1 has no --dev: it refuses plain HTTP unless forced.
	devFlag := "--dev"
	if IsV1(opts.Version) {
		devFlag = "--dangerous-force-http"
	}
	s.cmd = exec.Command(bin, "serve", "all", devFlag, "-c", cfgPath)
	s.cmd.Env = append(minimalEnv(), "DSN="+dsn(opts.Version))
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	// Its own process group, so that Stop can end it even when the test
	// binary is killed mid-way.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		s.cleanup()
		return nil, fmt.Errorf("starting Hydra: %w", err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 2*time.Minute); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second, Transport: s.HTTP.Transport}
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("the Hydra server exited before it was ready:\n%s", s.Log())
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		for _, u := range []string{s.AdminURL + "/health/ready", s.PublicURL + "/health/ready"} {
			resp, err := client.Get(u)
			if err != nil {
				goto wait
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				goto wait
			}
		}
		return s.warmKeys(ctx, time.Until(deadline))
	wait:
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the Hydra server was not ready within %s:\n%s", limit, s.Log())
}

// warmKeys asks for the public key set, so that Hydra makes its ID token
// signing keys now, with time to spare, rather than within the --timeout
// of the first test that fetches them: on a loaded machine making an RSA
// key can take seconds. It asks again when a request fails: Hydra's write
// timeout (10 s) can close the connection while it is still making the
// keys, which it goes on making.
func (s *Server) warmKeys(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, max(limit, 30*time.Second))
	defer cancel()
	client := &http.Client{Transport: s.HTTP.Transport}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.PublicURL+"/.well-known/jwks.json", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the Hydra server did not serve its keys: %w\n%s", err, s.Log())
		case <-s.done:
			return fmt.Errorf("the Hydra server exited while making its keys:\n%s", s.Log())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// HasDeviceGrant reports whether version has the device authorization
// grant (RFC 8628), which Hydra added in v25.4.0.
func HasDeviceGrant(version string) bool { return version == HydraV26 }

// deviceURLs is the configuration of the device grant's pages, for the
// releases that have it: an older Hydra refuses unknown settings.
func deviceURLs(version, app string) string {
	if !HasDeviceGrant(version) {
		return ""
	}
	return fmt.Sprintf("  device:\n    verification: %s/device\n    success: %s/device/success\n", app, app)
}

// dsn is the in-memory database of version. Hydra v1 turns "memory" into
// an SQLite memory database per pooled connection, so that a second
// connection, opened under concurrent requests, finds no tables ("Unable to
// locate the table"); one connection keeps one database. v1 still migrates
// it at start, as it does "memory".
func dsn(version string) string {
	if IsV1(version) {
		return "sqlite://file::memory:?_fk=true&max_conns=1&max_idle_conns=1"
	}
	return "memory"
}

// AdminPrefix is the prefix of the admin API's paths: "/admin" in Hydra v2,
// none in Hydra v1.
func (s *Server) AdminPrefix() string {
	if IsV1(s.Version) {
		return ""
	}
	return "/admin"
}

// Log returns what Hydra has printed so far.
func (s *Server) Log() string { return s.log.String() }

// Stop ends Hydra and the login and consent app, and removes the
// configuration.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
	}
	s.cleanup()
}

func (s *Server) cleanup() {
	if s.App != nil {
		s.App.Close()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// minimalEnv passes Hydra only what it needs, so that the caller's HYDRA_*,
// DSN or proxy settings cannot change it.
func minimalEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// freePorts returns n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		_, port, _ := net.SplitHostPort(l.Addr().String())
		p, _ := strconv.Atoi(port)
		ports = append(ports, p)
	}
	return ports, nil
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Keep the last part only: Hydra's log is for failure messages.
	if b.buf.Len() > 1<<20 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
