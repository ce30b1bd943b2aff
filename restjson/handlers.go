package restjson

import "context"

// Handlers holds an API's operations by name, each a typed function of the
// caller (of type C), the operation and its generated input. It is what
// the restJson1 APIs dispatch with; an API's Handle looks the operation up
// and answers NotImplemented in its own words for one it does not serve.
type Handlers[C any] map[string]func(ctx context.Context, caller C, op *Operation, in Input) (Output, error)

// Register adds an operation, typed by its generated input and output.
func Register[C any, I Input, O Output](h Handlers[C], name string, fn func(context.Context, C, *Operation, I) (O, error)) {
	h[name] = func(ctx context.Context, caller C, op *Operation, in Input) (Output, error) {
		out, err := fn(ctx, caller, op, in.(I))
		if err != nil {
			// A typed nil output must not become a non-nil Output.
			return nil, err
		}
		return out, nil
	}
}
