package consoleapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/consoleapi/consoleshapes"
	"github.com/warden-iam/warden/restjson"
)

// findIntegration looks up the domain and an integration it names, with
// the integration's tags.
func (a *API) findIntegration(ctx context.Context, c *authz.Caller, domainID, id string) (*domainRef, *resourceRef, *warden.Integration, error) {
	d, err := a.findDomain(ctx, c, domainID)
	if err != nil {
		return nil, nil, nil, err
	}
	var integration *warden.Integration
	ref, err := find(c, d, warden.KindIntegration, id, func() ([]warden.Tag, error) {
		var err error
		if integration, err = a.store.Integration(ctx, account(c), c.Region, domainID, id); err != nil {
			return nil, err
		}
		return integration.Tags, nil
	})
	return d, ref, integration, err
}

// authorizeIntegration authorizes an operation on an existing
// integration, which IAM lists with the Domain and Integration resource
// types.
func (a *API) authorizeIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, d *domainRef, ref *resourceRef) error {
	return a.authorizeExisting(ctx, c, op, d, ref, d.target, ref.target)
}

// checkIntegration checks what the model cannot: the endpoint is an https
// URL without credentials, the secret one of the integration's region.
func checkIntegration(c *authz.Caller, endpoint, secretARN *string) error {
	if endpoint != nil {
		if err := warden.ValidateIntegrationEndpoint(*endpoint); err != nil {
			return err
		}
	}
	if secretARN != nil {
		return warden.ValidateSecretARN(*secretARN, c.Region)
	}
	return nil
}

func (a *API) createIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.CreateIntegrationInput) (*s.CreateIntegrationOutput, error) {
	tags := tagsIn(in.Tags)
	if err := warden.ValidateHealthTags(tags); err != nil {
		return nil, err
	}
	if err := checkIntegration(c, &in.Endpoint, &in.AuthSecretArn); err != nil {
		return nil, err
	}
	d, err := a.findDomain(ctx, c, in.DomainId)
	if err != nil {
		return nil, err
	}
	id := warden.NewIntegrationID()
	integration := target{arn: warden.ConsoleARN(c.Region, account(c), in.DomainId, warden.KindIntegration, id)}
	// TagResource is asked for on the new integration, the first target.
	if err := a.authorizeCreate(ctx, c, op, tags, integration, d.target); err != nil {
		return nil, err
	}
	if err := d.active(); err != nil {
		return nil, err
	}
	created, err := a.store.CreateIntegration(ctx, warden.CreateIntegrationInput{ID: id, DomainID: in.DomainId, AccountID: account(c),
		Region: c.Region, Name: in.Name, Type: warden.IntegrationType(in.Type), Endpoint: in.Endpoint, AuthSecretARN: in.AuthSecretArn, Tags: tags})
	if err != nil {
		return nil, err
	}
	return &s.CreateIntegrationOutput{Integration: integrationOut(created)}, nil
}

func (a *API) getIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.GetIntegrationInput) (*s.GetIntegrationOutput, error) {
	d, ref, integration, err := a.findIntegration(ctx, c, in.DomainId, in.IntegrationId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeIntegration(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	return &s.GetIntegrationOutput{Integration: integrationOut(integration)}, nil
}

func (a *API) updateIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.UpdateIntegrationInput) (*s.UpdateIntegrationOutput, error) {
	if in.Name == nil && in.Endpoint == nil && in.AuthSecretArn == nil && in.Status == nil {
		return nil, warden.Errorf(warden.EValidationError, "UpdateIntegration needs at least one of name, endpoint, authSecretArn and status.")
	}
	if err := checkIntegration(c, in.Endpoint, in.AuthSecretArn); err != nil {
		return nil, err
	}
	d, ref, _, err := a.findIntegration(ctx, c, in.DomainId, in.IntegrationId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeIntegration(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	u := warden.IntegrationUpdate{Name: in.Name, Endpoint: in.Endpoint, AuthSecretARN: in.AuthSecretArn}
	if in.Status != nil {
		u.Status = new(warden.IntegrationStatus(*in.Status))
	}
	updated, err := a.store.UpdateIntegration(ctx, account(c), c.Region, in.DomainId, in.IntegrationId, u)
	if err != nil {
		return nil, err
	}
	return &s.UpdateIntegrationOutput{Integration: integrationOut(updated)}, nil
}

func (a *API) deleteIntegration(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.DeleteIntegrationInput) (restjson.Output, error) {
	d, ref, _, err := a.findIntegration(ctx, c, in.DomainId, in.IntegrationId)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeIntegration(ctx, c, op, d, ref); err != nil {
		return nil, err
	}
	return nil, a.store.DeleteIntegration(ctx, account(c), c.Region, in.DomainId, in.IntegrationId)
}

func (a *API) listIntegrations(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListIntegrationsInput) (*s.ListIntegrationsOutput, error) {
	d, err := a.authorizeDomain(ctx, c, op, in.DomainId)
	if err != nil {
		return nil, err
	}
	page, err := a.store.ListIntegrations(ctx, account(c), c.Region, d.id, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListIntegrationsOutput{Integrations: make([]s.Integration, len(page.Items)), NextToken: nextToken(page)}
	for i, integration := range page.Items {
		out.Integrations[i] = integrationOut(integration)
	}
	return out, nil
}

func integrationOut(i *warden.Integration) s.Integration {
	return s.Integration{
		IntegrationId: i.ID, Arn: i.ARN(), DomainId: i.DomainID, Name: i.Name, Type: s.IntegrationType(i.Type), Endpoint: i.Endpoint,
		AuthSecretArn: i.AuthSecretARN, Status: s.IntegrationStatus(i.Status), CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt,
		Tags: tagsOut(i.Tags),
	}
}
