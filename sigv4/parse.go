package sigv4

import (
	"crypto/sha256"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	algorithmV4a    = "AWS4-ECDSA-P256-SHA256"
	schemeV2        = "AWS" // Signature Version 2's Authorization scheme
	scopeTerminator = "aws4_request"
	amzDateLayout   = "20060102T150405Z"

	// maxPresignExpiry is the longest X-Amz-Expires AWS accepts: seven days.
	maxPresignExpiry = 604800
)

// Presigned-URL query parameters ("Authenticating Requests: Using Query
// Parameters (AWS Signature Version 4)").
const (
	paramAlgorithm     = "X-Amz-Algorithm"
	paramCredential    = "X-Amz-Credential"
	paramDate          = "X-Amz-Date"
	paramExpires       = "X-Amz-Expires"
	paramSignedHeaders = "X-Amz-SignedHeaders"
	paramSignature     = "X-Amz-Signature"
	paramSecurityToken = "X-Amz-Security-Token"
	paramContentSHA256 = "X-Amz-Content-Sha256"
)

// credential is the parsed Credential element: the access key id and the
// scope the client derived its signing key for.
type credential struct {
	accessKeyID string
	date        string // yyyymmdd
	region      string
	service     string
	// scope is "date/region/service/aws4_request", exactly as the client
	// wrote it, since that text goes into the string to sign.
	scope string
}

// authorization is what the client claims about its signature, from the
// Authorization header or the presigned query parameters.
type authorization struct {
	credential    credential
	signedHeaders string            // the client's ';'-separated list, the truth for canonical headers
	signature     string            // 64 lowercase hex digits
	mac           [sha256.Size]byte // the signature decoded
}

// parseAuthorization parses an Authorization header of the form
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=…
//
// Components may be separated by "," with or without spaces, in any order;
// each must appear exactly once and nothing else may appear.
func parseAuthorization(header string) (authorization, error) {
	header = trimBlank(header)
	scheme, rest, _ := strings.Cut(header, " ")
	if scheme != algorithm {
		return authorization{}, unsupportedScheme(scheme)
	}

	var credentialValue, signedHeaders, signature string
	var hasCredential, hasSignedHeaders, hasSignature bool
	for rest != "" {
		var component string
		component, rest, _ = strings.Cut(rest, ",")
		component = trimBlank(component)
		if component == "" {
			continue
		}
		key, value, ok := strings.Cut(component, "=")
		if !ok {
			return authorization{}, incompleteSignature("'%s' not a valid key=value pair (missing equal-sign) in Authorization header.", component)
		}
		var seen *bool
		switch key {
		case "Credential":
			credentialValue, seen = value, &hasCredential
		case "SignedHeaders":
			signedHeaders, seen = value, &hasSignedHeaders
		case "Signature":
			signature, seen = value, &hasSignature
		default:
			return authorization{}, incompleteSignature("'%s' is not a component of a Signature Version 4 Authorization header.", key)
		}
		if *seen {
			return authorization{}, incompleteSignature("Authorization header has more than one '%s' parameter.", key)
		}
		*seen = true
	}

	var missing []string
	for _, c := range []struct {
		name    string
		present bool
	}{{"Credential", hasCredential}, {"Signature", hasSignature}, {"SignedHeaders", hasSignedHeaders}} {
		if !c.present {
			missing = append(missing, "Authorization header requires '"+c.name+"' parameter.")
		}
	}
	if missing != nil {
		return authorization{}, incompleteSignature("%s", strings.Join(missing, " "))
	}
	return newAuthorization(credentialValue, signedHeaders, signature)
}

// newAuthorization validates the three signature elements, whichever form
// they came in.
func newAuthorization(credentialValue, signedHeaders, signature string) (authorization, error) {
	cred, err := parseCredential(credentialValue)
	if err != nil {
		return authorization{}, err
	}
	if err := checkSignedHeaders(signedHeaders); err != nil {
		return authorization{}, err
	}
	var mac [sha256.Size]byte
	if !isLowerHex(signature, 2*len(mac)) {
		return authorization{}, incompleteSignature("The signature must be 64 lowercase hexadecimal characters.")
	}
	for i := range mac {
		mac[i] = lowerHexValue(signature[2*i])<<4 | lowerHexValue(signature[2*i+1])
	}
	return authorization{credential: cred, signedHeaders: signedHeaders, signature: signature, mac: mac}, nil
}

// unsupportedScheme explains why an Authorization header that is not
// AWS4-HMAC-SHA256 is refused, naming the signing version when it is one
// AWS has defined.
func unsupportedScheme(scheme string) error {
	switch {
	case scheme == algorithmV4a:
		return incompleteSignature("Signature Version 4A (%s) is not supported; sign requests with %s.", algorithmV4a, algorithm)
	case scheme == schemeV2:
		return incompleteSignature("Signature Version 2 is not supported; sign requests with AWS Signature Version 4 (%s).", algorithm)
	}
	return incompleteSignature("Unsupported AWS 'algorithm': '%s'; sign requests with %s.", scheme, algorithm)
}

