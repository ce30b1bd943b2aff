package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkGetUser measures an authenticated and authorized iam:GetUser
// through the whole server (SigV4, store lookups, policy evaluation, XML)
// against a bare net/http handler that returns the same bytes, in the same
// run. Both receive the same signed request from keep-alive clients on
// loopback; p50-ns and p99-ns report per-request latency.
func BenchmarkGetUser(b *testing.B) {
	ts := startServer(b, "", "--log-format", "json")
	ctx := context.Background()
	client := ts.iam(ts.Root)
	if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		b.Fatal(err)
	}
	body := "Action=GetUser&Version=2010-05-08&UserName=alice"
	req := signedRequest(b, ts.Endpoint, body, ts.Root)

	// The bare handler answers with exactly Warden's response.
	resp, respBody := send(b, http.DefaultClient, req, body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GetUser: %d %s", resp.StatusCode, respBody)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		w.Write(respBody)
	}))
	defer bare.Close()

	for _, target := range []struct{ name, url string }{{"bare", bare.URL}, {"warden", ts.Endpoint}} {
		b.Run(target.name, func(b *testing.B) {
			r := req.Clone(ctx)
			r.URL.Host = strings.TrimPrefix(target.url, "http://")
			runLoad(b, r, body)
		})
	}
}

// runLoad sends the request b.N times from parallel clients and reports
// latency percentiles.
func runLoad(b *testing.B, req *http.Request, body string) {
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: transport}
	defer transport.CloseIdleConnections()
	var mu sync.Mutex
	var latencies []time.Duration
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			start := time.Now()
			resp, _ := send(b, client, req, body)
			local = append(local, time.Since(start))
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
		mu.Lock()
		latencies = append(latencies, local...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Nanoseconds()), "p99-ns")
}

func send(b testing.TB, client *http.Client, req *http.Request, body string) (*http.Response, []byte) {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	resp, err := client.Do(r)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return resp, data
}

// signedRequest signs a Query request once, as the Go SDK would; replaying
// it keeps the client's cost out of the comparison.
func signedRequest(b testing.TB, endpoint, body string, creds aws.Credentials) *http.Request {
	return signedServiceRequest(b, endpoint, body, creds, "iam")
}
