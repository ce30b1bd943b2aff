package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/appintegrationsapi"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/codingapi"
	"github.com/warden-iam/warden/connectapi"
	"github.com/warden-iam/warden/consoleapi"
	"github.com/warden-iam/warden/healthapi"
	"github.com/warden-iam/warden/httpapi"
	"github.com/warden-iam/warden/iamapi"
	"github.com/warden-iam/warden/identitystoreapi"
	"github.com/warden-iam/warden/managed"
	"github.com/warden-iam/warden/oidc"
	"github.com/warden-iam/warden/orgsapi"
	"github.com/warden-iam/warden/sqlstore"
	"github.com/warden-iam/warden/stsapi"
)

// serveConfig is what `warden serve` runs with.
type serveConfig struct {
	dataDir     string
	listen      string
	adminListen string
	accountID   string
	region      string
	logFormat   string
	audit       bool
	// oidcJWKS are ISSUER=FILE|URL: where the keys of each OIDC identity
	// provider are, for AssumeRoleWithWebIdentity.
	oidcJWKS []string
	// regions are where STS is active; empty means every region of the
	// aws partition.
	regions []string
	// tlsCert and tlsKey are PEM files: when given, the endpoint speaks
	// HTTPS, with HTTP/2 negotiated by ALPN.
	tlsCert, tlsKey string
}

