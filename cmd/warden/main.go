// Command warden is an AWS-compatible IAM server and policy toolkit for
// Amazon Connect Health and the Amazon Connect services around it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/healthapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	os.Exit(exitCode(m.Stderr, err))
}

// Main is the program: main() and the end-to-end tests both run it, so
// tests exercise exactly what users run.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads configuration from the environment (WARDEN_*); tests
	// replace it to stay hermetic.
	Getenv func(string) string

	// onServe, when set, is told where `warden serve` listens once it
	// accepts requests; end-to-end tests use it.
	onServe func(endpoint, admin string)
	// healthJobStorage, when set, replaces Warden's own S3 as the place
	// Connect Health's patient insights jobs read and write their objects;
	// end-to-end tests set one to observe the jobs' S3 calls.
	healthJobStorage func(warden.Store, *authz.Authorizer) healthapi.JobStorage
}

// NewMain returns a Main wired to the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Run executes the command line args (without the program name).
func (m *Main) Run(ctx context.Context, args []string) error {
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	return root.ExecuteContext(ctx)
}

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "warden",
		Short:         "AWS-compatible IAM server and policy toolkit for Amazon Connect Health",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(m.policyCommand())
	root.AddCommand(m.catalogCommand())
	root.AddCommand(m.serveCommand())
	root.AddCommand(m.adminCommand())
	root.AddCommand(m.auditCommand())
	root.AddCommand(m.webappCommand())
	health := &cobra.Command{Use: "health", Short: "Amazon Connect Health operations the aws CLI does not have"}
	m.addConsoleCommands(health)
	m.addCodingCommands(health)
	root.AddCommand(health)
	return root
}

// usageError marks a mistake in how a command was invoked (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// errFindings reports that a command ran and found what it was asked to fail
// on (failing tests, validation findings): exit status 1 with nothing more to say.
var errFindings = errors.New("findings reported")

func exitCode(stderr io.Writer, err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errFindings):
		return 1
	}
	if apiErr, ok := errors.AsType[*apiError](err); ok {
		// As the aws CLI reports a service's error, so scripts can match it.
		fmt.Fprintln(stderr, apiErr)
		return apiErrorExit
	}
	fmt.Fprintln(stderr, "warden:", err)
	if _, ok := errors.AsType[usageError](err); ok || isCobraUsage(err) {
		return 2
	}
	return 1
}

// isCobraUsage recognises the errors cobra itself returns for an unknown
// command or a wrong number of arguments; cobra has no error type for them.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "requires at most", "invalid argument"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
