package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go/eventstream"
	"github.com/coder/websocket"

	"github.com/warden-iam/warden/healthapi"
	"github.com/warden-iam/warden/httpapi"
)

// The medical scribe stream end to end: a Go client built as the AWS SDKs
// build theirs (aws-sdk-go-v2's stream signer, smithy-go's event stream
// codec) streams to `warden serve` over HTTP/2 without TLS, and over
// WebSocket with a presigned URL; the session's artifacts land in Warden's
// S3 as the domain's role, and the real aws CLI reads the session.

var _ httpapi.StreamAPI = (*healthapi.API)(nil)

const streamingPayload = "STREAMING-AWS4-HMAC-SHA256-EVENTS"

// h2cClient speaks HTTP/2 without TLS only, as the SDKs do for event
// streams against a plain endpoint.
func h2cClient() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &p}}
}

// scribeParams are the header-bound members of the opening request.
type scribeParams struct {
	sessionID, domainID, subscriptionID string
	sampleRate                          string
}

func (p scribeParams) headers() map[string]string {
	rate := p.sampleRate
	if rate == "" {
		rate = "16000"
	}
	return map[string]string{
		"x-amzn-medscribe-session-id": p.sessionID, "x-amzn-medscribe-domain-id": p.domainID,
		"x-amzn-medscribe-subscription-id": p.subscriptionID, "x-amzn-medscribe-language-code": "en-US",
		"x-amzn-medscribe-sample-rate": rate, "x-amzn-medscribe-media-encoding": "pcm",
	}
}

// scribeStream is the client side of an open stream.
type scribeStream struct {
	t      testing.TB
	resp   *http.Response
	body   io.WriteCloser // the request body, over HTTP/2
	socket *websocket.Conn
	signer *v4.StreamSigner
	// clock signs frames; nil means now.
	clock func() time.Time
	// sent keeps every frame as sent, for replay.
	sent [][]byte
	// closed is how the server closed a WebSocket stream.
	closed error
}

