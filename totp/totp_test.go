package totp

import (
	"testing"
	"time"
)

// The SHA-1 test vectors of RFC 6238 Appendix B, last six digits.
var rfcSeed = []byte("12345678901234567890")

func TestCodeMatchesRFC6238(t *testing.T) {
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	} {
		if got := Code(rfcSeed, v.unix/Step); string(got[:]) != v.code {
			t.Errorf("Code at %d = %s, want %s", v.unix, got, v.code)
		}
	}
}

func TestStepOfAndConsecutive(t *testing.T) {
	now := time.Unix(1234567890, 0)
	step := now.Unix() / Step
	code := func(s int64) string { c := Code(rfcSeed, s); return string(c[:]) }
	for _, d := range []int64{-1, 0, 1} {
		if got, ok := StepOf(rfcSeed, code(step+d), now); !ok || got != step+d {
			t.Errorf("StepOf(step%+d) = %d, %v", d, got, ok)
		}
	}
	if _, ok := StepOf(rfcSeed, code(step+2), now); ok {
		t.Error("a code two steps ahead was accepted")
	}
	if !Consecutive(rfcSeed, now, code(step-1), code(step)) {
		t.Error("two consecutive codes were refused")
	}
	if Consecutive(rfcSeed, now, code(step), code(step-1)) {
		t.Error("swapped codes were accepted")
	}
	if Consecutive(rfcSeed, now, code(step-4), code(step-3)) {
		t.Error("stale codes were accepted")
	}
}
