package main

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/catalog"
)

// The JSON forms of the audit commands: Warden's own event shape (list and
// tail --output json), the verification report, and CloudTrail's record
// shape (export).

type auditEventJSON struct {
	Seq               uint64              `json:"seq"`
	Time              time.Time           `json:"time"`
	RequestID         string              `json:"requestId"`
	SourceIP          string              `json:"sourceIp,omitempty"`
	UserAgent         string              `json:"userAgent,omitempty"`
	Region            string              `json:"region,omitempty"`
	Identity          auditIdentityJSON   `json:"identity"`
	Service           string              `json:"service,omitempty"`
	Action            string              `json:"action,omitempty"`
	Resources         []string            `json:"resources,omitempty"`
	Decision          string              `json:"decision"`
	DecidingLayer     string              `json:"decidingLayer,omitempty"`
	DecidingStatement *auditStatementJSON `json:"decidingStatement,omitempty"`
	ErrorCode         string              `json:"errorCode,omitempty"`
	RequestParameters []auditParamJSON    `json:"requestParameters,omitempty"`
	PrevHash          string              `json:"prevHash"`
	Hash              string              `json:"hash"`
}

type auditIdentityJSON struct {
	Type             string `json:"type,omitempty"`
	ARN              string `json:"arn,omitempty"`
	AccountID        string `json:"accountId,omitempty"`
	PrincipalID      string `json:"principalId,omitempty"`
	UserName         string `json:"userName,omitempty"`
	AccessKeyID      string `json:"accessKeyId,omitempty"`
	SessionIssuer    string `json:"sessionIssuer,omitempty"`
	MFAAuthenticated bool   `json:"mfaAuthenticated,omitempty"`
	SourceIdentity   string `json:"sourceIdentity,omitempty"`
}

type auditStatementJSON struct {
	Policy string `json:"policy"`
	Index  int    `json:"index"`
	Sid    string `json:"sid,omitempty"`
}

type auditParamJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// decisionName is how output names a decision; "none" for a request that
// was never authorized, as --decision spells it.
func decisionName(d warden.AuditDecision) string {
	if d == warden.AuditNoDecision {
		return "none"
	}
	return string(d)
}

func newAuditEventJSON(e *warden.AuditEvent) auditEventJSON {
	id := e.Identity
	out := auditEventJSON{
		Seq: e.Seq, Time: e.Time.UTC(), RequestID: e.RequestID, SourceIP: e.SourceIP, UserAgent: e.UserAgent, Region: e.Region,
		Identity: auditIdentityJSON{Type: id.Type, ARN: id.ARN, AccountID: id.AccountID, PrincipalID: id.PrincipalID, UserName: id.UserName,
			AccessKeyID: id.AccessKeyID, SessionIssuer: id.SessionIssuer, MFAAuthenticated: id.MFAAuthenticated, SourceIdentity: id.SourceIdentity},
		Service: e.Service, Action: e.Action, Resources: e.Resources, Decision: decisionName(e.Decision),
		DecidingLayer: e.DecidingLayer, ErrorCode: e.ErrorCode, PrevHash: e.PrevHash, Hash: e.Hash,
	}
	if st := e.DecidingStatement; st != nil {
		out.DecidingStatement = &auditStatementJSON{Policy: st.Policy, Index: st.Index, Sid: st.Sid}
	}
	for _, p := range e.RequestParameters {
		out.RequestParameters = append(out.RequestParameters, auditParamJSON(p))
	}
	return out
}

type verificationJSON struct {
	Intact   bool        `json:"intact"`
	Events   uint64      `json:"events"`
	FirstSeq uint64      `json:"firstSeq,omitempty"`
	LastSeq  uint64      `json:"lastSeq,omitempty"`
	LastHash string      `json:"lastHash,omitempty"`
	Breaks   []breakJSON `json:"breaks"`
	Unlisted int         `json:"unlistedBreaks,omitempty"`
}

type breakJSON struct {
	Kind         string `json:"kind"`
	Seq          uint64 `json:"seq,omitempty"`
	RequestID    string `json:"requestId,omitempty"`
	FirstMissing uint64 `json:"firstMissing,omitempty"`
	LastMissing  uint64 `json:"lastMissing,omitempty"`
	Detail       string `json:"detail"`
}

func newVerificationJSON(v *warden.AuditVerification) verificationJSON {
	out := verificationJSON{Intact: v.Intact(), Events: v.Events, FirstSeq: v.FirstSeq, LastSeq: v.LastSeq, LastHash: v.LastHash,
		Breaks: []breakJSON{}, Unlisted: v.Unlisted}
	for _, b := range v.Breaks {
		out.Breaks = append(out.Breaks, breakJSON{Kind: string(b.Kind), Seq: b.Seq, RequestID: b.RequestID,
			FirstMissing: b.FirstMissing, LastMissing: b.LastMissing, Detail: b.Detail})
	}
	return out
}

