package warden

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"time"
)

// An audit record is the byte form of an event that the chain hashes and
// the store keeps. It is written once and never re-encoded: the hash covers
// the stored bytes, so the encoding need only be unambiguous, which a
// version byte followed by fields in a fixed order, every string length-
// prefixed, makes it. Seq, PrevHash and Hash are not part of the record:
// the event's place in the trail is fixed by the chain (each hash covers
// the previous hash), which is what lets verification tell an event that
// moved from one that changed.

const auditRecordVersion = 1

// auditChainLabel separates the chain's hashes from any other SHA-256 of
// the same bytes.
const auditChainLabel = "warden audit chain v1\n"

// AuditHash returns the hex SHA-256 that chains a record to the hash of
// the event before it.
func AuditHash(prevHash string, record []byte) string {
	sum := AuditHashSum(prevHash, record)
	return hex.EncodeToString(sum[:])
}

// AuditHashSum is AuditHash before hex encoding, for stores that keep
// hashes as bytes.
func AuditHashSum(prevHash string, record []byte) [sha256.Size]byte {
	// Hashing one contiguous input spares a hash state on the heap; the
	// array holds a typical record, and append moves larger ones.
	var buf [1024]byte
	in := append(buf[:0], auditChainLabel...)
	in = append(in, prevHash...)
	in = append(in, '\n')
	in = append(in, record...)
	return sha256.Sum256(in)
}

// AuditRecordTime returns the request time a record holds, without
// decoding the rest of it.
func AuditRecordTime(record []byte) (time.Time, error) {
	d := recordDecoder{b: record}
	if d.byte() != auditRecordVersion {
		return time.Time{}, errBadRecord
	}
	micros := d.varint()
	if d.err != nil {
		return time.Time{}, errBadRecord
	}
	return time.UnixMicro(micros).UTC(), nil
}

// AppendRecord appends the event's record to b. Times are kept to the
// microsecond, the precision the store keeps.
func (e *AuditEvent) AppendRecord(b []byte) []byte {
	b = append(b, auditRecordVersion)
	b = binary.AppendVarint(b, e.Time.UnixMicro())
	b = appendString(b, e.RequestID)
	b = appendString(b, e.SourceIP)
	b = appendString(b, e.UserAgent)
	b = appendString(b, e.Region)
	id := &e.Identity
	for _, s := range []string{id.Type, id.ARN, id.AccountID, id.PrincipalID, id.UserName, id.AccessKeyID, id.SessionIssuer} {
		b = appendString(b, s)
	}
	b = appendBool(b, id.MFAAuthenticated)
	b = appendString(b, id.SourceIdentity)
	b = appendString(b, e.Service)
	b = appendString(b, e.Action)
	b = binary.AppendUvarint(b, uint64(len(e.Resources)))
	for _, r := range e.Resources {
		b = appendString(b, r)
	}
	b = appendString(b, string(e.Decision))
	b = appendString(b, e.DecidingLayer)
	b = appendBool(b, e.DecidingStatement != nil)
	if st := e.DecidingStatement; st != nil {
		b = appendString(b, st.Policy)
		b = binary.AppendUvarint(b, uint64(max(st.Index, 0)))
		b = appendString(b, st.Sid)
	}
	b = appendString(b, e.ErrorCode)
	b = binary.AppendUvarint(b, uint64(len(e.RequestParameters)))
	for _, p := range e.RequestParameters {
		b = appendString(b, p.Name)
		b = appendString(b, p.Value)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

var errBadRecord = errors.New("malformed audit record")

// UnmarshalRecord sets the event's fields from a record, leaving Seq,
// PrevHash and Hash alone. It rejects anything AppendRecord cannot have
// written: an unknown version, a truncated field, trailing bytes.
func (e *AuditEvent) UnmarshalRecord(record []byte) error {
	d := recordDecoder{b: record}
	if d.byte() != auditRecordVersion {
		return errBadRecord
	}
	micros := d.varint()
	out := AuditEvent{Seq: e.Seq, PrevHash: e.PrevHash, Hash: e.Hash}
	out.Time = time.UnixMicro(micros).UTC()
	out.RequestID = d.string()
	out.SourceIP = d.string()
	out.UserAgent = d.string()
	out.Region = d.string()
	id := &out.Identity
	for _, s := range []*string{&id.Type, &id.ARN, &id.AccountID, &id.PrincipalID, &id.UserName, &id.AccessKeyID, &id.SessionIssuer} {
		*s = d.string()
	}
	id.MFAAuthenticated = d.bool()
	id.SourceIdentity = d.string()
	out.Service = d.string()
	out.Action = d.string()
	if n := d.count(); n > 0 {
		out.Resources = make([]string, n)
		for i := range out.Resources {
			out.Resources[i] = d.string()
		}
	}
	out.Decision = AuditDecision(d.string())
	out.DecidingLayer = d.string()
	if d.bool() {
		st := &AuditStatement{Policy: d.string()}
		index := d.uvarint()
		if index > math.MaxInt32 {
			d.err = errBadRecord
		}
		st.Index = int(index)
		st.Sid = d.string()
		out.DecidingStatement = st
	}
	out.ErrorCode = d.string()
	if n := d.count(); n > 0 {
		out.RequestParameters = make([]AuditParameter, n)
		for i := range out.RequestParameters {
			out.RequestParameters[i] = AuditParameter{Name: d.string(), Value: d.string()}
		}
	}
	if d.err != nil || len(d.b) > 0 {
		return errBadRecord
	}
	*e = out
	return nil
}

// recordDecoder reads a record's fields; the first failure sticks and
// every later read returns a zero value.
type recordDecoder struct {
	b   []byte
	err error
}

func (d *recordDecoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errBadRecord
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *recordDecoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.err = errBadRecord
	return false
}

func (d *recordDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errBadRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *recordDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errBadRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a list length, which cannot exceed the bytes left: every
// element takes at least one.
func (d *recordDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errBadRecord
		return 0
	}
	return int(n)
}

func (d *recordDecoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errBadRecord
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
