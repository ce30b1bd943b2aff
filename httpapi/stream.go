package httpapi

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/smithy-go/eventstream"
	"github.com/coder/websocket"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	"github.com/warden-iam/warden/restjson"
	"github.com/warden-iam/warden/sigv4"
)

// Operations whose input is an event stream (Connect Health's
// StartMedicalScribeListeningSession) are served here. The transport is
// this package's: the opening request is authenticated with
// STREAMING-AWS4-HMAC-SHA256-EVENTS (or, for the WebSocket variant, as a
// presigned URL), then every frame the client sends is read, its signature
// checked in the chain the request's signature seeds, and the event inside
// handed to the API's Stream; what the Stream sends back is written as
// unsigned event stream messages. The session itself (what the events
// mean, limits, what is kept) is the API's.

// StreamAPI is a RestAPI that also serves operations with an input event
// stream.
type StreamAPI interface {
	RestAPI
	// OpenStream starts a stream for an authenticated caller, as Handle
	// runs any other operation: it authorizes the operation and checks
	// what must hold before the stream starts. out carries the header
	// members of the response. An error is answered as the protocol's
	// error response, before any event.
	OpenStream(ctx context.Context, c *authz.Caller, op *restjson.Operation, in restjson.Input) (s Stream, out restjson.Output, err error)
	// WebSocketStream names the streaming operation served over WebSocket
	// at a path, and the query parameters that carry its header-bound
	// members there, by header name; ok is false for any other path.
	WebSocketStream(path string) (op *restjson.Operation, params map[string]string, ok bool)
}

// Stream is one open input event stream. It is an alias of an unnamed
// interface type so that an API implements it without importing this
// package.
type Stream = interface {
	// Event takes one input event, whose frame was verified: the input
	// union member it is (:event-type), its :content-type and payload. send
	// writes an output event: a member of the output union and its JSON
	// payload. An error ends the stream.
	Event(ctx context.Context, eventType, contentType string, payload []byte, send func(eventType string, payload []byte) error) error
	// End ends the stream, once: cause is nil when the client ended it,
	// else what ended it. It returns what the client is told ended the
	// stream (cause, or why a cleanly ended session failed; nil when it
	// did not) and the output union member that reports it as a modeled
	// exception, "" when the union has none for it.
	End(ctx context.Context, cause error, send func(eventType string, payload []byte) error) (failure error, exception string)
}

// maxFrameBytes bounds one signed frame: the largest input event (a
// 32,000-byte audio chunk, base64 in JSON) with both messages' headers
// fits several times over. A longer frame ends the stream.
const maxFrameBytes = 256 << 10

// preludeBytes is the length of an event stream message's prelude (total
// length, headers length, prelude CRC), and minMessageBytes that of a
// message without headers or payload (prelude and message CRC).
const (
	preludeBytes    = 12
	minMessageBytes = preludeBytes + 4
)

// eventStreamContentType is the media type of an event stream body.
const eventStreamContentType = "application/vnd.amazon.eventstream"

// serveStream runs an operation whose input is an event stream over
// HTTP/2 (or HTTP/1.1, full duplex): the request is the stream's opening,
// its body the client's frames, the response body the server's events.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, rec *requestRecord, api RestAPI, m *restjson.Match) {
	svc := api.Service()
	op := m.Operation
	fail := func(err error) {
		rec.code, rec.err = warden.ErrorCode(err), err
		rec.status = svc.Status(rec.code)
		svc.WriteError(w, rec.id, err)
	}
	sapi, ok := api.(StreamAPI)
	if !ok {
		fail(warden.Errorf(warden.ENotImplemented, "Warden does not serve the streaming operation %s.", op.Name))
		return
	}
	auth, err := s.verifier.VerifyEventStream(r)
	if err != nil {
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(err)
		return
	}
	stream, err := s.openStream(r, rec, sapi, op, m, auth)
	if err != nil {
		fail(err)
		return
	}
	chain, err := s.verifier.FrameChain(auth, 0)
	if err != nil {
		fail(err)
		return
	}

	h := w.Header()
	stream.responseHeaders(h)
	h.Set("Content-Type", eventStreamContentType)
	rc := http.NewResponseController(w)
	// HTTP/1.1 cannot read the request while it writes the response
	// unless told to; HTTP/2 always can.
	_ = rc.EnableFullDuplex()
	rec.status = http.StatusOK
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	out := &streamWriter{svc: svc, write: func(msg []byte) error {
		if _, err := w.Write(msg); err != nil {
			return err
		}
		return rc.Flush()
	}}
	frames := &bodyFrames{r: r.Body}
	cause := s.runStream(r.Context(), stream, chain, frames, out)
	if cause != nil {
		rec.code, rec.err = warden.ErrorCode(cause), cause
	}
}