// parseCredential parses "AKID/yyyymmdd/region/service/aws4_request".
// Whether the date matches the request time and the service is one Warden
// serves is checked by the caller, which knows both.
func parseCredential(value string) (credential, error) {
	if strings.Count(value, "/") != 4 {
		return credential{}, incompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'.", value)
	}
	var parts [5]string
	rest := value
	for i := range parts {
		parts[i], rest, _ = strings.Cut(rest, "/")
	}
	accessKeyID, date, region, service, terminator := parts[0], parts[1], parts[2], parts[3], parts[4]
	if !isAccessKeyID(accessKeyID) {
		return credential{}, invalidClientToken("malformed access key id in credential")
	}
	if len(date) != 8 || !isDigits(date) {
		return credential{}, incompleteSignature("Credential date '%s' is not of the form YYYYMMDD.", date)
	}
	if !isRegionName(region) {
		return credential{}, signatureMismatch("Credential should be scoped to a valid region.")
	}
	if service == "" {
		return credential{}, signatureMismatch("Credential should be scoped to a valid service.")
	}
	if terminator != scopeTerminator {
		return credential{}, signatureMismatch("Credential should be scoped with a valid terminator: '%s', not '%s'.", scopeTerminator, terminator)
	}
	return credential{
		accessKeyID: accessKeyID,
		date:        date,
		region:      region,
		service:     service,
		scope:       value[len(accessKeyID)+1:],
	}, nil
}

// checkSignedHeaders enforces the SignedHeaders rules of "Create a canonical
// request": lowercase names, sorted, each once. Host must be among them, as
// every AWS signer signs it and an unsigned Host would let a signature be
// replayed against another endpoint.
func checkSignedHeaders(list string) error {
	if list == "" {
		return incompleteSignature("SignedHeaders must not be empty.")
	}
	hasHost := false
	previous := ""
	for rest := list; rest != ""; {
		var name string
		var more bool
		name, rest, more = strings.Cut(rest, ";")
		if !isLowerToken(name) {
			return incompleteSignature("SignedHeaders contains '%s', which is not a lowercase header name.", name)
		}
		if previous != "" && name <= previous {
			return incompleteSignature("SignedHeaders must be sorted and without duplicates: '%s' follows '%s'.", name, previous)
		}
		if more && rest == "" {
			return incompleteSignature("SignedHeaders must not end with ';'.")
		}
		hasHost = hasHost || name == "host"
		previous = name
	}
	if !hasHost {
		return incompleteSignature("SignedHeaders must include 'host'.")
	}
	return nil
}

// signedHeaderListed reports whether the header name, in any case, is in
// the client's SignedHeaders.
func signedHeaderListed(list, name string) bool {
	for rest := list; rest != ""; {
		var h string
		h, rest, _ = strings.Cut(rest, ";")
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// parseAmzDate parses the ISO 8601 basic format of X-Amz-Date,
// YYYYMMDD'T'HHMMSS'Z'. Every request goes through here, and reading the
// fixed layout directly costs a tenth of time.Parse.
func parseAmzDate(value string) (time.Time, error) {
	if len(value) != len(amzDateLayout) || value[8] != 'T' || value[15] != 'Z' || !isDigits(value[:8]) || !isDigits(value[9:15]) {
		return time.Time{}, incompleteSignature("X-Amz-Date '%s' is not of the form YYYYMMDD'T'HHMMSS'Z'.", value)
	}
	number := func(s string) int {
		n := 0
		for i := range len(s) {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	year, month, day := number(value[0:4]), number(value[4:6]), number(value[6:8])
	hour, minute, second := number(value[9:11]), number(value[11:13]), number(value[13:15])
	t := time.Date(year, time.Month(month), day, hour, minute, second, 0, time.UTC)
	// time.Date carries out-of-range fields over (month 13, 24:00, 31 June);
	// a value that does not come back unchanged was not a date.
	if month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || t.Day() != day {
		return time.Time{}, incompleteSignature("X-Amz-Date '%s' is not a valid date and time.", value)
	}
	return t, nil
}

// parseExpires parses X-Amz-Expires, a whole number of seconds from 1 to
// 604800 ("Authenticating Requests: Using Query Parameters").
func parseExpires(value string) (time.Duration, error) {
	if !isDigits(value) || len(value) > 7 {
		return 0, incompleteSignature("X-Amz-Expires must be a whole number of seconds, got '%s'.", value)
	}
	n, _ := strconv.Atoi(value)
	if n < 1 || n > maxPresignExpiry {
		return 0, incompleteSignature("X-Amz-Expires must be between 1 and %d seconds (seven days), got %d.", maxPresignExpiry, n)
	}
	return time.Duration(n) * time.Second, nil
}

// queryParam is one decoded name=value pair of the raw query string, in the
// order the client sent it.
type queryParam struct {
	key, value string
}

// parseQuery decodes a raw query string the way url.ParseQuery does ('+' is
// a space), keeping repeated and empty-valued parameters. Unlike
// url.ParseQuery it fails on the first undecodable pair instead of dropping
// it: a pair the server cannot read is a pair it cannot know was signed.
func parseQuery(raw string) ([]queryParam, error) {
	if raw == "" {
		return nil, nil
	}
	params := make([]queryParam, 0, strings.Count(raw, "&")+1)
	for rest := raw; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return nil, err
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return nil, err
		}
		params = append(params, queryParam{key: key, value: value})
	}
	return params, nil
}

// lookupParam returns the value of the one parameter named key, and how many
// times it appears.
func lookupParam(params []queryParam, key string) (value string, count int) {
	for _, p := range params {
		if p.key == key {
			if count == 0 {
				value = p.value
			}
			count++
		}
	}
	return value, count
}

// trimBlank removes leading and trailing spaces and tabs.
func trimBlank(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// lowerHexValue is the value of a digit isLowerHex accepted.
func lowerHexValue(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

// isAccessKeyID accepts the shape of AWS access key ids: letters and digits,
// at most 128 of them (the AccessKeyIdType constraint in the IAM API).
func isAccessKeyID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// isRegionName accepts any name shaped like an AWS region (letters,
// digits, '-' and '_'): Warden serves whatever region a client is
// configured for, but the name ends up in logs and results.
func isRegionName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// isLowerToken reports whether s is a header field name (an RFC 9110 token)
// with no uppercase letters.
func isLowerToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
