package iamapi

import (
	"fmt"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/validate"
)

// checkDocument refuses a policy document as IAM does when it is written:
// MalformedPolicyDocument with the validator's first grammar error and its
// position (IAM checks grammar, not whether actions or keys exist), and
// LimitExceeded for size. quota names the size quota in AWS's message
// ("PolicySize", "ACLSizePerRole").
func checkDocument(doc string, kind policy.Kind, quota string) (*policy.Policy, error) {
	if f, bad := validate.FirstError([]byte(doc), kind); bad {
		where := fmt.Sprintf("%d:%d", f.Line, f.Column)
		if f.Path != "" {
			where += " " + f.Path
		}
		return nil, warden.Errorf(warden.EMalformedPolicyDocument, "%s (at %s)", sentence(f.Message), where)
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		// FirstError found nothing, so the parser cannot either.
		return nil, &warden.Error{Code: warden.EMalformedPolicyDocument, Message: "The policy document is not valid.", Err: err}
	}
	if p.Size > kind.SizeLimit() {
		return nil, warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for %s: %d", quota, kind.SizeLimit())
	}
	return p, nil
}

// sentence capitalises a diagnostic for an API message.
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
