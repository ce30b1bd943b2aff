package restjson

import (
	"net/http"
	"net/url"
	"strings"
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
