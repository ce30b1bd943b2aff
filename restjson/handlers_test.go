package restjson

import (
	"context"
	"testing"

	"github.com/warden-iam/warden"
)

type echoInput struct{ name string }

func (*echoInput) DecodeHTTP(*Decoder) {}

type echoOutput struct{ said string }

func (*echoOutput) EncodeHTTP(*Encoder) {}

func TestHandlers(t *testing.T) {
	h := Handlers[string]{}
	Register(h, "Echo", func(_ context.Context, caller string, op *Operation, in *echoInput) (*echoOutput, error) {
		return &echoOutput{said: caller + ":" + op.Name + ":" + in.name}, nil
	})
	Register(h, "Fail", func(context.Context, string, *Operation, *echoInput) (*echoOutput, error) {
		return nil, warden.Errorf(warden.ENoSuchEntity, "gone")
	})
	op := &Operation{Name: "Echo"}
	out, err := h["Echo"](t.Context(), "alice", op, &echoInput{name: "hi"})
	if err != nil || out.(*echoOutput).said != "alice:Echo:hi" {
		t.Fatalf("Echo = %v, %v", out, err)
	}
	out, err = h["Fail"](t.Context(), "alice", &Operation{Name: "Fail"}, &echoInput{})
	if warden.ErrorCode(err) != warden.ENoSuchEntity || out != nil {
		t.Errorf("Fail = %#v, %v; want a nil Output and the error", out, err)
	}
}
