package codingapi

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/codingapi/codingshapes"
	"github.com/warden-iam/warden/restjson"
)

// FuzzStartRequest decodes a StartMedicalCodingJob body with the model's
// constraints and checks what it accepts as the handler does: neither
// panics, every failure is a ValidationException or a
// SerializationException, and the dates check accepts are real dates no
// later than it allows.
func FuzzStartRequest(f *testing.F) {
	f.Add(`{"text":"note","outputDataConfig":{"s3OutputPath":"s3://clinic-out/codes/"}}`)
	f.Add(`{"text":"note","outputDataConfig":{"s3OutputPath":"s3://clinic-out"},"encounterContext":{"encounterDate":"2026-03-11","encounterDurationMinutes":1440,"encounterType":"TELEHEALTH","afterHours":true,"encounterReason":"a, b. c-d"}}`)
	f.Add(`{"text":"note","outputDataConfig":{"s3OutputPath":"s3://clinic-out"},"patientContext":{"dateOfBirth":"2026-02-29","sex":"NON_BINARY","status":"NEW","insurance":"x"}}`)
	f.Add(`{"text":"note","outputDataConfig":{"s3OutputPath":"s3://clinic-out"},"datasetId":"ds","clientToken":"t"}`)
	f.Add(`{"text":1}`)
	f.Add(`[`)
	api := &API{}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	c := &authz.Caller{Time: now}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := http.NewRequest("POST", "/domain/dom-0123456789abcdef/medical-coding-job", bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Service.Route(r)
		if err != nil {
			t.Fatal(err)
		}
		in := &s.StartMedicalCodingJobInput{}
		if err := restjson.Decode(r, []byte(body), m, in); err != nil {
			if code := warden.ErrorCode(err); code != warden.EValidationError && code != restjson.CodeSerialization {
				t.Fatalf("Decode(%q) = %v", body, err)
			}
			return
		}
		req := jobRequest{DatasetID: in.DatasetId, Text: in.Text, EncounterContext: in.EncounterContext,
			PatientContext: in.PatientContext, OutputDataConfig: in.OutputDataConfig}
		if err := api.check(c, in.DomainId, req); err != nil {
			if warden.ErrorCode(err) != warden.EValidationError {
				t.Fatalf("check(%q) = %v", body, err)
			}
			return
		}
		if e := req.EncounterContext; e != nil && e.EncounterDate != nil {
			d, err := time.Parse(dateLayout, *e.EncounterDate)
			if err != nil || d.After(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("check accepted encounterDate %q", *e.EncounterDate)
			}
		}
		if p := req.PatientContext; p != nil && p.DateOfBirth != nil {
			d, err := time.Parse(dateLayout, *p.DateOfBirth)
			if err != nil || d.After(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("check accepted dateOfBirth %q", *p.DateOfBirth)
			}
		}
		if req.DatasetID != nil {
			t.Fatalf("check accepted datasetId %q", *req.DatasetID)
		}
	})
}
