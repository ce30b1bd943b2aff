package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/audit"
	"github.com/warden-iam/warden/httpapi"
	"github.com/warden-iam/warden/sqlstore"
)

// The audit commands read the trail in the data directory directly, like
// the admin commands, and only read: SQLite lets them run beside a serving
// Warden, and verify reads one consistent state of the trail however long
// it takes.
func (m *Main) auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read, follow, export and verify the audit trail",
		Long: `Every request Warden serves, authenticated or not, leaves one event in the audit
trail: who asked (principal, access key, source IP), for what (service, action,
resources, parameters without secrets), what was decided and by which policy layer,
and the error the caller got. Events form a hash chain; verify detects any event
that was altered, removed or reordered.

warden serve commits events in batches, at the latest 50 ms after each request
arrived. A clean shutdown (SIGINT, SIGTERM) keeps the event of every answered
request; a crash (SIGKILL, power loss) loses at most the events of the requests
of the last 50 ms and of a batch whose commit had not finished.`,
	}
	var dataDir string
	cmd.PersistentFlags().StringVar(&dataDir, "data", defaultDataDir, "data directory")
	open := func(cmd *cobra.Command) (*sqlstore.Store, error) {
		if err := m.envFlags(cmd); err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(dataDir, sqlstore.DatabaseFile)); err != nil {
			return nil, fmt.Errorf("no Warden data directory at %s: %w", dataDir, err)
		}
		return openStore(cmd.Context(), dataDir, nil)
	}
	cmd.AddCommand(m.auditListCommand(open), m.auditTailCommand(open), m.auditExportCommand(open), m.auditVerifyCommand(open))
	return cmd
}

// startAudit starts the audit trail's writer for `warden serve`, unless
// it is turned off. The returned function commits every event recorded
// before it is called; serve calls it once the HTTP servers have shut down,
// so that every answered request's event is kept.
func startAudit(store warden.AuditService, logger *slog.Logger, on bool) (httpapi.Auditor, func()) {
	if !on {
		logger.Warn("the audit trail is off: requests are not recorded")
		return nil, func() {}
	}
	w := audit.NewWriter(store, audit.Options{Logger: logger})
	return w, func() {
		ctx, cancel := context.WithTimeout(context.Background(), auditCloseTimeout)
		defer cancel()
		if err := w.Close(ctx); err != nil {
			logger.Error("closing the audit trail", "error", err)
		}
	}
}

// auditCloseTimeout bounds how long shutdown waits for the last audit
// events to be committed.
const auditCloseTimeout = 30 * time.Second

type storeOpener func(cmd *cobra.Command) (*sqlstore.Store, error)

// auditFilterFlags are the flags that select events.
type auditFilterFlags struct {
	since, until string
	principal    string
	action       string
	decisions    []string
	errorCode    string
	requestID    string
}

func (f *auditFilterFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.since, "since", "", "events at or after this time: RFC 3339 (2025-06-01T12:00:00Z), a date, or an age (15m, 24h, 7d)")
	fl.StringVar(&f.until, "until", "", "events before this time (same forms as --since)")
	fl.StringVar(&f.principal, "principal", "", "events of this principal ARN")
	fl.StringVar(&f.action, "action", "", "events of this action: iam:CreateUser or CreateUser")
	fl.StringSliceVar(&f.decisions, "decision", nil, "events with these decisions: Allow, Deny (either deny), ExplicitDeny, ImplicitDeny, none (never authorized)")
	fl.StringVar(&f.errorCode, "error-code", "", "events that failed with this AWS error code (AccessDenied, InvalidClientTokenId, …)")
	fl.StringVar(&f.requestID, "request-id", "", "the event of this request id")
}

