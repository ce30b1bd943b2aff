package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkGetUserAudit measures what the audit trail costs: the same
// authenticated, authorized iam:GetUser as BenchmarkGetUser, against
// `warden serve` processes with the trail off and on. With it on, every
// request also builds its event, traces its authorization and hands the
// event to the writer, which commits batches to SQLite in the same process.
//
// Besides ns/op (throughput, from clients sharing the machine) it reports
// server-cpu-ns/op, the CPU time the server process spent per request,
// writer included: clients and other load on the machine do not move it,
// and on a server bound by its CPU its increase is the throughput the
// trail costs. Compare the modes with benchstat over -count runs.
func BenchmarkGetUserAudit(b *testing.B) {
	bin := buildWarden(b)
	for _, mode := range []struct{ name, flag string }{{"off", "--audit=false"}, {"on", "--audit=true"}} {
		b.Run(mode.name, func(b *testing.B) {
			dir := b.TempDir()
			server, endpoint := startProcess(b, bin, dir, "--log-format", "json", mode.flag)
			root := readCredentials(b, filepath.Join(dir, "credentials"))
			ts := &testServer{Endpoint: endpoint, Root: root}
			if _, err := ts.iam(root).CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
				b.Fatal(err)
			}
			body := "Action=GetUser&Version=2010-05-08&UserName=alice"
			req := signedRequest(b, endpoint, body, root)
			if resp, data := send(b, http.DefaultClient, req, body); resp.StatusCode != http.StatusOK {
				b.Fatalf("GetUser: %d %s", resp.StatusCode, data)
			}
			before, measured := processCPUOf(server.Process.Pid)
			runLoad(b, req, body)
			// The writer commits within 50 ms of a request: a moment later
			// the server has done all the work of the load.
			time.Sleep(100 * time.Millisecond)
			after, _ := processCPUOf(server.Process.Pid)
			if measured {
				b.ReportMetric(float64((after-before).Nanoseconds())/float64(b.N), "server-cpu-ns/op")
			}
			if err := server.Process.Signal(os.Interrupt); err != nil {
				b.Fatal(err)
			}
			if err := server.Wait(); err != nil {
				b.Fatalf("warden serve: %v", err)
			}
		})
	}
}

// processCPUOf returns the CPU time (user and system) a running process
// has used, from /proc/PID/stat in clock ticks of 10 ms; false where there
// is no /proc.
func processCPUOf(pid int) (time.Duration, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: state is field 3, utime 14 and stime 15.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(utime+stime) * tick, true
}
