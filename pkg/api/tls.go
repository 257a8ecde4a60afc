package api

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// loadCAFile reads the CA certificates to trust from a PEM file. It is read
// at once, even for a plain-HTTP endpoint, so that a wrong path is a usage
// error before any request: one small file costs microseconds.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, &CAFileReadError{File: path, Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &CAFileReadError{File: path, NoCertificate: true}
	}
	return pool, nil
}

// CAFileReadError is a file of CA certificates (TransportOptions.CACertFile)
// that could not be used: it could not be read, or holds no certificate.
type CAFileReadError struct {
	File string
	// NoCertificate says that the file was read, and holds no PEM
	// certificate.
	NoCertificate bool
	Err           error
}

func (e *CAFileReadError) Error() string {
	if e.NoCertificate {
		return fmt.Sprintf("%s holds no PEM certificate", e.File)
	}
	return fmt.Sprintf("reading %s: %v", e.File, e.Err)
}

func (e *CAFileReadError) Unwrap() error { return e.Err }

// CAFileError is a certificate verification failure while only the CAs of
// TransportOptions.CACertFile were trusted. Its advice names the file, since the system's CAs
// were not consulted.
type CAFileError struct {
	File string
	Err  error
}

func (e *CAFileError) Error() string { return e.Err.Error() }
func (e *CAFileError) Unwrap() error { return e.Err }

// caFileTransport marks certificate failures with the CA file that
// was trusted.
type caFileTransport struct {
	next http.RoundTripper
	file string
}

func (t *caFileTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	var verifyErr *tls.CertificateVerificationError
	if err != nil && errors.As(err, &verifyErr) {
		return nil, &CAFileError{File: t.file, Err: err}
	}
	return resp, err
}
