package restjson

import "sync"

// Error codes of the protocol itself, which no service model declares.
const (
	// CodeUnknownOperation answers a request whose method and path match
	// no operation of the service.
	CodeUnknownOperation = "UnknownOperationException"
	// CodeSerialization answers a request whose body, or a bound value,
	// cannot be read as the type the model gives it.
	CodeSerialization = "SerializationException"
)

// Service describes one restJson1 service as its Smithy model declares it.
// The generated shape packages each export one.
type Service struct {
	// Name is the service's SDK id ("ConnectHealth"), used in messages.
	Name string
	// ARNNamespace is the service prefix of its IAM actions
	// ("health-agent").
	ARNNamespace string
	// SigningName is the service name in SigV4 credential scopes.
	SigningName string
	// Version is the API version of the model ("2025-01-29").
	Version string
	// Operations maps an operation name to its operation.
	Operations map[string]*Operation
	// Errors maps the name of each error shape the model declares to how
	// it is written.
	Errors map[string]ErrorShape
	// Codes maps Warden's domain error codes (warden.ENoSuchEntity, …) to
	// the error shapes of this service that mean the same
	// (ResourceNotFoundException, …).
	Codes map[string]string

	routerOnce sync.Once
	router     *router
	routerErr  error
}

// Operation is one operation of a Service and its HTTP binding.
type Operation struct {
	// Name is the operation's name in the model ("CreateDomain").
	Name string
	// Action is the IAM action a caller needs to invoke it
	// ("health-agent:CreateDomain").
	Action string
	// RequiredActions are the further IAM actions the model says the
	// operation needs (aws.iam#requiredActions): CreateDomain also needs
	// health-agent:TagResource and iam:PassRole.
	RequiredActions []string
	// Method and URI are the operation's smithy.api#http binding: an HTTP
	// method and a URI pattern with {label}, {greedy+} and ?query literals.
	Method, URI string
	// Status is the HTTP status of a successful response.
	Status int
	// HostPrefix is the smithy.api#endpoint host prefix clients put before
	// the endpoint's host ("streaming."), or "". Routing ignores the host:
	// clients told to disable host prefix injection do not send it.
	HostPrefix string
	// ReadOnly and Idempotent are the operation's smithy.api#readonly and
	// smithy.api#idempotent traits.
	ReadOnly, Idempotent bool
	// IdempotencyToken is the JSON name of the input member that carries
	// the client's idempotency token (smithy.api#idempotencyToken), or "".
	// SDKs fill it in when the caller does not; the server deduplicates on
	// it.
	IdempotencyToken string
	// InputEventStream and OutputEventStream name the input and output
	// members that are event streams (an @httpPayload union with
	// smithy.api#streaming), or are "". Decode and WriteResponse handle
	// only the operation's other members; the stream is the handler's.
	InputEventStream, OutputEventStream string
	// NewInput returns an empty input to Decode into.
	NewInput func() Input
}

// ErrorShape is how one error shape of the model is written.
type ErrorShape struct {
	// Status is its smithy.api#httpError status, or 400 for a client and
	// 500 for a server fault without one.
	Status int
	// Message is the JSON name of its message member ("message", or
	// "Message" in older models), or "" when it declares none.
	Message string
	// Reason is the JSON name of a reason member it declares, or "";
	// WriteError fills it from a warden.ReasonError.
	Reason string
}

// Input is an operation input generated from a Smithy model. DecodeHTTP
// reads its members from where the model binds them, reporting missing,
// malformed and out-of-constraint values to d.
type Input interface {
	DecodeHTTP(d *Decoder)
}

// Output is an operation output generated from a Smithy model. EncodeHTTP
// writes its header members and its JSON body to e.
type Output interface {
	EncodeHTTP(e *Encoder)
}
