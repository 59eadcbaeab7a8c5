package cli_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caselink/caselink/internal/cli"
	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/store/storetest"
)

// lockedBuffer is a buffer a running command writes to while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingOn = regexp.MustCompile(`serving the web interface and the JSON API on (https?://\S+)\n`)

// startServe runs caselink serve with args until the test stops it, and
// returns the base URL it printed and a stop that cancels its context and
// returns what the command did.
func startServe(t *testing.T, env map[string]string, args ...string) (base string, stdout *lockedBuffer, stop func() error) {
	t.Helper()
	return startServing(t, env, 10*time.Second, append([]string{"serve"}, args...)...)
}

// startServing runs a command that serves (serve, or demo --addr) until
// the test stops it, waiting up to wait for the address it prints.
func startServing(t *testing.T, env map[string]string, wait time.Duration, args ...string) (base string, stdout *lockedBuffer, stop func() error) {
	t.Helper()
	stdout = &lockedBuffer{}
	var stderr lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cli.New(stdout, &stderr, func(k string) string { return env[k] }).Run(ctx, args)
	}()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop within 15s of its context ending")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	for deadline := time.Now().Add(wait); ; {
		if m := servingOn.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("%s stopped before serving: %v\nstdout: %s\nstderr: %s", args[0], err, stdout.String(), stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s printed no address in %s: %q", args[0], wait, stdout.String())
		}
	}
	if strings.HasSuffix(base, ":0") {
		t.Fatalf("serve printed %s, want the port it listens on", base)
	}
	return base, stdout, stop
}

// serveGet asks client for base+path with token ("" for none).
func serveGet(t *testing.T, client *http.Client, base, path, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestServeAnswersTheAPIUntilItsContextEnds(t *testing.T) {
	db := storetest.SQLiteDSN(t)
	env := actingAs(t, db, pole.RoleNationalReviewer, "")
	base, stdout, stop := startServe(t, env, "--db", db, "--addr", "127.0.0.1:0")
	client := http.DefaultClient
	if status, body := serveGet(t, client, base, "/healthz", ""); status != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Fatalf("GET /healthz: got %d %s, want 200 {\"status\":\"ok\"}", status, body)
	}
	status, body := serveGet(t, client, base, "/api/reviews", env["CASELINK_TOKEN"])
	var queue struct {
		Total   *int              `json:"total"`
		Reviews []json.RawMessage `json:"reviews"`
	}
	if err := json.Unmarshal(body, &queue); status != http.StatusOK || err != nil || queue.Total == nil || queue.Reviews == nil {
		t.Fatalf("GET /api/reviews: got %d %s (%v), want 200 with a total and a list", status, body, err)
	}
	if status, _ := serveGet(t, client, base, "/api/reviews", ""); status != http.StatusUnauthorized {
		t.Fatalf("GET /api/reviews without a token: got %d, want 401", status)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve after its context ended: got %v, want a clean stop", err)
	}
	if !strings.Contains(stdout.String(), "stopped") {
		t.Fatalf("stdout %q, want it to say the server stopped", stdout.String())
	}
	// The audit log was closed, checkpointed and is whole.
	out, _, err := run(t, actingAs(t, db, pole.RoleAuditor, "national"), "audit", "verify", "--db", db)
	if err != nil {
		t.Fatalf("audit verify after serve: %v\n%s", err, out)
	}
}

func TestServeSpeaksTLSWithACertificate(t *testing.T) {
	db := storetest.SQLiteDSN(t)
	env := actingAs(t, db, pole.RoleNationalReviewer, "")
	certFile, keyFile, pool := selfSigned(t)
	base, _, stop := startServe(t, env, "--db", db, "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serve with a certificate printed %s, want an https address", base)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if status, body := serveGet(t, client, base, "/api/reviews", env["CASELINK_TOKEN"]); status != http.StatusOK {
		t.Fatalf("GET /api/reviews over TLS: got %d %s, want 200", status, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve after its context ended: got %v, want a clean stop", err)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their files and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "caselink test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServeRefusesPlainHTTPBeyondLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.0.2.1:8080"} {
		_, _, err := run(t, map[string]string{"CASELINK_KEY_FILE": keyFile(t)}, "serve", "--db", storetest.SQLiteDSN(t), "--addr", addr)
		if pole.ErrorCode(err) != pole.EINVALID || pole.ErrorField(err) != "addr" {
			t.Fatalf("serve --addr %s without TLS: got %v, want EINVALID on addr", addr, err)
		}
	}
	_, _, err := run(t, nil, "serve", "--tls-cert", "cert.pem")
	if pole.ErrorField(err) != "tls-cert" {
		t.Fatalf("serve with a certificate and no key: got %v, want EINVALID on tls-cert", err)
	}
}

func TestServeHasHelp(t *testing.T) {
	out, _, err := run(t, nil, "serve", "--help")
	if err != nil || !strings.Contains(out, "Usage: caselink serve") || !strings.Contains(out, "-addr") {
		t.Fatalf("serve --help: got %q (%v), want its usage and flags", out, err)
	}
}

var demoAccount = regexp.MustCompile(`(?m)^\s+(demo-[a-z-]+)\s+password (\S+)$`)

// TestDemoWithAddrServesTheDemoAndPrintsAnAccountForEachRole runs the demo
// on a small data set with --addr, and signs in with an account it prints.
func TestDemoWithAddrServesTheDemoAndPrintsAnAccountForEachRole(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo")
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	base, stdout, stop := startServing(t, nil, 5*time.Minute, "demo", "--db", db, "--people", "200", "--addr", "127.0.0.1:0")
	accounts := map[string]string{}
	for _, m := range demoAccount.FindAllStringSubmatch(stdout.String(), -1) {
		accounts[m[1]] = m[2]
	}
	for _, role := range pole.AccessRoles {
		if _, ok := accounts["demo-"+strings.ReplaceAll(string(role), "_", "-")]; !ok {
			t.Errorf("no demo account printed for %s:\n%s", role, stdout.String())
		}
	}
	form := "login=demo-national-reviewer&password=" + accounts["demo-national-reviewer"] + "&next=%2Freviews"
	req, err := http.NewRequest("POST", base+"/signin", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reviews" || len(resp.Cookies()) == 0 {
		t.Fatalf("signing in with the printed account: %d to %q, cookies %v", resp.StatusCode, resp.Header.Get("Location"), resp.Cookies())
	}
	if err := stop(); err != nil {
		t.Fatalf("the demo's server stopped with %v", err)
	}
}