// filter turns the flags into a store filter; now anchors ages.
func (f *auditFilterFlags) filter(now time.Time) (warden.AuditFilter, error) {
	out := warden.AuditFilter{PrincipalARN: f.principal, Action: f.action, ErrorCode: f.errorCode, RequestID: f.requestID}
	var err error
	if out.Since, err = parseAuditTime(f.since, now); err != nil {
		return out, usagef("--since: %v", err)
	}
	if out.Until, err = parseAuditTime(f.until, now); err != nil {
		return out, usagef("--until: %v", err)
	}
	for _, d := range f.decisions {
		switch strings.ToLower(d) {
		case "allow":
			out.Decisions = append(out.Decisions, warden.AuditAllow)
		case "deny":
			out.Decisions = append(out.Decisions, warden.AuditExplicitDeny, warden.AuditImplicitDeny)
		case "explicitdeny":
			out.Decisions = append(out.Decisions, warden.AuditExplicitDeny)
		case "implicitdeny":
			out.Decisions = append(out.Decisions, warden.AuditImplicitDeny)
		case "none":
			out.Decisions = append(out.Decisions, warden.AuditNoDecision)
		default:
			return out, usagef("--decision must be Allow, Deny, ExplicitDeny, ImplicitDeny or none, not %q", d)
		}
	}
	return out, nil
}

// parseAuditTime reads a time as RFC 3339, a date (midnight UTC), or an
// age before now: a Go duration (90m, 1h30m) or a number of days (7d).
func parseAuditTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 16)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is not a number of days", s)
		}
		return now.AddDate(0, 0, -int(n)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%q is not a time (2025-06-01T12:00:00Z), a date (2025-06-01) or an age (15m, 24h, 7d)", s)
	}
	return now.Add(-d), nil
}

func outputFlag(cmd *cobra.Command, output *string) {
	cmd.Flags().StringVar(output, "output", "text", "output format: text (one line per event) or json (JSON Lines)")
}

// eventPrinter writes events as text lines or JSON Lines.
type eventPrinter struct {
	w    io.Writer
	json bool
	enc  *json.Encoder
}

func newEventPrinter(w io.Writer, output string) (*eventPrinter, error) {
	switch output {
	case "text":
		return &eventPrinter{w: w}, nil
	case "json":
		return &eventPrinter{w: w, json: true, enc: json.NewEncoder(w)}, nil
	}
	return nil, usagef("--output must be text or json, not %q", output)
}

func (p *eventPrinter) print(e *warden.AuditEvent) error {
	if p.json {
		return p.enc.Encode(newAuditEventJSON(e))
	}
	_, err := io.WriteString(p.w, auditLine(e)+"\n")
	return err
}

// auditLine is an event on one line: time, seq, action, outcome, then
// key=value pairs for who, from where and why.
func auditLine(e *warden.AuditEvent) string {
	var b strings.Builder
	action := e.Action
	if e.Service != "" {
		action = e.Service + ":" + e.Action
	}
	outcome := string(e.Decision)
	if outcome == "" {
		outcome = "-"
	}
	code := e.ErrorCode
	if code == "" {
		code = "OK"
	}
	fmt.Fprintf(&b, "%s #%d %s %s %s", e.Time.UTC().Format("2006-01-02T15:04:05.000Z"), e.Seq, orDash(action), outcome, code)
	fmt.Fprintf(&b, " principal=%s", orDash(e.Identity.ARN))
	if e.Identity.AccessKeyID != "" {
		fmt.Fprintf(&b, " key=%s", e.Identity.AccessKeyID)
	}
	fmt.Fprintf(&b, " ip=%s request=%s", orDash(e.SourceIP), e.RequestID)
	if len(e.Resources) > 0 {
		fmt.Fprintf(&b, " resources=%s", strings.Join(e.Resources, ","))
	}
	if e.DecidingLayer != "" {
		fmt.Fprintf(&b, " denied-by=%s", e.DecidingLayer)
		if st := e.DecidingStatement; st != nil {
			fmt.Fprintf(&b, ":%s#%d", st.Policy, st.Index)
			if st.Sid != "" {
				fmt.Fprintf(&b, "(%s)", st.Sid)
			}
		}
	}
	return b.String()
}

