package healthapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// Medical scribe listening sessions (StartMedicalScribeListeningSession):
// the transport delivers the verified input events of a stream one by one;
// a session takes its configuration, then audio, then END_OF_SESSION, and
// when the stream ends writes what it received to the configured S3
// output as the domain's role ("Amazon Connect Health ambient
// documentation: streaming"). Warden does not transcribe or write
// clinical notes: the one transcript event it sends, and the artifacts'
// results, say so.

// Limits of the input stream. The chunk size and the sample rates are the
// model's and the documentation's ("32,000 bytes hard maximum" per audio
// chunk); the session's total is Warden's, since it keeps the audio in
// memory until the session ends (four hours of 16 kHz 16-bit mono).
const (
	maxAudioChunk   = 32000
	minSampleRate   = 8000
	maxSampleRate   = 48000
	maxSessionAudio = 512 << 20
)

// scribeNotice is what Warden says in place of a transcript.
const scribeNotice = "Warden does not transcribe audio: this session's audio was stored as received, not transcribed."

// eventStream is the stream a transport hands events to. It is the same
// unnamed interface type as httpapi.Stream, spelled out so that this
// package does not depend on the transport.
type eventStream = interface {
	Event(ctx context.Context, eventType, contentType string, payload []byte, send func(eventType string, payload []byte) error) error
	End(ctx context.Context, cause error, send func(eventType string, payload []byte) error) (failure error, exception string)
}

// webSocketPath is where the WebSocket variant of
// StartMedicalScribeListeningSession is served, and webSocketParams the
// query parameters that carry its header-bound members (connecthealth API
// reference: "WebSocket streaming"; the parameter names are those of the
// headers without their x-amzn-medscribe- prefix).
const webSocketPath = "/medical-scribe-stream-websocket"

var webSocketParams = map[string]string{
	"x-amzn-medscribe-session-id":      "session-id",
	"x-amzn-medscribe-domain-id":       "domain-id",
	"x-amzn-medscribe-subscription-id": "subscription-id",
	"x-amzn-medscribe-language-code":   "language-code",
	"x-amzn-medscribe-sample-rate":     "sample-rate",
	"x-amzn-medscribe-media-encoding":  "media-encoding",
}

// WebSocketStream names StartMedicalScribeListeningSession for its
// WebSocket path.
func (a *API) WebSocketStream(path string) (*restjson.Operation, map[string]string, bool) {
	if path != webSocketPath {
		return nil, nil, false
	}
	return s.Service.Operations["StartMedicalScribeListeningSession"], webSocketParams, true
}

// OpenStream starts a listening session: the caller must be allowed
// health-agent:StartMedicalScribeListeningSession on the domain and the
// subscription (with the domain's tags), the subscription must be ACTIVE,
// and the account must stream fewer than MaxConcurrentScribeSessions
// sessions.
//
// Returns NotImplemented for any other operation, AccessDenied,
// NoSuchEntity, ValidationError (a subscription that is not ACTIVE, a
// session ID already used in the subscription, a sample rate the media
// encoding does not allow) and LimitExceeded.
func (a *API) OpenStream(ctx context.Context, c *authz.Caller, op *restjson.Operation, input restjson.Input) (eventStream, restjson.Output, error) {
	in, ok := input.(*s.StartMedicalScribeListeningSessionInput)
	if !ok || op.Name != "StartMedicalScribeListeningSession" {
		return nil, nil, warden.Errorf(warden.ENotImplemented, "Warden does not serve the streaming operation %s.", op.Name)
	}
	if c.Region == "" {
		return nil, nil, warden.Errorf(warden.EValidationError, "The request names no region.")
	}
	ref, err := a.findSubscription(ctx, c, in.DomainId, in.SubscriptionId)
	if err != nil {
		return nil, nil, err
	}
	if err := a.authorizeSubscription(ctx, c, op, ref); err != nil {
		return nil, nil, err
	}
	if ref.missing != nil {
		return nil, nil, ref.missing
	}
	session, err := a.store.CreateScribeSession(ctx, &warden.ScribeSession{
		ID: in.SessionId, DomainID: in.DomainId, SubscriptionID: in.SubscriptionId, AccountID: account(c), Region: c.Region,
		LanguageCode: string(in.LanguageCode), SampleRate: int(in.MediaSampleRateHertz), MediaEncoding: string(in.MediaEncoding),
	})
	if warden.ErrorCode(err) == warden.EEntityAlreadyExists {
		// The model declares no ConflictException for this operation.
		return nil, nil, warden.Errorf(warden.EValidationError, "Session %s already exists in subscription %s; start a new session with a new ID.",
			in.SessionId, in.SubscriptionId)
	}
	if err != nil {
		return nil, nil, err
	}
	out := &s.StartMedicalScribeListeningSessionOutput{
		SessionId: new(in.SessionId), DomainId: new(in.DomainId), SubscriptionId: new(in.SubscriptionId),
		LanguageCode: new(in.LanguageCode), MediaSampleRateHertz: new(in.MediaSampleRateHertz), MediaEncoding: new(in.MediaEncoding),
	}
	return &scribeStream{api: a, session: session}, out, nil
}

