package iamapi

import (
	"errors"
	"fmt"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/policy"
)

// checkDocument refuses a policy document as IAM does when it is written:
// MalformedPolicyDocument for what IAM's grammar rejects (§13 of Warden's
// IAM semantics notes: grammar, not whether actions or keys exist), naming
// the first problem with its position, and LimitExceeded for size. quota
// names the size quota in AWS's message ("PolicySize", "ACLSizePerRole").
func checkDocument(doc string, kind policy.Kind, quota string) (*policy.Policy, error) {
	p, err := policy.ParseAs([]byte(doc), kind)
	if err == nil {
		return p, nil
	}
	perr, ok := errors.AsType[*policy.Error](err)
	if !ok || len(perr.Diagnostics) == 0 {
		return nil, warden.Errorf(warden.EMalformedPolicyDocument, "The policy document is not valid.")
	}
	d := perr.Diagnostics[0]
	if d.Code == kind.SizeCode() {
		return nil, warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for %s: %d", quota, kind.SizeLimit())
	}
	where := d.Pos.String()
	if d.Path != "" {
		where += " " + d.Path
	}
	return nil, &warden.Error{Code: warden.EMalformedPolicyDocument, Message: fmt.Sprintf("%s (at %s)", sentence(d.Message), where)}
}

// sentence capitalises a diagnostic for an API message.
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
