package main

import (
	"maps"
	"net/url"
	"testing"
)

func TestMapValue(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want map[string]string
		fail bool
	}{
		{in: "a=1,b=2", want: map[string]string{"a": "1", "b": "2"}},
		{in: " a = 1 , b=", want: map[string]string{"a": "1", "b": ""}},
		{in: `{"a":"x,y=z"}`, want: map[string]string{"a": "x,y=z"}},
		{in: "", want: map[string]string{}},
		{in: "a=1,a=2", fail: true},
		{in: "novalue", fail: true},
		{in: "=v", fail: true},
		{in: `{"a":1}`, fail: true},
	} {
		got, err := mapValue("--tags", tt.in)
		if (err != nil) != tt.fail || !tt.fail && !maps.Equal(got, tt.want) {
			t.Errorf("mapValue(%q) = %v, %v", tt.in, got, err)
		}
	}
}

// Each flag goes where the model binds its member.
func TestBuildConsoleRequest(t *testing.T) {
	var op consoleOp
	for _, o := range consoleOps {
		if o.operation == "GetAgent" {
			op = o
		}
	}
	values := []string{"dom-0123456789abcdef", "agent/../x", "2"}
	req, err := buildConsoleRequest(op, values, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if req.path != "/domain/dom-0123456789abcdef/agents/agent%2F..%2Fx" || req.query.Encode() != (url.Values{"version": {"2"}}).Encode() || req.body != nil {
		t.Errorf("request = %+v", req)
	}
	if _, err := buildConsoleRequest(op, values, func(f string) bool { return f != "agent-id" }); err == nil {
		t.Error("a missing required flag was accepted")
	}
	values[2] = "two"
	if _, err := buildConsoleRequest(op, values, func(string) bool { return true }); err == nil {
		t.Error("--agent-version two was accepted")
	}
}

func FuzzMapValue(f *testing.F) {
	f.Add("a=1,b=2")
	f.Add(`{"k":"v"}`)
	f.Add("=,=")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 7 && s[:7] == "file://" {
			return // reads the machine's files
		}
		m, err := mapValue("--tags", s)
		if err == nil && m == nil {
			t.Fatal("no error and no map")
		}
	})
}
