package warden

import (
	"context"
	"time"
)

// Medical scribe listening sessions of Amazon Connect Health: a clinician's
// audio streamed to a subscription (StartMedicalScribeListeningSession),
// whose artifacts the service writes to the customer's S3 bucket at the
// end. The client chooses the session ID, a UUID, unique within its
// subscription.

// MaxConcurrentScribeSessions bounds the listening sessions an account
// streams at once in a region ("Quotas for Amazon Connect Health":
// concurrent streaming sessions per account).
const MaxConcurrentScribeSessions = 10

// ScribeSessionStatus is where a listening session is: IN_PROGRESS while
// its stream is open, then COMPLETED once its artifacts are written or
// FAILED for good (the model's MedicalScribeStreamStatus; Warden never
// pauses a session).
type ScribeSessionStatus string

const (
	ScribeInProgress ScribeSessionStatus = "IN_PROGRESS"
	ScribeCompleted  ScribeSessionStatus = "COMPLETED"
	ScribeFailed     ScribeSessionStatus = "FAILED"
)

// ScribeSession is a medical scribe listening session of a subscription.
type ScribeSession struct {
	ID             string // the client's UUID
	DomainID       string
	SubscriptionID string
	AccountID      string
	Region         string
	LanguageCode   string
	SampleRate     int
	MediaEncoding  string // pcm or flac
	Status         ScribeSessionStatus
	// Configuration is the session's configuration event as the client
	// sent it (a JSON document the API defines), empty until the session
	// ends. It may hold the encounter's clinical context: stores keep it
	// encrypted.
	Configuration []byte
	// AudioBytes is how much audio the session received.
	AudioBytes int64
	// AudioURI and RecordURI are the s3:// URIs of the artifacts a
	// COMPLETED session wrote: the audio received and the session record.
	AudioURI  string
	RecordURI string
	// FailureReason says why a session FAILED.
	FailureReason string
	CreatedAt     time.Time
	// EndedAt is when the stream ended; zero while IN_PROGRESS.
	EndedAt time.Time
}

// ARN returns the ARN of the session's subscription: IAM names no
// resource type for a listening session, so the service acts for it as
// its subscription.
func (s *ScribeSession) ARN() string {
	return SubscriptionARN(s.Region, s.AccountID, s.DomainID, s.SubscriptionID)
}

// ScribeSessionEnd is how a listening session ended.
type ScribeSessionEnd struct {
	Status        ScribeSessionStatus // COMPLETED or FAILED
	Configuration []byte
	AudioBytes    int64
	AudioURI      string
	RecordURI     string
	FailureReason string
}

// ScribeSessionService keeps medical scribe listening sessions. Lookups
// are scoped to an account and a region like HealthService's. It does not
// authorize: callers decide who may do what first.
type ScribeSessionService interface {
	// CreateScribeSession stores a new IN_PROGRESS session of an ACTIVE
	// subscription of an ACTIVE domain; the session's Status, times and
	// results are set by the store.
	//
	// Returns NoSuchEntity for the domain or the subscription,
	// ValidationError when either is not ACTIVE, EntityAlreadyExists when
	// the subscription already has a session with the ID, and
	// LimitExceeded when the account already streams
	// MaxConcurrentScribeSessions sessions in the region.
	CreateScribeSession(ctx context.Context, s *ScribeSession) (*ScribeSession, error)

	// ScribeSession returns a session of a subscription, with its
	// configuration.
	//
	// Returns NoSuchEntity.
	ScribeSession(ctx context.Context, account, region, domainID, subscriptionID, id string) (*ScribeSession, error)

	// EndScribeSession moves an IN_PROGRESS session to COMPLETED or FAILED
	// with its results and the time it ended.
	//
	// Returns NoSuchEntity, and ValidationError for a session that has
	// already ended or another status.
	EndScribeSession(ctx context.Context, account, region, domainID, subscriptionID, id string, end ScribeSessionEnd) (*ScribeSession, error)

	// ListScribeSessions lists the sessions of every subscription of a
	// domain in the order they were created, without their configuration.
	//
	// Returns NoSuchEntity for the domain and InvalidInput for a marker it
	// did not issue.
	ListScribeSessions(ctx context.Context, account, region, domainID string, opts ListOptions) (*Page[*ScribeSession], error)

	// FailUnfinishedScribeSessions moves every session, of any account and
	// region, that was created before the given time and is still
	// IN_PROGRESS to FAILED with reason: the streams of a stopped server are
	// gone, and a session left IN_PROGRESS would hold a place in the quota
	// for good. It returns how many it moved.
	FailUnfinishedScribeSessions(ctx context.Context, before time.Time, reason string) (int, error)
}
