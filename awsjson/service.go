package awsjson

import (
	"net/http"
	"strings"

	"github.com/warden-iam/warden"
)

// Error codes of the protocol itself, common to every JSON service.
const (
	// CodeUnknownOperation answers a target that names no operation of the
	// service.
	CodeUnknownOperation = "UnknownOperationException"
	// CodeSerialization answers a body that is not a JSON document of the
	// input's shape.
	CodeSerialization = "SerializationException"
)

// Service describes one JSON service.
type Service struct {
	// Name is the service's name in messages ("Organizations").
	Name string
	// TargetPrefix is what precedes the operation name in X-Amz-Target
	// ("AWSOrganizationsV20161128").
	TargetPrefix string
	// JSONVersion is the protocol version, "1.0" or "1.1": the suffix of
	// the content type application/x-amz-json-1.1.
	JSONVersion string
	// SigningName is the service name in SigV4 credential scopes.
	SigningName string
	// ARNNamespace is the service prefix of its IAM actions
	// ("organizations").
	ARNNamespace string
	// Operations maps an operation name to its operation.
	Operations map[string]*Operation
	// Codes renames the error codes Warden shares between services to this
	// service's own (AccessDenied to AccessDeniedException); codes not
	// listed are written as they are.
	Codes map[string]string
	// Faults are the service's server-side error codes, answered with HTTP
	// 500; every other error is the client's, answered with 400.
	Faults map[string]bool
}

// Operation is one operation of a Service.
type Operation struct {
	Name string
	// NewInput returns an empty input to Decode into, a pointer to a
	// struct with the operation's JSON members.
	NewInput func() any
}

// ContentType is the media type of the service's requests and responses.
func (s *Service) ContentType() string { return "application/x-amz-json-" + s.JSONVersion }

// SplitTarget splits an X-Amz-Target value into the service's target
// prefix and the operation name.
func SplitTarget(target string) (prefix, operation string, ok bool) {
	i := strings.LastIndexByte(target, '.')
	if i <= 0 || i == len(target)-1 {
		return "", "", false
	}
	return target[:i], target[i+1:], true
}

// Operation returns the operation an X-Amz-Target value names.
//
// Returns UnknownOperationException for a malformed target, another
// service's prefix or an operation the service does not have.
func (s *Service) Operation(target string) (*Operation, error) {
	prefix, name, ok := SplitTarget(target)
	if ok && prefix == s.TargetPrefix {
		if op, ok := s.Operations[name]; ok {
			return op, nil
		}
	}
	return nil, warden.Errorf(CodeUnknownOperation, "Warden does not serve the %s operation %q.", s.Name, target)
}

// Code returns the error code the service writes for err.
func (s *Service) Code(err error) string {
	code := warden.ErrorCode(err)
	if c, ok := s.Codes[code]; ok {
		return c
	}
	return code
}

// Status returns the HTTP status of an error code the service writes.
func (s *Service) Status(code string) int {
	if s.Faults[code] {
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