// scribeStream is one listening session while its stream is open. The
// transport calls it from one goroutine.
type scribeStream struct {
	api     *API
	session *warden.ScribeSession

	config    *s.MedicalScribeConfigurationEvent
	configRaw []byte
	audio     bytes.Buffer
	// endOfSession is set by the END_OF_SESSION event: no audio may follow.
	endOfSession bool
	ended        bool
}

// Event takes one input event of MedicalScribeInputStream.
//
// Returns ValidationError for an event the session does not accept there
// or that breaks the model's limits, and SerializationException for a
// payload that is not the event's JSON.
func (st *scribeStream) Event(_ context.Context, eventType, contentType string, payload []byte, _ func(string, []byte) error) error {
	switch eventType {
	case "configurationEvent":
		return st.configure(payload)
	case "audioEvent":
		var ev audioEventInput
		if err := decodeEvent(payload, &ev); err != nil {
			return err
		}
		return st.addAudio(ev.AudioChunk)
	case "binaryAudioEvent":
		// The audio is the payload itself (connecthealth API reference:
		// MedicalScribeBinaryAudioEvent, added to the SDK models in 2026).
		return st.addAudio(payload)
	case "sessionControlEvent":
		var ev sessionControlInput
		if err := decodeEvent(payload, &ev); err != nil {
			return err
		}
		if ev.Type == nil {
			return warden.Errorf(warden.EValidationError, "A session control event needs a type: END_OF_SESSION.")
		}
		if st.config == nil {
			return warden.Errorf(warden.EValidationError, "The session ended before its configuration event.")
		}
		st.endOfSession = true
		return nil
	}
	return warden.Errorf(warden.EValidationError, "%q is not an event of MedicalScribeInputStream: send configurationEvent, audioEvent, binaryAudioEvent or sessionControlEvent.", eventType)
}

// configure takes the configuration event, which comes first and once.
func (st *scribeStream) configure(payload []byte) error {
	if st.config != nil {
		return warden.Errorf(warden.EValidationError, "The session is already configured; send one configuration event, first.")
	}
	var ev configurationInput
	if err := decodeEvent(payload, &ev); err != nil {
		return err
	}
	// The decoder holds the event to the model: required members, the
	// template union's one member, two channel definitions.
	c := &ev.MedicalScribeConfigurationEvent
	if len(c.ChannelDefinitions) == 2 && c.ChannelDefinitions[0].ChannelId == c.ChannelDefinitions[1].ChannelId {
		return warden.Errorf(warden.EValidationError, "channelDefinitions must define channels 0 and 1 once each.")
	}
	st.config, st.configRaw = c, bytes.Clone(payload)
	return nil
}

// addAudio takes one chunk of audio.
func (st *scribeStream) addAudio(chunk []byte) error {
	switch {
	case st.config == nil:
		return warden.Errorf(warden.EValidationError, "Send the configuration event before any audio.")
	case st.endOfSession:
		return warden.Errorf(warden.EValidationError, "The session has ended (END_OF_SESSION); no audio may follow.")
	case len(chunk) > maxAudioChunk:
		return warden.Errorf(warden.EValidationError, "An audio chunk of %d bytes exceeds the maximum of %d bytes.", len(chunk), maxAudioChunk)
	case st.audio.Len()+len(chunk) > maxSessionAudio:
		return warden.Errorf(warden.EValidationError, "The session's audio exceeds the %d bytes Warden keeps for one session.", maxSessionAudio)
	}
	st.audio.Write(chunk)
	return nil
}

