package awsquery

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Decode fills in from params. It checks the constraints of the service
// model as AWS does, and reports every violation at once in a
// ValidationError: "1 validation error detected: Value null at 'userName'
// failed to satisfy constraint: Member must not be null". Parameters that
// name no member of in are left unread (see Params.Unread): AWS ignores
// them.
func Decode(params *Params, in Input) error {
	d := &Decoder{params: params}
	in.DecodeQuery(d, Path{})
	if len(d.violations) > 0 {
		return validationError(d.violations)
	}
	return nil
}

// Path names a member twice over: by its Query parameter
// ("Tags.member.1.Key") and by the field path AWS's validation messages use
// ("tags.1.member.key"). The zero Path is the operation input itself.
type Path struct {
	param, field string
	required     bool
}

// Member returns the path of an optional member of the structure at p:
// param is its Query name (the member name, or its xmlName), field its
// name in validation messages (the member name in lower camel case).
func (p Path) Member(param, field string) Path { return p.child(param, field, false) }

// Required returns the path of a member the model marks required: its
// absence is a violation.
func (p Path) Required(param, field string) Path { return p.child(param, field, true) }

func (p Path) child(param, field string, required bool) Path {
	if p.param == "" {
		return Path{param: param, field: field, required: required}
	}
	return Path{param: p.param + "." + param, field: p.field + "." + field, required: required}
}

// Decoder reads Query parameters into generated shapes. The generated
// DecodeQuery methods call it member by member; each method returns the
// value and whether the member was given, and records any violation so
// that Decode reports them together.
type Decoder struct {
	params     *Params
	violations []violation
}

func (d *Decoder) violate(p Path, value string, shown valueShown, constraint string) {
	d.violations = append(d.violations, violation{field: p.field, value: value, shown: shown, constraint: constraint})
}

// scalar takes the parameter at p, recording a missing required one.
func (d *Decoder) scalar(p Path) (string, bool) {
	s, ok := d.params.take(p.param)
	if !ok {
		d.absent(p)
	}
	return s, ok
}

func (d *Decoder) absent(p Path) {
	if p.required {
		d.violate(p, "", valueNull, "Member must not be null")
	}
}

// String decodes a string (or enum) member. An empty parameter is an
// empty string, not an absent member.
func (d *Decoder) String(p Path, r *Rule) (string, bool) {
	s, ok := d.scalar(p)
	if ok {
		r.checkString(d, p, s)
	}
	return s, ok
}

// Int32 decodes an integer member.
func (d *Decoder) Int32(p Path, r *Rule) (int32, bool) {
	n, ok := d.integer(p, r, 32)
	return int32(n), ok
}

// Int64 decodes a long member.
func (d *Decoder) Int64(p Path, r *Rule) (int64, bool) {
	return d.integer(p, r, 64)
}

func (d *Decoder) integer(p Path, r *Rule, bits int) (int64, bool) {
	s, ok := d.scalar(p)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		d.violate(p, s, r.shown(), "Member must be an integer")
		return 0, false
	}
	r.checkRange(d, p, n, s)
	return n, true
}

// Bool decodes a boolean member: "true" or "false", in any case.
func (d *Decoder) Bool(p Path) (bool, bool) {
	s, ok := d.scalar(p)
	if !ok {
		return false, false
	}
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	d.violate(p, s, valueQuoted, "Member must be a boolean")
	return false, false
}

// Time decodes a timestamp member, which the Query protocol sends as an
// ISO 8601 date-time ("2024-05-01T12:00:00Z", fractional seconds allowed).
func (d *Decoder) Time(p Path) (time.Time, bool) {
	s, ok := d.scalar(p)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d.violate(p, s, valueQuoted, "Member must be a timestamp in ISO 8601 format")
		return time.Time{}, false
	}
	return t, true
}

// Blob decodes a blob member, sent base64-encoded.
func (d *Decoder) Blob(p Path, r *Rule) ([]byte, bool) {
	s, ok := d.scalar(p)
	if !ok {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		d.violate(p, s, r.shown(), "Member must be base64-encoded")
		return nil, false
	}
	r.checkLength(d, p, int64(len(b)), s, r.shown())
	return b, true
}

