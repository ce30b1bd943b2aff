// Package policycase reads the request files of `warden policy eval` and
// `warden policy test`: policies by layer, one request, and optionally an
// expected decision. The same files are the engine's corpus tests.
package policycase

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/warden-iam/warden/policy"
)

// Case is one evaluation: the policies that apply, the request, and for
// tests an id and the expected decision.
type Case struct {
	ID       string   `json:"id,omitempty"`
	Expect   string   `json:"expect,omitempty"`
	Policies Policies `json:"policies"`
	Request  Request  `json:"request"`
}

// Policies lists the documents of each layer. A document is a JSON object or
// a string holding one.
type Policies struct {
	Identity []json.RawMessage   `json:"identity"`
	Boundary []json.RawMessage   `json:"boundary"`
	Session  []json.RawMessage   `json:"session"`
	SCP      [][]json.RawMessage `json:"scp"`
	RCP      [][]json.RawMessage `json:"rcp"`
	Resource []json.RawMessage   `json:"resource"`
}

// Request is the request part of a case.
type Request struct {
	Principal       Principal                  `json:"principal"`
	Action          string                     `json:"action"`
	Resource        string                     `json:"resource"`
	ResourceAccount string                     `json:"resourceAccount"`
	Context         map[string]json.RawMessage `json:"context"`
}

