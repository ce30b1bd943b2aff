package iamapi

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/policy"
)

// The policy simulator ("Testing IAM policies with the IAM policy
// simulator"; IAM API Reference, "SimulatePrincipalPolicy" and
// "SimulateCustomPolicy") decides every action on every resource with the
// engine that decides Warden's real requests, and names the statements
// behind each decision with their place in the document.

func (a *API) registerSimulator() {
	register(a, "SimulatePrincipalPolicy", a.simulatePrincipalPolicy)
	register(a, "SimulateCustomPolicy", a.simulateCustomPolicy)
	register(a, "GetContextKeysForPrincipalPolicy", a.getContextKeysForPrincipalPolicy)
	register(a, "GetContextKeysForCustomPolicy", a.getContextKeysForCustomPolicy)
}

func (a *API) simulateCustomPolicy(ctx context.Context, c *authz.Caller, in *s.SimulateCustomPolicyInput) (*s.SimulatePrincipalPolicyOutput, error) {
	if err := a.authorize(ctx, c, &authz.Call{Action: "iam:SimulateCustomPolicy", Resource: "*"}); err != nil {
		return nil, err
	}
	return simulate(c, in, nil, &sourcePolicySet{})
}

func (a *API) simulatePrincipalPolicy(ctx context.Context, c *authz.Caller, in *s.SimulatePrincipalPolicyInput) (*s.SimulatePrincipalPolicyOutput, error) {
	src, err := a.authorizeSource(ctx, c, "iam:SimulatePrincipalPolicy", in.PolicySourceArn)
	if err != nil {
		return nil, err
	}
	set, err := a.sourcePolicies(ctx, src)
	if err != nil {
		return nil, err
	}
	return simulate(c, &s.SimulateCustomPolicyInput{
		PolicyInputList:                    in.PolicyInputList,
		PermissionsBoundaryPolicyInputList: in.PermissionsBoundaryPolicyInputList,
		ActionNames:                        in.ActionNames,
		ResourceArns:                       in.ResourceArns,
		ResourcePolicy:                     in.ResourcePolicy,
		ResourceOwner:                      in.ResourceOwner,
		CallerArn:                          in.CallerArn,
		ContextEntries:                     in.ContextEntries,
		ResourceHandlingOption:             in.ResourceHandlingOption,
		MaxItems:                           in.MaxItems,
		Marker:                             in.Marker,
	}, src, set)
}

// simPolicy is a policy document taking part in a simulation, with the
// SourcePolicyId and SourcePolicyType the results name it by.
type simPolicy struct {
	id   string
	typ  s.PolicySourceType
	text string
	doc  *policy.Policy
	keys [][]string // the context keys of each statement
}

func newSimPolicy(id string, typ s.PolicySourceType, text string, doc *policy.Policy) *simPolicy {
	p := &simPolicy{id: id, typ: typ, text: text, doc: doc, keys: make([][]string, len(doc.Statements))}
	for i, st := range doc.Statements {
		p.keys[i] = statementKeys(doc, st)
	}
	return p
}

// statement describes one of the policy's statements for MatchedStatements:
// it starts at its opening brace and ends just past its closing one, lines
// and columns counted from 1 as in IAM's results.
func (p *simPolicy) statement(index int) s.Statement {
	st := p.doc.Statements[index]
	id, typ := p.id, p.typ
	return s.Statement{
		SourcePolicyId:   &id,
		SourcePolicyType: &typ,
		StartPosition:    &s.Position{Line: int32(st.Pos.Line), Column: int32(st.Pos.Column)},
		EndPosition:      positionAt(p.text, objectEnd(p.text, st.Pos.Offset)),
	}
}

