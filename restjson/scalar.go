package restjson

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// Timestamp formats (smithy.api#timestampFormat). The empty format is the
// protocol's default for where the value travels: epoch seconds in JSON,
// an HTTP date in headers, a date-time in labels and query parameters.
const (
	DateTime     = "date-time"
	HTTPDate     = "http-date"
	EpochSeconds = "epoch-seconds"
)

// scalarText returns the value as text, whether it came as text or as a JSON
// string, recording a missing required member or a JSON value of another
// type (named by typeName in the message).
func (d *Decoder) scalarText(v Value, typeName string) (string, bool) {
	if !v.present || v.loc == inBody && v.node == nil {
		d.absent(v)
		return "", false
	}
	if v.loc != inBody {
		return v.text, true
	}
	s, ok := v.node.(string)
	if !ok {
		d.mismatch(v, typeName)
	}
	return s, ok
}

// String decodes a string (or enum) member.
func (d *Decoder) String(v Value, r *Rule) (string, bool) {
	s, ok := d.scalarText(v, "String")
	if ok {
		d.violate(v, r, s, r.stringFailures(s))
	}
	return s, ok
}

// Int32 decodes an integer member.
func (d *Decoder) Int32(v Value, r *Rule) (int32, bool) {
	n, ok := d.integer(v, r, 32, "Integer")
	return int32(n), ok
}

// Int64 decodes a long member.
func (d *Decoder) Int64(v Value, r *Rule) (int64, bool) {
	return d.integer(v, r, 64, "Long")
}

func (d *Decoder) integer(v Value, r *Rule, bits int, typeName string) (int64, bool) {
	s, ok := d.numberText(v, typeName)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		d.mismatch(v, typeName)
		return 0, false
	}
	d.violate(v, r, s, r.rangeFailures(float64(n)))
	return n, true
}

// Float32 decodes a float member.
func (d *Decoder) Float32(v Value, r *Rule) (float32, bool) {
	f, ok := d.float(v, r, 32, "Float")
	return float32(f), ok
}

// Float64 decodes a double member.
func (d *Decoder) Float64(v Value, r *Rule) (float64, bool) {
	return d.float(v, r, 64, "Double")
}

func (d *Decoder) float(v Value, r *Rule, bits int, typeName string) (float64, bool) {
	s, ok := d.numberText(v, typeName)
	if !ok {
		return 0, false
	}
	f, ok := parseFloat(s, bits)
	if !ok {
		d.mismatch(v, typeName)
		return 0, false
	}
	d.violate(v, r, s, r.rangeFailures(f))
	return f, true
}

// parseFloat reads a number, or one of the strings Smithy's JSON protocols
// use for the values JSON cannot write: "NaN", "Infinity", "-Infinity".
func parseFloat(s string, bits int) (float64, bool) {
	switch s {
	case "NaN":
		return math.NaN(), true
	case "Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	if strings.ContainsAny(s, "nN") { // ParseFloat would accept "nan", "inf"
		return 0, false
	}
	f, err := strconv.ParseFloat(s, bits)
	return f, err == nil
}

// numberText returns a number's text: a JSON number as written, a JSON
// string (for NaN and the infinities), or the text of a label, query
// parameter or header.
func (d *Decoder) numberText(v Value, typeName string) (string, bool) {
	if v.loc != inBody {
		return d.scalarText(v, typeName)
	}
	switch n := v.node.(type) {
	case nil:
		d.absent(v)
		return "", false
	case json.Number:
		return string(n), true
	case string:
		if n == "NaN" || n == "Infinity" || n == "-Infinity" {
			return n, true
		}
	}
	d.mismatch(v, typeName)
	return "", false
}

// Bool decodes a boolean member: JSON true or false, or the text "true"
// or "false".
func (d *Decoder) Bool(v Value) (bool, bool) {
	if v.loc == inBody {
		switch b := v.node.(type) {
		case nil:
			d.absent(v)
			return false, false
		case bool:
			return b, true
		}
		d.mismatch(v, "Boolean")
		return false, false
	}
	s, ok := d.scalarText(v, "Boolean")
	if !ok {
		return false, false
	}
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	d.mismatch(v, "Boolean")
	return false, false
}

// Time decodes a timestamp member written in format, or in the protocol's
// default for where it travels when format is "".
func (d *Decoder) Time(v Value, format string) (time.Time, bool) {
	if format == "" {
		format = defaultTimeFormat(v.loc)
	}
	var s string
	var ok bool
	if format == EpochSeconds {
		s, ok = d.numberText(v, "Timestamp")
	} else {
		s, ok = d.scalarText(v, "Timestamp")
	}
	if !ok {
		return time.Time{}, false
	}
	t, ok := parseTime(s, format)
	if !ok {
		d.mismatch(v, "Timestamp")
	}
	return t, ok
}

func defaultTimeFormat(loc location) string {
	switch loc {
	case inBody:
		return EpochSeconds
	case inHeader:
		return HTTPDate
	}
	return DateTime
}

func parseTime(s, format string) (time.Time, bool) {
	switch format {
	case EpochSeconds:
		return parseEpochSeconds(s)
	case HTTPDate:
		t, err := http.ParseTime(s)
		return t.UTC(), err == nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err == nil
}

// parseEpochSeconds reads seconds since the Unix epoch with an optional
// fraction ("1714564800", "1714564800.123"), exactly to the nanosecond
// where float64 would round.
func parseEpochSeconds(s string) (time.Time, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || hasFrac && (frac == "" || len(frac) > 9 || strings.Trim(frac, "0123456789") != "") {
		f, ok := parseFloat(s, 64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1<<53 {
			return time.Time{}, false
		}
		sec, fracPart := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(fracPart*1e9))).UTC(), true
	}
	var nsec int64
	if hasFrac {
		nsec, _ = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if strings.HasPrefix(whole, "-") {
			nsec = -nsec
		}
	}
	return time.Unix(sec, nsec).UTC(), true
}

// Blob decodes a blob member: base64 in JSON, headers and query
// parameters; the bytes themselves as an @httpPayload.
func (d *Decoder) Blob(v Value, r *Rule) ([]byte, bool) {
	s, ok := d.scalarText(v, "Blob")
	if !ok {
		return nil, false
	}
	b := []byte(s)
	if v.loc != inPayload {
		var err error
		if b, err = base64.StdEncoding.DecodeString(s); err != nil {
			d.mismatch(v, "Blob")
			return nil, false
		}
	}
	d.violate(v, r, s, r.lengthFailures(int64(len(b))))
	return b, true
}

// mismatch records a value that is not of its member's type, as a
// SerializationException worded as AWS's JSON services word it:
// "NUMBER_VALUE cannot be converted to String".
func (d *Decoder) mismatch(v Value, typeName string) {
	var found string
	switch v.node.(type) {
	case map[string]any:
		found = "Start of structure or map found where not expected"
	case []any:
		found = "Start of list found where not expected"
	case json.Number:
		found = "NUMBER_VALUE cannot be converted to " + typeName
	case bool:
		found = "BOOLEAN_VALUE cannot be converted to " + typeName
	default: // a JSON string, or text from the URI or a header
		found = "STRING_VALUE cannot be converted to " + typeName
	}
	if v.path.field != "" {
		found += " at '" + v.path.field + "'"
	}
	d.fail(warden.Errorf(CodeSerialization, "%s.", found))
}
