package validate

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/warden-iam/warden/arn"
	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/policy"
)

// Checks of the Condition element ("IAM JSON policy elements: Condition",
// "Condition operators", "AWS global condition context keys").

// valueDataTypes reports condition values the policy engine cannot read as
// their operator's type (dates, numbers, IP ranges, base64, booleans): the
// engine's own reading decides, so the validator and the evaluator never
// disagree on what a value means.
func (c *checker) valueDataTypes() {
	// Only the conditions are of interest: compile a copy of the policy
	// that keeps nothing else.
	conditionsOnly := &policy.Policy{Version: c.pol.Version, HasVersion: c.pol.HasVersion}
	for _, st := range c.pol.Statements {
		if len(st.Conditions) > 0 {
			conditionsOnly.Statements = append(conditionsOnly.Statements, &policy.Statement{
				Index: st.Index, Path: st.Path, Effect: st.Effect, HasAction: true, Conditions: st.Conditions,
			})
		}
	}
	if len(conditionsOnly.Statements) == 0 {
		return
	}
	_, diags := policy.Compile(policy.Document{Policy: conditionsOnly})
	for _, d := range diags {
		if !c.broken[d.Path] {
			c.broken[d.Path] = true
			c.report(d.Code, d.Path, d.Pos, "%s", d.Message)
		}
	}
}

func (c *checker) conditions(s *statement) {
	for i, cond := range s.Conditions {
		if cond.Operator.Family() == policy.FamilyNull && cond.Operator.Qualifier != policy.SingleValue {
			c.report("NULL_WITH_QUALIFIER", cond.Path, cond.OperatorPos, "%s: Null tests whether the key is present at all, so a set qualifier changes nothing; write Null", cond.Operator.Name)
		}
		for _, prev := range s.Conditions[:i] {
			if prev.OperatorPos == cond.OperatorPos && prev.Key != cond.Key && strings.EqualFold(prev.Key, cond.Key) {
				c.report("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", cond.Path, cond.KeyPos, "%s tests %s twice (also as %s); key names are case-insensitive, so merge the two", cond.Operator.Name, cond.Key, prev.Key)
			}
		}
		key, known := c.conditionKeyName(cond.Key, cond.Path, cond.KeyPos, "the condition key "+cond.Key)
		c.conditionValues(cond)
		if !known || key == nil {
			continue
		}
		c.keyType(cond, key)
		c.qualifier(cond, key)
		c.keyActions(s, cond, key)
	}
	c.pairedKeys(s)
}

// identityProviderKey reports whether a key belongs to a web identity or
// OIDC provider (accounts.google.com:aud, token.actions.githubusercontent.com:sub,
// oidc.eks.us-east-1.amazonaws.com/id/ABC:sub): its prefix is a host name,
// and any provider may define claims.
func identityProviderKey(prefix string) bool { return strings.ContainsAny(prefix, "./") }

// tagKeyFamilies are keys that need a /tag-key suffix.
var tagKeyFamilies = []string{"aws:RequestTag", "aws:ResourceTag", "aws:PrincipalTag"}

// conditionKeyName checks that a condition key (or a policy variable's key)
// exists. It returns the catalog's definition, nil for keys that exist but
// the catalog does not type (identity provider claims), and false when the
// key was reported.
func (c *checker) conditionKeyName(name, path string, pos policy.Position, subject string) (*catalog.ConditionKey, bool) {
	if key, ok := c.cat.ConditionKey(name); ok {
		return key, true
	}
	prefix, rest, ok := strings.Cut(name, ":")
	if !ok || prefix == "" || rest == "" {
		c.report("INVALID_CONDITION_KEY_FORMAT", path, pos, "%s is not of the form prefix:name (aws:SourceIp, s3:prefix, …)", subject)
		return nil, false
	}
	if identityProviderKey(prefix) {
		return nil, true
	}
	for _, family := range tagKeyFamilies {
		if strings.EqualFold(strings.TrimSuffix(name, "/"), family) {
			c.report("MISSING_TAG_KEY_IN_CONDITION", path, pos, "%s names no tag; write %s/TAG-KEY, or test aws:TagKeys for the set of keys", subject, family)
			return nil, false
		}
	}
	if strings.EqualFold(prefix, "aws") {
		c.report("INVALID_GLOBAL_CONDITION_KEY", path, pos, "%s is not a global condition key%s", subject, didYouMean(c.cat.SuggestConditionKeys(name)))
		return nil, false
	}
	svc, ok := c.cat.Service(prefix)
	if !ok {
		c.report("INVALID_SERVICE", path, pos, "%s: no AWS service has the prefix %q%s", subject, prefix, didYouMean(c.kn.suggestServices(prefix)))
		return nil, false
	}
	c.report("INVALID_SERVICE_CONDITION_KEY", path, pos, "%s is not a condition key of %s (%s)%s", subject, svc.Name, svc.Prefix, didYouMean(c.cat.SuggestConditionKeys(name)))
	return nil, false
}