// openStream decodes the opening request's header-bound members and asks
// the API to start the stream. The response headers (the model's output
// members) are set on success.
func (s *Server) openStream(r *http.Request, rec *requestRecord, api StreamAPI, op *restjson.Operation, m *restjson.Match, auth *sigv4.Result) (*openedStream, error) {
	svc := api.Service()
	if err := s.scopedTo(auth, svc.SigningName); err != nil {
		return nil, err
	}
	principal := s.signedBy(rec, auth, svc.ARNNamespace)
	in := op.NewInput()
	if err := restjson.Decode(r, nil, m, in); err != nil {
		return nil, err
	}
	ctx := r.Context()
	if s.auditor != nil {
		ctx = authz.WithTrace(ctx, &rec.trace)
	}
	stream, out, err := api.OpenStream(ctx, s.caller(r, auth, principal), op, in)
	if err != nil {
		return nil, err
	}
	return &openedStream{Stream: stream, svc: svc, op: op, out: out, requestID: rec.id}, nil
}

// openedStream is a Stream with what its response needs.
type openedStream struct {
	Stream
	svc       *restjson.Service
	op        *restjson.Operation
	out       restjson.Output
	requestID string
}

// responseHeaders sets the header members of the stream's output on h: the
// service's WriteResponse encodes them, into a writer that keeps headers
// only.
func (o *openedStream) responseHeaders(h http.Header) {
	o.svc.WriteResponse(headerOnly{h}, o.op, o.requestID, o.out)
	h.Del("Content-Length")
}

// headerOnly is a ResponseWriter that keeps the headers written to it and
// drops the rest.
type headerOnly struct{ h http.Header }

func (w headerOnly) Header() http.Header         { return w.h }
func (w headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (w headerOnly) WriteHeader(int)             {}

// frameSource yields a stream's frames one at a time; io.EOF when the
// client closed its side between frames.
type frameSource interface {
	next() ([]byte, error)
}

// runStream reads, verifies and hands over frames until the stream ends,
// then ends the Stream and writes its last events. It returns what the
// session failed of, nil when it ended well.
func (s *Server) runStream(ctx context.Context, stream *openedStream, chain *sigv4.FrameChain, frames frameSource, out *streamWriter) error {
	send := out.event
	var cause error
	for cause == nil {
		frame, err := frames.next()
		if errors.Is(err, io.EOF) {
			break // the client closed its side: the session ends as if by the empty frame
		}
		if err != nil {
			cause = err
			break
		}
		signed, err := parseSignedFrame(frame)
		if err != nil {
			cause = err
			break
		}
		end, err := chain.Verify(signed.date, signed.dateHeader, signed.payload, signed.signature)
		if err != nil {
			cause = err
			break
		}
		if end {
			// Nothing may follow the empty frame: a client that sends
			// more is refused by the chain, but the session is over.
			break
		}
		ev, err := parseEvent(signed.payload)
		if err != nil {
			cause = err
			break
		}
		cause = stream.Event(ctx, ev.eventType, ev.contentType, ev.payload, send)
	}
	if cause != nil && out.failed != nil {
		// The client is gone: there is no one to tell, and the session
		// ends for what broke the connection.
		cause = out.failed
	}
	failure, exception := stream.End(context.WithoutCancel(ctx), cause, send)
	if failure != nil && out.failed == nil {
		out.fail(failure, exception)
	}
	return failure
}

// streamWriter writes the server's events. The first failed write is kept:
// the client is gone, and nothing more is written.
type streamWriter struct {
	svc    *restjson.Service
	write  func(msg []byte) error
	failed error
	buf    bytes.Buffer
}

func (o *streamWriter) send(msg eventstream.Message) error {
	if o.failed != nil {
		return o.failed
	}
	o.buf.Reset()
	if err := eventstream.NewEncoder().Encode(&o.buf, msg); err != nil {
		return err
	}
	if err := o.write(o.buf.Bytes()); err != nil {
		o.failed = &warden.Error{Code: warden.EInternalFailure, Message: "The client closed the stream.", Err: err}
	}
	return o.failed
}

// event writes an output event, a member of the output union with its JSON
// payload.
func (o *streamWriter) event(eventType string, payload []byte) error {
	var msg eventstream.Message
	msg.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue(eventstream.EventMessageType))
	msg.Headers.Set(eventstream.EventTypeHeader, eventstream.StringValue(eventType))
	msg.Headers.Set(eventstream.ContentTypeHeader, eventstream.StringValue("application/json"))
	msg.Payload = payload
	return o.send(msg)
}