// objectEnd returns the offset just past the JSON object that opens at
// offset start, or len(text) if it does not close (which a parsed policy's
// statements always do).
func objectEnd(text string, start int) int {
	depth, inString := 0, false
	for i := start; i < len(text); i++ {
		ch := text[i]
		switch {
		case inString && ch == '\\':
			i++
		case ch == '"':
			inString = !inString
		case inString:
		case ch == '{' || ch == '[':
			depth++
		case ch == '}' || ch == ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(text)
}

// positionAt converts a byte offset into a 1-based line and column.
func positionAt(text string, offset int) *s.Position {
	offset = min(offset, len(text))
	before := text[:offset]
	line := strings.Count(before, "\n") + 1
	column := offset - strings.LastIndexByte(before, '\n')
	return &s.Position{Line: int32(line), Column: int32(column)}
}

// inputPolicy reads a policy given in the request and refuses, as
// MalformedPolicyDocument, what IAM refuses in a policy of its kind. Size
// quotas bound stored policies; a simulated one is bound only by the
// parameter's length, which the decoder checks.
func inputPolicy(text string, kind policy.Kind, id string, typ s.PolicySourceType) (*simPolicy, error) {
	doc, err := policy.Parse([]byte(text))
	if err != nil {
		return nil, malformed(err, id)
	}
	for _, d := range doc.Check(kind) {
		if d.Code != kind.SizeCode() {
			return nil, malformedAt(d, id)
		}
	}
	return newSimPolicy(id, typ, text, doc), nil
}

// inputID names the i-th policy of a request list as IAM's results do:
// PolicyInputList.1, PermissionsBoundaryPolicyInputList.1.
func inputID(list string, i int) string { return list + "." + strconv.Itoa(i+1) }

// malformed reports a policy that does not parse, naming the first problem
// with its position and the input it is in.
func malformed(err error, id string) error {
	perr, ok := errors.AsType[*policy.Error](err)
	if !ok || len(perr.Diagnostics) == 0 {
		return warden.Errorf(warden.EMalformedPolicyDocument, "The policy document %s is not valid.", id)
	}
	return malformedAt(perr.Diagnostics[0], id)
}

func malformedAt(d policy.Diagnostic, id string) error {
	where := d.Pos.String()
	if d.Path != "" {
		where += " " + d.Path
	}
	return &warden.Error{Code: warden.EMalformedPolicyDocument, Message: fmt.Sprintf("%s (at %s of %s)", sentence(d.Message), where, id)}
}

// simulation is a simulation ready to decide requests.
type simulation struct {
	// policies are every document of every layer; a compiled document's
	// name is its index here, which keeps statements of policies that share
	// a SourcePolicyId apart.
	policies  []*simPolicy
	layers    policy.Layers
	principal policy.RequestPrincipal
	context   policy.Context
	// owner is the account owning resources whose ARN names none
	// (ResourceOwner); empty means the principal's.
	owner string
}

// compile adds documents to the simulation as one layer.
func (sim *simulation) compile(ps ...*simPolicy) *policy.Set {
	docs := make([]policy.Document, len(ps))
	for i, p := range ps {
		docs[i] = policy.Document{Name: strconv.Itoa(len(sim.policies)), Policy: p.doc}
		sim.policies = append(sim.policies, p)
	}
	// Values the engine cannot read (an unparseable date, say) never
	// match, as in IAM, which accepts such policies.
	set, _ := policy.Compile(docs...)
	return set
}

// simulate runs a simulation of in's actions on in's resources with the
// source's policies (none for SimulateCustomPolicy) and in's, and returns
// the page of results in.Marker asks for.
//
// Returns MalformedPolicyDocument for an input policy IAM would refuse and
// InvalidInput for malformed or inconsistent parameters.
func simulate(c *authz.Caller, in *s.SimulateCustomPolicyInput, src *policySource, set *sourcePolicySet) (*s.SimulatePrincipalPolicyOutput, error) {
	start, err := decodeSimulationMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	sim, err := newSimulation(c, in, src, set)
	if err != nil {
		return nil, err
	}
	for _, action := range in.ActionNames {
		if err := checkSimulatedAction(action); err != nil {
			return nil, err
		}
	}
	// ResourceHandlingOption names an EC2 scenario whose set of resources
	// IAM then insists on; the decisions themselves do not depend on it,
	// so it is accepted and changes nothing.
	resources := in.ResourceArns
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for _, r := range resources {
		if r == "*" {
			continue
		}
		if _, err := warden.ParseARN(r); err != nil {
			return nil, err
		}
	}

	// Results run through the resources of each action in turn; a page is
	// a window on that sequence.
	total := len(in.ActionNames) * len(resources)
	if start > total {
		return nil, warden.Errorf(warden.EInvalidInput, "Invalid Marker.")
	}
	limit := warden.DefaultMaxItems
	if in.MaxItems != nil {
		limit = int(*in.MaxItems)
	}
	end := min(start+limit, total)
	out := &s.SimulatePrincipalPolicyOutput{EvaluationResults: make([]s.EvaluationResult, 0, end-start)}
	for i := start; i < end; i++ {
		out.EvaluationResults = append(out.EvaluationResults, sim.result(in.ActionNames[i/len(resources)], resources[i%len(resources)]))
	}
	if end < total {
		out.IsTruncated = true
		m := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		out.Marker = &m
	}
	return out, nil
}

// newSimulation reads the simulation's policies into layers and its
// principal, resource owner and context.
func newSimulation(c *authz.Caller, in *s.SimulateCustomPolicyInput, src *policySource, set *sourcePolicySet) (*simulation, error) {
	sim := &simulation{}
	identity := slices.Clone(set.identity)
	for i, text := range in.PolicyInputList {
		p, err := inputPolicy(text, policy.KindIdentity, inputID("PolicyInputList", i), s.PolicySourceTypeNone)
		if err != nil {
			return nil, err
		}
		identity = append(identity, p)
	}
	sim.layers.Identity = sim.compile(identity...)

	// A given boundary replaces the stored one; an entity has at most one
	// ("Permissions boundaries for IAM entities").
	boundary := set.boundary
	switch len(in.PermissionsBoundaryPolicyInputList) {
	case 0:
	case 1:
		var err error
		boundary, err = inputPolicy(in.PermissionsBoundaryPolicyInputList[0], policy.KindBoundary, inputID("PermissionsBoundaryPolicyInputList", 0), s.PolicySourceTypeNone)
		if err != nil {
			return nil, err
		}
	default:
		return nil, warden.Errorf(warden.EInvalidInput, "Only one permissions boundary policy can be simulated; PermissionsBoundaryPolicyInputList has %d.", len(in.PermissionsBoundaryPolicyInputList))
	}
	if boundary != nil {
		sim.layers.Boundary = sim.compile(boundary)
	}

	if in.ResourcePolicy != nil {
		rp, err := inputPolicy(*in.ResourcePolicy, policy.KindResource, "ResourcePolicy", s.PolicySourceTypeResource)
		if err != nil {
			return nil, err
		}
		sim.layers.Resource = sim.compile(rp)
	}

	var err error
	if sim.principal, err = simulatedPrincipal(c, in.CallerArn, src, in.ResourcePolicy != nil); err != nil {
		return nil, err
	}
	if sim.owner, err = resourceOwner(in.ResourceOwner); err != nil {
		return nil, err
	}
	if sim.context, err = requestContext(in.ContextEntries); err != nil {
		return nil, err
	}
	return sim, nil
}

// decodeSimulationMarker returns the index of the first result of a page.
func decodeSimulationMarker(marker *string) (int, error) {
	if marker == nil {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*marker)
	n, convErr := strconv.Atoi(string(raw))
	if err != nil || convErr != nil || n < 0 {
		return 0, warden.Errorf(warden.EInvalidInput, "Invalid Marker.")
	}
	return n, nil
}

// simulatedPrincipal is who the simulated requests come from. CallerArn,
// when given, must be a user: IAM simulates no assumed role, federated user
// or service principal as caller. Without it the caller is the source user;
// for a role, the role itself, decided as its sessions are (with no session
// policy). The principal's ARN matters only to a resource policy's Principal
// element, which is why IAM requires CallerArn with a ResourcePolicy unless
// the source is a user (IAM API Reference, "SimulatePrincipalPolicy",
// CallerArn).
//
// Returns InvalidInput.
func simulatedPrincipal(c *authz.Caller, callerARN *string, src *policySource, resourcePolicy bool) (policy.RequestPrincipal, error) {
	if callerARN != nil {
		parsed, err := warden.ParseARN(*callerARN)
		if err != nil {
			return policy.RequestPrincipal{}, err
		}
		if typ, _, _, ok := parsed.IAMResource(); !ok || typ != "user" {
			return policy.RequestPrincipal{}, warden.Errorf(warden.EInvalidInput, "CallerArn %s is not the ARN of an IAM user: the simulator cannot call as an assumed role, federated user or service principal.", *callerARN)
		}
		return policy.RequestPrincipal{Type: policy.PrincipalUser, ARN: *callerARN, Account: parsed.AccountID}, nil
	}
	switch {
	case src != nil && src.kind == warden.IdentityUser:
		return policy.RequestPrincipal{Type: policy.PrincipalUser, ARN: src.arn, Account: src.account}, nil
	case resourcePolicy:
		return policy.RequestPrincipal{}, warden.Errorf(warden.EInvalidInput, "CallerArn is required to simulate a ResourcePolicy unless PolicySourceArn is a user: the resource policy's Principal element needs a caller to match.")
	case src != nil && src.kind == warden.IdentityRole:
		return policy.RequestPrincipal{Type: policy.PrincipalAssumedRole, ARN: src.arn, Parent: src.arn, Account: src.account}, nil
	case src != nil:
		return policy.RequestPrincipal{Type: policy.PrincipalUser, Account: src.account}, nil
	}
	return policy.RequestPrincipal{Type: policy.PrincipalUser, Account: account(c)}, nil
}

// resourceOwner reads ResourceOwner: an account ID, or the account's root
// ARN (arn:aws:iam::ID:root), which SimulateCustomPolicy's reference uses.
//
// Returns InvalidInput.
func resourceOwner(owner *string) (string, error) {
	if owner == nil {
		return "", nil
	}
	if warden.ValidateAccountID(*owner) == nil {
		return *owner, nil
	}
	if parsed, err := warden.ParseARN(*owner); err == nil {
		if typ, _, _, ok := parsed.IAMResource(); ok && typ == "root" && warden.ValidateAccountID(parsed.AccountID) == nil {
			return parsed.AccountID, nil
		}
	}
	return "", warden.Errorf(warden.EInvalidInput, "ResourceOwner %s is neither an account ID nor an account ARN (arn:aws:iam::123456789012:root).", *owner)
}

// checkSimulatedAction refuses action names IAM cannot simulate: the
// simulator takes one service:Action per name, without wildcards.
//
// Returns InvalidInput.
func checkSimulatedAction(action string) error {
	service, name, ok := strings.Cut(action, ":")
	if !ok || service == "" || name == "" || strings.ContainsAny(action, "*?") {
		return warden.Errorf(warden.EInvalidInput, "Action name %s is not valid: name one action as service:Action, without wildcards.", action)
	}
	return nil
}

// resourceAccount is the account owning a simulated resource: the one its
// ARN names, else ResourceOwner, else the principal's.
func (sim *simulation) resourceAccount(resource string) string {
	if parsed, err := warden.ParseARN(resource); err == nil && warden.ValidateAccountID(parsed.AccountID) == nil {
		return parsed.AccountID
	}
	return sim.owner
}

// result decides one action on one resource.
func (sim *simulation) result(action, resource string) s.EvaluationResult {
	req := &policy.Request{Principal: sim.principal, Action: action, Resource: resource, ResourceAccount: sim.resourceAccount(resource), Context: sim.context}
	e := policy.Explain(&sim.layers, req)
	decision := evalDecision(e.Decision)
	matched := sim.statements(e.Deciding)
	missing := sim.missingContextValues(e)
	boundary := sim.boundaryDetail(e)
	details := decisionDetails(e, req)
	out := s.EvaluationResult{
		EvalActionName:                    action,
		EvalResourceName:                  &resource,
		EvalDecision:                      decision,
		MatchedStatements:                 matched,
		MissingContextValues:              missing,
		PermissionsBoundaryDecisionDetail: boundary,
		EvalDecisionDetails:               details,
		// Warden's accounts belong to no organization: no service control
		// policy restricts them.
		OrganizationsDecisionDetail: &s.OrganizationsDecisionDetail{AllowedByOrganizations: true},
	}
	if resource == "*" {
		return out
	}
	// For a named resource IAM reports the missing keys in the resource's
	// own result, and the cross-account details there too, leaving an empty
	// map at the top for a same-account simulation (API Reference,
	// "EvaluationResult", "ResourceSpecificResult").
	out.MissingContextValues = []string{}
	if out.EvalDecisionDetails == nil {
		out.EvalDecisionDetails = map[string]s.PolicyEvaluationDecisionType{}
	}
	out.ResourceSpecificResults = []s.ResourceSpecificResult{{
		EvalResourceName:                  resource,
		EvalResourceDecision:              decision,
		MatchedStatements:                 matched,
		MissingContextValues:              missing,
		EvalDecisionDetails:               details,
		PermissionsBoundaryDecisionDetail: boundary,
	}}
	return out
}

func evalDecision(d policy.Decision) s.PolicyEvaluationDecisionType {
	switch d {
	case policy.Allowed:
		return s.PolicyEvaluationDecisionTypeAllowed
	case policy.ExplicitDeny:
		return s.PolicyEvaluationDecisionTypeExplicitDeny
	}
	return s.PolicyEvaluationDecisionTypeImplicitDeny
}

// statementRef is a statement of the simulation: a policy's index in
// simulation.policies and the statement's index in it.
type statementRef struct{ policy, index int }

// refs returns the distinct statements of outcomes in the simulation's
// policy order.
func (sim *simulation) refs(outcomes []policy.StatementOutcome) []statementRef {
	refs := make([]statementRef, 0, len(outcomes))
	for _, o := range outcomes {
		i, err := strconv.Atoi(o.Policy)
		if err != nil || i < 0 || i >= len(sim.policies) {
			continue
		}
		refs = append(refs, statementRef{i, o.Index})
	}
	slices.SortFunc(refs, func(a, b statementRef) int {
		if a.policy != b.policy {
			return a.policy - b.policy
		}
		return a.index - b.index
	})
	return slices.Compact(refs)
}

// statements lists the deciding statements: the matching Denies of an
// explicit deny, the Allows of every layer that had to allow, nothing for
// an implicit deny (API Reference, "EvaluationResult", MatchedStatements).
func (sim *simulation) statements(deciding []policy.StatementOutcome) []s.Statement {
	refs := sim.refs(deciding)
	out := make([]s.Statement, len(refs))
	for i, r := range refs {
		out[i] = sim.policies[r.policy].statement(r.index)
	}
	return out
}

// missingContextValues lists the keys that statements evaluated for the
// request (those whose action matched) refer to and the context lacks.
func (sim *simulation) missingContextValues(e *policy.Explanation) []string {
	var evaluated []policy.StatementOutcome
	for _, le := range e.Layers {
		evaluated = append(evaluated, le.Matched...)
		evaluated = append(evaluated, le.Failed...)
	}
	var missing keyList
	for _, r := range sim.refs(evaluated) {
		for _, k := range sim.policies[r.policy].keys[r.index] {
			if _, ok := sim.context.Get(k); !ok {
				missing.add(k)
			}
		}
	}
	return missing.names()
}

// boundaryDetail says whether the boundary, if any, allowed the request: an
// Allow matched and no Deny did (API Reference,
// "PermissionsBoundaryDecisionDetail").
func (sim *simulation) boundaryDetail(e *policy.Explanation) *s.PermissionsBoundaryDecisionDetail {
	if sim.layers.Boundary == nil {
		return nil
	}
	le := layerOf(e, policy.LayerBoundary)
	return &s.PermissionsBoundaryDecisionDetail{AllowedByPermissionsBoundary: le != nil && le.Allowed && !le.Denied}
}

// Keys of EvalDecisionDetails: the two sides of a cross-account decision.
const (
	detailIdentity = "IAM Policy"
	detailResource = "Resource Policy"
)

// decisionDetails summarises a cross-account decision, which both accounts
// must allow: the principal's through its identity policies and boundary,
// the resource's through its resource policy ("Cross-account policy
// evaluation logic"). Same-account simulations have none.
func decisionDetails(e *policy.Explanation, req *policy.Request) map[string]s.PolicyEvaluationDecisionType {
	if req.ResourceAccount == "" || req.ResourceAccount == req.Principal.Account {
		return nil
	}
	return map[string]s.PolicyEvaluationDecisionType{
		detailIdentity: sideDecision(layerOf(e, policy.LayerIdentity), layerOf(e, policy.LayerBoundary)),
		detailResource: sideDecision(layerOf(e, policy.LayerResource)),
	}
}

// sideDecision combines layers that must all allow: any Deny denies
// explicitly; a layer without an Allow denies implicitly. Absent layers
// (nil, or not applying) are skipped, but a side with no layer at all
// allows nothing.
func sideDecision(layers ...*policy.LayerExplanation) s.PolicyEvaluationDecisionType {
	var present []*policy.LayerExplanation
	for _, le := range layers {
		if le != nil && le.Applies {
			present = append(present, le)
		}
	}
	if len(present) == 0 {
		return s.PolicyEvaluationDecisionTypeImplicitDeny
	}
	for _, le := range present {
		if le.Denied {
			return s.PolicyEvaluationDecisionTypeExplicitDeny
		}
	}
	for _, le := range present {
		if !le.Allowed {
			return s.PolicyEvaluationDecisionTypeImplicitDeny
		}
	}
	return s.PolicyEvaluationDecisionTypeAllowed
}

func layerOf(e *policy.Explanation, name string) *policy.LayerExplanation {
	for i := range e.Layers {
		if e.Layers[i].Layer == name {
			return &e.Layers[i]
		}
	}
	return nil
}
