package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// buildWarden compiles the warden binary for tests that need a real process.
func buildWarden(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "warden")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var servingLine = regexp.MustCompile(`Warden is serving [^\n]* at (http://\S+) `)

// startProcess runs `warden serve ARGS` on dir as a separate process and
// waits for it to listen. A process the test leaves running is killed when
// it ends. A test's failure shows the server's log; a benchmark discards
// it, so that collecting it costs the measurement nothing.
func startProcess(t testing.TB, bin, dir string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--data", dir, "--listen", "127.0.0.1:0", "--admin-listen", ""}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, bench := t.(*testing.B); !bench {
		logs := &syncBuffer{}
		cmd.Stderr = logs
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("log of the server at %s:\n%s", dir, logs.String())
			}
		})
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	endpoint := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				endpoint <- m[1]
			}
		}
	}()
	select {
	case ep := <-endpoint:
		return cmd, ep
	case <-time.After(30 * time.Second):
		t.Fatal("warden serve did not start")
	}
	return nil, ""
}

// TestCrashLosesNoAcknowledgedWrite kills Warden with SIGKILL in the middle
// of a stream of writes, restarts it on the same data directory, and checks
// that every write the server acknowledged is there.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	bin := buildWarden(t)
	dir := t.TempDir()
	var acknowledged []string
	for round := range 3 {
		cmd, endpoint := startProcess(t, bin, dir)
		ts := &testServer{Endpoint: endpoint, Root: readCredentials(t, filepath.Join(dir, "credentials"))}
		client := ts.iam(ts.Root)

		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					name := fmt.Sprintf("u%d-%d-%d", round, w, i)
					if _, err := client.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
						return // the server is gone
					}
					mu.Lock()
					acknowledged = append(acknowledged, name)
					mu.Unlock()
				}
			}()
		}
		time.Sleep(700 * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		close(stop)
		wg.Wait()
	}
	if len(acknowledged) < 20 {
		t.Fatalf("only %d writes were acknowledged before the kills; the test did not exercise anything", len(acknowledged))
	}

	cmd, endpoint := startProcess(t, bin, dir)
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	ts := &testServer{Endpoint: endpoint, Root: readCredentials(t, filepath.Join(dir, "credentials"))}
	present := map[string]bool{}
	// A client of its own, on fresh connections, so that nothing of the
	// killed servers' connections can reach the check.
	client := iam.New(iam.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(ts.Endpoint),
		Credentials: credentials.StaticCredentialsProvider{Value: ts.Root},
		HTTPClient:  &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	})
	p := iam.NewListUsersPaginator(client, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("the data directory is not usable after the crashes: %v", err)
		}
		for _, u := range page.Users {
			present[aws.ToString(u.UserName)] = true
		}
	}
	for _, name := range acknowledged {
		if !present[name] {
			t.Errorf("acknowledged user %s was lost", name)
		}
	}
	t.Logf("%d acknowledged writes across 3 SIGKILLs, all present", len(acknowledged))
}
