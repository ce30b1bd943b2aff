package main

import (
	"context"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkGetUserAudit measures what the audit trail costs the request
// path: the same authenticated, authorized iam:GetUser as BenchmarkGetUser,
// through servers with the trail off and on. With it on, every request
// also builds its event, traces its authorization and hands the event to
// the writer, which commits batches to SQLite on the same machine.
// Compare the two with benchstat over -count runs. cpu-ns/op is the
// process's CPU time (clients, server and writer) per request: on a busy
// machine it varies less than ns/op, and since the load saturates the CPUs
// its increase is the throughput the trail costs.
func BenchmarkGetUserAudit(b *testing.B) {
	for _, mode := range []struct{ name, flag string }{{"off", "--audit=false"}, {"on", "--audit=true"}} {
		b.Run(mode.name, func(b *testing.B) {
			ts := startServer(b, "", "--log-format", "json", mode.flag)
			client := ts.iam(ts.Root)
			if _, err := client.CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
				b.Fatal(err)
			}
			body := "Action=GetUser&Version=2010-05-08&UserName=alice"
			req := signedRequest(b, ts.Endpoint, body, ts.Root)
			if resp, data := send(b, http.DefaultClient, req, body); resp.StatusCode != http.StatusOK {
				b.Fatalf("GetUser: %d %s", resp.StatusCode, data)
			}
			before := processCPU()
			runLoad(b, req, body)
			b.ReportMetric(float64((processCPU()-before).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU returns the CPU time the process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