// keyBaseType returns a key's element type without the ArrayOf prefix.
func keyBaseType(key *catalog.ConditionKey) string {
	return strings.TrimPrefix(key.Type, "ArrayOf")
}

// operatorFits reports whether an operator family may test a key of the
// given type. String operators also read ARNs, and ARN operators read
// string keys that hold ARNs.
func operatorFits(f policy.Family, keyType, keyName string) bool {
	switch f {
	case policy.FamilyNull:
		return true
	case policy.FamilyString:
		return keyType == "String" || keyType == "ARN"
	case policy.FamilyARN:
		return keyType == "ARN" || (keyType == "String" && strings.HasSuffix(strings.ToLower(keyName), "arn"))
	case policy.FamilyNumeric:
		return keyType == "Numeric"
	case policy.FamilyDate:
		return keyType == "Date"
	case policy.FamilyBool:
		return keyType == "Bool"
	case policy.FamilyIP:
		return keyType == "IPAddress"
	case policy.FamilyBinary:
		return keyType == "Binary"
	}
	return false
}

// mismatchCodes maps a key type to the code Access Analyzer reports when
// an operator of another type tests it.
var mismatchCodes = map[string]string{
	"String":    "TYPE_MISMATCH_STRING",
	"Numeric":   "TYPE_MISMATCH_NUMBER",
	"Date":      "TYPE_MISMATCH_DATE",
	"Bool":      "TYPE_MISMATCH_BOOLEAN",
	"IPAddress": "TYPE_MISMATCH_IP_RANGE",
}

// operatorsFor names the operators suited to a key type, for messages.
var operatorsFor = map[string]string{
	"String":    "a String operator (StringEquals, StringLike, …)",
	"ARN":       "an ARN operator (ArnEquals, ArnLike, …) or a String operator",
	"Numeric":   "a Numeric operator (NumericEquals, NumericLessThan, …)",
	"Date":      "a Date operator (DateGreaterThan, DateLessThan, …)",
	"Bool":      "Bool",
	"IPAddress": "IpAddress or NotIpAddress",
	"Binary":    "BinaryEquals",
}

func (c *checker) keyType(cond *policy.Condition, key *catalog.ConditionKey) {
	f := cond.Operator.Family()
	base := keyBaseType(key)
	if operatorFits(f, base, cond.Key) || (key.AltType != "" && operatorFits(f, key.AltType, cond.Key)) {
		return
	}
	code, ok := mismatchCodes[base]
	if !ok {
		code = "TYPE_MISMATCH"
	}
	want := operatorsFor[base]
	if want == "" {
		want = "an operator of type " + base
	}
	c.report(code, cond.Path, cond.KeyPos, "%s is of type %s, but %s compares %s values, so the condition never holds as meant; use %s", cond.Key, key.Type, cond.Operator.Name, f, want)
}

// qualifier checks set operators against whether the key is multivalued
// ("Single-valued vs. multivalued context keys").
func (c *checker) qualifier(cond *policy.Condition, key *catalog.ConditionKey) {
	op := cond.Operator
	if op.Family() == policy.FamilyNull {
		return
	}
	switch {
	case key.Multivalued() && op.Qualifier == policy.SingleValue:
		c.report("MISSING_QUALIFIER", cond.Path, cond.OperatorPos, "%s is multivalued, so %s needs a set qualifier: ForAnyValue:%s (some value matches) or ForAllValues:%s (every value matches)", cond.Key, op.Name, op.Name, op.Name)
	case !key.Multivalued() && op.Qualifier == policy.ForAllValues:
		c.report("FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY", cond.Path, cond.OperatorPos, "%s is single-valued; with ForAllValues the condition also holds when the request lacks the key, which can allow more than meant; drop ForAllValues:", cond.Key)
	case !key.Multivalued() && op.Qualifier == policy.ForAnyValue:
		c.report("FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY", cond.Path, cond.OperatorPos, "%s is single-valued, so ForAnyValue: adds nothing; drop it", cond.Key)
	}
}

