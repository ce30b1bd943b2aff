// Package stsshapes holds the STS API (2011-06-15) as Go types, generated
// from AWS's Smithy model of the service: the input and output of every
// operation, the structures they use, the DecodeQuery and EncodeQueryXML
// methods package awsquery serves them with, the model's constraint rules,
// and Service, the operation table and error statuses. Everything but this
// file is generated; edit the generator (internal/gen/queryapi), not the
// output.
package stsshapes

//go:generate go run ../../internal/gen/queryapi -model ../../../shared/reference/smithy/sts-2011-06-15.json
