package catalog

import "strings"

// SearchResult holds what Search found, each list in catalog order.
type SearchResult struct {
	Services      []*Service
	Actions       []*Action
	ResourceTypes []*ResourceType
	ConditionKeys []*ConditionKey
}

// Search returns the services (by prefix or name), actions, resource types
// and condition keys whose names contain word, case-insensitively. A word
// with a colon is looked for in full action names ("health-agent:Get").
func (c *Catalog) Search(word string) SearchResult {
	var r SearchResult
	inFullName := strings.Contains(word, ":")
	for _, s := range c.services {
		if containsFold(s.Prefix, word) || containsFold(s.Name, word) {
			r.Services = append(r.Services, s)
		}
		for _, a := range s.Actions {
			if containsFold(a.Name, word) || inFullName && containsFold(a.FullName(), word) {
				r.Actions = append(r.Actions, a)
			}
		}
		for _, rt := range s.ResourceTypes {
			if containsFold(rt.Name, word) {
				r.ResourceTypes = append(r.ResourceTypes, rt)
			}
		}
	}
	for _, k := range c.keyList {
		if containsFold(k.Name, word) {
			r.ConditionKeys = append(r.ConditionKeys, k)
		}
	}
	return r
}
