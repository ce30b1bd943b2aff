package validate

import (
	"slices"
	"testing"

	"github.com/warden-iam/warden/policy"
)

// FuzzValidate feeds arbitrary bytes to the validator under every policy
// kind: it must not panic, and its findings must be positioned, sorted,
// drawn from the rule table, and agree with FirstError.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		``,
		`{}`,
		`[]`,
		`{"Statement": []}`,
		`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}`,
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:iam::*:role/*"}]}`,
		`{"Version": "2008-10-17", "Statement": [{"Sid": "", "Effect": "Deny", "Action": ["s3:Get*", "s3:GetObject", "s3:Gett*"], "Resource": ["*", "arn:aws:s3:::b"]}]}`,
		`{"Statement": {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}}}}`,
		`{"Statement": {"Effect": "Allow", "Principal": {"AWS": ["AROAEXAMPLEROLEID0001", "arn:aws:iam::1:role/*", "*"], "Service": "x"}, "Action": "sts:AssumeRole"}}`,
		`{"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:username": []}, "NullIfExists": {"a": "b"}, "IpAddress": {"aws:SourceIp": ["10.0.0.1/8", "${aws:x}"]}, "DateLessThan": {"aws:CurrentTime": "1700000000"}, "Bool": {"aws:SecureTransport": [true, false]}}}}`,
		`{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:us-east-1:x:${aws:username}:*", "Condition": {"StringEquals": {"AWS:SourceVpc": "vpc-1", "aws:sourcevpc": "vpce-${}"}}}}`,
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}, {"Effect": "Allow", "Action": "S3:GETOBJECT", "Resource": "arn:aws:s3:::b/*"}]}`,
	} {
		f.Add([]byte(seed))
	}
	kinds := []policy.Kind{policy.KindIdentity, policy.KindResource, policy.KindTrust, policy.KindBoundary, policy.KindSession, policy.KindSCP, policy.KindRCP}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, kind := range kinds {
			fs := Policy(src, kind, Options{})
			if !slices.IsSortedFunc(fs, compareFindings) {
				t.Fatalf("%v: findings not sorted", kind)
			}
			for _, fd := range fs {
				if fd.Line < 1 || fd.Column < 1 {
					t.Fatalf("%v: %v has no position", kind, fd)
				}
				if r, ok := RuleFor(fd.Code); !ok || r.Severity != fd.Severity {
					t.Fatalf("%v: %v does not follow the rule table", kind, fd)
				}
			}
			first, found := FirstError(src, kind)
			if found && !slices.Contains(fs, first) {
				t.Fatalf("%v: FirstError %v is not a finding", kind, first)
			}
			if !found && len(src) > 0 && slices.ContainsFunc(fs, func(fd Finding) bool { return fd.Code == "JSON_SYNTAX_ERROR" }) {
				t.Fatalf("%v: a JSON syntax error is not IAM's first error", kind)
			}
		}
	})
}
