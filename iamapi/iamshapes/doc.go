// Package iamshapes holds the IAM API (2010-05-08) as Go types, generated
// from AWS's Smithy model of the service: the input and output of every
// operation, the structures and enums they use, the DecodeQuery and
// EncodeQueryXML methods package awsquery serves them with, the model's
// constraint rules, and Service, the operation table and error statuses.
// Everything but this file is generated; edit the generator
// (internal/gen/queryapi), not the output.
//
// IAM returns policy documents URL-encoded, so members of the model's
// policyDocumentType are written that way.
package iamshapes

//go:generate go run ../../internal/gen/queryapi -model ../../../shared/reference/smithy/iam-2010-05-08.json -url-encoded policyDocumentType
