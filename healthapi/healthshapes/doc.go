// Package healthshapes holds the Amazon Connect Health API (2025-01-29) as
// Go types, generated from AWS's Smithy model of the service: the input
// and output of every operation, the structures, unions and enums they
// use, the DecodeHTTP/DecodeJSON and EncodeHTTP/EncodeJSON methods package
// restjson serves them with, the model's constraint rules, and Service:
// the route table with each operation's IAM action, the error shapes with
// their statuses, and how Warden's domain error codes map onto them.
// Everything but this file and its tests is generated; edit the generator
// (internal/gen/restapi), not the output.
//
// The struct tags name each member as a JSON body would; the protocol
// itself, with its HTTP bindings and timestamp formats, goes through the
// generated methods.
package healthshapes

//go:generate go run ../../internal/gen/restapi -model ../../../shared/reference/smithy/connecthealth-2025-01-29.json
