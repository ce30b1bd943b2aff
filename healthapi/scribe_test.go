package healthapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/healthapi/healthshapes"
)

const scribeOutput = "s3://clinic-out/scribe"

const scribeConfig = `{"postStreamActionSettings":{"outputS3Uri":"` + scribeOutput + `",
	"clinicalNoteGenerationSettings":{"noteTemplateSettings":{"customTemplate":{"templateType":"DAP",
	"templateInstructions":[{"sectionHeader":"Plan","sectionInstruction":"List the next steps."}]}}}},
	"channelDefinitions":[{"channelId":0,"participantRole":"CLINICIAN"},{"channelId":1,"participantRole":"PATIENT"}],
	"encounterContext":{"unstructuredContext":"Follow up visit"}}`

// scribeDomain is a domain whose role the seed's trust policy lets the
// service assume for it, allowed to write the scribe output, with an
// ACTIVE subscription.
func (f *fixture) scribeDomain(t *testing.T, permissions string) (*s.CreateDomainOutput, string) {
	t.Helper()
	d, _ := f.jobDomain(t, "scribe", func(id string) string { return seed(t, "connect-health--service-role-trust.json", id) }, permissions)
	sub := call[*s.CreateSubscriptionOutput](t, f, f.root, "CreateSubscription", &s.CreateSubscriptionInput{DomainId: d.DomainId})
	return d, sub.SubscriptionId
}

func startInput(domainID, subID, sessionID string) *s.StartMedicalScribeListeningSessionInput {
	return &s.StartMedicalScribeListeningSessionInput{SessionId: sessionID, DomainId: domainID, SubscriptionId: subID,
		LanguageCode: s.MedicalScribeLanguageCodeEnUs, MediaSampleRateHertz: 16000, MediaEncoding: s.MedicalScribeMediaEncodingPcm}
}

func (f *fixture) open(t *testing.T, c *authz.Caller, in *s.StartMedicalScribeListeningSessionInput) (eventStream, error) {
	t.Helper()
	st, out, err := f.api.OpenStream(t.Context(), c, s.Service.Operations["StartMedicalScribeListeningSession"], in)
	if err == nil {
		o := out.(*s.StartMedicalScribeListeningSessionOutput)
		if *o.SessionId != in.SessionId || *o.DomainId != in.DomainId || *o.MediaSampleRateHertz != in.MediaSampleRateHertz {
			t.Errorf("output %+v", o)
		}
	}
	return st, err
}

// sent collects what a stream sends.
type sent struct{ events []string }

func (r *sent) send(eventType string, payload []byte) error {
	r.events = append(r.events, eventType+" "+string(payload))
	return nil
}

func (f *fixture) scribeSession(t *testing.T, d *s.CreateDomainOutput, subID, id string) *s.MedicalScribeListeningSessionDetails {
	t.Helper()
	return call[*s.GetMedicalScribeListeningSessionOutput](t, f, f.root, "GetMedicalScribeListeningSession",
		&s.GetMedicalScribeListeningSessionInput{DomainId: d.DomainId, SubscriptionId: subID, SessionId: id}).MedicalScribeListeningSessionDetails
}