// Struct reports whether a structure member is present: whether any
// parameter lies beneath it ("PermissionsBoundary.Arn") or it is given
// empty ("PermissionsBoundary="). The caller then decodes its members.
func (d *Decoder) Struct(p Path) bool {
	if d.takeEmpty(p.param) || d.params.hasPrefix(p.param+".") {
		return true
	}
	d.absent(p)
	return false
}

// takeEmpty reports whether the parameter name is given with an empty
// value, the Query protocol's spelling of an empty list, map or structure,
// and if so marks it read.
func (d *Decoder) takeEmpty(name string) bool {
	if v, ok := d.params.Get(name); !ok || v != "" {
		return false
	}
	d.params.take(name)
	return true
}

// Elements are the elements of a list member, in index order.
type Elements struct {
	prefix, field string
	indexes       []int
}

// Len returns the number of elements.
func (l Elements) Len() int { return len(l.indexes) }

// Element returns the path of element i (0-based) of the list.
func (l Elements) Element(i int) Path {
	n := strconv.Itoa(l.indexes[i])
	return Path{param: l.prefix + n, field: l.field + "." + n + ".member", required: true}
}

// List finds the elements of a list member: "Name.member.1",
// "Name.member.2", … or, for a flattened list, "Name.1", "Name.2", … where
// member is the list's member name ("member" unless the model gives an
// xmlName). "Name=" is an empty list. Indexes are 1-based and need not be
// contiguous: elements are taken in index order. The caller decodes each
// element at l.Element(i).
func (d *Decoder) List(p Path, member string, flattened bool, r *Rule) (Elements, bool) {
	prefix := p.param + "."
	if !flattened {
		prefix += member + "."
	}
	l := Elements{prefix: prefix, field: p.field, indexes: d.indexes(prefix)}
	if len(l.indexes) == 0 && !d.takeEmpty(p.param) {
		d.absent(p)
		return Elements{}, false
	}
	r.checkLength(d, p, int64(len(l.indexes)), "", valueHidden)
	return l, true
}

// Entries are the entries of a map member, in index order.
type Entries struct {
	prefix, field string
	key, value    string
	indexes       []int
}

// Len returns the number of entries.
func (m Entries) Len() int { return len(m.indexes) }

// Key returns the path of the key of entry i (0-based).
func (m Entries) Key(i int) Path { return m.part(i, m.key, "key") }

// Value returns the path of the value of entry i (0-based).
func (m Entries) Value(i int) Path { return m.part(i, m.value, "value") }

func (m Entries) part(i int, param, field string) Path {
	n := strconv.Itoa(m.indexes[i])
	return Path{param: m.prefix + n + "." + param, field: m.field + "." + n + "." + field, required: true}
}

// Map finds the entries of a map member: "Name.entry.N.key" and
// "Name.entry.N.value" or, for a flattened map, "Name.N.key" and
// "Name.N.value", where key and value are the names the model gives the
// map's key and value ("key" and "value" unless it sets xmlName). "Name="
// is an empty map. The caller decodes each entry at m.Key(i) and
// m.Value(i).
func (d *Decoder) Map(p Path, key, value string, flattened bool, r *Rule) (Entries, bool) {
	prefix := p.param + "."
	if !flattened {
		prefix += "entry."
	}
	m := Entries{prefix: prefix, field: p.field, key: key, value: value, indexes: d.indexes(prefix)}
	if len(m.indexes) == 0 && !d.takeEmpty(p.param) {
		d.absent(p)
		return Entries{}, false
	}
	r.checkLength(d, p, int64(len(m.indexes)), "", valueHidden)
	return m, true
}

// indexes returns, sorted, the distinct element indexes of the parameters
// named prefix + N or prefix + N + "." + …. A name whose N is not a
// canonical positive decimal is no element; it stays unread.
func (d *Decoder) indexes(prefix string) []int {
	lo, hi := d.params.withPrefix(prefix)
	var indexes []int
	for _, name := range d.params.names[lo:hi] {
		segment, _, _ := strings.Cut(name[len(prefix):], ".")
		if n, ok := parseIndex(segment); ok {
			indexes = append(indexes, n)
		}
	}
	slices.Sort(indexes)
	return slices.Compact(indexes)
}

// maxIndexDigits bounds an element index well inside int range; no real
// request comes near a billion elements.
const maxIndexDigits = 9

func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > maxIndexDigits || s[0] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
