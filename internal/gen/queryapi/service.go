package main

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/warden-iam/warden/internal/gen/smithy"
)

// serviceTable writes the service description: its names, its operation
// table and the HTTP status of each error code it declares.
func (g *generator) serviceTable(f *smithy.File) error {
	f.Imports[runtimeImport] = true
	arnNamespace, _ := smithy.TraitObject(g.service.Traits, smithy.TraitAWSService)["arnNamespace"].(string)
	signingName, _ := smithy.TraitObject(g.service.Traits, traitSigV4)["name"].(string)
	xmlns, _ := smithy.TraitObject(g.service.Traits, traitXMLNS)["uri"].(string)
	if arnNamespace == "" || signingName == "" || xmlns == "" {
		return fmt.Errorf("service %s lacks its arnNamespace, sigv4 name or xmlNamespace", g.serviceID)
	}
	statuses, err := g.errorStatuses()
	if err != nil {
		return err
	}

	f.P("// Service is %s (%s) as its Smithy model describes it.", smithy.TraitString(g.service.Traits, smithy.TraitTitle), g.sdkID)
	f.P("var Service = &awsquery.Service{")
	f.P("ARNNamespace: %q,", arnNamespace)
	f.P("SigningName: %q,", signingName)
	f.P("Version: %q,", g.service.Version)
	f.P("Namespace: %q,", xmlns)
	f.P("Operations: map[string]*awsquery.Operation{")
	for _, op := range g.ops {
		f.P("%q: {", op.name)
		f.P("Name: %q,", op.name)
		f.P("Action: %q,", arnNamespace+":"+op.name)
		f.P("NewInput: func() awsquery.Input { return new(%sInput) },", op.name)
		if op.output != "" {
			f.P("NewOutput: func() awsquery.Output { return new(%s) },", g.typeNames[op.output])
		}
		f.P("},")
	}
	f.P("},")
	f.P("ErrorStatus: map[string]int{")
	for _, code := range slices.Sorted(maps.Keys(statuses)) {
		f.P("%q: %d,", code, statuses[code])
	}
	f.P("},")
	f.P("}")
	return nil
}

// errorStatuses maps the code of every error shape in the model to its HTTP
// status. The awsQueryError trait gives both; without it the Query code is
// the shape name and the status is httpError's, or 400 for a client fault
// and 500 for a server one.
func (g *generator) errorStatuses() (map[string]int, error) {
	statuses := map[string]int{}
	ids := slices.Collect(maps.Keys(g.model.Shapes))
	slices.SortFunc(ids, cmp.Compare)
	for _, id := range ids {
		s := g.model.Shapes[id]
		fault := smithy.TraitString(s.Traits, smithy.TraitError)
		if fault == "" {
			continue
		}
		code, status := smithy.LocalName(id), http.StatusBadRequest
		if fault == "server" {
			status = http.StatusInternalServerError
		}
		if n, ok := s.Traits[smithy.TraitHTTPError].(float64); ok {
			status = int(n)
		}
		if q := smithy.TraitObject(s.Traits, traitQueryError); q != nil {
			if c, ok := q["code"].(string); ok {
				code = c
			}
			if n, ok := q["httpResponseCode"].(float64); ok {
				status = int(n)
			}
		}
		if prev, ok := statuses[code]; ok && prev != status {
			return nil, fmt.Errorf("error code %s has statuses %d and %d", code, prev, status)
		}
		statuses[code] = status
	}
	return statuses, nil
}
