package policy

import (
	"fmt"
	"os"
	"testing"
)

// benchPrincipalLayers builds the layers of a realistic principal: identity
// policies of ten statements each over several services, with a condition
// or a resource variable here and there, a permissions boundary and one SCP
// level.
func benchPrincipalLayers(tb testing.TB, statements int) *Layers {
	tb.Helper()
	services := []string{"health-agent", "iam", "s3", "connect", "app-integrations", "kms", "sts", "ec2", "dynamodb", "lambda"}
	verbs := []string{"Get", "List", "Describe", "Create", "Update", "Delete", "Put", "Tag", "Untag", "Start"}
	var docs []Document
	for p := 0; p*10 < statements; p++ {
		src := `{"Version":"2012-10-17","Statement":[`
		for s := range min(10, statements-p*10) {
			n := p*10 + s
			if s > 0 {
				src += ","
			}
			svc := services[n%len(services)]
			action := fmt.Sprintf(`"%s:%s%s%d"`, svc, verbs[(n/len(services))%len(verbs)], "Thing", n)
			switch n % 4 {
			case 0:
				if p > 0 {
					// Beyond the first policy, statements name only their
					// own actions, so the statements that can match the
					// request's action stay the same as the set grows.
					src += fmt.Sprintf(`{"Effect":"Allow","Action":%s,"Resource":"arn:aws:%s:*:111122223333:thing/${aws:username}/*"}`, action, svc)
					continue
				}
				src += fmt.Sprintf(`{"Effect":"Allow","Action":[%s,"%s:Get*"],"Resource":"arn:aws:%s:*:111122223333:thing/${aws:username}/*"}`, action, svc, svc)
			case 1:
				src += fmt.Sprintf(`{"Effect":"Allow","Action":%s,"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}`, action)
			case 2:
				src += fmt.Sprintf(`{"Effect":"Deny","Action":%s,"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, action)
			default:
				src += fmt.Sprintf(`{"Effect":"Allow","Action":%s,"Resource":"arn:aws:%s:us-east-1:111122223333:thing/*"}`, action, svc)
			}
		}
		src += `]}`
		docs = append(docs, Document{Name: fmt.Sprintf("p%d", p), Policy: MustParse(src)})
	}
	return &Layers{
		Identity: MustCompile(docs...),
		Boundary: MustCompile(Document{Name: "boundary", Policy: MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["health-agent:*","iam:Get*","s3:*"],"Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`)}),
		SCPs:     []*Set{MustCompile(Document{Name: "FullAWSAccess", Policy: MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"health-agent:DeleteDomain","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/role":"admin"}}}]}`)})},
	}
}

func benchRequest() *Request {
	req := &Request{
		Principal: RequestPrincipal{Type: PrincipalUser, ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"},
		Action:    "health-agent:GetDomain",
		Resource:  "arn:aws:health-agent:us-east-1:111122223333:thing/alice/d-1",
	}
	req.Context.Set("aws:username", "alice")
	req.Context.Set("aws:PrincipalTag/team", "care")
	req.Context.Set("aws:ResourceTag/team", "care")
	req.Context.Set("aws:SecureTransport", "true")
	req.Context.Set("aws:MultiFactorAuthPresent", "true")
	return req
}

// BenchmarkEvaluate is the reference principal: 10 identity policies
// with 100 statements, a boundary and one SCP level.
func BenchmarkEvaluate(b *testing.B) {
	l := benchPrincipalLayers(b, 100)
	req := benchRequest()
	if d := Evaluate(l, req); d != Allowed {
		b.Fatalf("decision %v, want Allow", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(l, req)
	}
}

func TestEvaluateDoesNotAllocate(t *testing.T) {
	l := benchPrincipalLayers(t, 100)
	req := benchRequest()
	if n := testing.AllocsPerRun(200, func() { Evaluate(l, req) }); n != 0 {
		t.Fatalf("Evaluate allocates %v times per call", n)
	}
}

// BenchmarkEvaluateGrowth shows that cost follows the statements that can
// match the action, not the size of the policy set.
func BenchmarkEvaluateGrowth(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			l := benchPrincipalLayers(b, n)
			req := benchRequest()
			b.ReportAllocs()
			for b.Loop() {
				Evaluate(l, req)
			}
		})
	}
}

func BenchmarkExplain(b *testing.B) {
	l := benchPrincipalLayers(b, 100)
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		Explain(l, req)
	}
}

// BenchmarkParseCompileReadOnlyAccess parses and compiles AWS's largest
// common managed policy.
func BenchmarkParseCompileReadOnlyAccess(b *testing.B) {
	src, err := os.ReadFile("testdata/managed/ReadOnlyAccess.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		MustCompile(Document{Name: "ReadOnlyAccess", Policy: p})
	}
}
