package warden

import "testing"

func TestParseConnectARN(t *testing.T) {
	for in, want := range map[string]ConnectResource{
		"arn:aws:connect:us-east-1:111111111111:instance/i-1":           {Region: "us-east-1", AccountID: "111111111111", Type: "instance", InstanceID: "i-1", ID: "i-1"},
		"arn:aws:connect:us-east-1:111111111111:instance/i-1/agent/u-1": {Region: "us-east-1", AccountID: "111111111111", Type: "agent", InstanceID: "i-1", ID: "u-1"},
		"arn:aws:connect:us-east-1:111111111111:phone-number/p-1":       {Region: "us-east-1", AccountID: "111111111111", Type: "phone-number", ID: "p-1"},
		"arn:aws:connect:eu-west-2:222222222222:instance/i-2/queue/q-1": {Region: "eu-west-2", AccountID: "222222222222", Type: "queue", InstanceID: "i-2", ID: "q-1"},
	} {
		got, err := ParseConnectARN(in)
		if err != nil || got != want || got.ARN() != in {
			t.Errorf("ParseConnectARN(%q) = %+v, %v (ARN %s); want %+v", in, got, err, got.ARN(), want)
		}
	}
	for _, bad := range []string{
		"", "arn:aws:connect:us-east-1:111111111111:instance", "arn:aws:connect:us-east-1:111111111111:instance/",
		"arn:aws:connect:us-east-1:111111111111:instance/i/agent", "arn:aws:connect:us-east-1:111111111111:instance//agent/u",
		"arn:aws:connect::111111111111:instance/i", "arn:aws:connect:us-east-1:1:instance/i", "arn:aws:s3:::bucket",
		"arn:aws-cn:connect:cn-north-1:111111111111:instance/i", "arn:aws:connect:us-east-1:111111111111:phone-number/p/x",
	} {
		if got, err := ParseConnectARN(bad); ErrorCode(err) != EInvalidParameterValue {
			t.Errorf("ParseConnectARN(%q) = %+v, %v; want InvalidParameterValue", bad, got, err)
		}
	}
}

func TestConnectTestNumber(t *testing.T) {
	for _, tt := range []struct {
		seq       int
		typ, want string
	}{{0, "DID", "+12065550100"}, {99, "DID", "+12065550199"}, {7, "TOLL_FREE", "+18005550107"}} {
		if got, err := ConnectTestNumber(tt.seq, tt.typ); err != nil || got != tt.want {
			t.Errorf("ConnectTestNumber(%d, %s) = %s, %v; want %s", tt.seq, tt.typ, got, err, tt.want)
		}
	}
	if _, err := ConnectTestNumber(100, "DID"); ErrorCode(err) != ELimitExceeded {
		t.Errorf("the 101st number: %v; want LimitExceeded", err)
	}
}

// FuzzParseConnectARN checks that whatever ParseConnectARN accepts it
// gives back unchanged as an ARN.
func FuzzParseConnectARN(f *testing.F) {
	for _, seed := range []string{
		"arn:aws:connect:us-east-1:111111111111:instance/i-1",
		"arn:aws:connect:us-east-1:111111111111:instance/i-1/agent/u-1",
		"arn:aws:connect:us-east-1:111111111111:phone-number/p-1",
		"arn:aws:connect:us-east-1:111111111111:instance/i//x",
		"arn:aws:connect:us-east-1:111111111111:instance/a/b/c/d",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseConnectARN(s)
		if err != nil {
			return
		}
		if r.ARN() != s {
			t.Fatalf("ParseConnectARN(%q) = %+v, whose ARN is %q", s, r, r.ARN())
		}
	})
}
