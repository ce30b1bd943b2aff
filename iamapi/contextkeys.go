package iamapi

import (
	"cmp"
	"context"
	"encoding/base64"
	"net/netip"
	"slices"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

// The context-key operations list the condition keys a simulation of the
// same policies would need values for (IAM API Reference,
// "GetContextKeysForCustomPolicy", "GetContextKeysForPrincipalPolicy").

func (a *API) getContextKeysForCustomPolicy(ctx context.Context, c *authz.Caller, in *s.GetContextKeysForCustomPolicyInput) (*s.GetContextKeysForPrincipalPolicyOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:GetContextKeysForCustomPolicy", Resource: "*"}); err != nil {
		return nil, err
	}
	docs, err := keyDocuments(in.PolicyInputList, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	return &s.GetContextKeysForPrincipalPolicyOutput{ContextKeyNames: contextKeys(docs)}, nil
}

func (a *API) getContextKeysForPrincipalPolicy(ctx context.Context, c *authz.Caller, in *s.GetContextKeysForPrincipalPolicyInput) (*s.GetContextKeysForPrincipalPolicyOutput, error) {
	src, err := a.authorizeSource(ctx, c, "iam:GetContextKeysForPrincipalPolicy", in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	attached, err := a.sourcePolicies(ctx, src)
	if err != nil {
		return nil, err
	}
	extra, err := keyDocuments(in.PolicyInputList, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	docs := make([]*policy.Policy, 0, len(attached.identity)+len(extra)+1)
	for _, p := range attached.identity {
		docs = append(docs, p.doc)
	}
	docs = append(docs, extra...)
	// The stored boundary takes part in every simulation of the entity, so
	// its keys are keys a simulation needs.
	if attached.boundary != nil {
		docs = append(docs, attached.boundary.doc)
	}
	return &s.GetContextKeysForPrincipalPolicyOutput{ContextKeyNames: contextKeys(docs)}, nil
}

// keyDocuments parses the policies whose keys are listed. Only the grammar
// is checked: a trust or resource policy has keys as much as an identity
// policy does.
func keyDocuments(texts []string, list string) ([]*policy.Policy, error) {
	docs := make([]*policy.Policy, len(texts))
	for i, text := range texts {
		p, err := policy.Parse([]byte(text))
		if err != nil {
			return nil, malformed(err, inputID(list, i))
		}
		docs[i] = p
	}
	return docs, nil
}

// contextKeys returns the distinct keys the policies refer to, in the order
// they are written: IAM lists them as found, not sorted (AWS CLI Command
// Reference, "get-context-keys-for-custom-policy", whose example answers
// aws:username from a Resource before aws:CurrentTime from the Condition
// after it). Keys are compared without regard to case, as IAM compares
// them; the first spelling is kept.
func contextKeys(docs []*policy.Policy) []string {
	var keys keyList
	for _, p := range docs {
		for _, st := range p.Statements {
			keys.add(statementKeys(p, st)...)
		}
	}
	return keys.names()
}

// statementKeys returns the context keys a statement refers to, in the
// order they are written: the keys its Condition block tests and, when the
// policy's Version enables policy variables, the variables in its Resource
// or NotResource and condition values ("IAM policy elements: Variables and
// tags").
func statementKeys(p *policy.Policy, st *policy.Statement) []string {
	type ref struct {
		key    string
		offset int
	}
	var refs []ref
	variables := func(v policy.Value) {
		if !p.VariablesEnabled() {
			return
		}
		for _, k := range policy.VariableKeys(v.Text) {
			refs = append(refs, ref{strings.TrimSpace(k), v.Pos.Offset})
		}
	}
	for _, r := range st.Resources {
		variables(r)
	}
	for _, c := range st.Conditions {
		refs = append(refs, ref{c.Key, c.KeyPos.Offset})
		for _, v := range c.Values {
			variables(v)
		}
	}
	slices.SortStableFunc(refs, func(a, b ref) int { return cmp.Compare(a.offset, b.offset) })
	keys := make([]string, len(refs))
	for i, r := range refs {
		keys[i] = r.key
	}
	return keys
}

// keyList collects context key names once each, compared without regard to
// case, in the order first added.
type keyList struct {
	seen  map[string]bool
	order []string
}

func (l *keyList) add(keys ...string) {
	for _, k := range keys {
		lower := strings.ToLower(k)
		if k == "" || l.seen[lower] {
			continue
		}
		if l.seen == nil {
			l.seen = map[string]bool{}
		}
		l.seen[lower] = true
		l.order = append(l.order, k)
	}
}

// names returns the keys, never nil: the response lists an empty set as an
// empty element.
func (l *keyList) names() []string {
	if l.order == nil {
		return []string{}
	}
	return l.order
}

// requestContext turns a simulation's ContextEntries into the request
// context. IAM's simulator sets no key of its own, not even the global keys
// every real request carries: a key the policies test is either given here
// or reported in MissingContextValues ("Testing IAM policies with the IAM
// policy simulator"). The list types make multivalued keys, which the set
// operators ForAllValues and ForAnyValue range over.
//
// Returns InvalidInput for an entry without a name, a single-valued type
// given other than one value, or a value its type cannot read.
func requestContext(entries []s.ContextEntry) (policy.Context, error) {
	var ctx policy.Context
	for _, e := range entries {
		name := deref(e.ContextKeyName, "")
		if name == "" {
			return ctx, warden.Errorf(warden.EInvalidInput, "A context entry must have a ContextKeyName.")
		}
		typ := s.ContextKeyTypeEnumString
		if e.ContextKeyType != nil {
			typ = *e.ContextKeyType
		}
		base, list := strings.CutSuffix(string(typ), "List")
		for _, v := range e.ContextKeyValues {
			if !validContextValue(base, v) {
				return ctx, warden.Errorf(warden.EInvalidInput, "Value %s of context key %s is not a valid %s.", v, name, base)
			}
		}
		if list {
			ctx.SetMulti(name, slices.Clone(e.ContextKeyValues))
			continue
		}
		if len(e.ContextKeyValues) != 1 {
			return ctx, warden.Errorf(warden.EInvalidInput, "Context key %s of type %s takes exactly one value; use type %sList for several.", name, typ, typ)
		}
		ctx.Set(name, e.ContextKeyValues[0])
	}
	return ctx, nil
}

// validContextValue reports whether v reads as a value of the ContextKeyType
// base (string, numeric, boolean, ip, binary, date), in the forms IAM's
// condition operators of that type accept ("IAM JSON policy elements:
// Condition operators").
func validContextValue(base, v string) bool {
	switch base {
	case "numeric":
		_, ok := policy.ParseNumber(v)
		return ok
	case "boolean":
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case "ip":
		if _, err := netip.ParseAddr(v); err == nil {
			return true
		}
		_, err := netip.ParsePrefix(v)
		return err == nil
	case "binary":
		_, err := base64.StdEncoding.DecodeString(v)
		return err == nil
	case "date":
		_, ok := policy.ParseDate(v)
		return ok
	}
	return true
}
