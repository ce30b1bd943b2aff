package restjson_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

func BenchmarkRoute(b *testing.B) {
	r := httptest.NewRequest("GET", "/medical-scribe-stream/domain/"+domainID+"/subscription/"+subscriptionID+"/session/"+sessionID, nil)
	arn := httptest.NewRequest("DELETE", "/tags/"+encodedDomainARN+"?tagKeys=a&tagKeys=b", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := healthshapes.Service.Route(r); err != nil {
			b.Fatal(err)
		}
		if _, err := healthshapes.Service.Route(arn); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCreateDomain(b *testing.B) {
	body := []byte(`{"name": "clinic", "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abc-123",
		"webAppSetupConfiguration": {"ehrRole": "arn:aws:iam::123456789012:role/ehr", "idcInstanceId": "i-1", "idcRegion": "us-east-1"},
		"tags": {"team": "care", "env": "prod"}}`)
	r := httptest.NewRequest("POST", "/domain", nil)
	m, err := healthshapes.Service.Route(r)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := restjson.Decode(r, body, m, &healthshapes.CreateDomainInput{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeUntagResource(b *testing.B) {
	r := httptest.NewRequest("DELETE", "/tags/"+encodedDomainARN+"?tagKeys=team&tagKeys=env", nil)
	m, err := healthshapes.Service.Route(r)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := restjson.Decode(r, nil, m, &healthshapes.UntagResourceInput{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteResponseListDomains(b *testing.B) {
	out := &healthshapes.ListDomainsOutput{NextToken: new(strings.Repeat("t", 64))}
	for range 20 {
		out.Domains = append(out.Domains, domainSummary())
	}
	op := healthshapes.Service.Operations["ListDomains"]
	b.ReportAllocs()
	for b.Loop() {
		healthshapes.Service.WriteResponse(httptest.NewRecorder(), op, requestID, out)
	}
}
