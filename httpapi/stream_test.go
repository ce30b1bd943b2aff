package httpapi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aws/smithy-go/eventstream"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/restjson"
)

func encodeMessage(t testing.TB, headers eventstream.Headers, payload []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&b, eventstream.Message{Headers: headers, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testFrame is a signed frame around an event, its signature arbitrary:
// parsing does not check it.
func testFrame(t testing.TB, eventType string, payload []byte) []byte {
	t.Helper()
	var inner eventstream.Headers
	inner.Set(eventstream.MessageTypeHeader, eventstream.StringValue("event"))
	inner.Set(eventstream.EventTypeHeader, eventstream.StringValue(eventType))
	inner.Set(eventstream.ContentTypeHeader, eventstream.StringValue("application/json"))
	var outer eventstream.Headers
	outer.Set(eventstream.DateHeader, eventstream.TimestampValue(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)))
	outer.Set(eventstream.ChunkSignatureHeader, eventstream.BytesValue(bytes.Repeat([]byte{7}, 32)))
	return encodeMessage(t, outer, encodeMessage(t, inner, payload))
}

func TestReadFrame(t *testing.T) {
	a, b := testFrame(t, "audioEvent", []byte(`{"audioChunk":"AAAA"}`)), testFrame(t, "sessionControlEvent", []byte(`{"type":"END_OF_SESSION"}`))
	r := bytes.NewReader(append(append([]byte{}, a...), b...))
	var buf []byte
	for i, want := range [][]byte{a, b} {
		got, err := readFrame(r, buf)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("frame %d: %v", i, err)
		}
		signed, err := parseSignedFrame(got)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		ev, err := parseEvent(signed.payload)
		if err != nil || ev.contentType != "application/json" || len(signed.signature) != 32 || signed.date.IsZero() {
			t.Fatalf("frame %d: %+v %v", i, ev, err)
		}
		// The :date header re-encodes to the bytes in the frame.
		if !bytes.Contains(got, signed.dateHeader) {
			t.Errorf("frame %d: the :date header encodes differently", i)
		}
		buf = got[:0]
	}
	if _, err := readFrame(r, nil); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

func TestReadFrameRefuses(t *testing.T) {
	good := testFrame(t, "audioEvent", []byte(`{}`))
	huge := binary.BigEndian.AppendUint32(nil, maxFrameBytes+1)
	huge = append(huge, 0, 0, 0, 0, 0, 0, 0, 0)
	badHeaders := bytes.Clone(good)
	binary.BigEndian.PutUint32(badHeaders[4:8], uint32(len(good)))
	for name, in := range map[string][]byte{
		"truncated prelude": good[:5],
		"truncated message": good[:len(good)-1],
		"too long":          huge,
		"headers too long":  badHeaders,
		"too short":         {0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readFrame(bytes.NewReader(in), nil)
			if warden.ErrorCode(err) != restjson.CodeSerialization {
				t.Fatalf("error %v", err)
			}
		})
	}
}

func TestParseSignedFrameRefuses(t *testing.T) {
	date := eventstream.Header{Name: eventstream.DateHeader, Value: eventstream.TimestampValue(time.Unix(1, 0))}
	sig := eventstream.Header{Name: eventstream.ChunkSignatureHeader, Value: eventstream.BytesValue(make([]byte, 32))}
	inner := encodeMessage(t, eventstream.Headers{{Name: eventstream.MessageTypeHeader, Value: eventstream.StringValue("event")},
		{Name: eventstream.EventTypeHeader, Value: eventstream.StringValue("audioEvent")}}, nil)
	corrupt := encodeMessage(t, eventstream.Headers{date, sig}, inner)
	corrupt[len(corrupt)-6] ^= 1
	for name, frame := range map[string][]byte{
		"no signature":  encodeMessage(t, eventstream.Headers{date}, inner),
		"no date":       encodeMessage(t, eventstream.Headers{sig}, inner),
		"extra header":  encodeMessage(t, eventstream.Headers{date, sig, {Name: "x", Value: eventstream.StringValue("y")}}, inner),
		"date as bytes": encodeMessage(t, eventstream.Headers{{Name: eventstream.DateHeader, Value: eventstream.BytesValue{1}}, sig}, inner),
		"checksum":      corrupt,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseSignedFrame(frame); warden.ErrorCode(err) != restjson.CodeSerialization {
				t.Fatalf("error %v", err)
			}
		})
	}
	for name, payload := range map[string][]byte{
		"not a message": []byte("audio"),
		"exception": encodeMessage(t, eventstream.Headers{{Name: eventstream.MessageTypeHeader, Value: eventstream.StringValue("exception")},
			{Name: eventstream.EventTypeHeader, Value: eventstream.StringValue("audioEvent")}}, nil),
		"no event type":  encodeMessage(t, eventstream.Headers{{Name: eventstream.MessageTypeHeader, Value: eventstream.StringValue("event")}}, nil),
		"trailing bytes": append(bytes.Clone(inner), 0),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseEvent(payload); warden.ErrorCode(err) != restjson.CodeSerialization {
				t.Fatalf("error %v", err)
			}
		})
	}
}

func TestCloseReason(t *testing.T) {
	long := string(bytes.Repeat([]byte("é"), 100))
	got := closeReason(long)
	if len(got) > 123 || !bytes.Equal([]byte(got), []byte(long[:len(got)])) || len(got)%2 != 0 {
		t.Errorf("closeReason cut %q", got)
	}
	if closeReason("short") != "short" {
		t.Error("a short reason was changed")
	}
}

// FuzzReadFrame feeds arbitrary bytes to the frame reader and both
// parsers: they refuse what they cannot read with SerializationException
// and never panic, and what they accept holds together.
func FuzzReadFrame(f *testing.F) {
	f.Add(testFrame(f, "audioEvent", []byte(`{"audioChunk":"AAAA"}`)))
	f.Add(testFrame(f, "configurationEvent", nil))
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 20, 0, 0, 0, 200, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		frame, err := readFrame(bytes.NewReader(in), nil)
		if err != nil {
			if !errors.Is(err, io.EOF) && warden.ErrorCode(err) != restjson.CodeSerialization {
				t.Fatalf("readFrame error %v", err)
			}
			return
		}
		if len(frame) > maxFrameBytes || int(binary.BigEndian.Uint32(frame)) != len(frame) {
			t.Fatalf("a frame of %d bytes declares %d", len(frame), binary.BigEndian.Uint32(frame))
		}
		signed, err := parseSignedFrame(frame)
		if err != nil {
			if warden.ErrorCode(err) != restjson.CodeSerialization {
				t.Fatalf("parseSignedFrame error %v", err)
			}
			return
		}
		if signed.date.IsZero() || signed.signature == nil || !bytes.Contains(frame, signed.dateHeader) {
			t.Fatalf("accepted frame %+v", signed)
		}
		if _, err := parseEvent(signed.payload); err != nil && warden.ErrorCode(err) != restjson.CodeSerialization {
			t.Fatalf("parseEvent error %v", err)
		}
	})
}