// eachAuditEvent calls fn for every event the filter selects, oldest
// first, reading the trail a page at a time; limit > 0 stops after that
// many.
func eachAuditEvent(ctx context.Context, store warden.AuditService, f warden.AuditFilter, limit int, fn func(*warden.AuditEvent) error) error {
	n := 0
	for {
		f.Limit = warden.MaxAuditLimit
		if limit > 0 {
			f.Limit = min(f.Limit, limit-n)
		}
		page, err := store.ListAuditEvents(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		n += len(page)
		if len(page) < f.Limit || (limit > 0 && n >= limit) {
			return nil
		}
		f.AfterSeq = page[len(page)-1].Seq
	}
}

func (m *Main) auditListCommand(open storeOpener) *cobra.Command {
	var filters auditFilterFlags
	var output string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the events that match the filters, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := filters.filter(time.Now())
			if err != nil {
				return err
			}
			p, err := newEventPrinter(m.Stdout, output)
			if err != nil {
				return err
			}
			if limit < 0 {
				return usagef("--limit must not be negative")
			}
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			return eachAuditEvent(cmd.Context(), store, f, limit, p.print)
		},
	}
	filters.register(cmd)
	outputFlag(cmd, &output)
	cmd.Flags().IntVar(&limit, "limit", 0, "list at most this many events (0: all)")
	return cmd
}

func (m *Main) auditTailCommand(open storeOpener) *cobra.Command {
	var filters auditFilterFlags
	var output string
	var last int
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "tail",
		Short: "Show the newest events that match the filters, then follow new ones",
		Long: `Shows the newest matching events (-n), then polls the trail and prints new matching
events as the server commits them, until interrupted. The server commits events
within 50 ms of the request.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := filters.filter(time.Now())
			if err != nil {
				return err
			}
			p, err := newEventPrinter(m.Stdout, output)
			if err != nil {
				return err
			}
			if last < 0 || interval <= 0 {
				return usagef("-n must not be negative and --interval must be positive")
			}
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			return tailAuditTrail(cmd.Context(), store, f, last, interval, p.print)
		},
	}
	filters.register(cmd)
	outputFlag(cmd, &output)
	cmd.Flags().IntVarP(&last, "lines", "n", 10, "how many of the newest events to show first")
	cmd.Flags().DurationVar(&interval, "interval", time.Second, "how often to look for new events")
	return cmd
}

// tailAuditTrail prints the newest `last` events, then every new event,
// until ctx ends.
func tailAuditTrail(ctx context.Context, store warden.AuditService, f warden.AuditFilter, last int, interval time.Duration, print func(*warden.AuditEvent) error) error {
	// The cursor is the newest event of the whole trail, matching or not;
	// each poll reads the events after it up to the trail's newest at that
	// moment, so an event committed meanwhile is read by the next poll.
	cursor, err := newestSeq(ctx, store)
	if err != nil {
		return err
	}
	if last > 0 {
		recent := f
		recent.Reverse, recent.Limit, recent.BeforeSeq = true, min(last, warden.MaxAuditLimit), cursor+1
		events, err := store.ListAuditEvents(ctx, recent)
		if err != nil {
			return err
		}
		slices.Reverse(events)
		for _, e := range events {
			if err := print(e); err != nil {
				return err
			}
		}
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		newest, err := newestSeq(ctx, store)
		if err == nil && newest > cursor {
			poll := f
			poll.AfterSeq, poll.BeforeSeq = cursor, newest+1
			err = eachAuditEvent(ctx, store, poll, 0, print)
			cursor = newest
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// newestSeq returns the Seq of the trail's newest event, 0 when it is empty.
func newestSeq(ctx context.Context, store warden.AuditService) (uint64, error) {
	newest, err := store.ListAuditEvents(ctx, warden.AuditFilter{Reverse: true, Limit: 1})
	if err != nil || len(newest) == 0 {
		return 0, err
	}
	return newest[0].Seq, nil
}

func (m *Main) auditExportCommand(open storeOpener) *cobra.Command {
	var filters auditFilterFlags
	var file string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the events that match the filters as CloudTrail records (JSON Lines)",
		Long: `Writes one CloudTrail record per line ("CloudTrail record contents"): eventVersion,
eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent,
userIdentity, errorCode, requestParameters (secrets hidden as CloudTrail hides
them), resources, requestID, eventID. Warden's own fields (the decision, the
deciding layer and statement, the chain's seq and hashes) are in
additionalEventData.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := filters.filter(time.Now())
			if err != nil {
				return err
			}
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			out := m.Stdout
			if file != "" && file != "-" {
				fh, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
				if err != nil {
					return err
				}
				defer fh.Close()
				out = fh
			}
			enc := json.NewEncoder(out)
			enc.SetEscapeHTML(false)
			if err := eachAuditEvent(cmd.Context(), store, f, 0, func(e *warden.AuditEvent) error {
				return enc.Encode(cloudTrailRecord(e))
			}); err != nil {
				return err
			}
			if fh, ok := out.(*os.File); ok && fh != os.Stdout {
				return fh.Sync()
			}
			return nil
		},
	}
	filters.register(cmd)
	cmd.Flags().StringVar(&file, "file", "-", "file to write (mode 0600; - for standard output)")
	return cmd
}

