package consoleapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/consoleapi/consoleshapes"
	"github.com/warden-iam/warden/restjson"
)

// findAgent looks up the domain and an agent it names, with the agent's
// tags, at its latest version.
func (a *API) findAgent(ctx context.Context, c *authz.Caller, domainID, id string) (*domainRef, *resourceRef, *warden.Agent, error) {
	d, err := a.findDomain(ctx, c, domainID)
	if err != nil {
		return nil, nil, nil, err
	}
	var agent *warden.Agent
	ref, err := find(c, d, warden.KindAgent, id, func() ([]warden.Tag, error) {
		var err error
		if agent, err = a.store.Agent(ctx, account(c), c.Region, domainID, id, 0); err != nil {
			return nil, err
		}
		return agent.Tags, nil
	})
	return d, ref, agent, err
}

// authorizeAgent authorizes an operation on an existing agent, which IAM
// lists with the Agent and Domain resource types.
func (a *API) authorizeAgent(ctx context.Context, c *authz.Caller, op *restjson.Operation, d *domainRef, ref *resourceRef) error {
	return a.authorizeExisting(ctx, c, op, d, ref, ref.target, d.target)
}

func (a *API) createAgent(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateAgentInput) (*s.CreateAgentOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateHealthTags(tags); err != nil {
		return nil, err
	}
	d, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	id := warden.NewAgentID()
	agent := target{arn: warden.ConsoleARN(c.Region, account(c), in.DomainId, warden.KindAgent, id)}
	if err := a.authorizeCreate(ctx, c, op, tags, agent, d.target); err != nil {
		return nil, err
	}
	if err := d.active(); err != nil {
		return nil, err
	}
	created, err := a.store.CreateAgent(ctx, warden.CreateAgentInput{ID: id, DomainID: in.DomainId, AccountID: account(c), Region: c.Region,
		Name: in.Name, Description: deref(in.Description), Instructions: deref(in.Instructions), Tags: tags})
	if err != nil {
		return nil, err
	}
	return &s.CreateAgentOutput{Agent: agentOut(created)}, nil
}

func (a *API) getAgent(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetAgentInput) (*s.GetAgentOutput, error) {
	d, ref, agent, err := a.findAgent(ctx, c, in.DomainId, in.AgentId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeAgent(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	if in.Version != nil && int(*in.Version) != agent.Version.Version {
		if agent, err = a.store.Agent(ctx, account(c), c.Region, in.DomainId, in.AgentId, int(*in.Version)); err != nil {
			return nil, err
		}
	}
	return &s.GetAgentOutput{Agent: agentOut(agent)}, nil
}

func (a *API) updateAgent(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateAgentInput) (*s.UpdateAgentOutput, error) {
	if in.Name == nil && in.Description == nil && in.Instructions == nil {
		return nil, warden.Errorf(warden.EValidationError, "UpdateAgent needs at least one of name, description and instructions.")
	}
	d, ref, _, err := a.findAgent(ctx, c, in.DomainId, in.AgentId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeAgent(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	agent, err := a.store.UpdateAgent(ctx, account(c), c.Region, in.DomainId, in.AgentId,
		warden.AgentUpdate{Name: in.Name, Description: in.Description, Instructions: in.Instructions})
	if err != nil {
		return nil, err
	}
	agent.Tags = ref.target.tags
	return &s.UpdateAgentOutput{Agent: agentOut(agent)}, nil
}

func (a *API) publishAgent(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.PublishAgentInput) (*s.PublishAgentOutput, error) {
	d, ref, _, err := a.findAgent(ctx, c, in.DomainId, in.AgentId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeAgent(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	version := 0
	if in.Version != nil {
		version = int(*in.Version)
	}
	agent, err := a.store.PublishAgent(ctx, account(c), c.Region, in.DomainId, in.AgentId, version)
	if err != nil {
		return nil, err
	}
	agent.Tags = ref.target.tags
	return &s.PublishAgentOutput{Agent: agentOut(agent)}, nil
}

func (a *API) deleteAgent(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DeleteAgentInput) (restjson.Output, error) {
	d, ref, _, err := a.findAgent(ctx, c, in.DomainId, in.AgentId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeAgent(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	return nil, a.store.DeleteAgent(ctx, account(c), c.Region, in.DomainId, in.AgentId)
}

// listAgents is authorized on the domain alone: IAM lists ListAgents with
// the Domain resource type only.
func (a *API) listAgents(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListAgentsInput) (*s.ListAgentsOutput, error) {
	d, err := a.authorizeDomain(ctx, c, op, in.DomainId)
	if err != nil {
		return nil, err
	}
	page, err := a.store.ListAgents(ctx, account(c), c.Region, d.id, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListAgentsOutput{Agents: make([]s.AgentSummary, len(page.Items)), NextToken: nextToken(page)}
	for i, agent := range page.Items {
		out.Agents[i] = s.AgentSummary{AgentId: agent.ID, Arn: agent.ARN(), Name: agent.Name, LatestVersion: int32(agent.LatestVersion),
			LatestVersionStatus: s.AgentVersionStatus(agent.Version.Status), PublishedVersion: publishedVersion(agent), CreatedAt: agent.CreatedAt}
	}
	return out, nil
}

// listAgentVersions is authorized on the domain alone, like ListAgents:
// the user guide gives ListAgentVersions the Domain resource type only.
func (a *API) listAgentVersions(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListAgentVersionsInput) (*s.ListAgentVersionsOutput, error) {
	d, err := a.authorizeDomain(ctx, c, op, in.DomainId)
	if err != nil {
		return nil, err
	}
	page, err := a.store.ListAgentVersions(ctx, account(c), c.Region, d.id, in.AgentId, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListAgentVersionsOutput{Versions: make([]s.AgentVersionSummary, len(page.Items)), NextToken: nextToken(page)}
	for i, v := range page.Items {
		out.Versions[i] = s.AgentVersionSummary{Version: int32(v.Version), Status: s.AgentVersionStatus(v.Status),
			Description: optional(v.Description), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, PublishedAt: optionalTime(v.PublishedAt)}
	}
	return out, nil
}

// authorizeDomain authorizes an operation IAM lists with the Domain
// resource type alone, and checks the domain is ACTIVE.
func (a *API) authorizeDomain(ctx context.Context, c *authz.Caller, op *restjson.Operation, domainID string) (*domainRef, error) {
	d, err := a.findDomain(ctx, c, domainID)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, c, op.Action, authz.Call{}, d.target); err != nil {
		return nil, err
	}
	return d, d.active()
}

func agentOut(agent *warden.Agent) s.Agent {
	v := agent.Version
	return s.Agent{
		AgentId: agent.ID, Arn: agent.ARN(), DomainId: agent.DomainID, Name: agent.Name, Version: int32(v.Version),
		Status: s.AgentVersionStatus(v.Status), Description: optional(v.Description), Instructions: optional(v.Instructions),
		LatestVersion: int32(agent.LatestVersion), PublishedVersion: publishedVersion(agent), CreatedAt: agent.CreatedAt,
		UpdatedAt: v.UpdatedAt, PublishedAt: optionalTime(v.PublishedAt), Tags: tagsOut(agent.Tags),
	}
}

func publishedVersion(agent *warden.Agent) *int32 {
	if agent.PublishedVersion == 0 {
		return nil
	}
	return new(int32(agent.PublishedVersion))
}
