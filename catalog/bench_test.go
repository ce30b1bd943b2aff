package catalog

import "testing"

// go test -run='^$' -bench=. -benchmem ./catalog

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(embedded)))
	for b.Loop() {
		if _, err := decode(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAction(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Action("HEALTH-AGENT", "createdomain"); !ok {
			b.Fatal("health-agent:CreateDomain not found")
		}
	}
}

func BenchmarkMatchActions(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		if len(c.MatchActions("s3:Get*")) == 0 {
			b.Fatal("s3:Get* matched nothing")
		}
	}
}

func BenchmarkConditionKeyTemplate(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.ConditionKey("s3:ExistingObjectTag/owner"); !ok {
			b.Fatal("s3:ExistingObjectTag/owner not found")
		}
	}
}

func BenchmarkMatchARN(b *testing.B) {
	s, _ := Default().Service("health-agent")
	rt, _ := s.ResourceType("Integration")
	b.ReportAllocs()
	for b.Loop() {
		if !rt.MatchARN("arn:aws:health-agent:us-east-1:123456789012:domain/d-1/integration/*") {
			b.Fatal("no match")
		}
	}
}
