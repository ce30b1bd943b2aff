package restjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/warden-iam/warden"
)

// Decode fills in, the input of m.Operation, from the request: URI labels
// from m, query parameters and headers from r, and the JSON body (or the
// raw payload) from body, which the caller reads and bounds itself because
// the SigV4 verifier hashes the same bytes.
//
// It checks the constraints of the service model as AWS does and reports
// every violation at once: "1 validation error detected: Value null at
// 'name' failed to satisfy constraint: Member must not be null", with
// Warden's ValidationError code. A body that is not JSON, or a value that
// is not of its member's type (a string where the model has an integer),
// fails with SerializationException instead. Members the input does not
// declare are ignored, as AWS ignores members added after a client was
// built.
func Decode(r *http.Request, body []byte, m *Match, in Input) error {
	d := &Decoder{req: r, match: m, body: body}
	in.DecodeHTTP(d)
	if d.err != nil {
		return d.err
	}
	if len(d.violations) > 0 {
		return validationError(d.violations)
	}
	return nil
}

// Decoder reads a request into generated shapes. The generated DecodeHTTP
// and DecodeJSON methods take each member's Value from where the model
// binds it (Label, Query, Header, an Object of the body) and convert it
// with the method for its type; each of those returns the value and
// whether the member was given, and records any violation so that Decode
// reports them together.
type Decoder struct {
	req   *http.Request
	match *Match
	body  []byte

	query       url.Values
	queryParsed bool
	bodyObject  Object
	bodyParsed  bool

	violations []violation
	// err is the first SerializationException; once set, Decode returns
	// it rather than the violations.
	err error
}

// Path names a member in validation messages: "name",
// "webAppSetupConfiguration.ehrRole", "channelDefinitions.1.member.channelId".
// The zero Path is the operation input itself.
type Path struct {
	field    string
	required bool
}

// Member returns the path of an optional member of the structure at p.
// field is the member's name in messages: its model name in lower camel
// case.
func (p Path) Member(field string) Path { return p.child(field, false) }

// Required returns the path of a member the model marks required: its
// absence is a violation.
func (p Path) Required(field string) Path { return p.child(field, true) }

func (p Path) child(field string, required bool) Path {
	if p.field != "" {
		field = p.field + "." + field
	}
	return Path{field: field, required: required}
}

// location is where a value came from; it decides how a timestamp is
// written when the model does not say (smithy.api#timestampFormat).
type location uint8

const (
	inLabel location = iota
	inQuery
	inHeader
	inBody    // a JSON value
	inMapKey  // the key of a JSON object that is a map
	inPayload // the raw body of an @httpPayload blob or string
)

// Value is one member's value as the request carries it: a string from
// the URI, the query or a header; a list of strings from a repeated query
// parameter or a comma-separated header; the raw body; or a JSON value
// (string, json.Number, bool, map[string]any or []any).
type Value struct {
	path    Path
	loc     location
	present bool
	text    string
	texts   []string
	isList  bool // texts holds the value
	node    any
	// group is the list or map this value is an element of, when its
	// violations are reported for the whole collection.
	group *group
}

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
// model leaves unbound. An empty body is an empty object.
func (d *Decoder) Body() Object {
	if !d.bodyParsed {
		d.bodyParsed = true
		d.bodyObject = Object{fields: map[string]any{}}
		if len(bytes.TrimSpace(d.body)) > 0 {
			node, err := parseJSON(d.body)
			if err != nil {
				d.fail(err)
			} else if fields, ok := node.(map[string]any); ok {
				d.bodyObject.fields = fields
			} else {
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

// fail records a SerializationException; the first one is reported.
func (d *Decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// absent records a missing member the model requires.
func (d *Decoder) absent(v Value) {
	if v.path.required {
		d.violations = append(d.violations, violation{field: v.path.field, shown: valueNull, constraint: notNull})
	}
}

// violate records the constraints of r that the value v fails. shown is
// the value as messages quote it. An element of a list or map reports for
// its whole collection, once, listing every constraint of the element's
// rule, as AWS does.
func (d *Decoder) violate(v Value, r *Rule, shown string, failed []string) {
	if len(failed) == 0 {
		return
	}
	if g := v.group; g != nil {
		if !g.reported {
			g.reported = true
			d.violations = append(d.violations, violation{
				field:      g.path.field,
				value:      g.render(),
				shown:      g.shown(r),
				constraint: g.constraint + ": [" + strings.Join(r.constraints(), ", ") + "]",
			})
		}
		return
	}
	how := valueQuoted
	if r.sensitive() {
		how = valueHidden
	}
	for _, c := range failed {
		d.violations = append(d.violations, violation{field: v.path.field, value: shown, shown: how, constraint: c})
	}
}
