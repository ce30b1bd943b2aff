package main

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden/restjson"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// domainErrors maps Warden's domain error codes, as Go expressions, to the
// error shapes that mean the same in AWS's restJson1 services, most
// common name first. A service's Codes table maps each code to the first
// of its shapes the model declares; codes none of whose shapes it declares
// are written as they are.
var domainErrors = []struct {
	code   string
	shapes []string
}{
	{"warden.EAccessDenied", []string{"AccessDeniedException"}},
	{"warden.ENoSuchEntity", []string{"ResourceNotFoundException", "NotFoundException"}},
	{"warden.EEntityAlreadyExists", []string{"ConflictException", "DuplicateResourceException", "ResourceAlreadyExistsException", "ResourceConflictException"}},
	{"warden.EDeleteConflict", []string{"ConflictException", "ResourceInUseException", "ResourceConflictException"}},
	{"warden.EConcurrentModification", []string{"ConflictException", "ResourceConflictException"}},
	{"warden.ELimitExceeded", []string{"ServiceQuotaExceededException", "LimitExceededException", "ResourceQuotaExceededException"}},
	{"warden.EValidationError", []string{"ValidationException", "InvalidRequestException", "InvalidParameterException"}},
	{"warden.EInvalidInput", []string{"ValidationException", "InvalidRequestException", "InvalidParameterException"}},
	{"warden.EInvalidParameterValue", []string{"ValidationException", "InvalidParameterException", "InvalidRequestException"}},
	{"warden.EMissingParameter", []string{"ValidationException", "InvalidParameterException", "InvalidRequestException"}},
	{"warden.EMalformedPolicyDocument", []string{"ValidationException", "InvalidRequestException", "InvalidParameterException"}},
	{"warden.EInternalFailure", []string{"InternalServerException", "InternalServiceException", "InternalServiceError"}},
	{"warden.EServiceFailure", []string{"InternalServerException", "InternalServiceException", "InternalServiceError"}},
	// Throttling is the Query protocol's code; Warden has no constant.
	{`"Throttling"`, []string{"ThrottlingException"}},
}

// serviceTable writes the service description: its names, its routes and
// operation table with each operation's IAM action, its error shapes with
// their statuses, and the mapping of Warden's domain codes onto them.
func (g *generator) serviceTable(f *smithy.File) error {
	f.Imports[runtimeImport] = true
	arnNamespace, _ := smithy.TraitObject(g.service.Traits, smithy.TraitAWSService)["arnNamespace"].(string)
	signingName, _ := smithy.TraitObject(g.service.Traits, traitSigV4)["name"].(string)
	if arnNamespace == "" || signingName == "" || g.sdkID == "" {
		return fmt.Errorf("service %s lacks its sdkId, arnNamespace or sigv4 name", g.serviceID)
	}
	ops := map[string]*restjson.Operation{}
	for _, op := range g.ops {
		o, err := g.operation(op, arnNamespace)
		if err != nil {
			return fmt.Errorf("operation %s: %w", op.name, err)
		}
		ops[op.name] = o
	}
	if err := restjson.CheckRoutes(ops); err != nil {
		return err
	}
	errorShapes, err := g.errorShapes()
	if err != nil {
		return err
	}

	f.P("// Service is %s (%s) as its Smithy model describes it.", smithy.TraitString(g.service.Traits, smithy.TraitTitle), g.sdkID)
	f.P("var Service = &restjson.Service{")
	f.P("Name: %q,", g.sdkID)
	f.P("ARNNamespace: %q,", arnNamespace)
	f.P("SigningName: %q,", signingName)
	f.P("Version: %q,", g.service.Version)
	f.P("Operations: map[string]*restjson.Operation{")
	for _, op := range g.ops {
		g.operationLiteral(f, ops[op.name])
	}
	f.P("},")
	f.P("Errors: map[string]restjson.ErrorShape{")
	for _, name := range slices.Sorted(maps.Keys(errorShapes)) {
		e := errorShapes[name]
		fields := []string{"Status: " + strconv.Itoa(e.Status)}
		if e.Message != "" {
			fields = append(fields, "Message: "+strconv.Quote(e.Message))
		}
		if e.Reason != "" {
			fields = append(fields, "Reason: "+strconv.Quote(e.Reason))
		}
		f.P("%q: {%s},", name, strings.Join(fields, ", "))
	}
	f.P("},")
	var codes []string
	for _, de := range domainErrors {
		for _, name := range de.shapes {
			if _, ok := errorShapes[name]; ok {
				codes = append(codes, fmt.Sprintf("%s: %q,", de.code, name))
				break
			}
		}
	}
	if len(codes) > 0 {
		f.Imports[wardenImport] = true
		f.P("Codes: map[string]string{")
		for _, c := range codes {
			f.P("%s", c)
		}
		f.P("},")
	}
	f.P("}")
	return nil
}

// labelPattern finds the labels of a URI pattern: {name} and {name+}.
var labelPattern = regexp.MustCompile(`\{([^}+]*)\+?\}`)