// openScribe opens a stream over h2c. A refused request returns the
// response, whose body holds the error, and a nil stream.
func openScribe(t testing.TB, ts *testServer, creds aws.Credentials, p scribeParams) (*scribeStream, *http.Response) {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, ts.Endpoint+"/medical-scribe-stream/", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.amazon.eventstream")
	req.Header.Set("X-Amz-Content-Sha256", streamingPayload)
	for k, v := range p.headers() {
		req.Header.Set(k, v)
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, streamingPayload, "health-agent", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	seed, err := v4.GetSignedRequestSignature(req)
	if err != nil {
		t.Fatal(err)
	}
	client := h2cClient()
	if ts.https != nil {
		client = ts.https // HTTP/2 by ALPN
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ProtoMajor != 2 {
		t.Fatalf("the stream runs over %s, not HTTP/2", resp.Proto)
	}
	if resp.StatusCode != http.StatusOK {
		pw.Close()
		return nil, resp
	}
	st := &scribeStream{t: t, resp: resp, body: pw, signer: v4.NewStreamSigner(creds, "health-agent", "us-east-1", seed)}
	t.Cleanup(func() { st.body.Close(); resp.Body.Close() })
	return st, resp
}

// event encodes an input event.
func event(t testing.TB, eventType, contentType string, payload []byte) []byte {
	t.Helper()
	var msg eventstream.Message
	msg.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue("event"))
	msg.Headers.Set(eventstream.EventTypeHeader, eventstream.StringValue(eventType))
	msg.Headers.Set(eventstream.ContentTypeHeader, eventstream.StringValue(contentType))
	msg.Payload = payload
	var b bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&b, msg); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func configEvent(t testing.TB, outputURI string) []byte {
	return event(t, "configurationEvent", "application/json", []byte(`{"postStreamActionSettings":{"outputS3Uri":"`+outputURI+`",
		"clinicalNoteGenerationSettings":{"noteTemplateSettings":{"managedTemplate":{"templateType":"HISTORY_AND_PHYSICAL"}}}},
		"channelDefinitions":[{"channelId":0,"participantRole":"CLINICIAN"},{"channelId":1,"participantRole":"PATIENT"}]}`))
}

func audioEvent(t testing.TB, chunk []byte) []byte {
	body, _ := json.Marshal(map[string]string{"audioChunk": base64.StdEncoding.EncodeToString(chunk)})
	return event(t, "audioEvent", "application/json", body)
}

func binaryAudioEvent(t testing.TB, chunk []byte) []byte {
	return event(t, "binaryAudioEvent", "application/octet-stream", chunk)
}

func endOfSession(t testing.TB) []byte {
	return event(t, "sessionControlEvent", "application/json", []byte(`{"type":"END_OF_SESSION"}`))
}

// sign wraps an encoded event in a signed frame, the next in the chain.
func (st *scribeStream) sign(payload []byte) []byte {
	now := time.Now()
	if st.clock != nil {
		now = st.clock()
	}
	var date eventstream.Headers
	date.Set(eventstream.DateHeader, eventstream.TimestampValue(now))
	var hb bytes.Buffer
	if err := eventstream.EncodeHeaders(&hb, date); err != nil {
		st.t.Fatal(err)
	}
	sig, err := st.signer.GetSignature(context.Background(), hb.Bytes(), payload, now)
	if err != nil {
		st.t.Fatal(err)
	}
	msg := eventstream.Message{Headers: date, Payload: payload}
	msg.Headers.Set(eventstream.ChunkSignatureHeader, eventstream.BytesValue(sig))
	var b bytes.Buffer
	if err := eventstream.NewEncoder().Encode(&b, msg); err != nil {
		st.t.Fatal(err)
	}
	return b.Bytes()
}

// send signs and sends events; writes to a server that ended the stream
// may fail, which the events read afterwards explain.
func (st *scribeStream) send(events ...[]byte) {
	for _, ev := range events {
		st.write(st.sign(ev))
	}
}

func (st *scribeStream) write(frame []byte) {
	st.sent = append(st.sent, frame)
	if st.socket != nil {
		_ = st.socket.Write(context.Background(), websocket.MessageBinary, frame)
		return
	}
	_, _ = st.body.Write(frame)
}

// finish sends the signed empty frame and closes the client's side.
func (st *scribeStream) finish() {
	st.write(st.sign(nil))
	if st.body != nil {
		st.body.Close()
	}
}

// events reads the server's events until it ends the stream.
func (st *scribeStream) events() []eventstream.Message {
	st.t.Helper()
	var out []eventstream.Message
	dec := eventstream.NewDecoder()
	for {
		var msg eventstream.Message
		if st.socket != nil {
			typ, b, err := st.socket.Read(context.Background())
			if err != nil {
				st.closed = err
				return out
			}
			if typ != websocket.MessageBinary {
				st.t.Fatalf("a %v message", typ)
			}
			if msg, err = dec.Decode(bytes.NewReader(b), nil); err != nil {
				st.t.Fatal(err)
			}
		} else {
			var err error
			msg, err = dec.Decode(st.resp.Body, nil)
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				st.t.Fatalf("reading the server's events: %v", err)
			}
		}
		out = append(out, msg)
	}
}

func header(msg eventstream.Message, name string) string {
	if v, ok := msg.Headers.Get(name).(eventstream.StringValue); ok {
		return string(v)
	}
	return ""
}

// wantStreamError checks that the stream ended with one error or
// exception message of the code, and that its message holds part.
func wantStreamError(t *testing.T, events []eventstream.Message, code, part string) {
	t.Helper()
	if len(events) == 0 {
		t.Fatalf("the stream ended without an error; want %s", code)
	}
	last := events[len(events)-1]
	var gotCode, message string
	switch header(last, eventstream.MessageTypeHeader) {
	case "error":
		gotCode, message = header(last, eventstream.ErrorCodeHeader), header(last, eventstream.ErrorMessageHeader)
	case "exception":
		var body struct{ Message string }
		if err := json.Unmarshal(last.Payload, &body); err != nil {
			t.Fatalf("exception payload %q: %v", last.Payload, err)
		}
		gotCode, message = header(last, eventstream.ExceptionTypeHeader), body.Message
	default:
		t.Fatalf("the last event is %s %s; want %s", header(last, eventstream.MessageTypeHeader), header(last, eventstream.EventTypeHeader), code)
	}
	if gotCode != code || !strings.Contains(message, part) {
		t.Fatalf("stream ended with %s: %s; want %s containing %q", gotCode, message, code, part)
	}
}

