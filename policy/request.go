package policy

import "strings"

// PrincipalType says who makes a request; the values are those of the
// aws:PrincipalType condition key, plus Service for AWS service principals.
type PrincipalType string

const (
	PrincipalUser          PrincipalType = "User"
	PrincipalAssumedRole   PrincipalType = "AssumedRole"
	PrincipalFederatedUser PrincipalType = "FederatedUser"
	PrincipalRoot          PrincipalType = "Root"
	PrincipalServiceType   PrincipalType = "Service"
	PrincipalAnonymous     PrincipalType = "Anonymous"
)

// Valid reports whether t is a known principal type.
func (t PrincipalType) Valid() bool {
	switch t {
	case PrincipalUser, PrincipalAssumedRole, PrincipalFederatedUser, PrincipalRoot, PrincipalServiceType, PrincipalAnonymous:
		return true
	}
	return false
}

// RequestPrincipal is the principal making a request.
type RequestPrincipal struct {
	Type PrincipalType
	// ARN is the request principal as resource-based policies see it: the
	// user ARN, the role session ARN (arn:aws:sts::A:assumed-role/R/S), the
	// federated user ARN, the root ARN, or the service principal name
	// (health-agent.amazonaws.com) for Service.
	ARN     string
	Account string
	// Parent is the identity behind a session: the role ARN of a role
	// session (what aws:PrincipalArn holds), or the IAM user that created a
	// federated user session. A resource-based policy naming it grants only
	// through the session's boundary and session policies.
	Parent string
	// Federated is the identity provider of a web-identity or SAML caller
	// (cognito-identity.amazonaws.com, arn:aws:iam::A:saml-provider/P),
	// matched by Federated principals in trust policies.
	Federated string
	// CanonicalUser is the S3 canonical user id, if any.
	CanonicalUser string
}

// IsSession reports whether the principal is a temporary session, the only
// kind session policies apply to.
func (p *RequestPrincipal) IsSession() bool {
	return p.Type == PrincipalAssumedRole || p.Type == PrincipalFederatedUser
}

// Request is one authorization question: may Principal perform Action on
// Resource, given Context.
type Request struct {
	Principal RequestPrincipal
	Action    string // service:Action
	// Resource is the target ARN, or "*" for actions without resource types.
	Resource string
	// ResourceAccount owns the resource; "" means the principal's account.
	ResourceAccount string
	Context         Context
}

// Context holds the request's condition keys. Keys are case-insensitive, as
// in IAM; a key is either single-valued or multivalued (ArrayOf… keys such
// as aws:TagKeys), which decides how set operators treat it.
type Context struct {
	m map[string]ContextValue
}

// ContextValue is the value of one context key.
type ContextValue struct {
	Key    string // as first written
	Values []string
	Multi  bool
}

// Key is a condition key name with its lookup form computed once, for
// callers that set the same keys on every request.
type Key struct{ name, lower string }

// NewKey returns the Key for a condition key name.
func NewKey(name string) Key { return Key{name: name, lower: strings.ToLower(name)} }

// Reserve makes room for n keys, sparing a request's context the map's
// growth steps.
func (c *Context) Reserve(n int) {
	if c.m == nil {
		c.m = make(map[string]ContextValue, n)
	}
}

// Set stores a single-valued key.
func (c *Context) Set(key, value string) {
	c.put(key, ContextValue{Key: key, Values: []string{value}})
}

// SetKey stores a single-valued key named by a Key.
func (c *Context) SetKey(k Key, value string) {
	if c.m == nil {
		c.m = make(map[string]ContextValue)
	}
	c.m[k.lower] = ContextValue{Key: k.name, Values: []string{value}}
}

// SetMulti stores a multivalued key; an empty list is a present key with no
// values, which set operators treat like a missing one.
func (c *Context) SetMulti(key string, values []string) {
	c.put(key, ContextValue{Key: key, Values: values, Multi: true})
}

func (c *Context) put(key string, v ContextValue) {
	if c.m == nil {
		c.m = make(map[string]ContextValue)
	}
	c.m[strings.ToLower(key)] = v
}

// Delete removes a key.
func (c *Context) Delete(key string) { delete(c.m, strings.ToLower(key)) }

// Get returns the value of key, looked up case-insensitively.
func (c *Context) Get(key string) (ContextValue, bool) {
	v, ok := c.m[strings.ToLower(key)]
	return v, ok
}

// getLower looks up an already lower-cased key without allocating.
func (c *Context) getLower(lowerKey string) (ContextValue, bool) {
	v, ok := c.m[lowerKey]
	return v, ok
}

// Len returns the number of keys.
func (c *Context) Len() int { return len(c.m) }

// All returns the keys and values in no particular order.
func (c *Context) All() map[string]ContextValue { return c.m }

// lookupVariable resolves ${key}: only single-valued keys can be policy
// variables ("IAM policy elements: Variables and tags").
func (c *Context) lookupVariable(lowerKey string) (string, bool) {
	v, ok := c.m[lowerKey]
	if !ok || v.Multi || len(v.Values) != 1 {
		return "", false
	}
	return v.Values[0], true
}
