package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startTLSServer runs `warden serve --tls-cert --tls-key` with a
// certificate for 127.0.0.1 issued by a CA the test makes, and returns the
// server with a client that trusts that CA (HTTP/1.1 and HTTP/2).
func startTLSServer(t *testing.T) *testServer {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Warden test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, kind string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	caFile := write("ca.pem", "CERTIFICATE", caDER)
	certFile, keyFile := write("cert.pem", "CERTIFICATE", der), write("key.pem", "EC PRIVATE KEY", keyDER)

	ts := startServer(t, "", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(ts.Endpoint, "https://") {
		t.Fatalf("endpoint %s", ts.Endpoint)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	ts.caFile = caFile
	ts.https = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, Protocols: &protocols}}
	return ts
}

// With --tls-cert, the endpoint speaks HTTPS: the aws CLI works with the
// CA bundle, a plain request negotiates HTTP/2, and a scribe session
// streams over h2.
func TestE2ETLS(t *testing.T) {
	ts := startTLSServer(t)
	if _, stderr, err := ts.awsCLI(t, ts.Root, "sts", "get-caller-identity"); err != nil {
		t.Fatalf("aws sts get-caller-identity over HTTPS: %s", stderr)
	}
	resp, err := ts.https.Get(ts.Endpoint + "/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.TLS == nil {
		t.Errorf("protocol %s, TLS %v", resp.Proto, resp.TLS != nil)
	}

	f := newScribeFixtureOn(t, ts)
	const sessionID = "2c9a0b7e-3f1d-4e55-9a61-0d3c5b7e8f10"
	st, resp := openScribe(t, ts, ts.Root, f.params(sessionID))
	if st == nil {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("StartMedicalScribeListeningSession over h2: %d %s", resp.StatusCode, b)
	}
	if resp.TLS == nil {
		t.Fatal("the stream did not run over TLS")
	}
	st.send(configEvent(t, f.outputURI), audioEvent(t, pcm(32000, 9)), endOfSession(t))
	st.finish()
	if events := st.events(); len(events) != 1 {
		t.Fatalf("events %v", events)
	}
	if got := str(f.sessionCLI(t, sessionID), "medicalScribeListeningSessionDetails", "streamStatus"); got != "COMPLETED" {
		t.Errorf("streamStatus %s", got)
	}
}

func TestServeTLSFlagsGoTogether(t *testing.T) {
	_, stderr, code := runMain(t, "", "serve", "--data", t.TempDir(), "--tls-cert", "cert.pem")
	if code != 2 || !strings.Contains(stderr, "--tls-cert and --tls-key go together") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	_, stderr, code = runMain(t, "", "serve", "--data", t.TempDir(), "--tls-cert", "missing.pem", "--tls-key", "missing.pem")
	if code == 0 || !strings.Contains(stderr, "missing.pem") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
