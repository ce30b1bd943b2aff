// Package arn parses Amazon Resource Names: arn:partition:service:region:account:resource
// ("Identify AWS resources with Amazon Resource Names", IAM User Guide). The
// resource part is everything after the fifth colon and may itself contain
// colons and slashes.
package arn

import (
	"errors"
	"strings"
)

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string
}

// Errors returned by Parse.
var (
	ErrPrefix  = errors.New(`an ARN must begin with "arn:"`)
	ErrTooFew  = errors.New("an ARN must have six colon-separated parts: arn:partition:service:region:account:resource")
	ErrNoParts = errors.New("an ARN's partition and service must not be empty")
)

// Parse splits s into its components. It checks the shape only: any
// partition, service, region or account text is accepted, as IAM accepts it
// in policies.
func Parse(s string) (ARN, error) {
	parts, ok := Split(s)
	if !ok {
		if !strings.HasPrefix(s, "arn:") {
			return ARN{}, ErrPrefix
		}
		return ARN{}, ErrTooFew
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	if a.Partition == "" || a.Service == "" {
		return a, ErrNoParts
	}
	return a, nil
}

// Split cuts s at its first five colons without allocating. It reports
// false when s does not begin with "arn:" or has fewer than six parts.
func Split(s string) (parts [6]string, ok bool) {
	if !strings.HasPrefix(s, "arn:") {
		return parts, false
	}
	rest := s
	for i := range 5 {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return parts, false
		}
		parts[i] = rest[:j]
		rest = rest[j+1:]
	}
	parts[5] = rest
	return parts, true
}

// String reassembles the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}
