package awsquery

import (
	"context"
	"strings"

	"github.com/warden-iam/warden"
)

// Handlers holds an API's operations by name, each a typed function of the
// caller (of type C) and its generated input. It is what the Query APIs
// (IAM, STS) dispatch with.
type Handlers[C any] map[string]func(ctx context.Context, caller C, in Input) (Output, error)

// Register adds an operation with a result.
func Register[C any, I Input, O Output](h Handlers[C], name string, fn func(context.Context, C, I) (O, error)) {
	h[name] = func(ctx context.Context, caller C, in Input) (Output, error) {
		out, err := fn(ctx, caller, in.(I))
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// RegisterNoResult adds an operation whose response carries no result.
func RegisterNoResult[C any, I Input](h Handlers[C], name string, fn func(context.Context, C, I) error) {
	h[name] = func(ctx context.Context, caller C, in Input) (Output, error) {
		return nil, fn(ctx, caller, in.(I))
	}
}

// Handle runs the operation op for the caller.
//
// Returns NotImplemented for an operation of the model that has no handler,
// and whatever the handler returns.
func (h Handlers[C]) Handle(ctx context.Context, caller C, op *Operation, in Input) (Output, error) {
	fn, ok := h[op.Name]
	if !ok {
		service, _, _ := strings.Cut(op.Action, ":")
		return nil, warden.Errorf(warden.ENotImplemented, "Warden does not implement the %s operation %s.", strings.ToUpper(service), op.Name)
	}
	return fn(ctx, caller, in)
}
