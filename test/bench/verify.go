package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hydratoken/hydra/test/hydratest"
)

// verifyFigures are figure 8: token verify - on JWT access tokens that
// Hydra minted, against token introspect - on the same tokens and against
// RS256 verifications per second on every core, and its peak memory over a
// stream of a million.
//
// Hydra mints c.verifyDistinct tokens (a client with access_token_strategy
// jwt), signed with an RSA 2048 key that the bench imports into Hydra's
// access token set; the input repeats them, in order, to c.verifyTokens lines (and to
// c.verifyMemory for the memory figure). Neither command caches anything
// per token, so a repeated line costs what a new one would: the whole
// signature check for verify, a request for introspect. Introspect gets
// only the first c.verifyIntrospect lines, as its rate at ~1,000/s would
// make 100,000 lines take minutes; the figure compares rates.
func verifyFigures(ctx context.Context, c config, cli string, srv *hydratest.Server, rep *report) error {
	step("8. minting %d JWT access tokens", c.verifyDistinct)
	client := map[string]any{
		"grant_types":                []string{"client_credentials"},
		"scope":                      "read",
		"token_endpoint_auth_method": "client_secret_basic",
		"access_token_strategy":      "jwt",
	}
	dir, err := os.MkdirTemp("", "hydra-bench-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// Hydra makes RSA 4096 keys; the limit named in the issue, and the
	// common case, is RSA 2048. A 2048-bit key imported into Hydra's
	// access token set is the newest, which Hydra signs with: the tokens
	// are still Hydra's own, and introspectable.
	if err := importSigningKey(ctx, cli, srv, dir); err != nil {
		return err
	}
	distinct, err := mintTokensFor(srv, client, c.verifyDistinct)
	if err != nil {
		return err
	}
	if strings.Count(distinct[0], ".") != 2 {
		return fmt.Errorf("access_token_strategy jwt gave a token that is not a JWT")
	}
	if h, _ := base64.RawURLEncoding.DecodeString(strings.Split(distinct[0], ".")[0]); !bytes.Contains(h, []byte(`"`+benchKID+`"`)) {
		return fmt.Errorf("Hydra did not sign with the key imported as %s: header %s", benchKID, h)
	}
	jwks := filepath.Join(dir, "jwks.json")
	if err := fetchTo(srv.PublicURL+"/.well-known/jwks.json", jwks); err != nil {
		return err
	}
	verifyArgs := []string{cli, "token", "verify", "--jwks-file", jwks, "--issuer", srv.PublicURL, "-"}
	repeat := func(n int) func() io.Reader {
		return func() io.Reader {
			pr, pw := io.Pipe()
			go func() {
				bw := bufio.NewWriterSize(pw, 64<<10)
				for i := range n {
					bw.WriteString(distinct[i%len(distinct)])
					bw.WriteByte('\n')
				}
				pw.CloseWithError(bw.Flush())
			}()
			return pr
		}
	}
	counted := func(name string, args, env []string, n int, want string, rss bool) (sample, error) {
		var counter *lineCounter
		return proc{
			name: name, args: args, env: env, rss: rss,
			stdin: repeat(n),
			out: func() io.Writer {
				counter = &lineCounter{want: []byte(want)}
				return counter
			},
			check: func([]byte) error {
				if counter.lines != n || counter.hits != n {
					return fmt.Errorf("%d lines, %d with %s, want %d of each", counter.lines, counter.hits, want, n)
				}
				return nil
			},
		}.run(ctx)
	}

	// Throughput: verify on every line, introspect on the first ones.
	step("8. token verify - on %d tokens, token introspect - on %d of them, %d rounds", c.verifyTokens, c.verifyIntrospect, c.rounds)
	var vRates, iRates, vCPU []float64
	for range c.rounds {
		s, err := counted("hydra token verify -", verifyArgs, nil, c.verifyTokens, `"valid":true`, false)
		if err != nil {
			return err
		}
		vRates = append(vRates, float64(c.verifyTokens)/s.wall.Seconds())
		vCPU = append(vCPU, float64(s.cpu.Microseconds())/float64(c.verifyTokens))
		s, err = counted("hydra token introspect -", []string{cli, "token", "introspect", "--concurrency", fmt.Sprint(c.concurrency), "-"},
			[]string{"HYDRA_ADMIN_URL=" + srv.AdminURL}, c.verifyIntrospect, `"active":true`, false)
		if err != nil {
			return err
		}
		iRates = append(iRates, float64(c.verifyIntrospect)/s.wall.Seconds())
	}
	vr, ir := median(vRates), median(iRates)
	rep.check(fmt.Sprintf("8. verify: %d JWT access tokens (%d distinct)", c.verifyTokens, len(distinct)), fmt.Sprintf("%.0f/s", vr),
		fmt.Sprintf("token introspect - %.0f/s (%d tokens, --concurrency %d)", ir, c.verifyIntrospect, c.concurrency), vr/ir, 20, true)

	// The limit: RS256 verifications per second on every core, measured
	// now, by Go's crypto/rsa (what verify runs) and by OpenSSL.
	step("8. RS256 verifications/s on %d cores: Go crypto/rsa, then openssl speed", runtime.NumCPU())
	goRate := goRSAVerifyRate(ctx, 3*time.Second)
	rep.check("8. verify vs RS256 limit (Go crypto/rsa, all cores)", fmt.Sprintf("%.0f/s", vr),
		fmt.Sprintf("rsa.VerifyPKCS1v15 %.0f/s on %d cores (%.0f µs CPU/token for verify)", goRate, runtime.NumCPU(), median(vCPU)), vr/goRate, 0.5, true)
	if sslRate, err := opensslVerifyRate(ctx, runtime.NumCPU()); err != nil {
		rep.add("8. (openssl speed rsa2048)", "", "skipped: "+err.Error())
	} else {
		rep.add("8. (verify vs openssl speed rsa2048, all cores)", fmt.Sprintf("%.0f/s (%.2f)", vr, vr/sslRate),
			fmt.Sprintf("openssl %.0f verify/s on %d cores", sslRate, runtime.NumCPU()))
	}

	if c.verifyMemory > 0 {
		step("8. memory: token verify - on %d tokens", c.verifyMemory)
		s, err := counted("hydra token verify - (memory)", verifyArgs, nil, c.verifyMemory, `"valid":true`, true)
		if err != nil {
			return err
		}
		limit := int64(60 << 20)
		rep.check(fmt.Sprintf("8. verify memory: %d tokens, peak RSS", c.verifyMemory), mib(s.rss),
			fmt.Sprintf("target 60 MiB (%.0f tokens/s)%s", float64(c.verifyMemory)/s.wall.Seconds(), rssNote()), ratio(s.rss, limit), 1, false)
	}
	return nil
}

// benchKID is the kid of the RSA 2048 key the bench imports into Hydra's
// access token set.
const benchKID = "bench-rs2048"

// importSigningKey makes an RSA 2048 key and imports it into Hydra's
// access token set with the CLI.
func importSigningKey(ctx context.Context, cli string, srv *hydratest.Server, dir string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	_, err = proc{
		name: "hydra keys import",
		args: []string{cli, "keys", "import", "hydra.jwt.access-token", path, "--alg", "RS256", "--use", "sig", "--kid", benchKID},
		env:  []string{"HYDRA_ADMIN_URL=" + srv.AdminURL},
	}.run(ctx)
	return err
}

// mintTokensFor mints n access tokens with the client credentials grant
// for a new client made from doc, 8 requests at a time.
func mintTokensFor(srv *hydratest.Server, doc map[string]any, n int) ([]string, error) {
	c, err := srv.CreateClient(doc)
	if err != nil {
		return nil, err
	}
	tokens := make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				tok, err := srv.ClientCredentials(c, "read")
				if err != nil {
					errs <- err
					return
				}
				tokens[i] = tok.AccessToken
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return tokens, nil
}

func fetchTo(url, path string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return os.WriteFile(path, b, 0o600)
}

// goRSAVerifyRate is the reference in Go: one goroutine per core verifying
// one RS256 (PKCS #1 v1.5, SHA-256) signature of a 2048-bit key over and
// over for d, in verifications per second, all cores together.
func goRSAVerifyRate(ctx context.Context, d time.Duration) float64 {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return 0
	}
	h := sha256.Sum256([]byte("bench"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	if err != nil {
		return 0
	}
	var total atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.NumCPU() {
		wg.Go(func() {
			n := int64(0)
			for !stop.Load() && ctx.Err() == nil {
				// As verify does: the hash of what was signed, then the
				// signature.
				sum := sha256.Sum256([]byte("bench"))
				if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
					return
				}
				n++
			}
			total.Add(n)
		})
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds()
}

// opensslVerifyRate runs "openssl speed -seconds 3 -multi N rsa2048" and
// returns its verify/s, all processes together.
func opensslVerifyRate(ctx context.Context, n int) (float64, error) {
	path, err := exec.LookPath("openssl")
	if err != nil {
		return 0, fmt.Errorf("openssl not found")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "speed", "-seconds", "3", "-multi", strconv.Itoa(n), "rsa2048").Output()
	if err != nil {
		return 0, fmt.Errorf("openssl speed: %v", err)
	}
	// "rsa 2048 bits 0.000730s 0.000025s   1370.5  39512.3"
	m := regexp.MustCompile(`(?m)^rsa\s+2048\s+bits\s+\S+\s+\S+\s+\S+\s+([0-9.]+)\s*$`).FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no rsa 2048 line in openssl speed's output: %q", excerpt(string(bytes.TrimSpace(out))))
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