// cloudTrailEventVersion is the version of CloudTrail's record format whose
// fields export writes.
const cloudTrailEventVersion = "1.09"

// cloudTrailJSON is a CloudTrail record ("CloudTrail record contents",
// AWS CloudTrail User Guide).
type cloudTrailJSON struct {
	EventVersion        string               `json:"eventVersion"`
	UserIdentity        cloudTrailIdentity   `json:"userIdentity"`
	EventTime           string               `json:"eventTime"`
	EventSource         string               `json:"eventSource"`
	EventName           string               `json:"eventName"`
	AWSRegion           string               `json:"awsRegion"`
	SourceIPAddress     string               `json:"sourceIPAddress"`
	UserAgent           string               `json:"userAgent"`
	ErrorCode           string               `json:"errorCode,omitempty"`
	RequestParameters   map[string]any       `json:"requestParameters"`
	ResponseElements    any                  `json:"responseElements"` // responses are not kept: always null
	RequestID           string               `json:"requestID"`
	EventID             string               `json:"eventID"`
	ReadOnly            *bool                `json:"readOnly,omitempty"`
	Resources           []cloudTrailResource `json:"resources,omitempty"`
	EventType           string               `json:"eventType"`
	ManagementEvent     bool                 `json:"managementEvent"`
	RecipientAccountID  string               `json:"recipientAccountId,omitempty"`
	EventCategory       string               `json:"eventCategory"`
	AdditionalEventData cloudTrailWarden     `json:"additionalEventData"`
}

type cloudTrailIdentity struct {
	Type           string                    `json:"type"`
	PrincipalID    string                    `json:"principalId,omitempty"`
	ARN            string                    `json:"arn,omitempty"`
	AccountID      string                    `json:"accountId,omitempty"`
	AccessKeyID    string                    `json:"accessKeyId,omitempty"`
	UserName       string                    `json:"userName,omitempty"`
	SessionContext *cloudTrailSessionContext `json:"sessionContext,omitempty"`
	InvokedBy      string                    `json:"invokedBy,omitempty"`
}

type cloudTrailSessionContext struct {
	SessionIssuer  *cloudTrailSessionIssuer `json:"sessionIssuer,omitempty"`
	Attributes     cloudTrailAttributes     `json:"attributes"`
	SourceIdentity string                   `json:"sourceIdentity,omitempty"`
}

type cloudTrailSessionIssuer struct {
	Type      string `json:"type"`
	ARN       string `json:"arn"`
	AccountID string `json:"accountId"`
	UserName  string `json:"userName,omitempty"`
}

type cloudTrailAttributes struct {
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

type cloudTrailResource struct {
	ARN       string `json:"ARN"`
	AccountID string `json:"accountId,omitempty"`
}

// cloudTrailWarden is what Warden adds to CloudTrail's fields.
type cloudTrailWarden struct {
	Decision          string              `json:"decision"`
	DecidingLayer     string              `json:"decidingLayer,omitempty"`
	DecidingStatement *auditStatementJSON `json:"decidingStatement,omitempty"`
	Seq               uint64              `json:"wardenSeq"`
	PrevHash          string              `json:"wardenPrevHash"`
	Hash              string              `json:"wardenHash"`
}

func cloudTrailRecord(e *warden.AuditEvent) cloudTrailJSON {
	source := "warden"
	if e.Service != "" {
		source = e.Service + ".amazonaws.com"
	}
	r := cloudTrailJSON{
		EventVersion:       cloudTrailEventVersion,
		UserIdentity:       cloudTrailUserIdentity(&e.Identity),
		EventTime:          e.Time.UTC().Format(time.RFC3339),
		EventSource:        source,
		EventName:          e.Action,
		AWSRegion:          e.Region,
		SourceIPAddress:    e.SourceIP,
		UserAgent:          e.UserAgent,
		ErrorCode:          e.ErrorCode,
		RequestParameters:  nestParameters(e.RequestParameters),
		RequestID:          e.RequestID,
		EventID:            eventID(e.Hash),
		EventType:          "AwsApiCall",
		ManagementEvent:    true,
		RecipientAccountID: e.Identity.AccountID,
		EventCategory:      "Management",
		AdditionalEventData: cloudTrailWarden{Decision: decisionName(e.Decision), DecidingLayer: e.DecidingLayer,
			Seq: e.Seq, PrevHash: e.PrevHash, Hash: e.Hash},
	}
	if st := e.DecidingStatement; st != nil {
		r.AdditionalEventData.DecidingStatement = &auditStatementJSON{Policy: st.Policy, Index: st.Index, Sid: st.Sid}
	}
	if a, ok := catalog.Default().Action(e.Service, e.Action); ok {
		readOnly := a.AccessLevel == catalog.AccessRead || a.AccessLevel == catalog.AccessList
		r.ReadOnly = &readOnly
	}
	for _, arn := range e.Resources {
		r.Resources = append(r.Resources, cloudTrailResource{ARN: arn, AccountID: arnField(arn, 4)})
	}
	return r
}

func cloudTrailUserIdentity(id *warden.AuditIdentity) cloudTrailIdentity {
	switch id.Type {
	case "":
		return cloudTrailIdentity{Type: "Unknown", AccessKeyID: id.AccessKeyID}
	case "AWSService":
		return cloudTrailIdentity{Type: "AWSService", InvokedBy: id.ARN}
	}
	out := cloudTrailIdentity{Type: id.Type, PrincipalID: id.PrincipalID, ARN: id.ARN, AccountID: id.AccountID,
		AccessKeyID: id.AccessKeyID, UserName: id.UserName}
	if id.SessionIssuer != "" {
		issuer := &cloudTrailSessionIssuer{ARN: id.SessionIssuer, AccountID: arnField(id.SessionIssuer, 4)}
		resource := arnField(id.SessionIssuer, 5)
		switch kind, _, _ := strings.Cut(resource, "/"); kind {
		case "role":
			issuer.Type = "Role"
		case "user":
			issuer.Type = "IAMUser"
		default:
			issuer.Type = "Root"
		}
		if i := strings.LastIndexByte(resource, '/'); i >= 0 {
			issuer.UserName = resource[i+1:]
		}
		out.SessionContext = &cloudTrailSessionContext{
			SessionIssuer:  issuer,
			Attributes:     cloudTrailAttributes{MFAAuthenticated: strconv.FormatBool(id.MFAAuthenticated)},
			SourceIdentity: id.SourceIdentity,
		}
	}
	return out
}

// arnField returns the i-th colon-separated field of an ARN (4: account,
// 5: resource, which may itself contain colons).
func arnField(arn string, i int) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) <= i {
		return ""
	}
	return parts[i]
}

