// Package awsquery is the server side of the AWS Query protocol, the wire
// format IAM and STS speak. It owns the protocol and nothing else:
//
//   - Parse turns an HTTP request (form-encoded POST body or GET query
//     string) into its Action, Version and parameters;
//   - Decode fills an operation input generated from the service's Smithy
//     model, checking the model's constraints and reporting violations the
//     way AWS words them;
//   - Service.WriteResponse writes an operation's result as Query XML, and
//     Service.WriteError is the one place an error becomes a Query error
//     document with its HTTP status.
//
// The shapes themselves, each service's operation table and its error
// statuses are generated (see internal/gen/queryapi); handlers that act on
// the decoded inputs live with the services.
package awsquery
