package stsapi

import (
	"bytes"
	"cmp"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/policy"
)

// Encoded authorization messages carry the full explanation of a denial to
// whoever may read it: the message is sealed with the store's key, so only
// Warden opens it, and DecodeAuthorizationMessage opens it for callers of
// the denied principal's account allowed sts:DecodeAuthorizationMessage
// (STS API Reference, DecodeAuthorizationMessage). The decoded document
// keeps the field names AWS's decoded messages use (allowed, explicitDeny,
// matchedStatements, failures, context) and adds Warden's explanation:
// the reason, each layer's answer, and for every statement that failed,
// the element and condition that did.

// Sealer seals and opens messages only this installation can read; the
// store implements it (warden.SessionService).
type Sealer interface {
	SealMessage(purpose string, plaintext []byte) []byte
	OpenMessage(purpose string, sealed []byte) ([]byte, error)
}

// authorizationMessagePurpose binds sealed messages to this use.
const authorizationMessagePurpose = "sts authorization message v1"

// maxEncodedMessage is the longest EncodedMessage the operation accepts
// (encodedMessageType); explanations are trimmed to fit.
const maxEncodedMessage = 10240

// DecodedMessage is the document DecodeAuthorizationMessage returns.
type DecodedMessage struct {
	Allowed           bool                                  `json:"allowed"`
	ExplicitDeny      bool                                  `json:"explicitDeny"`
	Reason            string                                `json:"reason,omitempty"`
	MatchedStatements messageItems[policy.StatementOutcome] `json:"matchedStatements"`
	Failures          messageItems[policy.StatementOutcome] `json:"failures"`
	Layers            []messageLayer                        `json:"layers,omitempty"`
	Context           messageContext                        `json:"context"`
	// Trimmed says that the explanation was cut to fit the message size.
	Trimmed bool `json:"trimmed,omitempty"`
}

type messageItems[T any] struct {
	Items []T `json:"items"`
}

type messageLayer struct {
	Layer   string `json:"layer"`
	Applies bool   `json:"applies"`
	Allowed bool   `json:"allowed"`
	Denied  bool   `json:"denied"`
	Grant   string `json:"grant,omitempty"`
}

type messageContext struct {
	Principal  messagePrincipal               `json:"principal"`
	Action     string                         `json:"action"`
	Resource   string                         `json:"resource"`
	Conditions messageItems[messageCondition] `json:"conditions"`
}

type messagePrincipal struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	ARN  string `json:"arn"`
}

type messageCondition struct {
	Key    string                     `json:"key"`
	Values messageItems[messageValue] `json:"values"`
}

type messageValue struct {
	Value string `json:"value"`
}

// envelope is what is sealed: the message and the account whose callers
// may read it.
type envelope struct {
	Account string         `json:"account"`
	Message DecodedMessage `json:"message"`
}

// EncodeAuthorizationMessage returns the encoded authorization message of
// a denial, for "Encoded authorization failure message: …" in an
// AccessDenied message. It returns "" when the denial carries no request.
func EncodeAuthorizationMessage(sealer Sealer, d *authz.Denied) string {
	if d == nil || d.Request == nil || d.Explanation == nil {
		return ""
	}
	env := envelope{Account: d.Request.Principal.Account, Message: describeDenial(d)}
	encoded := sealEnvelope(sealer, &env)
	// Trim the least telling parts first until the message fits: the
	// layer summaries, then half the failures at a time, then the
	// matched statements and the request's keys.
	m := &env.Message
	for len(encoded) > maxEncodedMessage {
		m.Trimmed = true
		switch {
		case m.Layers != nil:
			m.Layers = nil
		case len(m.Failures.Items) > 0:
			m.Failures.Items = m.Failures.Items[:len(m.Failures.Items)/2]
		case len(m.Context.Conditions.Items) > 0:
			m.Context.Conditions.Items = m.Context.Conditions.Items[:len(m.Context.Conditions.Items)/2]
		case len(m.MatchedStatements.Items) > 0:
			m.MatchedStatements.Items = m.MatchedStatements.Items[:len(m.MatchedStatements.Items)/2]
		default:
			return encoded // only the principal, action and resource are left
		}
		encoded = sealEnvelope(sealer, &env)
	}
	return encoded
}