// eventID is a stable GUID for the event, from its chain hash: the same
// event exports with the same eventID every time. It is a version 8
// (custom) UUID.
func eventID(hash string) string {
	b, err := hex.DecodeString(hash)
	if err != nil || len(b) < 16 {
		return ""
	}
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// nestParameters turns the Query protocol's flattened parameters into the
// nested, camel-cased requestParameters object CloudTrail records:
// Tags.member.1.Key=team becomes {"tags":[{"key":"team"}]}. Parameters
// that cannot nest together (a name that is both a value and a structure)
// are all given flat, under their own names. No parameters give null.
func nestParameters(params []warden.AuditParameter) map[string]any {
	if len(params) == 0 {
		return nil
	}
	root := map[string]any{}
	for _, p := range params {
		if !insertParameter(root, parameterPath(p.Name), p.Value) {
			flat := make(map[string]any, len(params))
			for _, p := range params {
				flat[p.Name] = p.Value
			}
			return flat
		}
	}
	// The top level stays an object even if its keys are all indexes.
	for k, child := range root {
		root[k] = compactLists(child)
	}
	return root
}

// parameterPath splits a flattened name into object keys: list members
// (member.N) and map entries (entry.N) become index keys "#N", other
// components are camel-cased.
func parameterPath(name string) []string {
	parts := strings.Split(name, ".")
	path := make([]string, 0, len(parts))
	for i := 0; i < len(parts); i++ {
		if (parts[i] == "member" || parts[i] == "entry") && i+1 < len(parts) && isListIndex(parts[i+1]) {
			path = append(path, "#"+parts[i+1])
			i++
			continue
		}
		path = append(path, lowerFirst(parts[i]))
	}
	return path
}

// isListIndex accepts the 1-based positions the Query protocol numbers
// members with, written without leading zeros.
func isListIndex(s string) bool {
	n, err := strconv.ParseUint(s, 10, 31)
	return err == nil && n > 0 && strconv.FormatUint(n, 10) == s
}

func lowerFirst(s string) string {
	if s != "" && 'A' <= s[0] && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// insertParameter sets value at path, reporting false when the path runs
// into a value or ends on a structure.
func insertParameter(node map[string]any, path []string, value string) bool {
	for _, key := range path[:len(path)-1] {
		switch child := node[key].(type) {
		case nil:
			next := map[string]any{}
			node[key] = next
			node = next
		case map[string]any:
			node = child
		default:
			return false
		}
	}
	leaf := path[len(path)-1]
	if _, taken := node[leaf]; taken {
		return false
	}
	node[leaf] = value
	return true
}

// compactLists turns every object whose keys are all index keys into a
// list in index order.
func compactLists(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	indexes := make([]int, 0, len(m))
	for k, child := range m {
		m[k] = compactLists(child)
		if n, ok := strings.CutPrefix(k, "#"); ok && isListIndex(n) {
			i, _ := strconv.Atoi(n)
			indexes = append(indexes, i)
		}
	}
	if len(indexes) == 0 || len(indexes) != len(m) {
		return m
	}
	slices.Sort(indexes)
	list := make([]any, len(indexes))
	for i, n := range indexes {
		list[i] = m["#"+strconv.Itoa(n)]
	}
	return list
}
