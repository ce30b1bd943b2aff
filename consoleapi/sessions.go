package consoleapi

import (
	"context"
	"time"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/consoleapi/consoleshapes"
	"github.com/warden-iam/warden/restjson"
)

// findSession looks up the domain and an agent session it names, with
// the session's tags.
func (a *API) findSession(ctx context.Context, c *authz.Caller, domainID, id string) (*domainRef, *resourceRef, *warden.AgentSession, error) {
	d, err := a.findDomain(ctx, c, domainID)
	if err != nil {
		return nil, nil, nil, err
	}
	var session *warden.AgentSession
	ref, err := find(c, d, warden.KindSession, id, func() ([]warden.Tag, error) {
		var err error
		if session, err = a.store.AgentSession(ctx, account(c), c.Region, domainID, id); err != nil {
			return nil, err
		}
		return session.Tags, nil
	})
	return d, ref, session, err
}

// authorizeSession authorizes an operation on an existing session, which
// IAM lists with the Domain and Session resource types.
func (a *API) authorizeSession(ctx context.Context, c *authz.Caller, op *restjson.Operation, d *domainRef, ref *resourceRef) error {
	return a.authorizeExisting(ctx, c, op, d, ref, d.target, ref.target)
}

// createSession is authorized on the new session, the agent and the
// domain (IAM's Agent, Domain and Session resource types). A session runs
// the agent's PUBLISHED version unless the request names another, a draft
// for instance, to try it out.
func (a *API) createSession(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateSessionInput) (*s.CreateSessionOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateHealthTags(tags); err != nil {
		return nil, err
	}
	d, agentRef, agent, err := a.findAgent(ctx, c, in.DomainId, in.AgentId)
	if err != nil {
		return nil, err
	}
	id := warden.NewJobID()
	session := target{arn: warden.ConsoleARN(c.Region, account(c), in.DomainId, warden.KindSession, id)}
	if err := a.authorizeCreate(ctx, c, op, tags, session, agentRef.target, d.target); err != nil {
		return nil, err
	}
	if err := d.active(); err != nil {
		return nil, err
	}
	if agentRef.missing != nil {
		return nil, agentRef.missing
	}
	version := agent.PublishedVersion
	if in.AgentVersion != nil {
		version = int(*in.AgentVersion)
	}
	if version == 0 {
		return nil, warden.Errorf(warden.EValidationError, "Agent %s has no PUBLISHED version; publish one or name the version the session runs.", agent.ID)
	}
	created, err := a.store.CreateAgentSession(ctx, warden.CreateAgentSessionInput{ID: id, DomainID: in.DomainId, AccountID: account(c),
		Region: c.Region, AgentID: agent.ID, AgentVersion: version, Context: in.Context, Tags: tags})
	if err != nil {
		return nil, err
	}
	return &s.CreateSessionOutput{Session: sessionOut(created)}, nil
}

func (a *API) getSessionContext(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetSessionContextInput) (*s.GetSessionContextOutput, error) {
	d, ref, session, err := a.findSession(ctx, c, in.DomainId, in.SessionId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeSession(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	return &s.GetSessionContextOutput{Session: sessionOut(session)}, nil
}

func (a *API) updateSession(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateSessionInput) (*s.UpdateSessionOutput, error) {
	if len(in.Context) == 0 && in.Status == nil {
		return nil, warden.Errorf(warden.EValidationError, "UpdateSession needs context attributes or a status.")
	}
	d, ref, _, err := a.findSession(ctx, c, in.DomainId, in.SessionId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeSession(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	u := warden.AgentSessionUpdate{Context: in.Context}
	if in.Status != nil {
		u.Status = new(warden.AgentSessionStatus(*in.Status))
	}
	updated, err := a.store.UpdateAgentSession(ctx, account(c), c.Region, in.DomainId, in.SessionId, u)
	if err != nil {
		return nil, err
	}
	return &s.UpdateSessionOutput{Session: sessionOut(updated)}, nil
}

// listScribeSessions is authorized on "*": the user guide names no
// resource type for ListMedicalScribeListeningSessions.
func (a *API) listScribeSessions(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListMedicalScribeListeningSessionsInput) (*s.ListMedicalScribeListeningSessionsOutput, error) {
	if err := a.authorize(ctx, c, op.Action, authz.Call{}); err != nil {
		return nil, err
	}
	d, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	if err := d.active(); err != nil {
		return nil, err
	}
	page, err := a.store.ListScribeSessions(ctx, account(c), c.Region, in.DomainId, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListMedicalScribeListeningSessionsOutput{Sessions: make([]s.ScribeSessionSummary, len(page.Items)), NextToken: nextToken(page)}
	for i, ss := range page.Items {
		out.Sessions[i] = s.ScribeSessionSummary{SessionId: ss.ID, SubscriptionId: ss.SubscriptionID, Status: s.ScribeSessionStatus(ss.Status),
			LanguageCode: optional(ss.LanguageCode), MediaEncoding: optional(ss.MediaEncoding), CreatedAt: ss.CreatedAt, EndedAt: optionalTime(ss.EndedAt)}
		if ss.SampleRate > 0 {
			out.Sessions[i].MediaSampleRateHertz = new(int32(ss.SampleRate))
		}
	}
	return out, nil
}

func sessionOut(ss *warden.AgentSession) s.Session {
	ctx := ss.Context
	if ctx == nil {
		ctx = map[string]string{}
	}
	return s.Session{
		SessionId: ss.ID, Arn: ss.ARN(), DomainId: ss.DomainID, AgentId: ss.AgentID, AgentVersion: int32(ss.AgentVersion),
		Status: s.SessionStatus(ss.Status), Context: ctx, CreatedAt: ss.CreatedAt, UpdatedAt: ss.UpdatedAt, EndedAt: optionalTime(ss.EndedAt),
		Tags: tagsOut(ss.Tags),
	}
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