func describeDenial(d *authz.Denied) DecodedMessage {
	e, req := d.Explanation, d.Request
	m := DecodedMessage{
		Allowed:      e.Decision == policy.Allowed,
		ExplicitDeny: e.Decision == policy.ExplicitDeny,
		Reason:       e.Reason.Phrase(req.Action),
	}
	m.MatchedStatements.Items = append([]policy.StatementOutcome{}, e.Deciding...)
	m.Failures.Items = []policy.StatementOutcome{}
	for _, l := range e.Layers {
		m.Layers = append(m.Layers, messageLayer{Layer: l.Layer, Applies: l.Applies, Allowed: l.Allowed, Denied: l.Denied, Grant: l.Grant})
		m.Failures.Items = append(m.Failures.Items, l.Failed...)
	}
	m.Context = messageContext{Action: req.Action, Resource: req.Resource}
	m.Context.Principal.ARN = req.Principal.ARN
	if v, ok := req.Context.Get("aws:userid"); ok && len(v.Values) == 1 {
		m.Context.Principal.ID = v.Values[0]
	}
	if v, ok := req.Context.Get("aws:username"); ok && len(v.Values) == 1 {
		m.Context.Principal.Name = v.Values[0]
	}
	m.Context.Conditions.Items = []messageCondition{}
	for _, v := range req.Context.All() {
		c := messageCondition{Key: v.Key}
		for _, value := range v.Values {
			c.Values.Items = append(c.Values.Items, messageValue{value})
		}
		m.Context.Conditions.Items = append(m.Context.Conditions.Items, c)
	}
	slices.SortFunc(m.Context.Conditions.Items, func(a, b messageCondition) int { return cmp.Compare(a.Key, b.Key) })
	return m
}

func sealEnvelope(sealer Sealer, env *envelope) string {
	plain, err := json.Marshal(env)
	if err != nil {
		// The envelope holds only strings, booleans and slices of them,
		// which always encode.
		return ""
	}
	var packed bytes.Buffer
	w, _ := flate.NewWriter(&packed, flate.BestCompression) // the level is valid
	w.Write(plain)
	w.Close()
	return base64.RawURLEncoding.EncodeToString(sealer.SealMessage(authorizationMessagePurpose, packed.Bytes()))
}

// maxDecodedMessage bounds what an encoded message may inflate to: a
// sealed message cannot be forged, but the bound costs nothing.
const maxDecodedMessage = 1 << 20

var errInvalidMessage = errors.New("not an authorization message of this account")

// openMessage opens an encoded message for a caller of account.
func openMessage(sealer Sealer, encoded, account string) (*DecodedMessage, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return nil, errInvalidMessage
	}
	packed, err := sealer.OpenMessage(authorizationMessagePurpose, sealed)
	if err != nil {
		return nil, errInvalidMessage
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxDecodedMessage))
	if err != nil {
		return nil, errInvalidMessage
	}
	var env envelope
	if err := json.Unmarshal(plain, &env); err != nil || env.Account != account {
		return nil, errInvalidMessage
	}
	return &env.Message, nil
}

func (a *API) decodeAuthorizationMessage(ctx context.Context, c *authz.Caller, in *s.DecodeAuthorizationMessageInput) (*s.DecodeAuthorizationMessageOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "sts:DecodeAuthorizationMessage", Resource: "*"}); err != nil {
		return nil, err
	}
	m, err := openMessage(a.store, in.EncodedMessage, c.Principal.AccountID)
	if err != nil {
		return nil, warden.Errorf(warden.EInvalidAuthorizationMessage, "The encoded message is not a valid authorization message of this account.")
	}
	doc, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return &s.DecodeAuthorizationMessageOutput{DecodedMessage: new(string(doc))}, nil
}