// fail writes what ended the stream: the modeled exception event when the
// output union has one for it, else an error message with the error's
// code as the protocol names it (InvalidSignatureException for a bad
// frame), which the SDKs raise as an error of that code ("Event stream
// encoding": error and exception messages).
func (o *streamWriter) fail(cause error, exception string) {
	message := warden.ErrorMessage(cause)
	var msg eventstream.Message
	if exception != "" {
		body, _ := json.Marshal(map[string]string{"message": message})
		msg.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue(eventstream.ExceptionMessageType))
		msg.Headers.Set(eventstream.ExceptionTypeHeader, eventstream.StringValue(exception))
		msg.Headers.Set(eventstream.ContentTypeHeader, eventstream.StringValue("application/json"))
		msg.Payload = body
	} else {
		code := warden.ErrorCode(cause)
		if code == "" {
			code, message = warden.EInternalFailure, "An internal error occurred."
		}
		msg.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue(eventstream.ErrorMessageType))
		msg.Headers.Set(eventstream.ErrorCodeHeader, eventstream.StringValue(o.svc.ErrorType(code)))
		msg.Headers.Set(eventstream.ErrorMessageHeader, eventstream.StringValue(message))
	}
	_ = o.send(msg)
}

// bodyFrames reads frames from a request body.
type bodyFrames struct {
	r   io.Reader
	buf []byte
}

func (b *bodyFrames) next() ([]byte, error) {
	frame, err := readFrame(b.r, b.buf)
	if frame != nil {
		b.buf = frame[:0]
	}
	return frame, err
}

// readFrame reads one event stream message from r, reusing buf. It reads
// the prelude first and refuses a message longer than maxFrameBytes before
// reading it. io.EOF means r ended cleanly before a message began.
//
// Returns SerializationException for a truncated or oversized message.
func readFrame(r io.Reader, buf []byte) ([]byte, error) {
	var prelude [preludeBytes]byte
	n, err := io.ReadFull(r, prelude[:])
	switch {
	case n == 0 && errors.Is(err, io.EOF):
		return nil, io.EOF
	case err != nil:
		return nil, frameError("The event stream ended in the middle of a message.", err)
	}
	total := binary.BigEndian.Uint32(prelude[0:4])
	headers := binary.BigEndian.Uint32(prelude[4:8])
	if total < minMessageBytes || total > maxFrameBytes || headers > total-minMessageBytes {
		return nil, frameError("An event stream message declares a length of "+strconv.FormatUint(uint64(total), 10)+
			" bytes; a message is at least 16 and at most "+strconv.Itoa(maxFrameBytes)+" bytes, its headers within it.", nil)
	}
	if cap(buf) < int(total) {
		buf = make([]byte, 0, total)
	}
	buf = append(buf[:0], prelude[:]...)
	buf = buf[:total]
	if _, err := io.ReadFull(r, buf[preludeBytes:]); err != nil {
		return nil, frameError("The event stream ended in the middle of a message.", err)
	}
	return buf, nil
}

// signedFrame is a client's frame: an outer message with :date and
// :chunk-signature around the encoded event.
type signedFrame struct {
	date       time.Time
	dateHeader []byte // the :date header as encoded, which the signature covers
	payload    []byte
	signature  []byte
}