func TestScribeSession(t *testing.T) {
	f := newFixture(t)
	d, subID := f.scribeDomain(t, identityDoc(allow("arn:aws:s3:::clinic-out/*", "s3:PutObject")))
	id := warden.NewJobID()
	st, err := f.open(t, f.root, startInput(d.DomainId, subID, id))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var out sent
	chunk := bytes.Repeat([]byte{1, 2}, 8000)
	b64, _ := json.Marshal(map[string]string{"audioChunk": base64.StdEncoding.EncodeToString(chunk)})
	for _, ev := range []struct{ typ, ct, payload string }{
		{"configurationEvent", "application/json", scribeConfig},
		{"audioEvent", "application/json", string(b64)},
		{"binaryAudioEvent", "application/octet-stream", string(chunk)},
		{"sessionControlEvent", "application/json", `{"type":"END_OF_SESSION"}`},
	} {
		if err := st.Event(ctx, ev.typ, ev.ct, []byte(ev.payload), out.send); err != nil {
			t.Fatalf("%s: %v", ev.typ, err)
		}
	}
	if got := f.scribeSession(t, d, subID, id); *got.StreamStatus != s.MedicalScribeStreamStatusInProgress || got.PostStreamActionResult != nil {
		t.Errorf("while streaming: %+v", got)
	}
	failure, _ := st.End(ctx, nil, out.send)
	if failure != nil {
		t.Fatal(failure)
	}
	if len(out.events) != 1 || !strings.HasPrefix(out.events[0], "transcriptEvent ") || !strings.Contains(out.events[0], "Warden does not transcribe") ||
		!strings.Contains(out.events[0], `"audioEndOffset":1`) {
		t.Errorf("sent %v", out.events)
	}

	got := f.scribeSession(t, d, subID, id)
	prefix := scribeOutput + "/health-agent-listening-session/" + d.DomainId + "/" + subID + "/" + id + "/post-stream-action/"
	result := got.PostStreamActionResult.ClinicalNoteGenerationResult
	if *got.StreamStatus != s.MedicalScribeStreamStatusCompleted || got.StreamEndTime == nil || len(got.ChannelDefinitions) != 2 ||
		!*got.EncounterContextProvided || *got.PostStreamActionSettings.ClinicalNoteGenerationSettings.NoteTemplateSettings.CustomTemplate.TemplateType != s.CustomTemplateBaseDap ||
		*result.TranscriptResult.OutputLocation != prefix+"session.json" || !strings.Contains(*result.TranscriptResult.FailureReason, prefix+"audio.pcm") ||
		*result.NoteResult.Status != s.PostStreamArtifactGenerationStatusFailed {
		b, _ := json.Marshal(got)
		t.Fatalf("GetMedicalScribeListeningSession = %s", b)
	}
	audio, ok := f.storage.Object(prefix + "audio.pcm")
	if !ok || !bytes.Equal(audio, append(bytes.Clone(chunk), chunk...)) {
		t.Errorf("audio object: %d bytes, present %v", len(audio), ok)
	}
	record, _ := f.storage.Object(prefix + "session.json")
	if !strings.Contains(string(record), `"bytes": 32000`) || strings.Contains(string(record), "Follow up visit") {
		t.Errorf("session record:\n%s", record)
	}
	// The artifacts were written as the domain's role, assumed by the
	// service for this session.
	for _, caller := range f.storage.Callers() {
		if !strings.Contains(caller, ":assumed-role/scribe/medical-scribe-"+id) {
			t.Errorf("an artifact was written by %s", caller)
		}
	}

	// A session ID is used once in a subscription.
	_, err = f.open(t, f.root, startInput(d.DomainId, subID, id))
	wantError(t, err, warden.EValidationError, "ValidationException", "already exists")
}