// End ends the session: a stream that ended cleanly has its artifacts
// written and the session COMPLETED (FAILED when they cannot be written);
// one that ended on an error is FAILED with it. The session is recorded
// either way, and the transport is told what failed and as which member
// of MedicalScribeOutputStream.
func (st *scribeStream) End(ctx context.Context, cause error, send func(string, []byte) error) (error, string) {
	if st.ended {
		return cause, exceptionMember(cause)
	}
	st.ended = true
	a, ss := st.api, st.session
	end := warden.ScribeSessionEnd{Status: warden.ScribeFailed, Configuration: st.configRaw, AudioBytes: int64(st.audio.Len())}
	failure := cause
	switch {
	case cause != nil:
		end.FailureReason = warden.ErrorMessage(cause)
	case st.config == nil:
		failure = warden.Errorf(warden.EValidationError, "The stream ended before the session's configuration event.")
		end.FailureReason = warden.ErrorMessage(failure)
	default:
		end.AudioURI, end.RecordURI, end.FailureReason = a.writeArtifacts(ctx, st)
		if end.FailureReason == "" {
			end.Status = warden.ScribeCompleted
			notice, err := json.Marshal(s.MedicalScribeTranscriptEvent{TranscriptSegment: &s.MedicalScribeTranscriptSegment{
				SegmentId: new("warden-" + ss.ID), AudioBeginOffset: new(0.0), AudioEndOffset: new(st.duration()),
				IsPartial: new(false), ChannelId: new("ch_0"), Content: new(scribeNotice),
			}})
			if err == nil {
				_ = send("transcriptEvent", notice) // a client that left still has its artifacts
			}
		}
	}
	if _, err := a.store.EndScribeSession(ctx, ss.AccountID, ss.Region, ss.DomainID, ss.SubscriptionID, ss.ID, end); err != nil {
		a.opts.Logger.Error("healthapi: recording the end of a listening session", "session", ss.ID, "subscription", ss.ARN(), "error", err)
		if failure == nil {
			failure = &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Err: err}
		}
	}
	return failure, exceptionMember(failure)
}

// exceptionMember is the member of MedicalScribeOutputStream that reports
// err, "" when the union has none for it (a signature failure, for one).
func exceptionMember(err error) string {
	switch s.Service.ErrorType(warden.ErrorCode(err)) {
	case "ValidationException":
		return "validationException"
	case "InternalServerException":
		return "internalFailureException"
	}
	return ""
}

// duration is the audio's length in seconds, for PCM (16-bit samples);
// zero for FLAC, whose length Warden does not decode.
func (st *scribeStream) duration() float64 {
	if st.session.MediaEncoding != string(s.MedicalScribeMediaEncodingPcm) || st.session.SampleRate <= 0 {
		return 0
	}
	return float64(st.audio.Len()/2) / float64(st.session.SampleRate)
}

// artifactPrefix is where a session's artifacts go under its output URI
// (the documentation's
// {outputS3Uri}/health-agent-listening-session/{domain}/{subscription}/{session}/post-stream-action/).
func artifactPrefix(outputURI string, ss *warden.ScribeSession) string {
	return strings.TrimSuffix(outputURI, "/") + "/health-agent-listening-session/" + ss.DomainID + "/" + ss.SubscriptionID + "/" + ss.ID + "/post-stream-action/"
}

// writeArtifacts writes the audio received, as one object, and the
// session record as the domain's role, which the service assumes as
// health-agent.amazonaws.com with aws:SourceArn the session's
// subscription and aws:SourceAccount its account, so that the role's
// trust policy decides ("The confused deputy problem", IAM User Guide).
// It returns the objects' URIs, or why they could not be written.
func (a *API) writeArtifacts(ctx context.Context, st *scribeStream) (audioURI, recordURI, failure string) {
	ss := st.session
	if a.opts.Storage == nil {
		return "", "", "Warden was started without an object store; the session's artifacts cannot be written."
	}
	caller, failure := AssumeDomainRole(ctx, a.store, a.opts.Roles, a.opts.Now(), RoleWork{
		Account: ss.AccountID, Region: ss.Region, DomainID: ss.DomainID, SourceARN: ss.ARN(),
		SessionName: "medical-scribe-" + ss.ID, Purpose: "write the session's artifacts with",
	})
	if failure != "" {
		return "", "", failure
	}
	prefix := artifactPrefix(st.config.PostStreamActionSettings.OutputS3Uri, ss)
	audioURI, contentType := prefix+"audio.pcm", "application/octet-stream"
	if ss.MediaEncoding == string(s.MedicalScribeMediaEncodingFlac) {
		audioURI, contentType = prefix+"audio.flac", "audio/flac"
	}
	recordURI = prefix + "session.json"
	sum := sha256.Sum256(st.audio.Bytes())
	record, err := json.MarshalIndent(sessionRecord{
		SessionID: ss.ID, DomainID: ss.DomainID, SubscriptionID: ss.SubscriptionID, LanguageCode: ss.LanguageCode,
		MediaSampleRateHertz: ss.SampleRate, MediaEncoding: ss.MediaEncoding,
		ChannelDefinitions: st.config.ChannelDefinitions, PostStreamActionSettings: settingsOut(st.config.PostStreamActionSettings),
		EncounterContextProvided: st.config.EncounterContext != nil,
		Audio:                    audioSummary{URI: audioURI, Bytes: st.audio.Len(), SHA256: hex.EncodeToString(sum[:]), DurationSeconds: st.duration()},
		StreamCreationTime:       ss.CreatedAt, StreamEndTime: a.opts.Now().UTC(),
		Note: "Warden runs the session's data handling as Amazon Connect Health does and records what it received; it does not transcribe or write clinical notes.",
	}, "", "  ")
	if err != nil {
		return "", "", "An internal error occurred."
	}
	if err := a.opts.Storage.PutObject(ctx, caller, audioURI, contentType, st.audio.Bytes()); err != nil {
		return "", "", fmt.Sprintf("Could not write %s: %s", audioURI, DeniedWording(err, "s3:PutObject"))
	}
	if err := a.opts.Storage.PutObject(ctx, caller, recordURI, "application/json", record); err != nil {
		return "", "", fmt.Sprintf("Could not write %s: %s", recordURI, DeniedWording(err, "s3:PutObject"))
	}
	return audioURI, recordURI, ""
}

