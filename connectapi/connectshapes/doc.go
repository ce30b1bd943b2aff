// Package connectshapes holds the part of the Amazon Connect API
// (2017-08-08) that Warden serves as Go types, generated from AWS's Smithy
// model of the service for the operations listed in operations.txt only:
// their input and output, the structures, unions and enums they use, the
// DecodeHTTP/DecodeJSON and EncodeHTTP/EncodeJSON methods package restjson
// serves them with, the model's constraint rules, and Service: the route
// table with each operation's IAM action, the error shapes these
// operations declare with their statuses, and how Warden's domain error
// codes map onto them. Everything but this file, operations.txt and the
// tests is generated; edit the generator (internal/gen/restapi), not the
// output.
//
// The struct tags name each member as a JSON body would; the protocol
// itself, with its HTTP bindings and timestamp formats, goes through the
// generated methods.
package connectshapes

//go:generate go run ../../internal/gen/restapi -model ../../../shared/reference/smithy/connect-2017-08-08.json -operations @operations.txt
