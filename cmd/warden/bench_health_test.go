package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkGetDomain measures an authenticated and authorized Connect
// Health GetDomain (restJson1) end to end beside a bare handler that
// returns the same bytes, as BenchmarkGetUser does for IAM.
func BenchmarkGetDomain(b *testing.B) {
	ts := startServer(b, "", "--log-format", "json")
	create := healthBenchRequest(b, http.MethodPost, ts.Endpoint+"/domain", `{"name":"bench"}`, ts.Root)
	resp, body := send(b, http.DefaultClient, create, `{"name":"bench"}`)
	var domain struct {
		DomainID string `json:"domainId"`
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &domain) != nil || domain.DomainID == "" {
		b.Fatalf("CreateDomain: %d %s", resp.StatusCode, body)
	}
	compareWithBare(b, ts, healthBenchRequest(b, http.MethodGet, ts.Endpoint+"/domain/"+domain.DomainID, "", ts.Root), "")
}

// healthBenchRequest signs a restJson1 request for Connect Health once, to be
// replayed.
func healthBenchRequest(b testing.TB, method, url, body string, creds aws.Credentials) *http.Request {
	req, err := http.NewRequest(method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		b.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "health-agent", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req
}
