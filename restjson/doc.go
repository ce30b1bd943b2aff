// Package restjson is the server side of AWS's restJson1 protocol, the wire
// format of Amazon Connect Health and of most newer AWS services: an
// operation is named by its HTTP method and URI, its input travels in URI
// labels, query parameters, headers and a JSON body, and an error is an HTTP
// status with an X-Amzn-ErrorType header and a JSON message. It owns the
// protocol and nothing else:
//
//   - Service.Route matches a request to an operation by the model's HTTP
//     bindings (labels, greedy labels, query literals), percent-decoding
//     label values;
//   - Decode fills an operation input generated from the service's Smithy
//     model from the request, checking the model's constraints and reporting
//     violations in a ValidationException worded as AWS words it;
//   - Service.WriteResponse writes an operation's output with its success
//     status, headers and JSON body, and Service.WriteError is the one place
//     an error becomes a restJson1 error response.
//
// The shapes themselves, each service's route table, its IAM actions, its
// error statuses and how Warden's domain error codes map onto the service's
// exceptions are generated (see internal/gen/restapi); handlers that act on
// the decoded inputs live with the services.
package restjson