func TestScribeEventsRefused(t *testing.T) {
	f := newFixture(t)
	d, subID := f.scribeDomain(t, identityDoc(allow("arn:aws:s3:::clinic-out/*", "s3:PutObject")))
	config := func(st eventStream) error {
		return st.Event(t.Context(), "configurationEvent", "application/json", []byte(scribeConfig), (&sent{}).send)
	}
	for _, tt := range []struct {
		name   string
		events func(st eventStream) error
		code   string
		part   string
	}{
		{"audio before configuration", func(st eventStream) error {
			return st.Event(t.Context(), "binaryAudioEvent", "application/octet-stream", []byte{1}, (&sent{}).send)
		}, warden.EValidationError, "configuration event before any audio"},
		{"chunk too large", func(st eventStream) error {
			if err := config(st); err != nil {
				return err
			}
			return st.Event(t.Context(), "binaryAudioEvent", "application/octet-stream", make([]byte, maxAudioChunk+1), (&sent{}).send)
		}, warden.EValidationError, "32001 bytes exceeds the maximum of 32000"},
		{"second configuration", func(st eventStream) error {
			if err := config(st); err != nil {
				return err
			}
			return config(st)
		}, warden.EValidationError, "already configured"},
		{"audio after END_OF_SESSION", func(st eventStream) error {
			if err := config(st); err != nil {
				return err
			}
			if err := st.Event(t.Context(), "sessionControlEvent", "application/json", []byte(`{"type":"END_OF_SESSION"}`), (&sent{}).send); err != nil {
				return err
			}
			return st.Event(t.Context(), "binaryAudioEvent", "application/octet-stream", []byte{1}, (&sent{}).send)
		}, warden.EValidationError, "no audio may follow"},
		{"unknown event", func(st eventStream) error {
			return st.Event(t.Context(), "transcriptEvent", "application/json", []byte(`{}`), (&sent{}).send)
		}, warden.EValidationError, "not an event of MedicalScribeInputStream"},
		{"bad control type", func(st eventStream) error {
			return st.Event(t.Context(), "sessionControlEvent", "application/json", []byte(`{"type":"PAUSE"}`), (&sent{}).send)
		}, warden.EValidationError, "type"},
		{"both templates", func(st eventStream) error {
			both := strings.Replace(scribeConfig, `"customTemplate"`, `"managedTemplate":{"templateType":"DAP"},"customTemplate"`, 1)
			return st.Event(t.Context(), "configurationEvent", "application/json", []byte(both), (&sent{}).send)
		}, "SerializationException", "exactly one member"},
		{"no template", func(st eventStream) error {
			none := strings.Replace(scribeConfig, `"noteTemplateSettings":{"customTemplate"`, `"noteTemplateSettings":{},"x":{"customTemplate"`, 1)
			return st.Event(t.Context(), "configurationEvent", "application/json", []byte(none), (&sent{}).send)
		}, "SerializationException", "not 0"},
		{"one channel", func(st eventStream) error {
			one := strings.Replace(scribeConfig, `{"channelId":0,"participantRole":"CLINICIAN"},`, "", 1)
			return st.Event(t.Context(), "configurationEvent", "application/json", []byte(one), (&sent{}).send)
		}, warden.EValidationError, "channelDefinitions"},
		{"same channel twice", func(st eventStream) error {
			same := strings.Replace(scribeConfig, `"channelId":1`, `"channelId":0`, 1)
			return st.Event(t.Context(), "configurationEvent", "application/json", []byte(same), (&sent{}).send)
		}, warden.EValidationError, "once each"},
		{"not JSON", func(st eventStream) error {
			return st.Event(t.Context(), "audioEvent", "application/json", []byte(`{"audioChunk":`), (&sent{}).send)
		}, "SerializationException", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := warden.NewJobID()
			st, err := f.open(t, f.root, startInput(d.DomainId, subID, id))
			if err != nil {
				t.Fatal(err)
			}
			err = tt.events(st)
			wantError(t, err, tt.code, "", tt.part)
			failure, exception := st.End(context.WithoutCancel(t.Context()), err, (&sent{}).send)
			if failure != err {
				t.Errorf("End reports %v", failure)
			}
			if want := map[string]string{warden.EValidationError: "validationException"}[tt.code]; exception != want {
				t.Errorf("exception member %q, want %q", exception, want)
			}
			got := f.scribeSession(t, d, subID, id)
			if *got.StreamStatus != s.MedicalScribeStreamStatusFailed ||
				!strings.Contains(*got.PostStreamActionResult.ClinicalNoteGenerationResult.TranscriptResult.FailureReason, tt.part) {
				t.Errorf("session %+v", got)
			}
		})
	}
}

// A session that cannot write its artifacts ends FAILED with the reason,
// and so does one whose stream ended before its configuration.
func TestScribeSessionFails(t *testing.T) {
	f := newFixture(t)
	d, subID := f.scribeDomain(t, identityDoc(allow("arn:aws:s3:::elsewhere/*", "s3:PutObject")))
	ctx := t.Context()

	id := warden.NewJobID()
	st, err := f.open(t, f.root, startInput(d.DomainId, subID, id))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Event(ctx, "configurationEvent", "application/json", []byte(scribeConfig), (&sent{}).send); err != nil {
		t.Fatal(err)
	}
	var out sent
	failure, _ := st.End(ctx, nil, out.send)
	if failure != nil || len(out.events) != 0 {
		t.Errorf("End = %v, sent %v", failure, out.events)
	}
	got := f.scribeSession(t, d, subID, id)
	reason := *got.PostStreamActionResult.ClinicalNoteGenerationResult.TranscriptResult.FailureReason
	if *got.StreamStatus != s.MedicalScribeStreamStatusFailed || !strings.Contains(reason, "s3:PutObject") || !strings.Contains(reason, "because no identity-based policy allows") {
		t.Errorf("streamStatus %s, reason %q", *got.StreamStatus, reason)
	}

	id = warden.NewJobID()
	if st, err = f.open(t, f.root, startInput(d.DomainId, subID, id)); err != nil {
		t.Fatal(err)
	}
	failure, exception := st.End(ctx, nil, out.send)
	wantError(t, failure, warden.EValidationError, "", "before the session's configuration event")
	if exception != "validationException" {
		t.Errorf("exception member %q", exception)
	}
}