// operation reads the HTTP binding and IAM traits of an operation and
// checks that its URI's labels are its input's label members.
func (g *generator) operation(op operation, arnNamespace string) (*restjson.Operation, error) {
	binding := smithy.TraitObject(op.shape.Traits, traitHTTP)
	if binding == nil {
		return nil, fmt.Errorf("no %s trait", traitHTTP)
	}
	o := &restjson.Operation{
		Name:       op.name,
		Action:     arnNamespace + ":" + op.name,
		Status:     http.StatusOK,
		ReadOnly:   op.shape.Has(traitReadonly),
		Idempotent: op.shape.Has(traitIdempotent),
	}
	o.Method, _ = binding["method"].(string)
	o.URI, _ = binding["uri"].(string)
	if code, ok := binding["code"].(float64); ok {
		o.Status = int(code)
	}
	if name := smithy.TraitString(smithy.TraitObject(op.shape.Traits, traitIAMAction), "name"); name != "" {
		o.Action = arnNamespace + ":" + name
	}
	if actions, ok := op.shape.Traits[traitRequiredActns].([]any); ok {
		for _, a := range actions {
			if s, ok := a.(string); ok {
				o.RequiredActions = append(o.RequiredActions, s)
			}
		}
	}
	o.HostPrefix = smithy.TraitString(smithy.TraitObject(op.shape.Traits, traitEndpoint), "hostPrefix")
	if strings.Contains(o.HostPrefix, "{") {
		return nil, fmt.Errorf("host prefix %q has labels, which the runtime does not bind", o.HostPrefix)
	}

	uriPath, _, _ := strings.Cut(o.URI, "?")
	var uriLabels []string
	for _, m := range labelPattern.FindAllStringSubmatch(uriPath, -1) {
		uriLabels = append(uriLabels, m[1])
	}
	var memberLabels []string
	if op.input != "" {
		for _, m := range g.model.Shapes[op.input].Members {
			switch {
			case m.Has(traitHTTPLabel):
				if !m.Has(smithy.TraitRequired) {
					return nil, fmt.Errorf("label member %s is not required", m.Name)
				}
				memberLabels = append(memberLabels, m.Name)
			case m.Has(traitIdempotency):
				o.IdempotencyToken = jsonName(m)
			case m.Has(traitHTTPPayload) && g.isEventStream(m):
				o.InputEventStream = m.Name
			}
		}
	}
	if op.output != "" {
		for _, m := range g.model.Shapes[op.output].Members {
			if m.Has(traitHTTPPayload) && g.isEventStream(m) {
				o.OutputEventStream = m.Name
			}
		}
	}
	slices.Sort(uriLabels)
	slices.Sort(memberLabels)
	if !slices.Equal(uriLabels, memberLabels) {
		return nil, fmt.Errorf("URI %s has labels %v but the input's label members are %v", o.URI, uriLabels, memberLabels)
	}
	return o, nil
}

func (g *generator) operationLiteral(f *smithy.File, o *restjson.Operation) {
	f.P("%q: {", o.Name)
	f.P("Name: %q,", o.Name)
	f.P("Action: %q,", o.Action)
	if len(o.RequiredActions) > 0 {
		quoted := make([]string, len(o.RequiredActions))
		for i, a := range o.RequiredActions {
			quoted[i] = strconv.Quote(a)
		}
		f.P("RequiredActions: []string{%s},", strings.Join(quoted, ", "))
	}
	f.P("Method: %q,", o.Method)
	f.P("URI: %q,", o.URI)
	f.P("Status: %d,", o.Status)
	if o.HostPrefix != "" {
		f.P("HostPrefix: %q,", o.HostPrefix)
	}
	if o.ReadOnly {
		f.P("ReadOnly: true,")
	}
	if o.Idempotent {
		f.P("Idempotent: true,")
	}
	if o.IdempotencyToken != "" {
		f.P("IdempotencyToken: %q,", o.IdempotencyToken)
	}
	if o.InputEventStream != "" {
		f.P("InputEventStream: %q,", o.InputEventStream)
	}
	if o.OutputEventStream != "" {
		f.P("OutputEventStream: %q,", o.OutputEventStream)
	}
	f.P("NewInput: func() restjson.Input { return new(%sInput) },", o.Name)
	f.P("},")
}

// errorShapes describes every error shape in the model (with
// -operations, every one the selected operations declare) by name: its
// status is its httpError trait's, or 400 for a client fault and 500 for
// a server one; its message and reason members are found by name in any
// case ("message", "Message").
func (g *generator) errorShapes() (map[string]restjson.ErrorShape, error) {
	shapes := map[string]restjson.ErrorShape{}
	ids := slices.Collect(maps.Keys(g.model.Shapes))
	slices.SortFunc(ids, cmp.Compare)
	for _, id := range ids {
		s := g.model.Shapes[id]
		fault := smithy.TraitString(s.Traits, smithy.TraitError)
		if fault == "" || g.errors != nil && !g.errors[id] {
			continue
		}
		e := restjson.ErrorShape{Status: http.StatusBadRequest}
		if fault == "server" {
			e.Status = http.StatusInternalServerError
		}
		if n, ok := s.Traits[smithy.TraitHTTPError].(float64); ok {
			e.Status = int(n)
		}
		for _, m := range s.Members {
			switch strings.ToLower(m.Name) {
			case "message":
				e.Message = jsonName(m)
			case "reason":
				e.Reason = jsonName(m)
			}
		}
		name := smithy.LocalName(id)
		if _, ok := shapes[name]; ok {
			return nil, fmt.Errorf("two error shapes are named %s", name)
		}
		shapes[name] = e
	}
	return shapes, nil
}