// sessionRecord is the session record a session writes beside its audio.
type sessionRecord struct {
	SessionID                string                                           `json:"sessionId"`
	DomainID                 string                                           `json:"domainId"`
	SubscriptionID           string                                           `json:"subscriptionId"`
	LanguageCode             string                                           `json:"languageCode"`
	MediaSampleRateHertz     int                                              `json:"mediaSampleRateHertz"`
	MediaEncoding            string                                           `json:"mediaEncoding"`
	ChannelDefinitions       []s.MedicalScribeChannelDefinition               `json:"channelDefinitions,omitempty"`
	PostStreamActionSettings *s.MedicalScribePostStreamActionSettingsResponse `json:"postStreamActionSettings"`
	EncounterContextProvided bool                                             `json:"encounterContextProvided"`
	Audio                    audioSummary                                     `json:"audio"`
	StreamCreationTime       time.Time                                        `json:"streamCreationTime"`
	StreamEndTime            time.Time                                        `json:"streamEndTime"`
	Note                     string                                           `json:"note"`
}

type audioSummary struct {
	URI             string  `json:"uri"`
	Bytes           int     `json:"bytes"`
	SHA256          string  `json:"sha256"`
	DurationSeconds float64 `json:"durationSeconds,omitempty"`
}

// settingsOut is the post-stream settings as responses show them: the
// template's type, not a custom template's instructions.
func settingsOut(in s.MedicalScribePostStreamActionSettings) *s.MedicalScribePostStreamActionSettingsResponse {
	out := &s.MedicalScribePostStreamActionSettingsResponse{OutputS3Uri: in.OutputS3Uri}
	tmpl := in.ClinicalNoteGenerationSettings.NoteTemplateSettings
	switch {
	case tmpl.ManagedTemplate != nil:
		out.ClinicalNoteGenerationSettings.NoteTemplateSettings = &s.NoteTemplateSettingsResponse{
			ManagedTemplate: &s.ManagedTemplateResponse{TemplateType: new(tmpl.ManagedTemplate.TemplateType)}}
	case tmpl.CustomTemplate != nil:
		out.ClinicalNoteGenerationSettings.NoteTemplateSettings = &s.NoteTemplateSettingsResponse{
			CustomTemplate: &s.CustomTemplateResponse{TemplateType: new(tmpl.CustomTemplate.TemplateType)}}
	}
	return out
}

// failInterruptedSessions fails the listening sessions a stopped server
// left IN_PROGRESS: their streams are gone.
func (a *API) failInterruptedSessions(ctx context.Context) error {
	n, err := a.store.FailUnfinishedScribeSessions(ctx, a.created, "The session's stream was cut when Warden stopped.")
	if n > 0 {
		a.opts.Logger.Info("healthapi: failed listening sessions interrupted by a restart", "sessions", n)
	}
	return err
}

