package sigv4

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"time"
)

// claim is what the request says about its own signature.
type claim struct {
	authorization
	presigned bool
	amzDate   string // request time as it enters the string to sign
	signedAt  time.Time
	expires   time.Duration // presigned only
	token     string
	hasToken  bool
	// declaredPayload is X-Amz-Content-Sha256, or "" when absent.
	declaredPayload string
}

// headerClaim reads the Authorization header form. The request time and
// session token travel in headers there, so they count only if signed.
func headerClaim(r *http.Request, authHeaders []string) (claim, error) {
	if len(authHeaders) != 1 {
		return claim{}, incompleteSignature("Only one Authorization header is allowed.")
	}
	auth, err := parseAuthorization(authHeaders[0])
	if err != nil {
		return claim{}, err
	}
	c := claim{authorization: auth}

	amzDate, err := signedHeader(r, auth, "X-Amz-Date")
	if err != nil {
		return claim{}, err
	}
	if amzDate != "" {
		if c.signedAt, err = parseAmzDate(amzDate); err != nil {
			return claim{}, err
		}
		c.amzDate = amzDate
	} else {
		// X-Amz-Date takes precedence; an HTTP Date is the older way to give
		// the request time ("Handling dates in Signature Version 4").
		date, err := signedHeader(r, auth, "Date")
		if err != nil {
			return claim{}, err
		}
		if date == "" {
			return claim{}, incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
		}
		t, err := http.ParseTime(date)
		if err != nil {
			return claim{}, incompleteSignature("Date header '%s' is not an HTTP date.", date)
		}
		c.signedAt = t.UTC()
		c.amzDate = c.signedAt.Format(amzDateLayout)
	}

	if c.token, err = signedHeader(r, auth, "X-Amz-Security-Token"); err != nil {
		return claim{}, err
	}
	c.hasToken = len(r.Header["X-Amz-Security-Token"]) > 0
	if c.declaredPayload, err = singleHeader(r, "X-Amz-Content-Sha256"); err != nil {
		return claim{}, err
	}
	return c, nil
}

// signedHeader returns the value of a header the verifier acts on, which
// must appear at most once and, when present, be in SignedHeaders.
func signedHeader(r *http.Request, auth authorization, canonicalName string) (string, error) {
	value, err := singleHeader(r, canonicalName)
	if err != nil || len(r.Header[canonicalName]) == 0 {
		return value, err
	}
	if !signedHeaderListed(auth.signedHeaders, canonicalName) {
		return "", incompleteSignature("The %s header must be signed: add it to SignedHeaders.", canonicalName)
	}
	return value, nil
}

func singleHeader(r *http.Request, canonicalName string) (string, error) {
	values := r.Header[canonicalName]
	if len(values) > 1 {
		return "", incompleteSignature("Only one %s header is allowed.", canonicalName)
	}
	if len(values) == 0 {
		return "", nil
	}
	return values[0], nil
}

// presignedClaim reads the query-parameter form. The whole query is signed,
// so everything taken from it is covered by the signature.
func presignedClaim(r *http.Request, params []queryParam) (claim, error) {
	var err error
	get := func(key string) (value string, present bool) {
		value, n := lookupParam(params, key)
		if n > 1 && err == nil {
			err = incompleteSignature("Query parameter '%s' must appear only once.", key)
		}
		return value, n > 0
	}
	alg, _ := get(paramAlgorithm)
	credentialValue, _ := get(paramCredential)
	amzDate, _ := get(paramDate)
	signedHeaders, _ := get(paramSignedHeaders)
	signature, _ := get(paramSignature)
	expires, hasExpires := get(paramExpires)
	token, hasToken := get(paramSecurityToken)
	contentSHA256, _ := get(paramContentSHA256)
	if err != nil {
		return claim{}, err
	}

	if alg != algorithm {
		return claim{}, unsupportedScheme(alg)
	}
	if credentialValue == "" || amzDate == "" || signedHeaders == "" || signature == "" {
		return claim{}, incompleteSignature("AWS query-string parameters must include '%s', '%s', '%s', '%s', '%s'. Re-examine the query-string parameters.",
			paramAlgorithm, paramCredential, paramSignature, paramDate, paramSignedHeaders)
	}
	auth, err := newAuthorization(credentialValue, signedHeaders, signature)
	if err != nil {
		return claim{}, err
	}
	c := claim{
		authorization: auth,
		presigned:     true,
		amzDate:       amzDate,
		expires:       defaultPresignExpiry,
		token:         token,
		hasToken:      hasToken,
	}
	if c.signedAt, err = parseAmzDate(amzDate); err != nil {
		return claim{}, err
	}
	if hasExpires {
		if c.expires, err = parseExpires(expires); err != nil {
			return claim{}, err
		}
	}
	// The payload may be declared in a header even on a presigned request.
	if c.declaredPayload, err = singleHeader(r, "X-Amz-Content-Sha256"); err != nil {
		return claim{}, err
	}
	if c.declaredPayload == "" {
		c.declaredPayload = contentSHA256
	}
	return c, nil
}

// noAuthentication explains a request with no SigV4 signature: one signed
// with Signature Version 2 (AWSAccessKeyId in the query, or in a
// Query-protocol form body) is told so; any other is missing
// authentication.
func noAuthentication(r *http.Request, params []queryParam, body []byte) error {
	if _, n := lookupParam(params, "AWSAccessKeyId"); n > 0 {
		return unsupportedScheme(schemeV2)
	}
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType == "application/x-www-form-urlencoded" &&
		bytes.Contains(body, []byte("AWSAccessKeyId=")) {
		if form, err := url.ParseQuery(string(body)); err == nil && form.Has("AWSAccessKeyId") {
			return unsupportedScheme(schemeV2)
		}
	}
	return missingAuthentication()
}
