package awsquery

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"strconv"
	"time"
	"unicode/utf8"
)

// Encoder writes the XML of a Query result. The generated EncodeQueryXML
// methods call it member by member, so it knows only elements and scalar
// text; names are the model's and never need escaping.
type Encoder struct {
	buf bytes.Buffer
}

// Start opens element name.
func (e *Encoder) Start(name string) {
	e.buf.WriteByte('<')
	e.buf.WriteString(name)
	e.buf.WriteByte('>')
}

// End closes element name.
func (e *Encoder) End(name string) {
	e.buf.WriteString("</")
	e.buf.WriteString(name)
	e.buf.WriteByte('>')
}

// String writes a string (or enum) member.
func (e *Encoder) String(name, s string) {
	e.Start(name)
	e.text(s)
	e.End(name)
}

// text writes s escaped as XML character data. Most values (names, ARNs,
// ids) need no escaping and are copied as they are.
func (e *Encoder) text(s string) {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' {
			// EscapeText only fails when its writer does; a bytes.Buffer
			// does not.
			_ = xml.EscapeText(&e.buf, []byte(s))
			return
		}
	}
	e.buf.WriteString(s)
}

// URLEncoded writes a policy document member. IAM returns policy documents
// URL-encoded as RFC 3986 specifies (IAM API Reference, GetUserPolicy:
// "The policy document returned in this structure is URL-encoded compliant
// with RFC 3986"), which xml escaping alone would not do.
func (e *Encoder) URLEncoded(name, s string) {
	e.Start(name)
	e.buf.Write(appendRFC3986(nil, s))
	e.End(name)
}

// Int32 writes an integer member.
func (e *Encoder) Int32(name string, n int32) { e.Int64(name, int64(n)) }

// Int64 writes a long member.
func (e *Encoder) Int64(name string, n int64) {
	e.Start(name)
	e.buf.Write(strconv.AppendInt(e.buf.AvailableBuffer(), n, 10))
	e.End(name)
}

// Bool writes a boolean member as true or false.
func (e *Encoder) Bool(name string, b bool) {
	e.Start(name)
	e.buf.Write(strconv.AppendBool(e.buf.AvailableBuffer(), b))
	e.End(name)
}

// Time writes a timestamp member as an ISO 8601 date-time in UTC:
// "2024-05-01T12:00:00Z", with milliseconds when they are not zero.
func (e *Encoder) Time(name string, t time.Time) {
	e.Start(name)
	e.buf.Write(appendTimestamp(e.buf.AvailableBuffer(), t))
	e.End(name)
}

// Blob writes a blob member base64-encoded.
func (e *Encoder) Blob(name string, b []byte) {
	e.Start(name)
	e.buf.Write(base64.StdEncoding.AppendEncode(e.buf.AvailableBuffer(), b))
	e.End(name)
}

func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.AppendFormat(b, "2006-01-02T15:04:05Z")
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

// appendRFC3986 percent-encodes every byte of s but the unreserved
// characters of RFC 3986 §2.3 (ALPHA, DIGIT, "-", ".", "_", "~").
func appendRFC3986(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return b
}