// Starting a session is authorized on the domain and the subscription,
// with the domain's tags; it needs an ACTIVE subscription and a place in
// the account's quota of concurrent sessions.
func TestOpenStream(t *testing.T) {
	f := newFixture(t)
	d, subID := f.scribeDomain(t, identityDoc(allow("arn:aws:s3:::clinic-out/*", "s3:PutObject")))
	if _, err := f.run(t, f.root, "TagResource", &s.TagResourceInput{ResourceArn: d.Arn, Tags: map[string]string{"Department": "cardiology"}}); err != nil {
		t.Fatal(err)
	}

	abac := f.user(t, "abac", identityDoc(`{"Effect":"Allow","Action":"health-agent:StartMedicalScribeListeningSession","Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/Department":"${aws:PrincipalTag/Department}"}}}`), warden.Tag{Key: "Department", Value: "cardiology"})
	other := f.user(t, "other", identityDoc(`{"Effect":"Allow","Action":"health-agent:StartMedicalScribeListeningSession","Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/Department":"${aws:PrincipalTag/Department}"}}}`), warden.Tag{Key: "Department", Value: "oncology"})
	subOnly := f.user(t, "subonly", identityDoc(allow(d.Arn+"/subscription/*", "health-agent:StartMedicalScribeListeningSession")))

	_, err := f.open(t, other, startInput(d.DomainId, subID, warden.NewJobID()))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "health-agent:StartMedicalScribeListeningSession", d.Arn)
	// The subscription alone is not enough: the domain is a required
	// resource too.
	_, err = f.open(t, subOnly, startInput(d.DomainId, subID, warden.NewJobID()))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException", "on resource: "+d.Arn+" ")
	// A denied caller learns nothing of what exists.
	_, err = f.open(t, other, startInput(d.DomainId, "sub-000000000000000000000", warden.NewJobID()))
	wantError(t, err, warden.EAccessDenied, "AccessDeniedException")
	_, err = f.open(t, abac, startInput(d.DomainId, "sub-000000000000000000000", warden.NewJobID()))
	wantError(t, err, warden.ENoSuchEntity, "ResourceNotFoundException")

	var open []eventStream
	for range warden.MaxConcurrentScribeSessions {
		st, err := f.open(t, abac, startInput(d.DomainId, subID, warden.NewJobID()))
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, st)
	}
	_, err = f.open(t, abac, startInput(d.DomainId, subID, warden.NewJobID()))
	wantError(t, err, warden.ELimitExceeded, "ServiceQuotaExceededException")
	open[0].End(t.Context(), warden.Errorf(warden.EValidationError, "gone"), (&sent{}).send)
	if _, err := f.open(t, abac, startInput(d.DomainId, subID, warden.NewJobID())); err != nil {
		t.Fatalf("a session that ended still holds its place: %v", err)
	}

	call[*s.DeactivateSubscriptionOutput](t, f, f.root, "DeactivateSubscription", &s.DeactivateSubscriptionInput{DomainId: d.DomainId, SubscriptionId: subID})
	_, err = f.open(t, f.root, startInput(d.DomainId, subID, warden.NewJobID()))
	wantError(t, err, warden.EValidationError, "ValidationException", "ACTIVE subscription")
}

// A restart fails the sessions the last server left streaming, and only
// those.
func TestInterruptedSessionsFail(t *testing.T) {
	f := newFixture(t)
	d, subID := f.scribeDomain(t, identityDoc(allow("arn:aws:s3:::clinic-out/*", "s3:PutObject")))
	id := warden.NewJobID()
	if _, err := f.open(t, f.root, startInput(d.DomainId, subID, id)); err != nil {
		t.Fatal(err)
	}
	restarted := New(f.store, f.az, Options{})
	if err := restarted.failInterruptedSessions(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := f.scribeSession(t, d, subID, id)
	if *got.StreamStatus != s.MedicalScribeStreamStatusFailed ||
		!strings.Contains(*got.PostStreamActionResult.ClinicalNoteGenerationResult.TranscriptResult.FailureReason, "Warden stopped") {
		t.Errorf("session %+v", got)
	}
	id = warden.NewJobID()
	if _, err := f.open(t, f.root, startInput(d.DomainId, subID, id)); err != nil {
		t.Fatal(err)
	}
	if err := restarted.failInterruptedSessions(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := f.scribeSession(t, d, subID, id); *got.StreamStatus != s.MedicalScribeStreamStatusInProgress {
		t.Errorf("a session of the running server was failed: %s", *got.StreamStatus)
	}
}
