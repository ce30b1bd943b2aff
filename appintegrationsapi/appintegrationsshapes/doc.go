// Package appintegrationsshapes holds the Amazon AppIntegrations API
// (2020-07-29) as Go types, generated from AWS's Smithy model of the
// service: the input and output of every operation, the structures and
// enums they use, the DecodeHTTP/DecodeJSON and EncodeHTTP/EncodeJSON
// methods package restjson serves them with, the model's constraint rules,
// and Service: the route table with each operation's IAM action, the error
// shapes with their statuses, and how Warden's domain error codes map onto
// them. Everything but this file and its tests is generated; edit the
// generator (internal/gen/restapi), not the output.
//
// The whole model is generated, so that every AppIntegrations request is
// routed and validated as AWS would; appintegrationsapi serves the event
// integration and tagging operations and answers the others as not
// implemented.
package appintegrationsshapes

//go:generate go run ../../internal/gen/restapi -model ../../../shared/reference/smithy/appintegrations-2020-07-29.json
