package httpapi

import (
	"encoding/json"
	"errors"
	"iter"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
)

// Auditor keeps the audit trail (audit.Writer). Record is called once for
// every request, after its response is written and before it is flushed
// to the client, so that an answered request has always been recorded. It
// must copy what it keeps of the event, which the caller reuses, be safe
// for concurrent use and return quickly.
type Auditor interface {
	Record(e *warden.AuditEvent)
}

// Bounds on the client-supplied strings an event repeats: an
// unauthenticated client chooses them freely.
const (
	maxAuditUserAgent = 1024
	maxAuditAction    = 128
)

// audit hands the request's event to the Auditor.
func (s *Server) audit(r *http.Request, rec *requestRecord) {
	e := &rec.event
	*e = warden.AuditEvent{
		Time:      rec.start,
		RequestID: rec.id,
		SourceIP:  sourceIP(r),
		UserAgent: truncate(r.UserAgent(), maxAuditUserAgent),
		Region:    rec.region,
		Action:    truncate(rec.action, maxAuditAction),
		Service:   rec.namespace(),
		ErrorCode: rec.code,
	}
	// JSON and restJson1 callers get the service's own name for an error
	// (AccessDeniedException), and CloudTrail records that one.
	switch {
	case rec.err == nil:
	case rec.json != nil:
		e.ErrorCode = rec.json.Code(rec.err)
	case rec.rest != nil:
		e.ErrorCode = rec.rest.ErrorType(rec.code)
	}
	if rec.identity != nil {
		e.Identity = warden.NewAuditIdentity(rec.identity, rec.keyID)
	} else {
		e.Identity.AccessKeyID = claimedAccessKeyID(r)
	}
	switch {
	case rec.params != nil:
		e.RequestParameters = warden.NewAuditParameters(e.Service, rec.identity != nil, rec.params.All())
	case rec.jsonBody != nil:
		e.RequestParameters = warden.NewAuditParameters(e.Service, rec.identity != nil, jsonMemberNames(rec.jsonBody))
	}
	rec.trace.Fill(e)
	if d, ok := errors.AsType[*authz.Denied](rec.err); ok && e.Decision == warden.AuditNoDecision {
		// A denial decided without Authorize still says why.
		d.Fill(e)
	}
	s.auditor.Record(e)
}

// jsonMemberNames yields the names of the members of a JSON request body's
// top-level object, in name order. Values are left undecoded: the trail
// keeps values for IAM and STS only, which speak the Query protocol. A
// body that is not an object yields nothing.
func jsonMemberNames(body []byte) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		var members map[string]json.RawMessage
		if json.Unmarshal(body, &members) != nil {
			return
		}
		for _, name := range slices.Sorted(maps.Keys(members)) {
			if !yield(name, "") {
				return
			}
		}
	}
}

// claimedAccessKeyID returns the access key ID a request that failed
// authentication was signed with, or "" when it names none that looks like
// one. Attempts with unknown or revoked keys are what an audit is read for.
func claimedAccessKeyID(r *http.Request) string {
	id, _, _ := strings.Cut(claimedCredential(r), "/")
	if !looksLikeAccessKeyID(id) {
		return ""
	}
	return id
}

// claimedCredential returns, unchecked, the credential a request claims
// to be signed with (AKID/DATE/REGION/SERVICE/aws4_request), from the
// Credential of its Authorization header or its X-Amz-Credential query
// parameter ("Authenticating Requests (AWS Signature Version 4)"), or "".
// The verifier checks the claim; this serves what comes before it or
// after it failed.
func claimedCredential(r *http.Request) string {
	var credential string
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, after, ok := strings.Cut(auth, "Credential=")
		if !ok {
			return ""
		}
		credential, _, _ = strings.Cut(after, ",")
	} else if r.URL.RawQuery != "" {
		credential = r.URL.Query().Get("X-Amz-Credential")
	}
	return strings.TrimSpace(credential)
}

// looksLikeAccessKeyID accepts what IAM documents for AccessKeyId: 16 to
// 128 characters, here upper-case letters and digits as AWS issues them.
func looksLikeAccessKeyID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
