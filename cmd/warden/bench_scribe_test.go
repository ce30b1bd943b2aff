package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go/eventstream"

	"github.com/warden-iam/warden"
)

// Thirty minutes of 16 kHz 16-bit mono PCM, sent as the documentation
// advises: about a second of audio per event, 32,000 bytes.
const (
	benchAudioSeconds = 30 * 60
	benchBytesPerSec  = 16000 * 2
	benchChunk        = benchBytesPerSec
)

// BenchmarkScribeStream streams a 30-minute-equivalent session through
// h2c to `warden serve`: each chunk is an audioEvent (base64 in JSON, as
// the SDKs send it) signed frame by frame with aws-sdk-go-v2's stream
// signer, and the session ends with its artifacts written to Warden's S3
// as the domain's role. x-realtime is audio seconds per wall-clock second.
func BenchmarkScribeStream(b *testing.B) {
	ts := startServer(b, "", "--log-format", "json")
	ctx := b.Context()
	user, err := ts.iam(ts.Root).GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		b.Fatal(err)
	}
	account, err := warden.ParseARN(aws.ToString(user.User.Arn))
	if err != nil {
		b.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"health-agent.amazonaws.com"},"Action":"sts:AssumeRole",
		"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:health-agent:us-east-1:` + account.AccountID + `:domain/*"},"StringEquals":{"aws:SourceAccount":"` + account.AccountID + `"}}}]}`
	role, err := ts.iam(ts.Root).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ScribeBench"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ts.iam(ts.Root).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ScribeBench"), PolicyName: aws.String("out"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bench-scribe/*"}]}`)}); err != nil {
		b.Fatal(err)
	}
	bucket, err := http.NewRequest(http.MethodPut, ts.Endpoint+"/bench-scribe", nil)
	if err != nil {
		b.Fatal(err)
	}
	empty := sha256.Sum256(nil)
	bucket.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(empty[:]))
	if err := v4.NewSigner().SignHTTP(ctx, ts.Root, bucket, hex.EncodeToString(empty[:]), "s3", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	if resp, body := send(b, http.DefaultClient, bucket, ""); resp.StatusCode != http.StatusOK {
		b.Fatalf("CreateBucket: %d %s", resp.StatusCode, body)
	}
	domainBody := `{"name":"bench","webAppSetupConfiguration":{"ehrRole":"` + aws.ToString(role.Role.Arn) + `","idcInstanceId":"ssoins-1","idcRegion":"us-east-1"}}`
	resp, body := send(b, http.DefaultClient, healthBenchRequest(b, http.MethodPost, ts.Endpoint+"/domain", domainBody, ts.Root), domainBody)
	var ids struct{ DomainId, SubscriptionId string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &ids) != nil {
		b.Fatalf("CreateDomain: %d %s", resp.StatusCode, body)
	}
	subURL := ts.Endpoint + "/domains/" + ids.DomainId + "/subscriptions"
	resp, body = send(b, http.DefaultClient, healthBenchRequest(b, http.MethodPost, subURL, "{}", ts.Root), "{}")
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &ids) != nil {
		b.Fatalf("CreateSubscription: %d %s", resp.StatusCode, body)
	}

	audio := pcm(benchChunk, 7)
	config := configEvent(b, "s3://bench-scribe/sessions")
	b.SetBytes(benchAudioSeconds * benchBytesPerSec)
	b.ResetTimer()
	for b.Loop() {
		sessionID := warden.NewJobID()
		st, resp := openScribe(b, ts, ts.Root, scribeParams{sessionID: sessionID, domainID: ids.DomainId, subscriptionID: ids.SubscriptionId})
		if st == nil {
			b.Fatalf("StartMedicalScribeListeningSession: %d", resp.StatusCode)
		}
		st.send(config)
		for range benchAudioSeconds * benchBytesPerSec / benchChunk {
			// Signed but not kept: the benchmark replays nothing.
			if _, err := st.body.Write(st.sign(audioEvent(b, audio))); err != nil {
				b.Fatal(err)
			}
		}
		st.send(endOfSession(b))
		st.finish()
		events := st.events()
		if len(events) != 1 || header(events[0], eventstream.EventTypeHeader) != "transcriptEvent" {
			b.Fatalf("the session ended with %d events: %v", len(events), eventsText(events))
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(benchAudioSeconds*b.N)/b.Elapsed().Seconds(), "x-realtime")
}

func eventsText(events []eventstream.Message) string {
	var b bytes.Buffer
	for _, e := range events {
		b.WriteString(header(e, eventstream.MessageTypeHeader) + " " + header(e, eventstream.EventTypeHeader) + header(e, eventstream.ErrorCodeHeader) +
			header(e, eventstream.ExceptionTypeHeader) + ": " + header(e, eventstream.ErrorMessageHeader) + string(e.Payload) + "\n")
	}
	return b.String()
}
