package warden

import "strings"

// Partition is the only AWS partition Warden serves.
const Partition = "aws"

// AWSAccount is the account field of AWS managed policy ARNs
// (arn:aws:iam::aws:policy/ReadOnlyAccess).
const AWSAccount = "aws"

// ARN is an Amazon Resource Name split into its six fields (IAM User Guide,
// "IAM identifiers", section "IAM ARNs"). Resource is everything after the
// fifth colon and may itself contain colons and slashes.
type ARN struct {
	Partition string
	Service   string
	Region    string
	AccountID string
	Resource  string
}

// ParseARN splits s into its fields. It checks only the shape every ARN
// shares: the "arn" prefix, six colon-separated fields, and a partition,
// service and resource that are not empty.
//
// Returns InvalidInput ("ARN s is not valid.") for anything else.
func ParseARN(s string) (ARN, error) {
	fields := strings.SplitN(s, ":", 6)
	if len(fields) != 6 || fields[0] != "arn" || fields[1] == "" || fields[2] == "" || fields[5] == "" {
		return ARN{}, Errorf(EInvalidInput, "ARN %s is not valid.", s)
	}
	return ARN{Partition: fields[1], Service: fields[2], Region: fields[3], AccountID: fields[4], Resource: fields[5]}, nil
}

func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.AccountID + ":" + a.Resource
}

// IAMResource splits the resource of an IAM ARN of the form TYPE/PATH/NAME
// ("user/division/alice", "policy/ReadOnlyAccess") into its type, its path
// (with leading and trailing slash, "/" when there is none) and its name.
// The account's root user, whose resource is just "root", yields
// ("root", "", ""). ok is false for any other shape.
func (a ARN) IAMResource() (typ, path, name string, ok bool) {
	if a.Service != "iam" {
		return "", "", "", false
	}
	if a.Resource == "root" {
		return "root", "", "", true
	}
	first := strings.IndexByte(a.Resource, '/')
	last := strings.LastIndexByte(a.Resource, '/')
	if first <= 0 || last == len(a.Resource)-1 {
		return "", "", "", false
	}
	return a.Resource[:first], a.Resource[first : last+1], a.Resource[last+1:], true
}

// IAMARN returns the ARN of the IAM entity of the given type ("user",
// "group", "role", "policy", "mfa") with path and name in account. path
// must begin and end with a slash.
func IAMARN(account, typ, path, name string) string {
	return "arn:" + Partition + ":iam::" + account + ":" + typ + path + name
}

// RootARN returns the ARN of the account's root user.
func RootARN(account string) string { return "arn:" + Partition + ":iam::" + account + ":root" }

// IsAWSManagedPolicyARN reports whether arn names an AWS managed policy,
// which IAM defines for every account and no account can change.
func IsAWSManagedPolicyARN(arn string) bool {
	return strings.HasPrefix(arn, "arn:"+Partition+":iam::"+AWSAccount+":policy/")
}