// parseSignedFrame decodes a frame, checking its checksums and that its
// headers are :date and :chunk-signature, of their types, and nothing
// else.
//
// Returns SerializationException.
func parseSignedFrame(frame []byte) (signedFrame, error) {
	msg, err := decodeMessage(frame)
	if err != nil {
		return signedFrame{}, err
	}
	var f signedFrame
	for _, h := range msg.Headers {
		switch v := h.Value.(type) {
		case eventstream.TimestampValue:
			if h.Name != eventstream.DateHeader || !f.date.IsZero() {
				return signedFrame{}, frameError("A signed frame carries the header "+h.Name+"; it carries :date and :chunk-signature only.", nil)
			}
			f.date = time.Time(v)
		case eventstream.BytesValue:
			if h.Name != eventstream.ChunkSignatureHeader || f.signature != nil {
				return signedFrame{}, frameError("A signed frame carries the header "+h.Name+"; it carries :date and :chunk-signature only.", nil)
			}
			f.signature = []byte(v)
		default:
			return signedFrame{}, frameError("A signed frame carries the header "+h.Name+"; it carries :date and :chunk-signature only.", nil)
		}
	}
	if f.date.IsZero() || f.signature == nil {
		return signedFrame{}, frameError("A signed frame needs a :date (timestamp) and a :chunk-signature (bytes) header.", nil)
	}
	var dh bytes.Buffer
	if err := eventstream.EncodeHeaders(&dh, eventstream.Headers{{Name: eventstream.DateHeader, Value: eventstream.TimestampValue(f.date)}}); err != nil {
		return signedFrame{}, frameError("The frame's :date cannot be encoded.", err)
	}
	f.dateHeader, f.payload = dh.Bytes(), msg.Payload
	return f, nil
}

// inputEvent is the event a signed frame carries.
type inputEvent struct {
	eventType, contentType string
	payload                []byte
}

// parseEvent decodes the message inside a signed frame: an event
// (:message-type event) naming its :event-type.
//
// Returns SerializationException.
func parseEvent(payload []byte) (inputEvent, error) {
	if len(payload) < minMessageBytes || binary.BigEndian.Uint32(payload[0:4]) != uint32(len(payload)) {
		return inputEvent{}, frameError("A signed frame's payload is not one event stream message.", nil)
	}
	msg, err := decodeMessage(payload)
	if err != nil {
		return inputEvent{}, err
	}
	str := func(name string) string {
		if v, ok := msg.Headers.Get(name).(eventstream.StringValue); ok {
			return string(v)
		}
		return ""
	}
	if mt := str(eventstream.MessageTypeHeader); mt != eventstream.EventMessageType {
		return inputEvent{}, frameError("The client sends events only (:message-type event), not "+strconv.Quote(mt)+".", nil)
	}
	ev := inputEvent{eventType: str(eventstream.EventTypeHeader), contentType: str(eventstream.ContentTypeHeader), payload: msg.Payload}
	if ev.eventType == "" {
		return inputEvent{}, frameError("An event names no :event-type.", nil)
	}
	return ev, nil
}

// decodeMessage decodes one whole event stream message, checksums
// included; the prelude's lengths must agree with the message's.
func decodeMessage(b []byte) (eventstream.Message, error) {
	if len(b) < minMessageBytes {
		return eventstream.Message{}, frameError("An event stream message is shorter than its prelude.", nil)
	}
	total, headers := binary.BigEndian.Uint32(b[0:4]), binary.BigEndian.Uint32(b[4:8])
	if total != uint32(len(b)) || headers > total-minMessageBytes {
		return eventstream.Message{}, frameError("An event stream message's lengths do not agree with its size.", nil)
	}
	msg, err := eventstream.NewDecoder().Decode(bytes.NewReader(b), nil)
	if err != nil {
		return eventstream.Message{}, frameError("An event stream message is malformed or fails its checksum.", err)
	}
	return msg, nil
}

func frameError(message string, err error) error {
	return &warden.Error{Code: restjson.CodeSerialization, Message: message, Err: err}
}

