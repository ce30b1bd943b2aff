// Package consoleshapes holds Warden's Connect Health console API
// (consoleapi/model/warden-healthconsole.json) as Go types: the input and
// output of every operation, the structures and enums they use, the
// DecodeHTTP/DecodeJSON and EncodeHTTP/EncodeJSON methods package restjson
// serves them with, the model's constraint rules, and Service: the route
// table with each operation's IAM action, the error shapes with their
// statuses, and how Warden's domain error codes map onto them. Everything
// but this file is generated; edit the model or the generator
// (internal/gen/restapi), not the output.
package consoleshapes

//go:generate go run ../../internal/gen/restapi -model ../model/warden-healthconsole.json