// sessionWideKeys are service keys that describe the caller's session, not
// the request, and so can accompany any action ("AWS global condition
// context keys": properties of the role session).
var sessionWideKeys = map[string]bool{
	"ec2:roledelivery": true, "ec2:sourceinstancearn": true,
	"glue:roleassumedby": true, "glue:credentialissuingservice": true,
	"lambda:sourcefunctionarn": true, "ssm:sourceinstancearn": true, "identitystore:userid": true,
}

// tagKeys are the global keys of tag-based access control, which only the
// services that implement it set ("Controlling access to AWS resources
// using tags").
var tagKeys = map[string]bool{"aws:requesttag/${tagkey}": true, "aws:resourcetag/${tagkey}": true, "aws:tagkeys": true}

// keyActions checks that the statement's actions carry the condition key:
// a key an action's request never carries is missing, so the condition is
// false for it (true for negated and IfExists operators), which is rarely
// what was meant ("Actions, resources, and condition keys" pages).
func (c *checker) keyActions(s *statement, cond *policy.Condition, key *catalog.ConditionKey) {
	canonical := strings.ToLower(key.Name)
	if tagKeys[canonical] {
		c.tagKeyServices(s, cond, key)
		return
	}
	if key.Global() || sessionWideKeys[canonical] || !s.HasAction || !s.complete {
		return
	}
	if s.NotAction || s.allActions {
		return
	}
	var unsupported []string
	supported := false
	for _, ref := range s.actions {
		for _, a := range ref.matches {
			if c.kn.supports(a, canonical) {
				supported = true
			} else if !ref.wildcard {
				unsupported = append(unsupported, a.FullName())
			}
		}
	}
	if !supported && len(c.kn.keySupport[canonical]) > 0 {
		c.report("MISSING_ACTION_FOR_CONDITION_KEY", cond.Path, cond.KeyPos, "no action of the statement carries %s, so the condition never holds as meant; it applies to %s", cond.Key, c.supportersOf(canonical))
		return
	}
	if supported && len(unsupported) > 0 {
		verb, them := "carry", "them"
		if len(unsupported) == 1 {
			verb, them = "carries", "it"
		}
		c.report("UNSUPPORTED_ACTION_FOR_CONDITION_KEY", cond.Path, cond.KeyPos, "%s never %s %s, so for %s the condition does not hold as meant; move %s to a statement without it", listNames(unsupported), verb, cond.Key, them, them)
	}
}

// supportersOf names a few actions that carry a key, for messages.
func (c *checker) supportersOf(canonical string) string {
	var names []string
	for a := range c.kn.keySupport[canonical] {
		names = append(names, a.FullName())
	}
	if len(names) == 0 {
		return "no action"
	}
	slices.Sort(names)
	const most = 3
	if len(names) > most {
		return strings.Join(names[:most], ", ") + " and others"
	}
	return listNames(names)
}

// tagKeyServices checks tag keys per service, as Access Analyzer does: a
// service that supports none of its actions with the key never sets it.
func (c *checker) tagKeyServices(s *statement, cond *policy.Condition, key *catalog.ConditionKey) {
	if !s.HasAction {
		return
	}
	canonical := strings.ToLower(key.Name)
	if s.NotAction {
		code := "ALLOW_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
		consequence := "the statement allows nothing for them"
		if s.Effect == policy.Deny {
			code = "DENY_NOT_ACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
			consequence = c.denyConsequence(cond)
		}
		c.report(code, cond.Path, cond.KeyPos, "the statement applies to every action but those in NotAction, and many services never set %s: %s", cond.Key, consequence)
		return
	}
	var lacking []string
	for _, svc := range s.services {
		if !c.kn.serviceKeys[svc][canonical] {
			lacking = append(lacking, svc.Prefix)
		}
	}
	if len(lacking) == 0 {
		return
	}
	code := "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
	consequence := "the statement allows nothing for their actions"
	if s.Effect == policy.Deny {
		code = "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
		consequence = c.denyConsequence(cond)
	}
	c.report(code, cond.Path, cond.KeyPos, "%s never set%s %s: %s", listNames(lacking), map[bool]string{true: "s", false: ""}[len(lacking) == 1], cond.Key, consequence)
}

