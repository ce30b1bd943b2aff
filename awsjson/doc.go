// Package awsjson is the server side of the AWS JSON protocol (awsJson1_0
// and awsJson1_1), the wire format of AWS Organizations among many other
// services: every request is a POST to "/" whose X-Amz-Target header names
// the operation ("AWSOrganizationsV20161128.ListRoots") and whose body is a
// JSON document; a response is a JSON document, and an error a JSON document
// whose __type member names it. It owns the protocol and nothing else:
//
//   - Service.Operation resolves an X-Amz-Target value to an operation;
//   - Decode fills an operation input from the request body;
//   - Service.WriteResponse writes an operation's output, and
//     Service.WriteError is the one place an error becomes a JSON error
//     document with its HTTP status;
//   - Timestamp encodes times as the protocol does, in epoch seconds.
//
// The input and output shapes, the constraints on them and the handlers
// live with each service (orgsapi for Organizations).
package awsjson
