package main

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// serviceTable writes the service description: its names, its operation
// table and the HTTP status of each error code it declares.
func (g *generator) serviceTable(f *file) error {
	f.imports[runtimeImport] = true
	arnNamespace, _ := traitObject(g.service.Traits, traitAWSService)["arnNamespace"].(string)
	signingName, _ := traitObject(g.service.Traits, traitSigV4)["name"].(string)
	xmlns, _ := traitObject(g.service.Traits, traitXMLNS)["uri"].(string)
	if arnNamespace == "" || signingName == "" || xmlns == "" {
		return fmt.Errorf("service %s lacks its arnNamespace, sigv4 name or xmlNamespace", g.serviceID)
	}
	statuses, err := g.errorStatuses()
	if err != nil {
		return err
	}

	f.p("// Service is %s (%s) as its Smithy model describes it.", traitString(g.service.Traits, traitTitle), g.sdkID)
	f.p("var Service = &awsquery.Service{")
	f.p("ARNNamespace: %q,", arnNamespace)
	f.p("SigningName: %q,", signingName)
	f.p("Version: %q,", g.service.Version)
	f.p("Namespace: %q,", xmlns)
	f.p("Operations: map[string]*awsquery.Operation{")
	for _, op := range g.ops {
		f.p("%q: {", op.name)
		f.p("Name: %q,", op.name)
		f.p("Action: %q,", arnNamespace+":"+op.name)
		f.p("NewInput: func() awsquery.Input { return new(%sInput) },", op.name)
		if op.output != "" {
			f.p("NewOutput: func() awsquery.Output { return new(%s) },", g.typeNames[op.output])
		}
		f.p("},")
	}
	f.p("},")
	f.p("ErrorStatus: map[string]int{")
	for _, code := range slices.Sorted(maps.Keys(statuses)) {
		f.p("%q: %d,", code, statuses[code])
	}
	f.p("},")
	f.p("}")
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
		fault := traitString(s.Traits, traitError)
		if fault == "" {
			continue
		}
		code, status := localName(id), http.StatusBadRequest
		if fault == "server" {
			status = http.StatusInternalServerError
		}
		if n, ok := s.Traits[traitHTTPError].(float64); ok {
			status = int(n)
		}
		if q := traitObject(s.Traits, traitQueryError); q != nil {
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
