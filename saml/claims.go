package saml

import (
	"crypto/sha1"
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// The attributes AWS reads from an assertion ("Configure SAML assertions
// for the authentication response", IAM User Guide). Names are
// case-sensitive.
const (
	AttributePrefix            = "https://aws.amazon.com/SAML/Attributes/"
	RoleAttribute              = AttributePrefix + "Role"
	RoleSessionNameAttribute   = AttributePrefix + "RoleSessionName"
	SessionDurationAttribute   = AttributePrefix + "SessionDuration"
	SourceIdentityAttribute    = AttributePrefix + "SourceIdentity"
	PrincipalTagPrefix         = AttributePrefix + "PrincipalTag:"
	TransitiveTagKeysAttribute = AttributePrefix + "TransitiveTagKeys"
)

// Role is one "role ARN,provider ARN" pair of the Role attribute.
type Role struct {
	RoleARN     string
	ProviderARN string
}

// Claims are the AWS attributes of an assertion.
type Claims struct {
	// Roles are the roles the IdP lets the subject assume, each with the
	// provider that vouches for it.
	Roles           []Role
	RoleSessionName string
	// SessionDuration is the console session length the IdP asks for, in
	// seconds; 0 without the attribute. It does not bound the
	// credentials of AssumeRoleWithSAML, whose DurationSeconds does.
	SessionDuration int
	SourceIdentity  string
	// PrincipalTags are the session tags, in the assertion's order.
	PrincipalTags     []warden.Tag
	TransitiveTagKeys []string
}

var (
	roleSessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	sourceIdentityRE  = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// Limits of the SessionDuration attribute: 15 minutes to 12 hours.
const (
	minSessionDuration = 900
	maxSessionDuration = 43200
)

// Claims reads the AWS attributes: a Role attribute with at least one
// pair, exactly one RoleSessionName, and optionally SessionDuration,
// SourceIdentity, PrincipalTag:KEY (one value each) and TransitiveTagKeys.
//
// Returns InvalidIdentityToken for a missing or malformed attribute.
func (a *Assertion) Claims() (*Claims, error) {
	c := &Claims{}
	roles := a.Attributes[RoleAttribute]
	if len(roles) == 0 {
		return nil, invalid("The SAML assertion has no %s attribute.", RoleAttribute)
	}
	for _, v := range roles {
		r, ok := parseRole(v)
		if !ok {
			return nil, invalid("The Role attribute value %s is not a pair of a role ARN and a SAML provider ARN separated by a comma.", shown(v))
		}
		c.Roles = append(c.Roles, r)
	}

	names := a.Attributes[RoleSessionNameAttribute]
	if len(names) != 1 || !roleSessionNameRE.MatchString(names[0]) {
		// AWS's words.
		return nil, invalid("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
	}
	c.RoleSessionName = names[0]

	if vs, ok := a.Attributes[SessionDurationAttribute]; ok {
		d, err := strconv.Atoi(single(vs))
		if len(vs) != 1 || err != nil || d < minSessionDuration || d > maxSessionDuration {
			return nil, invalid("The SessionDuration attribute must be one number of seconds from %d to %d.", minSessionDuration, maxSessionDuration)
		}
		c.SessionDuration = d
	}
	if vs, ok := a.Attributes[SourceIdentityAttribute]; ok {
		id := single(vs)
		if len(vs) != 1 || !sourceIdentityRE.MatchString(id) || strings.HasPrefix(strings.ToLower(id), "aws:") {
			return nil, invalid("The SourceIdentity attribute must be one value of 2 to 64 letters, digits and _+=,.@- not beginning with aws:.")
		}
		c.SourceIdentity = id
	}
	for name, vs := range a.Attributes {
		key, ok := strings.CutPrefix(name, PrincipalTagPrefix)
		if !ok {
			continue
		}
		if len(vs) != 1 {
			return nil, invalid("The session tag attribute %s must have exactly one value.", shown(name))
		}
		c.PrincipalTags = append(c.PrincipalTags, warden.Tag{Key: key, Value: vs[0]})
	}
	// Map order is random: keep the tags in a stable order.
	slices.SortFunc(c.PrincipalTags, func(x, y warden.Tag) int { return strings.Compare(x.Key, y.Key) })
	c.TransitiveTagKeys = a.Attributes[TransitiveTagKeysAttribute]
	return c, nil
}

func single(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// parseRole reads "role-arn,provider-arn", in either order, as IdPs write
// both.
func parseRole(v string) (Role, bool) {
	first, second, ok := strings.Cut(v, ",")
	if !ok || strings.Contains(second, ",") {
		return Role{}, false
	}
	first, second = strings.TrimSpace(first), strings.TrimSpace(second)
	if _, _, err := warden.ParseSAMLProviderARN(first); err == nil {
		first, second = second, first
	}
	if _, _, err := warden.ParseSAMLProviderARN(second); err != nil {
		return Role{}, false
	}
	arn, err := warden.ParseARN(first)
	if err != nil {
		return Role{}, false
	}
	if typ, _, _, ok := arn.IAMResource(); !ok || typ != "role" {
		return Role{}, false
	}
	return Role{RoleARN: first, ProviderARN: second}, true
}

// nameIDFormatPrefix is the prefix STS strips from a NameID Format for
// SubjectType.
const nameIDFormatPrefix = "urn:oasis:names:tc:SAML:2.0:nameid-format:"

// SubjectType is the NameID Format as AssumeRoleWithSAML returns it: the
// SAML 2.0 formats without their urn:oasis:names:tc:SAML:2.0:nameid-format:
// prefix, any other as written (STS API Reference, AssumeRoleWithSAML,
// SubjectType).
func (a *Assertion) SubjectType() string {
	return strings.TrimPrefix(a.SubjectFormat, nameIDFormatPrefix)
}

// subTypeKey is saml:sub_type: persistent, transient, or the full Format
// URI ("Available keys for SAML-based AWS STS federation", IAM User Guide).
func (a *Assertion) subTypeKey() string {
	switch t := a.SubjectType(); t {
	case "persistent", "transient":
		return t
	}
	return a.SubjectFormat
}

// NameQualifier identifies the IdP's users within an account and provider:
// BASE64(SHA1(issuer + account + "/" + provider name)) (STS API Reference,
// AssumeRoleWithSAML, NameQualifier). SHA-1 is what STS defines here; it
// names, it does not protect.
func NameQualifier(issuer, account, providerName string) string {
	sum := sha1.Sum([]byte(issuer + account + "/" + providerName))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// attributeKeys maps the attributes STS turns into trust policy condition
// keys, by their OID names, to the keys ("Available keys for SAML-based AWS
// STS federation", IAM User Guide). All are multivalued.
var attributeKeys = map[string]string{
	"urn:oid:2.5.4.3":                   "saml:cn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.1":  "saml:edupersonaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.2":  "saml:edupersonnickname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.3":  "saml:edupersonorgdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.4":  "saml:edupersonorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.5":  "saml:edupersonprimaryaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.6":  "saml:edupersonprincipalname",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.7":  "saml:edupersonentitlement",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.8":  "saml:edupersonprimaryorgunitdn",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.9":  "saml:edupersonscopedaffiliation",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "saml:edupersontargetedid",
	"urn:oid:1.3.6.1.4.1.5923.1.1.1.11": "saml:edupersonassurance",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.2":  "saml:eduorghomepageuri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.3":  "saml:eduorgidentityauthnpolicyuri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.4":  "saml:eduorglegalname",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.5":  "saml:eduorgsuperioruri",
	"urn:oid:1.3.6.1.4.1.5923.1.2.1.6":  "saml:eduorgwhitepagesuri",
}

// ConditionKeys are the trust policy condition keys of an assertion
// accepted for the provider with a name in an account: saml:aud (the
// Recipient, not the Audience), saml:iss, saml:sub, saml:sub_type,
// saml:namequalifier, saml:doc (ACCOUNT/PROVIDER), and the multivalued keys
// of the attributes listed in attributeKeys.
func (a *Assertion) ConditionKeys(account, providerName string) (keys map[string]string, multi map[string][]string) {
	keys = map[string]string{
		"saml:aud":           a.Recipient,
		"saml:iss":           a.Issuer,
		"saml:sub":           a.Subject,
		"saml:namequalifier": NameQualifier(a.Issuer, account, providerName),
		"saml:doc":           account + "/" + providerName,
	}
	if t := a.subTypeKey(); t != "" {
		keys["saml:sub_type"] = t
	}
	multi = map[string][]string{}
	for name, key := range attributeKeys {
		if vs := a.Attributes[name]; len(vs) > 0 {
			multi[key] = vs
		}
	}
	return keys, multi
}
