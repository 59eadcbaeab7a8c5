package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/caselink/caselink/internal/pole"
	"github.com/caselink/caselink/internal/review"
	"github.com/caselink/caselink/internal/web"
)

const serveUsage = `Usage: caselink serve [--db DSN] [--key-file FILE] [--addr HOST:PORT]
                      [--tls-cert FILE --tls-key FILE]

Serve the web interface and its JSON API over HTTP (docs/api.md). A page
acts for the user signed in at /signin; an API request for the holder of
an API token (Authorization: Bearer clk_..., from 'caselink user token')
or of a signed-in session; all through the access policy and the audit
log, as the commands do. The server prints the address it listens on
(--addr 127.0.0.1:0 picks a free port) and stops, letting requests in flight
finish, when interrupted.

The API carries tokens and personal data: it listens on a loopback address
over plain HTTP, and anywhere else only over TLS (--tls-cert and --tls-key,
PEM files), or behind a TLS proxy on this host.`

// Timeouts of the server. A triage of the national set answers only when
// it is done, so a response may take minutes to write.
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = time.Minute
	serveWriteTimeout      = 10 * time.Minute
	serveIdleTimeout       = 2 * time.Minute
	serveShutdownTimeout   = 30 * time.Second
)

func runServe(ctx context.Context, m *Main, args []string) (err error) {
	fs := m.flags("serve")
	fs.Usage = func() { fmt.Fprintln(fs.Output(), serveUsage); fs.PrintDefaults() }
	db := m.dbFlags(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on, HOST:PORT")
	certFile := fs.String("tls-cert", "", "TLS certificate chain (PEM); with --tls-key, serve HTTPS")
	keyFile := fs.String("tls-key", "", "TLS private key (PEM)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return pole.Invalid("tls-cert", "give both --tls-cert and --tls-key, or neither")
	}
	var tlsConfig *tls.Config
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return pole.Invalid("tls-cert", "%v", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return pole.Invalid("addr", "%q is not HOST:PORT: %v", *addr, err)
	}
	if tlsConfig == nil && !loopback(host) {
		return pole.Invalid("addr", "%s is not a loopback address: the API carries API tokens and personal data, so beyond this host it is served only over TLS (--tls-cert and --tls-key)", *addr)
	}

	x, err := m.openStoreWithKeys(ctx, db)
	if err != nil {
		return err
	}
	defer closeSession(x, &err)
	return serveWeb(ctx, m, x, *addr, tlsConfig, nil)
}

// serveWeb serves the web interface and its API over x until ctx ends,
// then lets requests in flight finish. ready, if not nil, is called with
// the address once the server listens.
func serveWeb(ctx context.Context, m *Main, x *session, addr string, tlsConfig *tls.Config, ready func(url string)) error {
	logger := slog.New(slog.NewTextHandler(m.stderr, nil))
	desk := review.NewDesk(x.st, x.guard, nil)
	h, err := web.New(x.st, desk, x.guard, x.auth, x.log, logger)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := h.BuildSearchIndex(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.stdout, "people search index: %d person records in %.1f s\n", n, time.Since(start).Seconds())
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return pole.Invalid("addr", "cannot listen on %s: %v", addr, err)
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			served <- srv.ServeTLS(ln, "", "")
		} else {
			served <- srv.Serve(ln)
		}
	}()
	url := fmt.Sprintf("%s://%s", scheme, ln.Addr())
	fmt.Fprintf(m.stdout, "serving the web interface and the JSON API on %s\n", url)
	if ready != nil {
		ready(url)
	}

	select {
	case err := <-served:
		return pole.E("serve", err)
	case <-ctx.Done():
	}
	// Requests in flight may finish; the audit log is closed (deferred)
	// only once they have.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), serveShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return pole.E("serve", fmt.Errorf("requests still running after %s were cut off: %w", serveShutdownTimeout, err))
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return pole.E("serve", err)
	}
	fmt.Fprintln(m.stdout, "stopped")
	return nil
}

// loopback reports whether host names this machine only.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