// Principal is the request principal.
type Principal struct {
	ARN     string `json:"arn"`
	Account string `json:"account"`
	Type    string `json:"type"`
	// Parent is the role ARN behind a role session, or the IAM user behind a
	// federated user; derived from a session ARN when omitted.
	Parent        string            `json:"parent,omitempty"`
	Federated     string            `json:"federated,omitempty"`
	CanonicalUser string            `json:"canonicalUser,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
}

// Decode reads one case from a JSON object, rejecting unknown fields so
// that a misspelled layer is not silently ignored.
func Decode(data []byte) (*Case, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Case
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("invalid case: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid case: more than one JSON value")
	}
	return &c, nil
}

// Build parses and compiles the case's policies and request. Errors name the
// document and the position inside it.
func (c *Case) Build() (*policy.Layers, *policy.Request, error) {
	var l policy.Layers
	var err error
	if l.Identity, err = compileLayer("identity", c.Policies.Identity, policy.KindIdentity, false); err != nil {
		return nil, nil, err
	}
	if c.Policies.Boundary != nil {
		if l.Boundary, err = compileLayer("boundary", c.Policies.Boundary, policy.KindBoundary, true); err != nil {
			return nil, nil, err
		}
	}
	if c.Policies.Session != nil {
		if l.Session, err = compileLayer("session", c.Policies.Session, policy.KindSession, true); err != nil {
			return nil, nil, err
		}
	}
	for i, level := range c.Policies.SCP {
		s, err := compileLayer(fmt.Sprintf("scp[%d]", i), level, policy.KindSCP, true)
		if err != nil {
			return nil, nil, err
		}
		l.SCPs = append(l.SCPs, s)
	}
	for i, level := range c.Policies.RCP {
		s, err := compileLayer(fmt.Sprintf("rcp[%d]", i), level, policy.KindRCP, true)
		if err != nil {
			return nil, nil, err
		}
		l.RCPs = append(l.RCPs, s)
	}
	if c.Policies.Resource != nil {
		kind := policy.KindResource
		if isAssumeRole(c.Request.Action) {
			kind = policy.KindTrust
		}
		if l.Resource, err = compileLayer("resource", c.Policies.Resource, kind, true); err != nil {
			return nil, nil, err
		}
	}
	req, err := c.Request.build()
	if err != nil {
		return nil, nil, err
	}
	return &l, req, nil
}

func isAssumeRole(action string) bool {
	return strings.HasPrefix(strings.ToLower(action), "sts:assumerole")
}

// compileLayer parses a layer's documents. An absent layer (no documents,
// not required) compiles to nil.
func compileLayer(name string, raws []json.RawMessage, kind policy.Kind, present bool) (*policy.Set, error) {
	if len(raws) == 0 && !present {
		return nil, nil
	}
	docs := make([]policy.Document, 0, len(raws))
	for i, raw := range raws {
		docName := fmt.Sprintf("%s[%d]", name, i)
		src, err := documentText(raw)
		if err != nil {
			return nil, fmt.Errorf("policies.%s: %w", docName, err)
		}
		p, err := policy.ParseAs(src, kind)
		if err != nil {
			return nil, fmt.Errorf("policies.%s: %w", docName, err)
		}
		docs = append(docs, policy.Document{Name: docName, Policy: p})
	}
	set, diags := policy.Compile(docs...)
	if len(diags) > 0 {
		return nil, fmt.Errorf("policies.%s: %w", name, &policy.Error{Diagnostics: diags})
	}
	return set, nil
}

// documentText accepts a policy written inline as an object or as a string
// holding the document, as IAM's APIs carry it.
func documentText(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []byte(s), nil
	}
	return raw, nil
}

func (r *Request) build() (*policy.Request, error) {
	p := r.Principal
	t := policy.PrincipalType(p.Type)
	if p.Type == "" {
		return nil, errors.New("request.principal.type is required: User, AssumedRole, FederatedUser, Root, Service or Anonymous")
	}
	if !t.Valid() {
		return nil, fmt.Errorf("request.principal.type %q is not one of User, AssumedRole, FederatedUser, Root, Service, Anonymous", p.Type)
	}
	if r.Action == "" {
		return nil, errors.New("request.action is required")
	}
	req := &policy.Request{
		Principal: policy.RequestPrincipal{
			Type: t, ARN: p.ARN, Account: p.Account, Parent: p.Parent,
			Federated: p.Federated, CanonicalUser: p.CanonicalUser,
		},
		Action:          r.Action,
		Resource:        r.Resource,
		ResourceAccount: r.ResourceAccount,
	}
	if req.Resource == "" {
		req.Resource = "*"
	}
	if t == policy.PrincipalAssumedRole && req.Principal.Parent == "" {
		req.Principal.Parent = RoleARNFromSession(p.ARN)
	}
	if req.Principal.Account == "" {
		req.Principal.Account = accountOf(p.ARN)
	}
	for k, raw := range r.Context {
		if err := setContext(&req.Context, k, raw); err != nil {
			return nil, fmt.Errorf("request.context[%q]: %w", k, err)
		}
	}
	return req, nil
}

// RoleARNFromSession derives the role ARN of a role session ARN
// (arn:aws:sts::A:assumed-role/R/S → arn:aws:iam::A:role/R). The role's path
// is not part of the session ARN; give it explicitly when the role has one.
func RoleARNFromSession(session string) string {
	parts := strings.SplitN(session, ":", 6)
	if len(parts) != 6 || parts[2] != "sts" {
		return ""
	}
	rest, ok := strings.CutPrefix(parts[5], "assumed-role/")
	if !ok {
		return ""
	}
	role, _, _ := strings.Cut(rest, "/")
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + role
}

func accountOf(a string) string {
	parts := strings.SplitN(a, ":", 6)
	if len(parts) == 6 {
		return parts[4]
	}
	return ""
}

func setContext(ctx *policy.Context, key string, raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		vals := make([]string, 0, len(items))
		for _, it := range items {
			s, err := scalarText(it)
			if err != nil {
				return err
			}
			vals = append(vals, s)
		}
		ctx.SetMulti(key, vals)
		return nil
	}
	s, err := scalarText(raw)
	if err != nil {
		return err
	}
	ctx.Set(key, s)
	return nil
}

func scalarText(raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return string(raw), nil
	}
	return "", fmt.Errorf("values must be strings, numbers, booleans or lists of them, not %s", string(raw))
}

// Result is the output of evaluating one case.
type Result struct {
	ID       string                    `json:"id,omitempty"`
	Decision string                    `json:"decision"`
	Reason   string                    `json:"reason,omitempty"`
	Deciding []policy.StatementOutcome `json:"deciding"`
	Layers   []policy.LayerExplanation `json:"layers"`
}

// Evaluate builds and explains the case.
func (c *Case) Evaluate() (*Result, error) {
	l, req, err := c.Build()
	if err != nil {
		return nil, err
	}
	e := policy.Explain(l, req)
	res := &Result{ID: c.ID, Decision: e.Decision.String(), Deciding: e.Deciding, Layers: e.Layers}
	if res.Deciding == nil {
		res.Deciding = []policy.StatementOutcome{}
	}
	if e.Decision != policy.Allowed {
		res.Reason = e.Reason.Phrase(req.Action)
	}
	return res, nil
}