func (c *checker) denyConsequence(cond *policy.Condition) string {
	if cond.Operator.Negated() || cond.Operator.IfExists || cond.Operator.Qualifier == policy.ForAllValues ||
		cond.Operator.Family() == policy.FamilyNull {
		return "the condition then holds for their actions, so the statement denies them whatever the tags"
	}
	return "the condition never holds for their actions, so the statement never denies them"
}

// pairedKeys checks keys documented as meaningful only together.
func (c *checker) pairedKeys(s *statement) {
	var vpcSourceIP *policy.Condition
	pairedVPC := false
	for _, cond := range s.Conditions {
		switch strings.ToLower(cond.Key) {
		case "aws:vpcsourceip":
			vpcSourceIP = cond
		case "aws:sourcevpc", "aws:sourcevpce":
			pairedVPC = true
		}
	}
	if vpcSourceIP != nil && !pairedVPC {
		c.report("MISSING_PAIRED_CONDITION_KEYS", vpcSourceIP.Path, vpcSourceIP.KeyPos, "aws:VpcSourceIp identifies an address only within a VPC, and the same private address exists in many VPCs; pair it with aws:SourceVpc or aws:SourceVpce")
	}
}

// conditionValues checks the values of one key test.
func (c *checker) conditionValues(cond *policy.Condition) {
	op := cond.Operator
	switch op.Family() {
	case policy.FamilyString:
		c.stringValues(cond)
	case policy.FamilyARN:
		c.arnValues(cond)
	case policy.FamilyBool:
		if len(cond.Values) > 1 {
			c.report("INVALID_CONDITION_MULTIPLE_BOOLEAN", cond.Path, cond.KeyPos, "%s lists %d values for %s; a Boolean key holds one, and true or false together always match; keep one value", op.Name, len(cond.Values), cond.Key)
		}
	case policy.FamilyNumeric:
		if op.Base != "NumericEquals" && op.Base != "NumericNotEquals" && len(cond.Values) > 1 {
			c.report("REDUNDANT_CONDITION_VALUE_NUM", cond.Path, cond.KeyPos, "%s with several values holds when any one comparison does, so only the loosest value counts; keep that one", op.Name)
		}
	case policy.FamilyDate:
		if !strings.EqualFold(cond.Key, "aws:EpochTime") {
			for _, v := range cond.Values {
				if !c.broken[v.Path] && v.Text != "" && strings.Trim(v.Text, "0123456789") == "" {
					c.report("INVALID_DATE_VALUE", v.Path, v.Pos, "%q is read as epoch seconds; write the date in ISO 8601 (2026-01-31T00:00:00Z) so it reads as meant", v.Text)
				}
			}
		}
	case policy.FamilyIP:
		c.ipValues(cond)
	}
}

// stringValues checks string condition values: wildcards under operators
// that compare literally, and the formats of keys with fixed shapes.
func (c *checker) stringValues(cond *policy.Condition) {
	like := cond.Operator.Base == "StringLike" || cond.Operator.Base == "StringNotLike"
	format := valueFormats[strings.ToLower(cond.Key)]
	for _, v := range cond.Values {
		if c.broken[v.Path] {
			continue
		}
		text := withoutVariables(v.Text)
		if !like && hasWildcard(text) {
			c.report("WILDCARD_WITHOUT_LIKE_OPERATOR", v.Path, v.Pos, "%q has a wildcard, but %s compares literally; use %s", v.Text, cond.Operator.Name, likeOperator(cond.Operator))
			continue
		}
		if format.re != nil && literal(v.Text) && !format.re.MatchString(v.Text) {
			c.report(format.code, v.Path, v.Pos, "%q is not %s, which %s holds", v.Text, format.what, cond.Key)
		}
	}
}

// likeOperator names the wildcard-matching form of a literal string operator.
func likeOperator(op policy.Operator) string {
	name := "StringLike"
	if op.Negated() {
		name = "StringNotLike"
	}
	return strings.Replace(op.Name, op.Base, name, 1)
}

// withoutVariables removes ${…} references, whose text is not matched
// literally (and ${*} stands for a literal star).
func withoutVariables(s string) string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+1:]
	}
}