func (m *Main) serveCommand() *cobra.Command {
	var cfg serveConfig
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve IAM, STS, Organizations, Amazon Connect Health and S3, with SigV4 and policy enforcement",
		Long: `Starts Warden on its embedded SQLite store in the data directory: IAM and STS
over the AWS Query protocol, Organizations over the AWS JSON protocol and Amazon
Connect Health (aws connecthealth) over restJson1, all on one endpoint. Clients
that put host prefixes before the endpoint (runtime., streaming.) should be told
not to: AWS_DISABLE_HOST_PREFIX_INJECTION=true, or disable_host_prefix_injection
in the config Warden writes. The first start creates an account and its root
user's access key and writes DIR/credentials and DIR/config for the aws CLI and
SDKs. Every flag can also be set with a WARDEN_* environment variable
(--admin-listen: WARDEN_ADMIN_LISTEN).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := m.envFlags(cmd); err != nil {
				return err
			}
			return m.serve(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.dataDir, "data", defaultDataDir, "data directory")
	f.StringVar(&cfg.listen, "listen", defaultListen, "address of the AWS endpoint")
	f.StringVar(&cfg.adminListen, "admin-listen", defaultAdminListen, "address of /healthz, /readyz and /metrics (empty: none)")
	f.StringVar(&cfg.accountID, "account-id", "", "12-digit account id to create on first start (default: generated)")
	f.StringVar(&cfg.region, "region", defaultRegion, "region Warden reports as its own")
	f.StringVar(&cfg.logFormat, "log-format", "text", "access log format: text or json")
	f.BoolVar(&cfg.audit, "audit", true, "record every request in the audit trail (warden audit); turn off only to measure its cost")
	f.StringSliceVar(&cfg.regions, "regions", nil,
		"regions where STS issues credentials, comma-separated; elsewhere it answers RegionDisabledException (default: every region of the aws partition)")
	f.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate (chain) of the endpoint: serve HTTPS, with HTTP/2 for event streams (needs --tls-key)")
	f.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key of --tls-cert")
	f.StringSliceVar(&cfg.oidcJWKS, "oidc-jwks", nil,
		"ISSUER=FILE or ISSUER=URL: the JWK Set of an OIDC provider, as a file or a loopback URL, for AssumeRoleWithWebIdentity (repeatable; WARDEN_OIDC_JWKS takes a comma-separated list)")
	return cmd
}

// serverTLS loads the endpoint's certificate and key, or returns nil when
// neither is given. Both are read at start, so a bad file stops `serve`
// with its reason instead of failing every handshake later.
func serverTLS(certFile, keyFile string) (*tls.Config, error) {
	if certFile == "" && keyFile == "" {
		return nil, nil
	}
	if certFile == "" || keyFile == "" {
		return nil, usagef("--tls-cert and --tls-key go together")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

func (m *Main) logger(format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(m.Stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(m.Stderr, nil)), nil
	}
	return nil, usagef("--log-format must be text or json, not %q", format)
}

func openStore(ctx context.Context, dir string, logger *slog.Logger) (*sqlstore.Store, error) {
	return sqlstore.Open(ctx, dir, sqlstore.Options{AWSManagedPolicies: managed.Default(), Logger: logger})
}

func (m *Main) serve(ctx context.Context, cfg serveConfig) error {
	logger, err := m.logger(cfg.logFormat)
	if err != nil {
		return err
	}
	oidcKeys, err := webIdentityKeys(cfg.oidcJWKS)
	if err != nil {
		return err
	}
	tlsConfig, err := serverTLS(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	endpoint := "http://" + ln.Addr().String()
	if tlsConfig != nil {
		endpoint = "https://" + ln.Addr().String()
	}

	store, err := openStore(ctx, cfg.dataDir, logger)
	if err != nil {
		return err
	}
	defer store.Close()

	ep, err := store.Endpoint(ctx)
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		boot, err := store.Bootstrap(ctx, warden.BootstrapInput{AccountID: cfg.accountID, Region: cfg.region, URL: endpoint})
		if err != nil {
			return err
		}
		ep = boot.Endpoint
		if _, _, err := writeClientFiles(cfg.dataDir, boot.RootAccessKey.ID, boot.RootAccessKey.SecretAccessKey, ep.Region, endpoint); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "First start: created account %s and an access key for its root user.\n", ep.AccountID)
	case err != nil:
		return err
	case cfg.accountID != "" && cfg.accountID != ep.AccountID:
		return usagef("the data directory already holds account %s; --account-id %s applies only on first start", ep.AccountID, cfg.accountID)
	}
	if ep.URL != endpoint {
		// Keep the installation record and the client config pointing at
		// where Warden listens now.
		if ep, err = store.UpdateEndpoint(ctx, endpoint, ep.Region); err != nil {
			return err
		}
		if err := updateConfigEndpoint(cfg.dataDir, ep.Region, endpoint); err != nil {
			return err
		}
	}

	metrics := httpapi.NewMetrics()
	az := authz.New(store)
	auditor, closeAudit := startAudit(store, logger, cfg.audit)
	defer closeAudit()
	regions, err := enabledRegions(ep.Region, cfg.regions)
	if err != nil {
		return err
	}
	sts := stsapi.New(store, az, stsapi.WithWebIdentityKeys(oidcKeys), stsapi.WithRegions(ep.Region, regions))
	// Connect Health's jobs run in the background, as the service assuming
	// the customer's role through STS; they stop after the HTTP server and
	// before the store closes.
	s3, s3Handler, err := newS3(cfg.dataDir, store, az)
	if err != nil {
		return err
	}
	// Jobs read their inputs from and write their outputs to Warden's S3,
	// authorized as the role they assumed.
	var jobStorage healthapi.JobStorage = s3Handler.Internal()
	if m.healthJobStorage != nil {
		jobStorage = m.healthJobStorage(store, az)
	}
	health := healthapi.New(store, az, healthapi.Options{Roles: sts, Storage: jobStorage, Logger: logger})
	healthCtx, stopHealth := context.WithCancel(context.WithoutCancel(ctx))
	healthDone := make(chan error, 1)
	go func() { healthDone <- health.Run(healthCtx) }()
	defer func() {
		stopHealth()
		if err := <-healthDone; err != nil {
			logger.Error("connect health background work", "error", err)
		}
	}()
	// Medical coding jobs run the same way, on the same storage.
	coding := codingapi.New(store, az, codingapi.Options{Roles: sts, Storage: jobStorage, Logger: logger})
	codingDone := make(chan error, 1)
	go func() { codingDone <- coding.Run(healthCtx) }()
	defer func() {
		stopHealth()
		if err := <-codingDone; err != nil {
			logger.Error("medical coding background work", "error", err)
		}
	}()
	srv := httpapi.NewServer(httpapi.Config{
		Source:  store,
		Keys:    store,
		APIs:    []httpapi.QueryAPI{iamapi.New(store, az), sts},
		Logger:  logger,
		Metrics: metrics,
		Auditor: auditor,
		// Organizations over the JSON protocol; its SCPs and RCPs apply to
		// every API through the authorizer.
		JSONAPIs: []httpapi.JSONAPI{orgsapi.New(store, az), identitystoreapi.New(store, az)},
		RestAPIs: []httpapi.RestAPI{health, coding, consoleapi.New(store, az), appintegrationsapi.New(store, az), connectapi.New(store, az)},
		Objects:  s3,
	})
	defer srv.Close(context.Background())

	// HTTP/1.1, and HTTP/2 for the bidirectional event streams of Connect
	// Health, which the AWS SDKs send over HTTP/2 only: negotiated by ALPN
	// with TLS, else without TLS (h2c).
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	if tlsConfig != nil {
		protocols.SetHTTP2(true)
	} else {
		protocols.SetUnencryptedHTTP2(true)
	}
	httpSrv := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		Protocols: &protocols, TLSConfig: tlsConfig}
	servers := []*http.Server{httpSrv}
	errc := make(chan error, 2)
	go func() {
		if tlsConfig != nil {
			errc <- httpSrv.ServeTLS(ln, "", "")
			return
		}
		errc <- httpSrv.Serve(ln)
	}()

	adminAddr := ""
	if cfg.adminListen != "" {
		aln, err := net.Listen("tcp", cfg.adminListen)
		if err != nil {
			return err
		}
		adminAddr = "http://" + aln.Addr().String()
		adminSrv := &http.Server{Handler: httpapi.AdminHandler(metrics, func(ctx context.Context) error {
			_, err := store.Endpoint(ctx) // a read through the store's database
			return err
		}), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, adminSrv)
		go func() { errc <- adminSrv.Serve(aln) }()
	}

	credPath, _ := filepath.Abs(filepath.Join(cfg.dataDir, "credentials"))
	confPath, _ := filepath.Abs(filepath.Join(cfg.dataDir, "config"))
	fmt.Fprintf(m.Stdout, "Warden is serving IAM, STS, Organizations, Amazon Connect Health and S3 at %s (account %s, region %s).\n", endpoint, ep.AccountID, ep.Region)
	if adminAddr != "" {
		fmt.Fprintf(m.Stdout, "Health and metrics: %s/healthz %s/readyz %s/metrics\n", adminAddr, adminAddr, adminAddr)
	}
	fmt.Fprintf(m.Stdout, "Use it with the root user's credentials:\n  %s\n", usageLine(credPath, confPath, endpoint))
	if m.onServe != nil {
		m.onServe(endpoint, adminAddr)
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			logger.Warn("shutdown", "error", err)
		}
	}
	fmt.Fprintln(m.Stdout, "Warden stopped.")
	return nil
}

// webIdentityKeys reads the keys of the OIDC providers the operator named
// (--oidc-jwks ISSUER=FILE|URL); nil when none. Warden fetches no key from
// the internet: a provider's JWK Set is downloaded by the operator, or
// served on this machine.
func webIdentityKeys(specs []string) (*oidc.KeySet, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	sources := make([]oidc.Source, 0, len(specs))
	for _, spec := range specs {
		src, err := oidc.ParseSource(spec)
		if err != nil {
			return nil, usagef("--oidc-jwks: %v", err)
		}
		sources = append(sources, src)
	}
	keys, err := oidc.NewKeySet(sources...)
	if err != nil {
		return nil, usagef("--oidc-jwks: %v", err)
	}
	return keys, nil
}

// updateConfigEndpoint rewrites DIR/config when Warden listens somewhere new,
// keeping the root profile usable; it leaves a config the operator removed
// alone.
func updateConfigEndpoint(dir, region, endpoint string) error {
	path := filepath.Join(dir, "config")
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	conf := fmt.Sprintf("[profile root]\nregion = %s\nendpoint_url = %s\ndisable_host_prefix_injection = true\n", region, endpoint)
	return writeFileAtomic(path, []byte(conf), 0o600)
}
