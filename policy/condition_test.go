package policy

import (
	"slices"
	"testing"
	"time"
)

func TestParseIPRange(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // the prefix, or "" when invalid
	}{
		{"203.0.113.0/24", "203.0.113.0/24"},
		{"203.0.113.77/24", "203.0.113.0/24"}, // host bits are ignored
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"203.0.113.7", "203.0.113.7/32"}, // a bare IPv4 address is one host
		{"2001:DB8:1234:5678::/64", "2001:db8:1234:5678::/64"},
		{"2001:db8::1", "2001:db8::1/128"}, // a bare IPv6 address is one host
		{"::/0", "::/0"},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.1/128"},
		{"", ""},
		{"300.1.1.1", ""},
		{"10.0.0.0/33", ""},
		{"2001:db8::/129", ""},
		{"10.0.0.0/", ""},
		{"10.0.0", ""},
		{"example.com", ""},
		{" 10.0.0.1", ""},
	} {
		p, ok := parseIPRange(tt.in)
		got := ""
		if ok {
			got = p.String()
		}
		if got != tt.want {
			t.Errorf("parseIPRange(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"2020-01-01", base},
		{"2020-01", base},
		{"2020-01-01T00:00Z", base},
		{"2020-01-01T00:00:00Z", base},
		{"2020-01-01T00:00:00", base},
		{"2020-01-01T00:00", base},
		{"2020-01-01T00:00:00.000Z", base},
		{"2020-01-01T01:00:00+01:00", base},
		{"2019-12-31T19:00:00-05:00", base},
		{"2020-01-01T01:00:00+0100", base},
		{"2020-01-01T01:00+01:00", base},
		{"2020-01-01T00:00:00.25Z", base.Add(250 * time.Millisecond)},
		{"1577836800", base},
		{"1577836800.5", base.Add(500 * time.Millisecond)},
		{"0", time.Unix(0, 0).UTC()},
	} {
		got, ok := parseDate(tt.in)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2020-13-01", "2020-02-30", "01/01/2020", "2020-01-01 00:00:00", "NaN", "Inf", "-1", "0x10", "2020-01-01T25:00:00Z"} {
		if got, ok := parseDate(bad); ok {
			t.Errorf("parseDate(%q) = %v, want invalid", bad, got)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
	}{
		{"10", 10}, {"10.0", 10}, {"10.00", 10}, {"-3", -3}, {"+3", 3}, {".5", 0.5}, {"0.5", 0.5}, {"1e3", 1000}, {"007", 7},
	} {
		got, ok := parseNumber(tt.in)
		if !ok || got != tt.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "ten", "NaN", "nan", "Inf", "+Inf", "infinity", "0x10", "0x1p4", "1_000", "1,000", " 1", "1e999", "--1", "."} {
		if got, ok := parseNumber(bad); ok {
			t.Errorf("parseNumber(%q) = %v, want invalid", bad, got)
		}
	}
}

func TestParseOperator(t *testing.T) {
	for base, b := range baseOperators {
		for _, q := range []string{"", "ForAllValues:", "ForAnyValue:"} {
			for _, ifExists := range []string{"", "IfExists"} {
				name := q + base + ifExists
				op, ok := ParseOperator(name)
				wantOK := !(b.family == FamilyNull && ifExists != "")
				if ok != wantOK {
					t.Errorf("ParseOperator(%q) ok = %v, want %v", name, ok, wantOK)
					continue
				}
				if !ok {
					continue
				}
				if op.Name != name || op.Base != base || op.IfExists != (ifExists != "") || op.Family() != b.family || op.Negated() != b.negated {
					t.Errorf("ParseOperator(%q) = %+v", name, op)
				}
				wantQ := map[string]Qualifier{"": SingleValue, "ForAllValues:": ForAllValues, "ForAnyValue:": ForAnyValue}[q]
				if op.Qualifier != wantQ {
					t.Errorf("ParseOperator(%q) qualifier = %v, want %v", name, op.Qualifier, wantQ)
				}
			}
		}
	}
	if len(baseOperators) != 27 {
		t.Errorf("%d base operators, want the 27 of the Condition operators page", len(baseOperators))
	}
	for _, bad := range []string{"", "StringEqual", "stringequals", "STRINGEQUALS", "ForSomeValue:StringEquals", "forallvalues:StringEquals",
		"ForAllValues:ForAnyValue:StringEquals", "NullIfExists", "StringEqualsIfExistsIfExists", "IfExists", "ForAllValues:", "StringEquals ", ":StringEquals"} {
		if op, ok := ParseOperator(bad); ok {
			t.Errorf("ParseOperator(%q) = %+v, want invalid", bad, op)
		}
	}
	// The negated operators: their values combine as "none of".
	negated := []string{"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals", "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}
	for base, b := range baseOperators {
		if want := slices.Contains(negated, base); b.negated != want {
			t.Errorf("%s negated = %v, want %v", base, b.negated, want)
		}
	}
}

// evalCondition compiles one condition block and evaluates it against ctx.
func evalCondition(t *testing.T, block string, ctx map[string]any) bool {
	t.Helper()
	pol, err := Parse([]byte(stmt(okMembers + `,"Condition":` + block)))
	if err != nil {
		t.Fatalf("Parse(%s): %v", block, err)
	}
	set, diags := Compile(Document{Name: "p", Policy: pol})
	if len(diags) > 0 {
		t.Fatalf("Compile(%s): %v", block, diags)
	}
	var c Context
	for k, v := range ctx {
		switch v := v.(type) {
		case string:
			c.Set(k, v)
		case []string:
			c.SetMulti(k, v)
		}
	}
	return set.stmts[0].conditionsHold(&c)
}

// TestConditionOperators covers every operator family with present,
// missing, empty and multivalued keys, the value and key combinations, and
// IfExists ("IAM JSON policy elements: Condition operators";
// "Multivalued context keys").
func TestConditionOperators(t *testing.T) {
	type ctx = map[string]any
	for _, tt := range []struct {
		block string
		ctx   ctx
		want  bool
	}{
		// Numeric: 10 and 10.0 are the same number.
		{`{"NumericEquals":{"n":"10"}}`, ctx{"n": "10.0"}, true},
		{`{"NumericEquals":{"n":"10.0"}}`, ctx{"n": "10"}, true},
		{`{"NumericEquals":{"n":10}}`, ctx{"n": "1e1"}, true},
		{`{"NumericNotEquals":{"n":"10"}}`, ctx{"n": "10.000"}, false},
		{`{"NumericLessThan":{"n":"10"}}`, ctx{"n": "9.999"}, true},
		{`{"NumericLessThanEquals":{"n":"10"}}`, ctx{"n": "10"}, true},
		{`{"NumericGreaterThan":{"n":"-1"}}`, ctx{"n": "-0.5"}, true},
		{`{"NumericGreaterThanEquals":{"n":"2"}}`, ctx{"n": "1.5"}, false},
		{`{"NumericEquals":{"n":"10"}}`, ctx{"n": "NaN"}, false},
		{`{"NumericLessThanEquals":{"n":"10"}}`, ctx{"n": "-Inf"}, false},
		{`{"NumericEquals":{"n":"10"}}`, ctx{}, false},
		{`{"NumericNotEquals":{"n":"10"}}`, ctx{}, true},
		{`{"NumericLessThanIfExists":{"n":"10"}}`, ctx{}, true},
		{`{"NumericLessThanIfExists":{"n":"10"}}`, ctx{"n": "11"}, false},
		// Dates in every accepted form compare as instants.
		{`{"DateEquals":{"d":"2020-01-01T00:00:00Z"}}`, ctx{"d": "1577836800"}, true},
		{`{"DateEquals":{"d":"1577836800"}}`, ctx{"d": "2020-01-01T01:00:00+01:00"}, true},
		{`{"DateNotEquals":{"d":"2020-01-01"}}`, ctx{"d": "2020-01-01T00:00:00Z"}, false},
		{`{"DateLessThan":{"d":"2020-01-01"}}`, ctx{"d": "2019-12-31T23:59:59.999Z"}, true},
		{`{"DateGreaterThanEquals":{"d":"2020-01"}}`, ctx{"d": "2020-01-01"}, true},
		{`{"DateGreaterThan":{"d":"2020-01-01"}}`, ctx{"d": "not a date"}, false},
		{`{"DateLessThanEquals":{"d":"2020-01-01"}}`, ctx{}, false},
		// Bool.
		{`{"Bool":{"b":"true"}}`, ctx{"b": "TRUE"}, true},
		{`{"Bool":{"b":false}}`, ctx{"b": "false"}, true},
		{`{"Bool":{"b":"true"}}`, ctx{"b": "1"}, false},
		{`{"BoolIfExists":{"b":"false"}}`, ctx{}, true},
		// Binary compares decoded bytes.
		{`{"BinaryEquals":{"k":"QUJD"}}`, ctx{"k": "QUJD"}, true},
		{`{"BinaryEquals":{"k":"QUJD"}}`, ctx{"k": "QUJE"}, false},
		{`{"BinaryEquals":{"k":"QUJD"}}`, ctx{}, false},
		// IP.
		{`{"IpAddress":{"ip":["192.0.2.0/24","2001:db8::/32"]}}`, ctx{"ip": "2001:db8:ffff::1"}, true},
		{`{"IpAddress":{"ip":"192.0.2.0/24"}}`, ctx{"ip": "::ffff:192.0.2.1"}, false},
		{`{"NotIpAddress":{"ip":["192.0.2.0/24","198.51.100.0/24"]}}`, ctx{"ip": "198.51.100.3"}, false},
		{`{"NotIpAddress":{"ip":"192.0.2.0/24"}}`, ctx{}, true},
		// ARN.
		{`{"ArnLike":{"a":"arn:aws:iam::*:role/*"}}`, ctx{"a": "arn:aws:iam::111122223333:role/path/R"}, true},
		{`{"ArnEquals":{"a":"arn:aws:iam::*:role/*"}}`, ctx{"a": "arn:aws:iam::111122223333:role/path/R"}, true},
		{`{"ArnLike":{"a":"arn:aws:iam::*:role/*"}}`, ctx{"a": "arn:aws:iam::111122223333:user/R"}, false},
		{`{"ArnLike":{"a":"arn:aws:iam::*"}}`, ctx{"a": "arn:aws:iam::111122223333:user/R"}, true}, // not an ARN pattern: compared whole
		{`{"ArnNotLike":{"a":"arn:aws:iam::*:role/*"}}`, ctx{"a": "arn:aws:iam::111122223333:user/R"}, true},
		{`{"ArnNotEquals":{"a":"arn:aws:iam::*:role/*"}}`, ctx{}, true},
		// Null.
		{`{"Null":{"k":"true"}}`, ctx{}, true},
		{`{"Null":{"k":"true"}}`, ctx{"k": "x"}, false},
		{`{"Null":{"k":"false"}}`, ctx{"k": []string{}}, false},
		{`{"Null":{"k":["true","false"]}}`, ctx{"k": "x"}, true},
		// Keys AND, values OR; negated operators need every value to differ.
		{`{"StringEquals":{"a":["x","y"],"b":"z"}}`, ctx{"a": "y", "b": "z"}, true},
		{`{"StringEquals":{"a":["x","y"],"b":"z"}}`, ctx{"a": "y", "b": "w"}, false},
		{`{"StringEquals":{"a":"x"},"StringLike":{"a":"x*"}}`, ctx{"a": "x"}, true},
		{`{"StringEquals":{"a":"x"},"StringLike":{"a":"y*"}}`, ctx{"a": "x"}, false},
		{`{"StringNotEquals":{"a":["x","y"]}}`, ctx{"a": "z"}, true},
		{`{"StringNotEquals":{"a":["x","y"]}}`, ctx{"a": "y"}, false},
		{`{"StringNotLike":{"a":["x*","y*"]}}`, ctx{"a": "yes"}, false},
		{`{"StringNotEqualsIgnoreCase":{"a":["X","Y"]}}`, ctx{"a": "y"}, false},
		{`{"StringEqualsIgnoreCase":{"a":"Ab"}}`, ctx{"a": "aB"}, true},
		{`{"StringEquals":{"A:KEY":"v"}}`, ctx{"a:key": "v"}, true},
		{`{}`, ctx{}, true},
		// Set operators on multivalued keys, missing and empty.
		{`{"ForAllValues:StringEquals":{"k":["a","b"]}}`, ctx{"k": []string{"a", "b", "a"}}, true},
		{`{"ForAllValues:StringEquals":{"k":["a","b"]}}`, ctx{"k": []string{"a", "c"}}, false},
		{`{"ForAllValues:StringEquals":{"k":["a","b"]}}`, ctx{}, true},
		{`{"ForAllValues:StringEquals":{"k":["a","b"]}}`, ctx{"k": []string{}}, true},
		{`{"ForAnyValue:StringEquals":{"k":["a","b"]}}`, ctx{"k": []string{"c", "b"}}, true},
		{`{"ForAnyValue:StringEquals":{"k":["a","b"]}}`, ctx{}, false},
		{`{"ForAnyValue:StringEquals":{"k":["a","b"]}}`, ctx{"k": []string{}}, false},
		{`{"ForAnyValue:StringNotEquals":{"k":["a","b"]}}`, ctx{"k": []string{"a", "c"}}, true},
		{`{"ForAnyValue:StringNotEquals":{"k":["a","b"]}}`, ctx{"k": []string{"a", "b"}}, false},
		{`{"ForAllValues:StringNotEquals":{"k":["a","b"]}}`, ctx{"k": []string{"c", "d"}}, true},
		{`{"ForAllValues:StringNotEquals":{"k":["a","b"]}}`, ctx{"k": []string{"c", "a"}}, false},
		{`{"ForAllValues:StringNotEquals":{"k":["a","b"]}}`, ctx{}, true},
		{`{"ForAnyValue:StringNotEquals":{"k":["a"]}}`, ctx{}, false},
		{`{"ForAnyValue:NumericLessThan":{"k":"10"}}`, ctx{"k": []string{"20", "9"}}, true},
		{`{"ForAllValues:IpAddress":{"k":"10.0.0.0/8"}}`, ctx{"k": []string{"10.1.1.1", "11.1.1.1"}}, false},
		{`{"ForAnyValue:StringEqualsIfExists":{"k":"a"}}`, ctx{}, true},
		{`{"ForAllValues:StringEquals":{"k":"a"}}`, ctx{"k": "a"}, true}, // a single-valued key is a one-element set
		{`{"ForAllValues:StringEquals":{"k":"a"}}`, ctx{"k": "b"}, false},
	} {
		if got := evalCondition(t, tt.block, tt.ctx); got != tt.want {
			t.Errorf("%s with %v = %v, want %v", tt.block, tt.ctx, got, tt.want)
		}
	}
}

// TestMissingKeyTable states the rule of "IAM JSON policy elements:
// Condition" for every operator: a
// missing key makes positive operators false, negated ones true, IfExists
// true, ForAllValues true, ForAnyValue false.
func TestMissingKeyTable(t *testing.T) {
	values := map[Family]string{
		FamilyString: `"x"`, FamilyNumeric: `"1"`, FamilyDate: `"2020-01-01"`, FamilyBool: `"true"`,
		FamilyBinary: `"QQ=="`, FamilyIP: `"10.0.0.0/8"`, FamilyARN: `"arn:aws:s3:::b"`,
	}
	for base, b := range baseOperators {
		if b.family == FamilyNull {
			continue
		}
		for _, tt := range []struct {
			prefix, suffix string
			want           bool
		}{
			{"", "", b.negated},
			{"", "IfExists", true},
			{"ForAllValues:", "", true},
			{"ForAnyValue:", "", false},
		} {
			block := `{"` + tt.prefix + base + tt.suffix + `":{"absent":` + values[b.family] + `}}`
			if got := evalCondition(t, block, nil); got != tt.want {
				t.Errorf("%s with the key missing = %v, want %v", block, got, tt.want)
			}
		}
	}
}

func TestContext(t *testing.T) {
	var c Context
	c.Set("AWS:UserName", "alice")
	c.SetMulti("aws:TagKeys", []string{"a"})
	if v, ok := c.Get("aws:username"); !ok || v.Values[0] != "alice" || v.Key != "AWS:UserName" || v.Multi {
		t.Errorf("Get = %+v, %v", v, ok)
	}
	if _, ok := c.lookupVariable("aws:tagkeys"); ok {
		t.Error("a multivalued key resolved as a variable")
	}
	if v, ok := c.lookupVariable("aws:username"); !ok || v != "alice" {
		t.Errorf("lookupVariable = %q, %v", v, ok)
	}
	c.Delete("AWS:USERNAME")
	if _, ok := c.Get("aws:username"); ok || c.Len() != 1 || len(c.All()) != 1 {
		t.Errorf("after Delete: %v", c.All())
	}
	var empty Context
	if _, ok := empty.Get("k"); ok || empty.Len() != 0 {
		t.Error("zero Context is not empty")
	}
}