type valueFormat struct {
	re   *regexp.Regexp
	code string
	what string
}

// valueFormats are the shapes of keys whose values are identifiers.
var valueFormats = map[string]valueFormat{
	"aws:sourcevpc":        {regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`), "INVALID_VPC_FORMAT", "a VPC ID (vpc- and 8 or 17 hexadecimal digits)"},
	"aws:sourcevpce":       {regexp.MustCompile(`^vpce-([0-9a-f]{8}|[0-9a-f]{17})$`), "INVALID_VPCE_FORMAT", "a VPC endpoint ID (vpce- and 8 or 17 hexadecimal digits)"},
	"aws:requestedregion":  {regionRE, "INVALID_REGION", "a region name such as us-east-1"},
	"aws:sourceaccount":    {accountIDRE, "INVALID_ACCOUNT_ID_FORMAT", "a 12-digit account ID"},
	"aws:principalaccount": {accountIDRE, "INVALID_ACCOUNT_ID_FORMAT", "a 12-digit account ID"},
	"aws:resourceaccount":  {accountIDRE, "INVALID_ACCOUNT_ID_FORMAT", "a 12-digit account ID"},
	"aws:vpceaccount":      {accountIDRE, "INVALID_ACCOUNT_ID_FORMAT", "a 12-digit account ID"},
}

// arnValues checks ARN condition values: the engine compares a value that
// is not an ARN as a whole string, which matches no ARN unless wildcards
// make it.
func (c *checker) arnValues(cond *policy.Condition) {
	for _, v := range cond.Values {
		if c.broken[v.Path] {
			continue
		}
		if !strings.HasPrefix(v.Text, "arn:") {
			if literal(v.Text) {
				c.report("INVALID_CONDITION_DATA_TYPE", v.Path, v.Pos, "%s needs an ARN (arn:partition:service:region:account:resource); %q is not one", cond.Operator.Name, v.Text)
			}
			continue
		}
		parts, ok := arn.Split(v.Text)
		if !ok {
			c.report("MISSING_ARN_FIELD", v.Path, v.Pos, "%q has fewer than the six fields of an ARN (arn:partition:service:region:account:resource)", v.Text)
			continue
		}
		c.arnComponents(v, parts)
	}
}

// privateRanges are the address blocks aws:SourceIp never holds: requests
// from private networks reach AWS through VPC endpoints, where the key is
// absent ("AWS global condition context keys": aws:SourceIp).
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"),
}

func isPrivate(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func (c *checker) ipValues(cond *policy.Condition) {
	private, total := 0, 0
	for _, v := range cond.Values {
		if c.broken[v.Path] {
			continue
		}
		p, err := netip.ParsePrefix(v.Text)
		if err != nil {
			a, err := netip.ParseAddr(v.Text)
			if err != nil {
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		} else if p != p.Masked() {
			c.report("IMPROVE_IP_RANGE", v.Path, v.Pos, "%q has host bits set; the range it means is %s", v.Text, p.Masked())
		}
		total++
		if isPrivate(p.Masked()) {
			private++
		}
	}
	if !strings.EqualFold(cond.Key, "aws:SourceIp") || private == 0 {
		return
	}
	negated := cond.Operator.Negated()
	switch {
	case private == total && !negated:
		c.report("PRIVATE_IP_ADDRESS", cond.Path, cond.KeyPos, "aws:SourceIp is never a private address (requests from private networks arrive through VPC endpoints, without it), so this condition never holds; test aws:VpcSourceIp with aws:SourceVpc instead")
	case private == total:
		c.report("PRIVATE_NOT_IP_ADDRESS", cond.Path, cond.KeyPos, "aws:SourceIp is never a private address, so excluding private ranges excludes nothing; test aws:VpcSourceIp with aws:SourceVpc instead")
	case !negated:
		c.report("PRIVATE_IP_ADDRESS_SUBSET", cond.Path, cond.KeyPos, "some ranges are private, which aws:SourceIp never holds; remove them, or test aws:VpcSourceIp for requests through VPC endpoints")
	default:
		c.report("PRIVATE_NOT_IP_ADDRESS_SUBSET", cond.Path, cond.KeyPos, "some excluded ranges are private, which aws:SourceIp never holds; remove them, or test aws:VpcSourceIp for requests through VPC endpoints")
	}
}

// listNames joins names as prose: "a", "a and b", "a, b and c".
func listNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