// getMedicalScribeListeningSession describes a listening session of a
// subscription, once the caller is allowed on the domain and the
// subscription.
func (a *API) getMedicalScribeListeningSession(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetMedicalScribeListeningSessionInput) (*s.GetMedicalScribeListeningSessionOutput, error) {
	ref, err := a.findSubscription(ctx, c, in.DomainId, in.SubscriptionId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeSubscription(ctx, c, op, ref); err != nil {
		return nil, err
	}
	if ref.missing != nil {
		return nil, ref.missing
	}
	ss, err := a.store.ScribeSession(ctx, account(c), c.Region, in.DomainId, in.SubscriptionId, in.SessionId)
	if err != nil {
		return nil, err
	}
	return &s.GetMedicalScribeListeningSessionOutput{MedicalScribeListeningSessionDetails: a.sessionDetails(ss)}, nil
}

// sessionDetails is a session as GetMedicalScribeListeningSession shows
// it. The artifacts' results say what Warden wrote and what it does not
// produce.
func (a *API) sessionDetails(ss *warden.ScribeSession) *s.MedicalScribeListeningSessionDetails {
	out := &s.MedicalScribeListeningSessionDetails{
		SessionId: new(ss.ID), DomainId: new(ss.DomainID), SubscriptionId: new(ss.SubscriptionID),
		LanguageCode: new(s.MedicalScribeLanguageCode(ss.LanguageCode)), MediaSampleRateHertz: new(int32(ss.SampleRate)),
		MediaEncoding: new(s.MedicalScribeMediaEncoding(ss.MediaEncoding)), StreamStatus: new(s.MedicalScribeStreamStatus(ss.Status)),
		StreamCreationTime: new(ss.CreatedAt),
	}
	if !ss.EndedAt.IsZero() {
		out.StreamEndTime = new(ss.EndedAt)
	}
	if len(ss.Configuration) > 0 {
		var config configurationInput
		if err := decodeEvent(ss.Configuration, &config); err == nil {
			out.ChannelDefinitions = config.ChannelDefinitions
			out.PostStreamActionSettings = settingsOut(config.PostStreamActionSettings)
			out.EncounterContextProvided = new(config.EncounterContext != nil)
		} else {
			a.opts.Logger.Error("healthapi: reading a listening session's configuration", "session", ss.ID, "error", err)
		}
	}
	failed := func(reason string) *s.ArtifactDetails {
		return &s.ArtifactDetails{Status: new(s.PostStreamArtifactGenerationStatusFailed), FailureReason: new(reason)}
	}
	switch ss.Status {
	case warden.ScribeCompleted:
		transcript := failed(fmt.Sprintf("Warden does not transcribe audio. It stored the audio received at %s and the session record at %s.", ss.AudioURI, ss.RecordURI))
		transcript.OutputLocation = new(ss.RecordURI)
		notes := "Warden does not generate clinical documentation."
		out.PostStreamActionResult = &s.MedicalScribePostStreamActionsResult{ClinicalNoteGenerationResult: &s.ClinicalNoteGenerationResult{
			TranscriptResult: transcript, NoteResult: failed(notes), AfterVisitSummaryResult: failed(notes)}}
	case warden.ScribeFailed:
		reason := ss.FailureReason
		if reason == "" {
			reason = "The session failed."
		}
		out.PostStreamActionResult = &s.MedicalScribePostStreamActionsResult{ClinicalNoteGenerationResult: &s.ClinicalNoteGenerationResult{
			TranscriptResult: failed(reason), NoteResult: failed(reason), AfterVisitSummaryResult: failed(reason)}}
	}
	return out
}

// Input events are decoded with the model's constraints, as request
// bodies are: each type reads its JSON payload as a request body.
type (
	configurationInput struct {
		s.MedicalScribeConfigurationEvent
	}
	audioEventInput     struct{ s.MedicalScribeAudioEvent }
	sessionControlInput struct {
		s.MedicalScribeSessionControlEvent
	}
)

func (v *configurationInput) DecodeHTTP(d *restjson.Decoder) { v.DecodeJSON(d, d.Body()) }
func (v *audioEventInput) DecodeHTTP(d *restjson.Decoder)    { v.DecodeJSON(d, d.Body()) }
func (v *sessionControlInput) DecodeHTTP(d *restjson.Decoder) {
	v.DecodeJSON(d, d.Body())
}

// decodeEvent reads an event's JSON payload into in. The payload is all
// there is: no URI, query or header.
//
// Returns ValidationError for a constraint of the model the event breaks
// and SerializationException for a payload that is not its JSON.
func decodeEvent(payload []byte, in restjson.Input) error {
	return restjson.Decode(nil, payload, nil, in)
}
