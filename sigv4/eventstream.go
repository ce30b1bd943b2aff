package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// frameAlgorithm opens the string to sign of an event stream frame
// ("Event stream encoding", Amazon Transcribe Developer Guide, "Setting up
// a streaming transcription").
const frameAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD"

// DefaultFrameWindow is how far a frame's :date may be from the server's
// clock when the frame is read: Amazon Connect Health rejects frames signed
// more than five minutes before it reads them and ends the stream
// ("Amazon Connect Health streaming: event stream encoding"), a tighter
// window than the fifteen minutes of a request.
const DefaultFrameWindow = 5 * time.Minute

// FrameChain verifies the frames of an event stream one after another.
// Each frame's signature covers the previous one, starting from the
// signature of the request that opened the stream, so a frame that is
// altered, replayed, dropped or moved fails. The empty frame ends the
// stream; nothing may follow it. A FrameChain is not safe for concurrent
// use: frames are read in order.
type FrameChain struct {
	secret, region, service string
	prev                    [sha256.Size]byte
	now                     func() time.Time
	window                  time.Duration
	ended                   bool

	// The signing key of the last frame's day, reused while the stream
	// stays within that UTC day.
	keyDate string
	key     [sha256.Size]byte
	buf     []byte
}

// FrameChain returns the chain of an event stream whose opening request
// VerifyEventStream authenticated as res. window bounds each frame's
// :date around the Verifier's clock; zero means DefaultFrameWindow.
//
// Returns IncompleteSignature when res carries no usable seed signature.
func (v *Verifier) FrameChain(res *Result, window time.Duration) (*FrameChain, error) {
	c := &FrameChain{secret: res.Credentials.SecretAccessKey, region: res.Region, service: res.Service, now: v.now, window: window}
	if c.window <= 0 {
		c.window = DefaultFrameWindow
	}
	if n, err := hex.Decode(c.prev[:], []byte(res.Signature)); err != nil || n != sha256.Size || len(res.Signature) != 2*sha256.Size {
		return nil, incompleteSignature("The request's signature cannot seed an event stream.")
	}
	return c, nil
}

// Verify checks one frame: date is its :date header, dateHeader that
// header as encoded in the frame (name, type and value), payload the
// frame's payload and signature its :chunk-signature. It reports whether
// the frame was the empty one that ends the stream.
//
// Returns SignatureDoesNotMatch for a wrong signature, a :date outside the
// window, or a frame after the end of the stream.
func (c *FrameChain) Verify(date time.Time, dateHeader, payload, signature []byte) (end bool, err error) {
	if c.ended {
		return false, signatureMismatch("The event stream has ended; no frame may follow its empty frame.")
	}
	now := c.now().UTC()
	if d := now.Sub(date); d > c.window || d < -c.window {
		return false, signatureMismatch("Signature expired: the frame's :date %s is more than %s from the server time %s.",
			date.UTC().Format(amzDateLayout), describeSkew(c.window), now.Format(amzDateLayout))
	}
	amzDate := date.UTC().Format(amzDateLayout)
	day := amzDate[:8]
	if day != c.keyDate {
		c.key, c.keyDate = deriveSigningKey(c.secret, day, c.region, c.service), day
	}
	headerSum, payloadSum := sha256.Sum256(dateHeader), sha256.Sum256(payload)
	b := append(c.buf[:0], frameAlgorithm+"\n"...)
	b = append(b, amzDate...)
	b = append(b, '\n')
	b = append(b, day...)
	b = append(b, '/')
	b = append(b, c.region...)
	b = append(b, '/')
	b = append(b, c.service...)
	b = append(b, "/"+scopeTerminator+"\n"...)
	b = hex.AppendEncode(b, c.prev[:])
	b = append(b, '\n')
	b = hex.AppendEncode(b, headerSum[:])
	b = append(b, '\n')
	b = hex.AppendEncode(b, payloadSum[:])
	c.buf = b
	want := hmacSHA256(c.key[:], b)
	if !hmac.Equal(want[:], signature) {
		return false, signatureMismatch("The frame's :chunk-signature does not match the signature Warden computed in the stream's chain; the frame was altered, replayed or sent out of order.")
	}
	c.prev = want
	c.ended = len(payload) == 0
	return c.ended, nil
}
