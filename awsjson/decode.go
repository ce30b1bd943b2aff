package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/warden-iam/warden"
)

// Decode fills in, a pointer to an input struct, from a request body. An
// empty body is an empty input: clients send "{}" for operations without
// members, but the protocol does not require it. Members the input does not
// have are ignored, as AWS's JSON services ignore members added after a
// client was built; null members keep their zero values.
//
// Returns SerializationException for anything that is not one JSON object
// whose members have the input's types.
func Decode(body []byte, in any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(in); err != nil {
		return serializationError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return warden.Errorf(CodeSerialization, "The request body holds more than one JSON value.")
	}
	return nil
}

// serializationError words a decoding failure without echoing Go's type
// names.
func serializationError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return &warden.Error{Code: CodeSerialization, Message: "The request body must be a JSON object.", Err: err}
		}
		return &warden.Error{Code: CodeSerialization, Message: "The value of " + te.Field + " is a JSON " + te.Value + ", which that member cannot hold.", Err: err}
	}
	if _, ok := errors.AsType[*json.SyntaxError](err); ok || errors.Is(err, io.ErrUnexpectedEOF) {
		return &warden.Error{Code: CodeSerialization, Message: "The request body is not valid JSON.", Err: err}
	}
	// A member's own decoder refused its value (a timestamp that is not a
	// number).
	return &warden.Error{Code: CodeSerialization, Message: "A member of the request body holds a value of the wrong type.", Err: err}
}