func (m *Main) auditVerifyCommand(open storeOpener) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the hash chain; exit status 1 if any event was altered, removed or reordered",
		Long: `Walks the whole trail, recomputing every event's hash and its link to the event
before it, and compares the end of the chain with the trail's head record. Every
break is reported with the seq and request id of the event it concerns. The head
hash it prints can be kept elsewhere: a trail rewritten from some event onwards
still verifies on its own, but no longer contains that hash.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("--output must be text or json, not %q", output)
			}
			store, err := open(cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			v, err := store.VerifyAuditTrail(cmd.Context())
			if err != nil {
				return err
			}
			if output == "json" {
				if err := json.NewEncoder(m.Stdout).Encode(newVerificationJSON(v)); err != nil {
					return err
				}
			} else {
				printVerification(m.Stdout, v)
			}
			if !v.Intact() {
				return errFindings
			}
			return nil
		},
	}
	outputFlag(cmd, &output)
	return cmd
}

func printVerification(w io.Writer, v *warden.AuditVerification) {
	if v.Intact() {
		if v.Events == 0 {
			fmt.Fprintln(w, "The audit trail is empty.")
			return
		}
		fmt.Fprintf(w, "Verified %d events (seq %d to %d): the chain is intact.\nHead: seq %d hash %s\n", v.Events, v.FirstSeq, v.LastSeq, v.LastSeq, v.LastHash)
		return
	}
	n := len(v.Breaks) + v.Unlisted
	fmt.Fprintf(w, "The audit trail is BROKEN: %d problem(s) in %d events read.\n", n, v.Events)
	for _, b := range v.Breaks {
		fmt.Fprintf(w, "  %s\n", describeBreak(b))
	}
	if v.Unlisted > 0 {
		fmt.Fprintf(w, "  … and %d more\n", v.Unlisted)
	}
}

func describeBreak(b warden.AuditBreak) string {
	var where string
	switch {
	case b.Seq != 0 && b.RequestID != "":
		where = fmt.Sprintf("seq %d (request %s): ", b.Seq, b.RequestID)
	case b.Seq != 0:
		where = fmt.Sprintf("seq %d: ", b.Seq)
	case b.FirstMissing != 0:
		where = fmt.Sprintf("seq %d to %d: ", b.FirstMissing, b.LastMissing)
	}
	return where + string(b.Kind) + ": " + b.Detail
}
