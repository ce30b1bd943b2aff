package awsquery

import (
	"mime"
	"net/http"
	"net/url"

	"github.com/warden-iam/warden"
)

// codeMalformedQueryString is the common AWS error for a query string (or
// form body) that does not parse; it is not a domain code, so it lives here.
const codeMalformedQueryString = "MalformedQueryString"

// Request is a Query request: the operation it names and its parameters.
type Request struct {
	Action  string
	Version string
	// Params holds every other parameter, SigV4 query parameters included.
	Params *Params
}

// Parse reads a Query request. Parameters come from the URL query string
// and, for a POST whose Content-Type is application/x-www-form-urlencoded
// (with or without a charset), from body, which takes precedence when both
// name a parameter. The caller reads and bounds body itself because the
// SigV4 verifier hashes the same bytes. A repeated parameter keeps its first
// value.
//
// Parse fails with MalformedQueryString when either part does not decode,
// and with MissingAction when no Action is given; Version is checked by
// Service.Operation.
func Parse(r *http.Request, body []byte) (*Request, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, malformed()
	}
	if r.Method == http.MethodPost && isFormEncoded(r.Header.Get("Content-Type")) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, malformed()
		}
		for name, vs := range values {
			form[name] = append(form[name], vs...)
		}
		values = form
	}
	req := &Request{Action: first(values, "Action"), Version: first(values, "Version")}
	if req.Action == "" {
		return nil, warden.Errorf(warden.EMissingAction, "The request must contain the parameter Action.")
	}
	delete(values, "Action")
	delete(values, "Version")
	req.Params = NewParams(values)
	return req, nil
}

func malformed() error {
	return warden.Errorf(codeMalformedQueryString, "The query string contains a syntax error.")
}

func first(values url.Values, name string) string {
	if vs := values[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func isFormEncoded(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/x-www-form-urlencoded"
}
