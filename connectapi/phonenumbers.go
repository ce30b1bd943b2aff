package connectapi

import (
	"context"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/connectapi/connectshapes"
	"github.com/warden-iam/warden/restjson"
)

func (a *API) listPhoneNumbersV2(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.ListPhoneNumbersV2Input) (*s.ListPhoneNumbersV2Output, error) {
	x := arns{region: c.Region, account: account(c)}
	wildcard := target{arn: warden.ConnectPhoneNumberARN(x.region, x.account, "*")}
	if err := a.authorize(ctx, c, op.Action, request{resources: map[string][]target{typeWildcardPhoneNumber: {wildcard}}}); err != nil {
		return nil, err
	}
	// TargetArn and InstanceId both name where numbers are claimed; the
	// API takes one of them. Numbers claimed to traffic distribution
	// groups do not exist in Warden.
	if in.TargetArn != nil && in.InstanceId != nil {
		return nil, warden.Errorf(warden.EInvalidParameterValue, "Give TargetArn or InstanceId, not both.")
	}
	filter := warden.ConnectPhoneNumberFilter{InstanceID: deref(in.InstanceId), Prefix: deref(in.PhoneNumberPrefix)}
	if in.TargetArn != nil {
		r, err := warden.ParseConnectARN(*in.TargetArn)
		if err != nil {
			return nil, err
		}
		if r.Type != warden.ConnectTypeInstance || r.AccountID != x.account || r.Region != x.region {
			return nil, warden.Errorf(warden.ENoSuchEntity, "Target %s not found.", *in.TargetArn)
		}
		filter.InstanceID = r.ID
	}
	if filter.InstanceID != "" {
		if _, err := a.store.ConnectInstance(ctx, x.account, x.region, filter.InstanceID); err != nil {
			return nil, err
		}
	}
	for _, cc := range in.PhoneNumberCountryCodes {
		filter.CountryCodes = append(filter.CountryCodes, string(cc))
	}
	for _, t := range in.PhoneNumberTypes {
		filter.Types = append(filter.Types, string(t))
	}
	page, err := a.store.ListConnectPhoneNumbers(ctx, x.account, x.region, filter, listOptions(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &s.ListPhoneNumbersV2Output{ListPhoneNumbersSummaryList: make([]s.ListPhoneNumbersSummary, len(page.Items)), NextToken: nextToken(page)}
	for n, p := range page.Items {
		out.ListPhoneNumbersSummaryList[n] = s.ListPhoneNumbersSummary{
			PhoneNumberId: new(p.ID), PhoneNumberArn: new(p.ARN()), PhoneNumber: new(p.Number),
			PhoneNumberCountryCode: new(s.PhoneNumberCountryCode(p.CountryCode)), PhoneNumberType: new(s.PhoneNumberType(p.Type)),
			TargetArn: new(warden.ConnectInstanceARN(p.Region, p.AccountID, p.InstanceID)), InstanceId: new(p.InstanceID),
		}
		if p.Description != "" {
			out.ListPhoneNumbersSummaryList[n].PhoneNumberDescription = new(p.Description)
		}
	}
	return out, nil
}

func (a *API) associatePhoneNumberContactFlow(ctx context.Context, c *authz.Caller, op *restjson.Operation, in *s.AssociatePhoneNumberContactFlowInput) (restjson.Output, error) {
	x := arnsOf(c, in.InstanceId)
	number := target{arn: warden.ConnectPhoneNumberARN(x.region, x.account, in.PhoneNumberId)}
	p, err := a.store.ConnectPhoneNumber(ctx, x.account, x.region, in.PhoneNumberId)
	var missing error
	switch {
	case warden.ErrorCode(err) == warden.ENoSuchEntity:
		missing = err
	case err != nil:
		return nil, err
	default:
		number.tags = p.Tags
	}
	if err := a.authorize(ctx, c, op.Action, request{instanceID: in.InstanceId, resources: map[string][]target{
		typePhoneNumber: {number}, typeContactFlow: {x.contactFlow(in.ContactFlowId)},
	}}); err != nil {
		return nil, err
	}
	if missing != nil {
		return nil, missing
	}
	return nil, a.store.SetConnectPhoneNumberContactFlow(ctx, x.account, x.region, in.PhoneNumberId, in.InstanceId, in.ContactFlowId)
}
