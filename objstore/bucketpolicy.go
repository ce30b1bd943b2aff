package objstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// MaxBucketPolicySize is the largest bucket policy S3 accepts, in bytes
// ("Bucket policies for Amazon S3": "Bucket policies are limited to 20 KB
// in size").
const MaxBucketPolicySize = 20 << 10

// CheckBucketPolicy decides whether doc may become bucket's policy: the
// grammar and rules of a resource-based policy (policy.KindResource),
// S3's own size limit instead of IAM's, only S3 actions, and only resources
// of this bucket and its objects. Errors are MalformedPolicy with the
// wording S3 uses where it has one, and the diagnostic's otherwise.
func CheckBucketPolicy(bucket, doc string) error {
	if len(doc) > MaxBucketPolicySize {
		return malformedPolicy("Policy exceeds the maximum allowed document size.", nil)
	}
	pol, err := policy.Parse([]byte(doc))
	if err != nil {
		if pe, ok := errors.AsType[*policy.Error](err); ok && len(pe.Diagnostics) > 0 {
			d := pe.Diagnostics[0]
			if d.Code == "JSON_SYNTAX_ERROR" {
				return malformedPolicy("Policies must be valid JSON and the first byte must be '{'", err)
			}
			return malformedPolicy(sentence(d.Message), err)
		}
		return malformedPolicy("Policies must be valid JSON and the first byte must be '{'", err)
	}
	for _, d := range pol.Check(policy.KindResource) {
		switch d.Code {
		case policy.KindResource.SizeCode():
			// S3's limit is its own, checked above.
		case "MISSING_PRINCIPAL":
			return malformedPolicy("Missing required field Principal", &policy.Error{Diagnostics: []policy.Diagnostic{d}})
		default:
			return malformedPolicy(sentence(d.Message), &policy.Error{Diagnostics: []policy.Diagnostic{d}})
		}
	}
	bucketARN := warden.BucketARN(bucket)
	for _, st := range pol.Statements {
		if !st.HasAction {
			return malformedPolicy("Missing required field Action", nil)
		}
		if !st.HasResource {
			return malformedPolicy("Missing required field Resource", nil)
		}
		for _, a := range st.Actions {
			if a.Text != "*" && !hasPrefixFold(a.Text, "s3:") {
				return malformedPolicy("Policy has invalid action", fmt.Errorf("%s: %q", a.Path, a.Text))
			}
		}
		for _, r := range st.Resources {
			if !resourceInBucket(r.Text, bucketARN) {
				return malformedPolicy("Policy has invalid resource", fmt.Errorf("%s: %q is not %s or an object in it", r.Path, r.Text, bucketARN))
			}
		}
	}
	return nil
}

// resourceInBucket reports whether a Resource pattern of a bucket policy
// names the bucket or objects in it. A pattern with wildcards qualifies
// when its literal beginning is compatible with the bucket's ARN.
func resourceInBucket(pattern, bucketARN string) bool {
	objects := bucketARN + "/"
	literal, _, wild := strings.Cut(pattern, "*")
	if i := strings.IndexByte(literal, '?'); i >= 0 {
		literal, wild = literal[:i], true
	}
	if !wild {
		return pattern == bucketARN || strings.HasPrefix(pattern, objects)
	}
	return strings.HasPrefix(objects, literal) || strings.HasPrefix(literal, objects)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func malformedPolicy(message string, cause error) error {
	return &warden.Error{Code: warden.EMalformedPolicy, Message: message, Err: cause}
}

// sentence capitalises a diagnostic for a client message.
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
