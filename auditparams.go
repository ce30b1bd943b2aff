package warden

import (
	"iter"
	"strconv"
	"strings"
)

// Bounds on what the trail keeps of a request's parameters: a request
// body may be megabytes, and the trail must not become a way to fill the
// disk.
const (
	maxAuditParameters     = 128
	maxAuditParameterName  = 256
	maxAuditParameterValue = 16 << 10 // room for the largest IAM policy document
)

// AuditParametersOmitted names the entry that stands for the parameters
// beyond the ones a trail keeps; its value is how many were left out.
const AuditParametersOmitted = "…"

// secretParameters are the parameters of IAM and STS operations whose
// values are secrets or credentials: passwords (CreateLoginProfile,
// UpdateLoginProfile, ChangePassword), MFA codes (EnableMFADevice,
// ResyncMFADevice, AssumeRole's TokenCode), private keys
// (UploadServerCertificate), and the assertions and tokens STS exchanges
// for credentials (AssumeRoleWithSAML, AssumeRoleWithWebIdentity,
// ProvidedContexts). They are matched on the last component of the
// flattened name, so list members are caught too.
var secretParameters = []string{
	"Password", "OldPassword", "NewPassword",
	"AuthenticationCode1", "AuthenticationCode2", "TokenCode",
	"PrivateKey", "SecretAccessKey", "SessionToken", "SecurityToken", "Signature",
	"SAMLAssertion", "WebIdentityToken", "ContextAssertion",
}

// NewAuditParameters returns what the trail keeps of a request's
// parameters, given in name order. The SigV4 parameters of a presigned
// request (X-Amz-*) are dropped. For IAM and STS, whose parameters are
// identifiers, names, tags and policy documents, values are kept except
// for secrets; for any other service only the names are kept, since their
// values may be patient data. Unauthenticated requests keep names only:
// their values come from nobody the trail can name.
func NewAuditParameters(service string, authenticated bool, params iter.Seq2[string, string]) []AuditParameter {
	keepValues := authenticated && (service == "iam" || service == "sts")
	var out []AuditParameter
	omitted := 0
	for name, value := range params {
		if len(name) >= 6 && strings.EqualFold(name[:6], "X-Amz-") {
			continue
		}
		if len(out) == maxAuditParameters {
			omitted++
			continue
		}
		if len(name) > maxAuditParameterName {
			name = name[:maxAuditParameterName]
		}
		switch {
		case !keepValues || secretParameter(name):
			value = AuditRedacted
		case len(value) > maxAuditParameterValue:
			value = value[:maxAuditParameterValue]
		}
		out = append(out, AuditParameter{Name: name, Value: value})
	}
	if omitted > 0 {
		out = append(out, AuditParameter{Name: AuditParametersOmitted, Value: strconv.Itoa(omitted)})
	}
	return out
}

// secretLengths marks the lengths of the names in secretParameters, which
// spares most names the comparisons.
var secretLengths = func() (lengths [32]bool) {
	for _, s := range secretParameters {
		lengths[len(s)] = true
	}
	return lengths
}()

func secretParameter(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	if len(last) >= len(secretLengths) || !secretLengths[len(last)] {
		return false
	}
	for _, s := range secretParameters {
		if strings.EqualFold(last, s) {
			return true
		}
	}
	return false
}
