package awsquery

import "github.com/warden-iam/warden"

// Service describes one Query service as its Smithy model declares it. The
// generated shape packages each export one.
type Service struct {
	// ARNNamespace is the service prefix of its IAM actions ("iam", "sts").
	ARNNamespace string
	// SigningName is the service name in SigV4 credential scopes.
	SigningName string
	// Version is the API version a request must name ("2010-05-08").
	Version string
	// Namespace is the XML namespace of every response document.
	Namespace string
	// Operations maps an Action parameter to its operation.
	Operations map[string]*Operation
	// ErrorStatus maps the error codes the model declares (from its
	// aws.protocols#awsQueryError traits) to their HTTP statuses. Codes
	// common to all AWS services are known to WriteError already.
	ErrorStatus map[string]int
}

// Operation is one action of a Service.
type Operation struct {
	// Name is the Action parameter value and the stem of the response
	// element names ("CreateUser" → CreateUserResponse, CreateUserResult).
	Name string
	// Action is the IAM action a caller needs to invoke it ("iam:CreateUser").
	Action string
	// NewInput returns an empty input to Decode into.
	NewInput func() Input
	// NewOutput returns an empty output, or is nil when the operation
	// returns no result: its response then holds only ResponseMetadata.
	NewOutput func() Output
}

// Input is an operation input (or a structure within one) generated from a
// Smithy model. DecodeQuery reads its members from d at path p, reporting
// missing, malformed and out-of-constraint values to d.
type Input interface {
	DecodeQuery(d *Decoder, p Path)
}

// Output is an operation output (or a structure within one) generated from a
// Smithy model. EncodeQueryXML writes its members, in model order, as the
// children of the element e is in.
type Output interface {
	EncodeQueryXML(e *Encoder)
}

// Operation returns the operation a request names. AWS answers an unknown
// action, or a known one under another API version, with InvalidAction.
func (s *Service) Operation(action, version string) (*Operation, error) {
	if action == "" {
		return nil, warden.Errorf(warden.EMissingAction, "The request must contain the parameter Action.")
	}
	if version == "" {
		return nil, warden.Errorf(warden.EMissingParameter, "The request must contain the parameter Version.")
	}
	op, ok := s.Operations[action]
	if !ok || version != s.Version {
		return nil, warden.Errorf(warden.EInvalidAction, "Could not find operation %s for version %s", action, version)
	}
	return op, nil
}
