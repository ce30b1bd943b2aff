package orgsapi

import (
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsjson"
)

// The request and response members of the Organizations operations Warden
// serves, named as the AWS Organizations API Reference names them (service
// model organizations 2016-11-28). Optional members are pointers or
// omitted when empty, as AWS leaves out members it has no value for.

type Tag struct {
	Key   string
	Value string
}

func tagsIn(tags []Tag) []warden.Tag {
	out := make([]warden.Tag, len(tags))
	for i, t := range tags {
		out[i] = warden.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// Paging members of the List operations.
type paging struct {
	NextToken  *string
	MaxResults *int32
}

type CreateOrganizationInput struct {
	FeatureSet *string
}

type DescribeOrganizationInput struct{}

type OrganizationOutput struct {
	Organization Organization
}

type Organization struct {
	Id                   string
	Arn                  string
	FeatureSet           string
	MasterAccountArn     string
	MasterAccountId      string
	MasterAccountEmail   string `json:",omitempty"`
	AvailablePolicyTypes []PolicyTypeSummary
}

type PolicyTypeSummary struct {
	Type   string
	Status string
}

func policyTypesOut(types []warden.OrganizationPolicyType) []PolicyTypeSummary {
	out := make([]PolicyTypeSummary, len(types))
	for i, t := range types {
		out[i] = PolicyTypeSummary{Type: string(t), Status: "ENABLED"}
	}
	return out
}

func organizationOut(o *warden.Organization) Organization {
	return Organization{
		Id: o.ID, Arn: o.ARN, FeatureSet: string(o.FeatureSet),
		MasterAccountArn: o.ManagementAccountARN(), MasterAccountId: o.ManagementAccountID, MasterAccountEmail: o.ManagementAccountEmail,
		AvailablePolicyTypes: policyTypesOut(o.PolicyTypes),
	}
}

type ListRootsInput struct{ paging }

type ListRootsOutput struct {
	Roots     []Root
	NextToken *string `json:",omitempty"`
}

type Root struct {
	Id          string
	Arn         string
	Name        string
	PolicyTypes []PolicyTypeSummary
}

func rootOut(r *warden.OrganizationRoot) Root {
	return Root{Id: r.ID, Arn: r.ARN, Name: r.Name, PolicyTypes: policyTypesOut(r.PolicyTypes)}
}

type EnablePolicyTypeInput struct {
	RootId     *string
	PolicyType *string
}

type DisablePolicyTypeInput EnablePolicyTypeInput

type RootOutput struct {
	Root Root
}

type CreateAccountInput struct {
	Email                  *string
	AccountName            *string
	RoleName               *string
	IamUserAccessToBilling *string
	Tags                   []Tag
}

type DescribeCreateAccountStatusInput struct {
	CreateAccountRequestId *string
}

type CreateAccountStatusOutput struct {
	CreateAccountStatus CreateAccountStatus
}

type CreateAccountStatus struct {
	Id                 string
	AccountName        string
	State              string
	RequestedTimestamp awsjson.Timestamp
	CompletedTimestamp awsjson.Timestamp `json:",omitzero"`
	AccountId          string            `json:",omitempty"`
	FailureReason      string            `json:",omitempty"`
}

func createAccountStatusOut(s *warden.CreateAccountStatus) CreateAccountStatus {
	return CreateAccountStatus{
		Id: s.ID, AccountName: s.AccountName, State: s.State, AccountId: s.AccountID, FailureReason: s.FailureReason,
		RequestedTimestamp: awsjson.At(s.RequestedDate), CompletedTimestamp: awsjson.At(s.CompletedDate),
	}
}

type ListAccountsInput struct{ paging }

type ListAccountsOutput struct {
	Accounts  []Account
	NextToken *string `json:",omitempty"`
}

// Account carries both Status and State: AWS reports the account's state in
// State and keeps the older Status member for existing clients.
type Account struct {
	Id              string
	Arn             string
	Email           string `json:",omitempty"`
	Name            string
	Status          string
	State           string
	JoinedMethod    string
	JoinedTimestamp awsjson.Timestamp
}

func accountOut(a *warden.OrganizationAccount) Account {
	return Account{Id: a.ID, Arn: a.ARN, Email: a.Email, Name: a.Name, Status: a.Status, State: a.Status,
		JoinedMethod: a.JoinedMethod, JoinedTimestamp: awsjson.At(a.JoinedDate)}
}

type MoveAccountInput struct {
	AccountId           *string
	SourceParentId      *string
	DestinationParentId *string
}

type CreateOrganizationalUnitInput struct {
	ParentId *string
	Name     *string
	Tags     []Tag
}

type OrganizationalUnitOutput struct {
	OrganizationalUnit OrganizationalUnit
}

type OrganizationalUnit struct {
	Id   string
	Arn  string
	Name string
}

func unitOut(u *warden.OrganizationalUnit) OrganizationalUnit {
	return OrganizationalUnit{Id: u.ID, Arn: u.ARN, Name: u.Name}
}

type ListOrganizationalUnitsForParentInput struct {
	ParentId *string
	paging
}

type ListOrganizationalUnitsForParentOutput struct {
	OrganizationalUnits []OrganizationalUnit
	NextToken           *string `json:",omitempty"`
}

type ListChildrenInput struct {
	ParentId  *string
	ChildType *string
	paging
}

type ListChildrenOutput struct {
	Children  []Child
	NextToken *string `json:",omitempty"`
}

type Child struct {
	Id   string
	Type string
}

type CreatePolicyInput struct {
	Content     *string
	Description *string
	Name        *string
	Type        *string
	Tags        []Tag
}

type UpdatePolicyInput struct {
	PolicyId    *string
	Name        *string
	Description *string
	Content     *string
}

type DeletePolicyInput struct {
	PolicyId *string
}

type DescribePolicyInput DeletePolicyInput

type PolicyOutput struct {
	Policy Policy
}

type Policy struct {
	PolicySummary PolicySummary
	Content       string
}

type PolicySummary struct {
	Id          string
	Arn         string
	Name        string
	Description string
	Type        string
	AwsManaged  bool
}

func policySummaryOut(p *warden.OrganizationPolicy) PolicySummary {
	return PolicySummary{Id: p.ID, Arn: p.ARN, Name: p.Name, Description: p.Description, Type: string(p.Type), AwsManaged: p.AWSManaged}
}

func policyOut(p *warden.OrganizationPolicy) Policy {
	return Policy{PolicySummary: policySummaryOut(p), Content: p.Content}
}

type ListPoliciesInput struct {
	Filter *string
	paging
}

type ListPoliciesOutput struct {
	Policies  []PolicySummary
	NextToken *string `json:",omitempty"`
}

type AttachPolicyInput struct {
	PolicyId *string
	TargetId *string
}

type DetachPolicyInput AttachPolicyInput

type ListPoliciesForTargetInput struct {
	TargetId *string
	Filter   *string
	paging
}

type ListTargetsForPolicyInput struct {
	PolicyId *string
	paging
}

type ListTargetsForPolicyOutput struct {
	Targets   []PolicyTargetSummary
	NextToken *string `json:",omitempty"`
}

type PolicyTargetSummary struct {
	TargetId string
	Arn      string
	Name     string
	Type     string
}
