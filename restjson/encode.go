package restjson

import (
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Encoder writes an operation's response: the headers its output binds
// and its JSON body. The generated EncodeHTTP and EncodeJSON methods call
// it member by member. In a JSON object each value follows a Key; in an
// array values follow each other; the Encoder places the commas.
type Encoder struct {
	header http.Header
	buf    []byte
	// comma records that the current object or array already holds a
	// value, so the next one needs a separator.
	comma bool

	payload     []byte
	hasPayload  bool
	contentType string
}

// BeginObject starts a JSON object.
func (e *Encoder) BeginObject() {
	e.separate()
	e.buf = append(e.buf, '{')
	e.comma = false
}

// EndObject ends the current JSON object.
func (e *Encoder) EndObject() {
	e.buf = append(e.buf, '}')
	e.comma = true
}

// BeginArray starts a JSON array.
func (e *Encoder) BeginArray() {
	e.separate()
	e.buf = append(e.buf, '[')
	e.comma = false
}

// EndArray ends the current JSON array.
func (e *Encoder) EndArray() {
	e.buf = append(e.buf, ']')
	e.comma = true
}

// Key writes the name of the next member of the current object.
func (e *Encoder) Key(name string) {
	e.separate()
	e.buf = appendString(e.buf, name)
	e.buf = append(e.buf, ':')
	e.comma = false
}

func (e *Encoder) separate() {
	if e.comma {
		e.buf = append(e.buf, ',')
	}
}

func (e *Encoder) value(b []byte) {
	e.buf = b
	e.comma = true
}

// String writes a string (or enum) value.
func (e *Encoder) String(s string) {
	e.separate()
	e.value(appendString(e.buf, s))
}

// Int64 writes an integer or long value.
func (e *Encoder) Int64(n int64) {
	e.separate()
	e.value(strconv.AppendInt(e.buf, n, 10))
}

// Float64 writes a float or double value. JSON has no NaN or infinities;
// Smithy's JSON protocols write them as the strings "NaN", "Infinity" and
// "-Infinity".
func (e *Encoder) Float64(f float64) {
	e.separate()
	e.value(appendFloat(e.buf, f))
}

// Bool writes a boolean value.
func (e *Encoder) Bool(b bool) {
	e.separate()
	e.value(strconv.AppendBool(e.buf, b))
}

// Time writes a timestamp in format, or in epoch seconds, the protocol's
// default for JSON, when format is "".
func (e *Encoder) Time(t time.Time, format string) {
	e.separate()
	if format == "" || format == EpochSeconds {
		e.value(appendEpochSeconds(e.buf, t))
		return
	}
	e.value(appendString(e.buf, formatTime(t, format)))
}

// Blob writes a blob value base64-encoded.
func (e *Encoder) Blob(b []byte) {
	e.separate()
	e.buf = append(e.buf, '"')
	e.buf = base64.StdEncoding.AppendEncode(e.buf, b)
	e.value(append(e.buf, '"'))
}

// Payload makes b the whole response body, for an output member bound
// with @httpPayload to a blob or string, sent with contentType.
func (e *Encoder) Payload(b []byte, contentType string) {
	e.payload, e.hasPayload, e.contentType = b, true, contentType
}

// Header sets a response header from a string (or enum) member.
func (e *Encoder) Header(name, value string) {
	if e.header == nil {
		e.header = http.Header{}
	}
	e.header.Set(name, value)
}

// HeaderInt64 sets a response header from an integer or long member.
func (e *Encoder) HeaderInt64(name string, n int64) { e.Header(name, strconv.FormatInt(n, 10)) }

// HeaderFloat64 sets a response header from a float or double member.
func (e *Encoder) HeaderFloat64(name string, f float64) {
	e.Header(name, strings.Trim(string(appendFloat(nil, f)), `"`))
}

// HeaderBool sets a response header from a boolean member.
func (e *Encoder) HeaderBool(name string, b bool) { e.Header(name, strconv.FormatBool(b)) }

// HeaderTime sets a response header from a timestamp member, written in
// format or, when format is "", as an HTTP date, the protocol's default
// for headers.
func (e *Encoder) HeaderTime(name string, t time.Time, format string) {
	if format == "" {
		format = HTTPDate
	}
	if format == EpochSeconds {
		e.Header(name, string(appendEpochSeconds(nil, t)))
		return
	}
	e.Header(name, formatTime(t, format))
}

// HeaderBlob sets a response header from a blob member, base64-encoded.
func (e *Encoder) HeaderBlob(name string, b []byte) {
	e.Header(name, base64.StdEncoding.EncodeToString(b))
}

// HeaderList sets a response header from a list member: its elements
// separated by commas, those holding a comma or a quote quoted.
func (e *Encoder) HeaderList(name string, items []string) {
	quoted := make([]string, len(items))
	for i, item := range items {
		if strings.ContainsAny(item, `,"`) {
			item = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(item) + `"`
		}
		quoted[i] = item
	}
	e.Header(name, strings.Join(quoted, ", "))
}

func formatTime(t time.Time, format string) string {
	t = t.UTC()
	if format == HTTPDate {
		return t.Format(http.TimeFormat)
	}
	t = t.Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// appendEpochSeconds writes t as seconds since the Unix epoch with
// milliseconds as a fraction when it has any: 1714564800, 1714564800.123.
func appendEpochSeconds(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	if sec < 0 && frac > 0 {
		// -0.5 seconds is sec -1 and frac 500: write -0.5, not -1.500.
		b = append(b, '-')
		sec, frac = -sec-1, 1000-frac
	}
	b = strconv.AppendInt(b, sec, 10)
	if frac == 0 {
		return b
	}
	digits := strconv.AppendInt([]byte{'.'}, 1000+frac, 10) // ".1123" for 123
	digits = append(digits[:1], digits[2:]...)
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return append(b, digits...)
}

// appendFloat writes f as encoding/json does: plain decimal notation for
// ordinary magnitudes, an exponent for very small and very large ones.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(b, f, format, -1, 64)
}

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
