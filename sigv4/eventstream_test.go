package sigv4

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/eventstream"
)

// streamFrame is a frame as aws-sdk-go-v2's stream signer signs it.
type streamFrame struct {
	date       time.Time
	dateHeader []byte
	payload    []byte
	signature  []byte
}

// signFrames signs payloads in order, each at its time, in the chain the
// seed starts.
func signFrames(t *testing.T, seed string, times []time.Time, payloads ...string) []streamFrame {
	t.Helper()
	seedBytes, _ := hex.DecodeString(seed)
	signer := v4.NewStreamSigner(aws.Credentials{AccessKeyID: testAccessKeyID, SecretAccessKey: testSecret}, "health-agent", "us-east-1", seedBytes)
	var frames []streamFrame
	for i, p := range payloads {
		var h eventstream.Headers
		h.Set(eventstream.DateHeader, eventstream.TimestampValue(times[i]))
		var buf bytes.Buffer
		if err := eventstream.EncodeHeaders(&buf, h); err != nil {
			t.Fatal(err)
		}
		sig, err := signer.GetSignature(context.Background(), buf.Bytes(), []byte(p), times[i])
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, streamFrame{date: times[i].Truncate(time.Millisecond), dateHeader: buf.Bytes(), payload: []byte(p), signature: sig})
	}
	return frames
}

func streamChain(t *testing.T, now time.Time) (*FrameChain, string) {
	t.Helper()
	stream := sdkRequest{
		service:     "health-agent",
		url:         "http://127.0.0.1:18080/medical-scribe-stream/",
		headers:     [][2]string{{"Content-Type", "application/vnd.amazon.eventstream"}, {"X-Amz-Content-Sha256", streamingEvents}},
		payloadHash: streamingEvents,
		at:          now,
	}
	r, _ := stream.sign(t)
	v := newTestVerifier(now)
	res, err := v.VerifyEventStream(r)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := v.FrameChain(res, 0)
	if err != nil {
		t.Fatal(err)
	}
	return chain, res.Signature
}

func at(base time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = base.Add(time.Duration(i) * 1500 * time.Millisecond)
	}
	return out
}

func TestFrameChain(t *testing.T) {
	chain, seed := streamChain(t, testTime)
	frames := signFrames(t, seed, at(testTime, 3), "first", "second", "")
	for i, f := range frames {
		end, err := chain.Verify(f.date, f.dateHeader, f.payload, f.signature)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if end != (i == 2) {
			t.Errorf("frame %d: end = %v", i, end)
		}
	}
	// Nothing follows the empty frame, not even a correctly chained one.
	more := signFrames(t, seed, at(testTime, 4), "first", "second", "", "late")
	_, err := chain.Verify(more[3].date, more[3].dateHeader, more[3].payload, more[3].signature)
	wantCode(t, err, "SignatureDoesNotMatch")
}

func TestFrameChainRefuses(t *testing.T) {
	base := testTime
	for name, tt := range map[string]struct {
		now    time.Time
		frames func(f []streamFrame) []streamFrame
		msg    string
	}{
		"altered payload": {base, func(f []streamFrame) []streamFrame {
			f[0].payload = []byte("fIrst")
			return f[:1]
		}, "does not match"},
		"altered date": {base, func(f []streamFrame) []streamFrame {
			f[0].date = f[0].date.Add(time.Second)
			return f[:1]
		}, "does not match"},
		"replayed":  {base, func(f []streamFrame) []streamFrame { return []streamFrame{f[0], f[0]} }, "does not match"},
		"reordered": {base, func(f []streamFrame) []streamFrame { return []streamFrame{f[1], f[0]} }, "does not match"},
		"dropped":   {base, func(f []streamFrame) []streamFrame { return []streamFrame{f[0], f[2]} }, "does not match"},
		"too old": {base.Add(DefaultFrameWindow + time.Minute), func(f []streamFrame) []streamFrame {
			return f[:1]
		}, "Signature expired"},
		"from the future": {base.Add(-DefaultFrameWindow - time.Minute), func(f []streamFrame) []streamFrame {
			return f[:1]
		}, "Signature expired"},
	} {
		t.Run(name, func(t *testing.T) {
			chain, seed := streamChain(t, base)
			chain.now = func() time.Time { return tt.now }
			frames := tt.frames(signFrames(t, seed, at(base, 3), "first", "second", "third"))
			var err error
			for _, f := range frames {
				if _, err = chain.Verify(f.date, f.dateHeader, f.payload, f.signature); err != nil {
					break
				}
			}
			wantCode(t, err, "SignatureDoesNotMatch")
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want %q", err, tt.msg)
			}
		})
	}
}

// A stream that runs past midnight UTC signs with the next day's key.
func TestFrameChainAcrossMidnight(t *testing.T) {
	late := time.Date(2026, 11, 22, 23, 59, 59, 0, time.UTC)
	chain, seed := streamChain(t, late)
	frames := signFrames(t, seed, []time.Time{late, late.Add(2 * time.Second)}, "before", "after")
	chain.now = func() time.Time { return late.Add(2 * time.Second) }
	for i, f := range frames {
		if _, err := chain.Verify(f.date, f.dateHeader, f.payload, f.signature); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
}

func TestFrameChainSeed(t *testing.T) {
	v := newTestVerifier(testTime)
	for _, sig := range []string{"", "zz", strings.Repeat("a", 63), strings.Repeat("g", 64)} {
		if _, err := v.FrameChain(&Result{Credentials: &Credentials{SecretAccessKey: testSecret}, Signature: sig}, 0); err == nil {
			t.Errorf("seed %q accepted", sig)
		}
	}
}