// scribeFixture is a domain whose role may write to clinic-scribe, with an
// ACTIVE subscription.
type scribeFixture struct {
	ts              *testServer
	account         string
	domainID, subID string
	domainARN       string
	s3              func(args ...string) string
	outputURI       string
}

func newScribeFixture(t *testing.T) *scribeFixture {
	t.Helper()
	return newScribeFixtureOn(t, startServer(t, ""))
}

func newScribeFixtureOn(t *testing.T, ts *testServer) *scribeFixture {
	t.Helper()
	f := &scribeFixture{ts: ts, account: serverAccount(t, ts), outputURI: "s3://clinic-scribe/sessions"}
	f.s3 = func(args ...string) string {
		t.Helper()
		return ts.mustAWS(t, ts.Root, args...)
	}
	f.s3("s3", "mb", "s3://clinic-scribe")
	role := createRole(t, ts, "ConnectHealthServiceRole", healthSeed(t, "connect-health--service-role-trust.json", f.account, simDomain),
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::clinic-scribe/*"}]}`)
	// The domain and subscription are made over the wire rather than with
	// the CLI, which is slow to start; the CLI reads the sessions.
	resp, body := signedHealthRequest(t, ts, ts.Root, http.MethodPost, "/domain",
		`{"name":"clinic","webAppSetupConfiguration":{"ehrRole":"`+role+`","idcInstanceId":"ssoins-1234","idcRegion":"us-east-1"}}`)
	var d struct{ DomainId, Arn, SubscriptionId string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &d) != nil {
		t.Fatalf("CreateDomain: %d %s", resp.StatusCode, body)
	}
	f.domainID, f.domainARN = d.DomainId, d.Arn
	// The trust policy names the domain, as the documentation's does.
	if _, err := ts.iam(ts.Root).UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("ConnectHealthServiceRole"),
		PolicyDocument: aws.String(healthSeed(t, "connect-health--service-role-trust.json", f.account, f.domainID))}); err != nil {
		t.Fatal(err)
	}
	resp, body = signedHealthRequest(t, ts, ts.Root, http.MethodPost, "/domains/"+f.domainID+"/subscriptions", "{}")
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &d) != nil {
		t.Fatalf("CreateSubscription: %d %s", resp.StatusCode, body)
	}
	f.subID = d.SubscriptionId
	return f
}

func (f *scribeFixture) params(sessionID string) scribeParams {
	return scribeParams{sessionID: sessionID, domainID: f.domainID, subscriptionID: f.subID}
}

// presignWebSocket presigns the WebSocket URL of a session, its parameters
// in the query string, valid for expires seconds; it returns the ws://
// URL and the signature that seeds the signatures of the frames.
func (f *scribeFixture) presignWebSocket(t *testing.T, sessionID, expires string) (string, []byte) {
	t.Helper()
	q := url.Values{}
	for header, param := range map[string]string{"x-amzn-medscribe-session-id": "session-id", "x-amzn-medscribe-domain-id": "domain-id",
		"x-amzn-medscribe-subscription-id": "subscription-id", "x-amzn-medscribe-language-code": "language-code",
		"x-amzn-medscribe-sample-rate": "sample-rate", "x-amzn-medscribe-media-encoding": "media-encoding"} {
		q.Set(param, f.params(sessionID).headers()[header])
	}
	q.Set("X-Amz-Expires", expires)
	req, err := http.NewRequest(http.MethodGet, f.ts.Endpoint+"/medical-scribe-stream-websocket?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	empty := sha256.Sum256(nil)
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), f.ts.Root, req, hex.EncodeToString(empty[:]), "health-agent", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := hex.DecodeString(u.Query().Get("X-Amz-Signature"))
	if err != nil || len(seed) == 0 {
		t.Fatalf("presigned URL %s: signature %q", signed, u.Query().Get("X-Amz-Signature"))
	}
	return "ws" + strings.TrimPrefix(signed, "http"), seed
}

// session reads a session with GetMedicalScribeListeningSession, signed as
// the SDKs sign it.
func (f *scribeFixture) session(t *testing.T, sessionID string) map[string]any {
	t.Helper()
	resp, body := signedHealthRequest(t, f.ts, f.ts.Root, http.MethodGet,
		"/medical-scribe-stream/domain/"+f.domainID+"/subscription/"+f.subID+"/session/"+sessionID, "")
	out := map[string]any{}
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("GetMedicalScribeListeningSession: %d %s", resp.StatusCode, body)
	}
	return out
}

// sessionCLI reads a session with the aws CLI.
func (f *scribeFixture) sessionCLI(t *testing.T, sessionID string) map[string]any {
	t.Helper()
	return f.ts.mustHealth(t, f.ts.Root, "get-medical-scribe-listening-session", "--domain-id", f.domainID,
		"--subscription-id", f.subID, "--session-id", sessionID)
}

// pcm is synthetic audio: a byte pattern, not speech.
func pcm(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

func TestE2EScribeSession(t *testing.T) {
	f := newScribeFixture(t)
	const sessionID = "0f8fad5b-d9cb-469f-a165-70867728950e"
	st, resp := openScribe(t, f.ts, f.ts.Root, f.params(sessionID))
	if st == nil {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("StartMedicalScribeListeningSession: %d %s", resp.StatusCode, b)
	}
	for k, v := range f.params(sessionID).headers() {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("response header %s = %q, want %q", k, got, v)
		}
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.amazon.eventstream" {
		t.Errorf("Content-Type %q", ct)
	}
	chunks := [][]byte{pcm(32000, 1), pcm(32000, 2), pcm(1000, 3)}
	st.send(configEvent(t, f.outputURI), audioEvent(t, chunks[0]), binaryAudioEvent(t, chunks[1]), audioEvent(t, chunks[2]), endOfSession(t))
	if got := str(f.session(t, sessionID), "medicalScribeListeningSessionDetails", "streamStatus"); got != "IN_PROGRESS" {
		t.Errorf("while streaming, streamStatus = %s", got)
	}
	st.finish()
	events := st.events()
	if len(events) != 1 || header(events[0], eventstream.EventTypeHeader) != "transcriptEvent" {
		t.Fatalf("events %v", events)
	}
	var transcript struct {
		TranscriptSegment struct {
			Content        string
			AudioEndOffset float64
		}
	}
	if err := json.Unmarshal(events[0].Payload, &transcript); err != nil || !strings.Contains(transcript.TranscriptSegment.Content, "Warden does not transcribe") ||
		transcript.TranscriptSegment.AudioEndOffset != float64(65000/2)/16000 {
		t.Errorf("transcript event %s", events[0].Payload)
	}

	details := f.sessionCLI(t, sessionID)
	prefix := f.outputURI + "/health-agent-listening-session/" + f.domainID + "/" + f.subID + "/" + sessionID + "/post-stream-action/"
	if str(details, "medicalScribeListeningSessionDetails", "streamStatus") != "COMPLETED" ||
		str(details, "medicalScribeListeningSessionDetails", "postStreamActionSettings", "outputS3Uri") != f.outputURI ||
		str(details, "medicalScribeListeningSessionDetails", "postStreamActionResult", "clinicalNoteGenerationResult", "transcriptResult", "outputLocation") != prefix+"session.json" ||
		!strings.Contains(str(details, "medicalScribeListeningSessionDetails", "postStreamActionResult", "clinicalNoteGenerationResult", "transcriptResult", "failureReason"), prefix+"audio.pcm") {
		t.Fatalf("get-medical-scribe-listening-session = %v", details)
	}
	dir := t.TempDir()
	f.s3("s3", "cp", "--recursive", prefix, dir)
	audio, _ := os.ReadFile(filepath.Join(dir, "audio.pcm"))
	if !bytes.Equal(audio, bytes.Join(chunks, nil)) {
		t.Errorf("the stored audio (%d bytes) is not what was sent", len(audio))
	}
	record, _ := os.ReadFile(filepath.Join(dir, "session.json"))
	sum := sha256.Sum256(audio)
	if !strings.Contains(string(record), hex.EncodeToString(sum[:])) || !strings.Contains(string(record), "does not transcribe") {
		t.Errorf("session record:\n%s", record)
	}

	// A session ID is used once in a subscription.
	_, resp = openScribe(t, f.ts, f.ts.Root, f.params(sessionID))
	wantHTTPError(t, resp, http.StatusBadRequest, "ValidationException", "already exists")
}

// wantHTTPError checks a refused opening request.
func wantHTTPError(t *testing.T, resp *http.Response, status int, code, part string) {
	t.Helper()
	if resp == nil {
		t.Fatalf("the stream opened; want %d %s", status, code)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || resp.Header.Get("X-Amzn-Errortype") != code || !strings.Contains(string(b), part) {
		t.Fatalf("got %d %s %s; want %d %s containing %q", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), b, status, code, part)
	}
}

// Frames that are altered, replayed or too old end the stream with
// InvalidSignatureException and fail the session; so does audio beyond
// the model's limits, with the model's validationException.
func TestE2EScribeRefusedFrames(t *testing.T) {
	f := newScribeFixture(t)
	for _, tt := range []struct {
		name, sessionID string
		run             func(st *scribeStream)
		code, part      string
	}{
		{"corrupted", "10000000-0000-4000-8000-000000000001", func(st *scribeStream) {
			st.send(configEvent(t, f.outputURI))
			// A signed frame whose event is changed after signing, its
			// checksums recomputed.
			frame := st.sign(audioEvent(t, pcm(100, 1)))
			msg, err := eventstream.NewDecoder().Decode(bytes.NewReader(frame), nil)
			if err != nil {
				t.Fatal(err)
			}
			msg.Payload = audioEvent(t, pcm(100, 9))
			var b bytes.Buffer
			if err := eventstream.NewEncoder().Encode(&b, msg); err != nil {
				t.Fatal(err)
			}
			st.write(b.Bytes())
		}, "InvalidSignatureException", "does not match"},
		{"replayed", "10000000-0000-4000-8000-000000000002", func(st *scribeStream) {
			st.send(configEvent(t, f.outputURI), audioEvent(t, pcm(100, 1)))
			st.write(st.sent[1])
		}, "InvalidSignatureException", "replayed"},
		{"too old", "10000000-0000-4000-8000-000000000003", func(st *scribeStream) {
			st.send(configEvent(t, f.outputURI))
			st.clock = func() time.Time { return time.Now().Add(-6 * time.Minute) }
			st.send(audioEvent(t, pcm(100, 1)))
		}, "InvalidSignatureException", "Signature expired"},
		{"chunk too large", "10000000-0000-4000-8000-000000000004", func(st *scribeStream) {
			st.send(configEvent(t, f.outputURI), binaryAudioEvent(t, pcm(32001, 1)))
		}, "validationException", "32001 bytes exceeds the maximum of 32000"},
		{"audio first", "10000000-0000-4000-8000-000000000005", func(st *scribeStream) {
			st.send(audioEvent(t, pcm(100, 1)))
		}, "validationException", "configuration event before any audio"},
		{"bad checksum", "10000000-0000-4000-8000-000000000006", func(st *scribeStream) {
			frame := st.sign(configEvent(t, f.outputURI))
			frame[len(frame)-1] ^= 0xff
			st.write(frame)
		}, "SerializationException", "checksum"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, resp := openScribe(t, f.ts, f.ts.Root, f.params(tt.sessionID))
			if st == nil {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("open: %d %s", resp.StatusCode, b)
			}
			tt.run(st)
			st.finish()
			wantStreamError(t, st.events(), tt.code, tt.part)
			details := f.session(t, tt.sessionID)
			if got := str(details, "medicalScribeListeningSessionDetails", "streamStatus"); got != "FAILED" {
				t.Errorf("streamStatus = %s", got)
			}
			if reason := str(details, "medicalScribeListeningSessionDetails", "postStreamActionResult", "clinicalNoteGenerationResult", "transcriptResult", "failureReason"); !strings.Contains(reason, tt.part) {
				t.Errorf("failureReason = %q", reason)
			}
		})
	}
}

// Before the stream starts: no ACTIVE subscription, a policy that does not
// allow the domain, a sample rate beyond the model's range.
func TestE2EScribeRefusedStart(t *testing.T) {
	f := newScribeFixture(t)
	ts := f.ts
	createUsers(t, ts, "clinician")
	putUserPolicy(t, ts, "clinician", "other-domain", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"health-agent:StartMedicalScribeListeningSession","Resource":"arn:aws:health-agent:*:*:domain/dom-0000000000000000*"}]}`)
	_, resp := openScribe(t, ts, userCredentials(t, ts, "clinician"), f.params("20000000-0000-4000-8000-000000000001"))
	wantHTTPError(t, resp, http.StatusUnauthorized, "AccessDeniedException",
		denied(f.account, "clinician", "health-agent:StartMedicalScribeListeningSession", f.domainARN, "because no identity-based policy allows"))

	p := f.params("20000000-0000-4000-8000-000000000002")
	p.sampleRate = "96000"
	_, resp = openScribe(t, ts, ts.Root, p)
	wantHTTPError(t, resp, http.StatusBadRequest, "ValidationException", "mediaSampleRateHertz")

	if resp, body := signedHealthRequest(t, ts, ts.Root, http.MethodPost, "/domains/"+f.domainID+"/subscriptions/"+f.subID+"/deactivate", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("DeactivateSubscription: %d %s", resp.StatusCode, body)
	}
	_, resp = openScribe(t, ts, ts.Root, f.params("20000000-0000-4000-8000-000000000003"))
	wantHTTPError(t, resp, http.StatusBadRequest, "ValidationException", "ACTIVE subscription")
}

// The WebSocket variant: a presigned URL of at most 60 seconds, the same
// frames in binary messages, a normal close when the session ends well.
func TestE2EScribeWebSocket(t *testing.T) {
	f := newScribeFixture(t)
	const sessionID = "30000000-0000-4000-8000-000000000001"
	presign := func(expires string) (string, []byte) {
		t.Helper()
		return f.presignWebSocket(t, sessionID, expires)
	}

	long, _ := presign("300")
	_, resp, err := websocket.Dial(t.Context(), long, nil)
	if err == nil || resp == nil || resp.StatusCode == http.StatusSwitchingProtocols {
		t.Fatalf("a URL good for 300 seconds opened a stream: %v", err)
	}

	u, seed := presign("60")
	conn, _, err := websocket.Dial(t.Context(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	st := &scribeStream{t: t, socket: conn, signer: v4.NewStreamSigner(f.ts.Root, "health-agent", "us-east-1", seed)}
	chunk := pcm(16000, 5)
	st.send(configEvent(t, f.outputURI), binaryAudioEvent(t, chunk), endOfSession(t))
	st.finish()
	events := st.events()
	if len(events) != 1 || header(events[0], eventstream.EventTypeHeader) != "transcriptEvent" {
		t.Fatalf("events %v", events)
	}
	if websocket.CloseStatus(st.closed) != websocket.StatusNormalClosure {
		t.Errorf("the server closed with %v; want 1000", st.closed)
	}
	if got := str(f.session(t, sessionID), "medicalScribeListeningSessionDetails", "streamStatus"); got != "COMPLETED" {
		t.Errorf("streamStatus = %s", got)
	}

	// The session parameters are covered by the URL's signature.
	u, _ = presign("60")
	changed := strings.Replace(u, "session-id="+sessionID, "session-id=30000000-0000-4000-8000-000000000002", 1)
	if changed == u {
		t.Fatalf("the URL %s names no session-id to change", u)
	}
	if _, _, err := websocket.Dial(t.Context(), changed, nil); err == nil {
		t.Fatal("a URL changed after it was signed opened a stream")
	}
}

// A replayed frame over WebSocket ends the session with the error event
// and a close status other than 1000.
func TestE2EScribeWebSocketReplay(t *testing.T) {
	f := newScribeFixture(t)
	const sessionID = "30000000-0000-4000-8000-000000000003"
	u, seed := f.presignWebSocket(t, sessionID, "60")
	conn, _, err := websocket.Dial(t.Context(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	st := &scribeStream{t: t, socket: conn, signer: v4.NewStreamSigner(f.ts.Root, "health-agent", "us-east-1", seed)}
	st.send(configEvent(t, f.outputURI), binaryAudioEvent(t, pcm(100, 1)))
	st.write(st.sent[1])
	wantStreamError(t, st.events(), "InvalidSignatureException", "replayed")
	if websocket.CloseStatus(st.closed) != websocket.StatusPolicyViolation {
		t.Errorf("the server closed with %v; want 1008", st.closed)
	}
	if got := str(f.session(t, sessionID), "medicalScribeListeningSessionDetails", "streamStatus"); got != "FAILED" {
		t.Errorf("streamStatus = %s", got)
	}
}
