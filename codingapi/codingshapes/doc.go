// Package codingshapes holds the Amazon Connect Health medical coding
// preview API as Go types, generated from Warden's Smithy model of it
// (../model/warden-medicalcoding.json; no AWS SDK model carries these
// operations): the input and output of StartMedicalCodingJob,
// GetMedicalCodingJob and the console's GenerateMedicalCodes, the
// structures and enums they use, the methods package restjson serves them
// with, the model's constraint rules, and Service: the route table with
// each operation's IAM action, the error shapes with their statuses, and
// how Warden's domain error codes map onto them. Everything but this file
// and its tests is generated; edit the model or the generator
// (internal/gen/restapi), not the output.
package codingshapes

//go:generate go run ../../internal/gen/restapi -model ../model/warden-medicalcoding.json