// serveWebSocketStream runs a streaming operation over WebSocket (the
// variant AWS documents for browsers: "Setting up a WebSocket stream"):
// the upgrade request is a presigned URL, good for at most
// maxWebSocketExpiry, whose query carries the operation's header-bound
// members; each binary message is one signed frame, in the chain the
// URL's X-Amz-Signature seeds, and each event the server sends is one
// binary message. The server closes with 1000 when the session ended
// well, else with an error status and the reason. It reports whether the
// request was for a WebSocket stream.
func (s *Server) serveWebSocketStream(w http.ResponseWriter, r *http.Request, rec *requestRecord, api RestAPI) bool {
	sapi, ok := api.(StreamAPI)
	if !ok {
		return false
	}
	op, params, ok := sapi.WebSocketStream(r.URL.Path)
	if !ok {
		return false
	}
	svc := api.Service()
	rec.rest, rec.action = svc, op.Name
	fail := func(err error) {
		rec.code, rec.err = warden.ErrorCode(err), err
		rec.status = svc.Status(rec.code)
		svc.WriteError(w, rec.id, err)
	}
	query := r.URL.Query()
	if r.Method != http.MethodGet || query.Get("X-Amz-Signature") == "" {
		fail(warden.Errorf(warden.EMissingAuthenticationToken, "A WebSocket stream opens with a GET of a presigned URL."))
		return true
	}
	auth, err := s.verifier.Verify(r, nil)
	if err != nil {
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(err)
		return true
	}
	if expires, err := strconv.Atoi(query.Get("X-Amz-Expires")); err != nil || expires > maxWebSocketExpiry {
		err := warden.Errorf(warden.EIncompleteSignature, "X-Amz-Expires of a WebSocket stream's URL must be at most %d seconds.", maxWebSocketExpiry)
		s.metrics.authFailure(warden.ErrorCode(err))
		fail(err)
		return true
	}
	// The members the model binds to headers travel in the query; the
	// decoder reads them from headers, where the HTTP/2 variant sends them.
	withHeaders := r.Clone(r.Context())
	for header, param := range params {
		if v, ok := query[param]; ok {
			withHeaders.Header[http.CanonicalHeaderKey(header)] = v
		}
	}
	stream, err := s.openStream(withHeaders, rec, sapi, op, &restjson.Match{Operation: op}, auth)
	if err != nil {
		fail(err)
		return true
	}
	chain, err := s.verifier.FrameChain(auth, 0)
	if err != nil {
		fail(err)
		return true
	}
	stream.responseHeaders(w.Header())
	w.Header().Del("Content-Type")
	// The presigned URL is the credential, not a cookie the browser adds:
	// a page of any origin holding one may use it.
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		rec.code, rec.err, rec.status = "BadRequest", err, http.StatusBadRequest
		_, _ = stream.End(context.WithoutCancel(r.Context()), err, func(string, []byte) error { return nil })
		return true
	}
	rec.status = http.StatusSwitchingProtocols
	conn.SetReadLimit(maxFrameBytes)
	ctx := r.Context()
	out := &streamWriter{svc: svc, write: func(msg []byte) error { return conn.Write(ctx, websocket.MessageBinary, msg) }}
	cause := s.runStream(ctx, stream, chain, &socketFrames{ctx: ctx, conn: conn}, out)
	if cause != nil {
		rec.code, rec.err = warden.ErrorCode(cause), cause
		status := websocket.StatusPolicyViolation
		if svc.Status(warden.ErrorCode(cause)) >= 500 {
			status = websocket.StatusInternalError
		}
		_ = conn.Close(status, closeReason(warden.ErrorMessage(cause)))
		return true
	}
	_ = conn.Close(websocket.StatusNormalClosure, "")
	return true
}

// maxWebSocketExpiry is the longest X-Amz-Expires a WebSocket stream's URL
// may have, in seconds.
const maxWebSocketExpiry = 60

// closeReason fits a reason into a close frame, whose payload is at most
// 125 bytes, two of them the status.
func closeReason(s string) string {
	const limit = 123
	if len(s) <= limit {
		return s
	}
	s = s[:limit]
	for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
		s = s[:len(s)-1] // not in the middle of a UTF-8 sequence
	}
	if len(s) > 0 && s[len(s)-1] >= 0xC0 {
		s = s[:len(s)-1]
	}
	return s
}

// socketFrames reads frames from WebSocket binary messages, one frame a
// message.
type socketFrames struct {
	ctx  context.Context
	conn *websocket.Conn
}

func (f *socketFrames) next() ([]byte, error) {
	typ, msg, err := f.conn.Read(f.ctx)
	switch {
	case websocket.CloseStatus(err) == websocket.StatusNormalClosure:
		return nil, io.EOF
	case err != nil:
		return nil, &warden.Error{Code: warden.EInternalFailure, Message: "The client closed the stream.", Err: err}
	case typ != websocket.MessageBinary:
		return nil, frameError("A WebSocket stream carries its frames in binary messages.", nil)
	}
	return msg, nil
}
