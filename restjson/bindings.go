package restjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"

	"github.com/warden-iam/warden"
)

// This file holds where a member's value comes from: the HTTP binding
// traits of Smithy (httpLabel, httpQuery, httpHeader, httpPayload) and the
// JSON body for the members without one.

// Label returns the value of a URI label. A route only matches with
// every label present and non-empty.
func (d *Decoder) Label(p Path, name string) Value {
	v := Value{path: p, loc: inLabel}
	if d.match != nil {
		v.text, v.present = d.match.Label(name)
	}
	return v
}

// Query returns the value of a query parameter, the first if the request
// repeats it.
func (d *Decoder) Query(p Path, name string) Value {
	values, ok := d.queryValues()[name]
	v := Value{path: p, loc: inQuery, present: ok && len(values) > 0}
	if v.present {
		v.text = values[0]
	}
	return v
}

// QueryList returns every value of a repeated query parameter, the
// restJson1 form of a list: "?tagKeys=a&tagKeys=b".
func (d *Decoder) QueryList(p Path, name string) Value {
	values, ok := d.queryValues()[name]
	return Value{path: p, loc: inQuery, present: ok, texts: values, isList: true}
}

func (d *Decoder) queryValues() url.Values {
	if !d.queryParsed {
		d.queryParsed = true
		var err error
		if d.query, err = url.ParseQuery(d.req.URL.RawQuery); err != nil {
			d.fail(warden.Errorf(CodeSerialization, "The query string is malformed."))
		}
	}
	return d.query
}

// Header returns the value of a request header; several header lines
// of the same name are joined with commas, as HTTP allows.
func (d *Decoder) Header(p Path, name string) Value {
	values := d.req.Header.Values(name)
	return Value{path: p, loc: inHeader, present: len(values) > 0, text: strings.Join(values, ", ")}
}

// HeaderList returns the elements of a list bound to a header: its
// comma-separated values, each trimmed and, when quoted, unquoted.
func (d *Decoder) HeaderList(p Path, name string) Value {
	values := d.req.Header.Values(name)
	v := Value{path: p, loc: inHeader, present: len(values) > 0, isList: true}
	for _, line := range values {
		v.texts = append(v.texts, splitHeaderList(line)...)
	}
	return v
}

// splitHeaderList splits a header value at the commas outside double
// quotes ("Smithy HTTP binding traits", httpHeader: list members).
func splitHeaderList(line string) []string {
	var items []string
	var b strings.Builder
	quoted, escaped, wasQuoted := false, false, false
	flush := func() {
		item := b.String()
		if !wasQuoted {
			item = strings.TrimSpace(item)
		}
		items = append(items, item)
		b.Reset()
		wasQuoted = false
	}
	// Byte by byte: the separators are ASCII, and other bytes pass as
	// they are, valid UTF-8 or not.
	for i := range len(line) {
		c := line[i]
		switch {
		case escaped:
			b.WriteByte(c)
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
			if quoted {
				b.Reset() // drop the spaces before the opening quote
				wasQuoted = true
			}
		case !quoted && c == ',':
			flush()
		case wasQuoted && !quoted:
			// Text after a closing quote (spaces) is not part of the item.
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return items
}

// Body returns the JSON object of the request body, for the members the
// model leaves unbound. An empty body, or null, is an empty object.
func (d *Decoder) Body() Object {
	if !d.bodyParsed {
		d.bodyParsed = true
		d.bodyObject = Object{fields: map[string]any{}}
		if len(bytes.TrimSpace(d.body)) > 0 {
			node, err := parseJSON(d.body)
			switch fields, ok := node.(map[string]any); {
			case err != nil:
				d.fail(err)
			case ok:
				d.bodyObject.fields = fields
			case node != nil: // a body of null is an empty input too
				d.mismatch(Value{node: node, loc: inBody}, "Structure")
			}
		}
	}
	return d.bodyObject
}

// PayloadJSON returns the request body as the JSON value of the member p
// that the model binds to it with @httpPayload (a structure, union, list
// or map). An empty body leaves the member absent.
func (d *Decoder) PayloadJSON(p Path) Value {
	v := Value{path: p, loc: inBody}
	if len(bytes.TrimSpace(d.body)) == 0 {
		return v
	}
	node, err := parseJSON(d.body)
	if err != nil {
		d.fail(err)
		return v
	}
	v.node, v.present = node, node != nil
	return v
}

// Payload returns the raw request body as the value of the blob or string
// member p that the model binds to it with @httpPayload. An empty body
// leaves the member absent.
func (d *Decoder) Payload(p Path) Value {
	return Value{path: p, loc: inPayload, present: len(d.body) > 0, text: string(d.body)}
}

// parseJSON reads one JSON value, keeping numbers as written so that
// integers beyond float64's precision survive.
func parseJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var node any
	if err := dec.Decode(&node); err != nil {
		return nil, &warden.Error{Code: CodeSerialization, Message: "The request body is not valid JSON.", Err: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, warden.Errorf(CodeSerialization, "The request body holds more than one JSON value.")
	}
	return node, nil
}
