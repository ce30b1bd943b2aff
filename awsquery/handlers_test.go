package awsquery

import (
	"context"
	"testing"

	"github.com/warden-iam/warden"
)

type echoInput struct{ name string }

func (*echoInput) DecodeQuery(*Decoder, Path) {}

type echoOutput struct{ said string }

func (*echoOutput) EncodeQueryXML(*Encoder) {}

func TestHandlers(t *testing.T) {
	h := Handlers[string]{}
	Register(h, "Echo", func(_ context.Context, caller string, in *echoInput) (*echoOutput, error) {
		return &echoOutput{said: caller + ":" + in.name}, nil
	})
	RegisterNoResult(h, "Fail", func(context.Context, string, *echoInput) error {
		return warden.Errorf(warden.ENoSuchEntity, "gone")
	})
	out, err := h.Handle(t.Context(), "alice", &Operation{Name: "Echo", Action: "iam:Echo"}, &echoInput{name: "hi"})
	if err != nil || out.(*echoOutput).said != "alice:hi" {
		t.Fatalf("Echo = %v, %v", out, err)
	}
	if _, err := h.Handle(t.Context(), "alice", &Operation{Name: "Fail", Action: "iam:Fail"}, &echoInput{}); warden.ErrorCode(err) != warden.ENoSuchEntity {
		t.Errorf("Fail = %v", err)
	}
	_, err = h.Handle(t.Context(), "alice", &Operation{Name: "Other", Action: "sts:Other"}, &echoInput{})
	if warden.ErrorCode(err) != warden.ENotImplemented || warden.ErrorMessage(err) != "Warden does not implement the STS operation Other." {
		t.Errorf("unregistered operation: %v", err)
	}
}
