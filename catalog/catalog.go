// Package catalog is Warden's knowledge of what AWS authorizes: every
// service prefix, action, resource type (with its ARN template) and condition
// key of the AWS Service Authorization Reference, the global aws:* condition
// keys, and the few Amazon Connect Health actions that only its user guide
// documents. Validators and the evaluator ask it whether a name exists, what
// an action needs, and which resource type an ARN names.
//
// The data is generated from the reference by internal/gen/catalog (run by
// go generate) into catalog.bin, embedded in the binary and decoded once on
// first use. Lookups are pure and safe for concurrent use.
package catalog

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:generate go run ../internal/gen/catalog -reference ../../shared/reference/aws-service-catalog.json -supplement ../internal/gen/catalog/supplement.json -out catalog.bin

//go:embed catalog.bin
var embedded string

// Catalog is a set of services and condition keys with lookup indexes. Build
// one with New or Load, or use Default.
type Catalog struct {
	services []*Service // sorted by prefix, case-insensitively
	global   []*ConditionKey
	aliases  []Alias
	nActions int

	// keys maps a lower-cased key name to its canonical definition: the
	// global table for aws:* keys, else the page of the service whose
	// prefix the key carries (or the first page listing it).
	keys map[string]*ConditionKey
	// keyList is the canonical keys sorted by name.
	keyList []*ConditionKey
	// templates are the templated keys as glob patterns, global first.
	templates []keyTemplate
	// aliasActions maps a lower-cased "prefix:operation" to its action.
	aliasActions map[string]*Action
}

type keyTemplate struct {
	pattern string
	key     *ConditionKey
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := decode(embedded)
	if err != nil {
		// The embedded file is part of the build, not input: a decode
		// failure means a broken build, which tests catch.
		panic("catalog: embedded catalog.bin is unreadable (run go generate ./catalog): " + err.Error())
	}
	return c
})

// Default returns the catalog embedded in the binary, decoding it on first
// use.
func Default() *Catalog { return defaultCatalog() }

// New builds a catalog from services, the global condition keys and the
// operation aliases. It takes ownership of its arguments: it sorts actions
// and services, links every action and resource type to its service and
// resolves action resource types by name. It fails on duplicate names
// (compared case-insensitively, as IAM compares them) and on aliases that
// name an unknown action or shadow a real one.
func New(services []*Service, global []*ConditionKey, aliases []Alias) (*Catalog, error) {
	c := &Catalog{services: services, global: global, aliases: aliases}
	if err := c.link(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) link() error {
	byPrefix := func(a, b *Service) int { return compareFold(a.Prefix, b.Prefix) }
	if !slices.IsSortedFunc(c.services, byPrefix) {
		slices.SortStableFunc(c.services, byPrefix)
	}
	c.nActions = 0
	for i, s := range c.services {
		if s.Prefix == "" {
			return fmt.Errorf("service %q has no prefix", s.Name)
		}
		if i > 0 && compareFold(c.services[i-1].Prefix, s.Prefix) == 0 {
			return fmt.Errorf("service prefix %q listed twice", s.Prefix)
		}
		if err := s.link(); err != nil {
			return fmt.Errorf("service %s: %w", s.Prefix, err)
		}
		c.nActions += len(s.Actions)
	}
	if err := c.indexConditionKeys(); err != nil {
		return err
	}
	return c.indexAliases()
}

func (s *Service) link() error {
	byName := func(a, b *Action) int { return compareFold(a.Name, b.Name) }
	if !slices.IsSortedFunc(s.Actions, byName) {
		slices.SortStableFunc(s.Actions, byName)
	}
	for i, a := range s.Actions {
		if a.Name == "" {
			return errors.New("action with no name")
		}
		if i > 0 && compareFold(s.Actions[i-1].Name, a.Name) == 0 {
			return fmt.Errorf("action %q listed twice", a.Name)
		}
		a.Service = s
		for j := range a.ResourceTypes {
			ar := &a.ResourceTypes[j]
			ar.Type = nil
			for _, rt := range s.ResourceTypes {
				if rt.Name == ar.Name {
					ar.Type = rt
					break
				}
			}
		}
	}
	for i, rt := range s.ResourceTypes {
		for _, prev := range s.ResourceTypes[:i] {
			if prev.Name == rt.Name {
				return fmt.Errorf("resource type %q listed twice", rt.Name)
			}
		}
		rt.Service = s
	}
	return nil
}

func (c *Catalog) indexConditionKeys() error {
	size := len(c.global)
	for _, s := range c.services {
		size += len(s.ConditionKeys) // an upper bound: pages repeat keys
	}
	c.keys = make(map[string]*ConditionKey, size)
	c.keyList, c.templates = nil, nil
	add := func(k *ConditionKey) {
		c.keys[strings.ToLower(k.Name)] = k
		c.keyList = append(c.keyList, k)
		if p := keyTemplatePattern(k.Name); p != "" {
			c.templates = append(c.templates, keyTemplate{pattern: p, key: k})
		}
	}
	for _, k := range c.global {
		if !k.Global() {
			return fmt.Errorf("global condition key %q lacks the aws: prefix", k.Name)
		}
		if _, dup := c.keys[strings.ToLower(k.Name)]; dup {
			return fmt.Errorf("global condition key %q listed twice", k.Name)
		}
		add(k)
	}
	// A service's own keys win over another page's copy of them
	// (sts lists saml:* keys; identitystore and q disagree on the type of
	// identitystore:UserId).
	for _, owned := range []bool{true, false} {
		for _, s := range c.services {
			for _, k := range s.ConditionKeys {
				keyPrefix, _, _ := strings.Cut(k.Name, ":")
				if strings.EqualFold(keyPrefix, s.Prefix) != owned {
					continue
				}
				if _, known := c.keys[strings.ToLower(k.Name)]; !known {
					add(k)
				}
			}
		}
	}
	slices.SortFunc(c.keyList, func(a, b *ConditionKey) int { return compareFold(a.Name, b.Name) })
	return nil
}

func (c *Catalog) indexAliases() error {
	c.aliasActions = make(map[string]*Action, len(c.aliases))
	for _, al := range c.aliases {
		opPrefix, opName, ok := strings.Cut(al.Operation, ":")
		if !ok {
			return fmt.Errorf("alias %q: operation is not prefix:Name", al.Operation)
		}
		if _, exists := c.Action(opPrefix, opName); exists {
			return fmt.Errorf("alias %q: it is an action itself", al.Operation)
		}
		prefix, name, _ := strings.Cut(al.Action, ":")
		a, ok := c.Action(prefix, name)
		if !ok {
			return fmt.Errorf("alias %q: unknown action %q", al.Operation, al.Action)
		}
		c.aliasActions[strings.ToLower(al.Operation)] = a
	}
	return nil
}

// Services returns every service, sorted by prefix. The slice is shared:
// do not modify it.
func (c *Catalog) Services() []*Service { return c.services }

// ActionCount returns the number of actions across all services.
func (c *Catalog) ActionCount() int { return c.nActions }

// Service returns the service with the given IAM prefix, matched
// case-insensitively as IAM matches prefixes.
func (c *Catalog) Service(prefix string) (*Service, bool) {
	i, ok := slices.BinarySearchFunc(c.services, prefix, func(s *Service, p string) int { return compareFold(s.Prefix, p) })
	if !ok {
		return nil, false
	}
	return c.services[i], true
}

// Action returns the action prefix:name, both parts matched
// case-insensitively ("IAM:listaccesskeys" is iam:ListAccessKeys).
func (c *Catalog) Action(prefix, name string) (*Action, bool) {
	s, ok := c.Service(prefix)
	if !ok {
		return nil, false
	}
	return s.Action(name)
}

// Action returns the service's action with the given name, matched
// case-insensitively.
func (s *Service) Action(name string) (*Action, bool) {
	i, ok := slices.BinarySearchFunc(s.Actions, name, func(a *Action, n string) int { return compareFold(a.Name, n) })
	if !ok {
		return nil, false
	}
	return s.Actions[i], true
}

// LookupAction returns the action with the full name "prefix:Name", matched
// case-insensitively like Action.
func (c *Catalog) LookupAction(full string) (*Action, bool) {
	prefix, name, ok := strings.Cut(full, ":")
	if !ok {
		return nil, false
	}
	return c.Action(prefix, name)
}

// ActionForOperation returns the action that authorizes an API operation
// whose name is not an action ("s3:GetService" → s3:ListAllMyBuckets).
func (c *Catalog) ActionForOperation(operation string) (*Action, bool) {
	a, ok := c.aliasActions[strings.ToLower(operation)]
	return a, ok
}

// Aliases returns the operation aliases. The slice is shared: do not modify it.
func (c *Catalog) Aliases() []Alias { return c.aliases }

// MatchActions returns the actions an IAM Action pattern names, in catalog
// order: "*" and "?" wildcards, matched case-insensitively over the whole
// "prefix:Name" (IAM User Guide, "IAM JSON policy elements: Action").
func (c *Catalog) MatchActions(pattern string) []*Action {
	if pattern == "*" {
		all := make([]*Action, 0, c.nActions)
		for _, s := range c.services {
			all = append(all, s.Actions...)
		}
		return all
	}
	var out []*Action
	servicePattern, namePattern, hasColon := strings.Cut(pattern, ":")
	if !hasColon {
		// No colon in the pattern: a wildcard has to span the one in
		// every action name ("s3*").
		for _, s := range c.services {
			for _, a := range s.Actions {
				if matchFold(pattern, a.FullName()) {
					out = append(out, a)
				}
			}
		}
		return out
	}
	// Action names hold no colon, so the pattern's colon can only stand for
	// the separator and each side matches its own part.
	services := c.services
	if !strings.ContainsAny(servicePattern, "*?") {
		s, ok := c.Service(servicePattern)
		if !ok {
			return nil
		}
		services = []*Service{s}
	}
	for _, s := range services {
		if !matchFold(servicePattern, s.Prefix) {
			continue
		}
		for _, a := range s.Actions {
			if matchFold(namePattern, a.Name) {
				out = append(out, a)
			}
		}
	}
	return out
}

// GlobalConditionKeys returns the global aws:* keys. The slice is shared: do
// not modify it.
func (c *Catalog) GlobalConditionKeys() []*ConditionKey { return c.global }

// ConditionKeys returns every distinct condition key, global and service,
// sorted by name. The slice is shared: do not modify it.
func (c *Catalog) ConditionKeys() []*ConditionKey { return c.keyList }

// ConditionKey resolves a condition key name as written in a policy,
// case-insensitively: an exact name first ("aws:SourceIp"), then a templated
// family it belongs to ("aws:RequestTag/team" is aws:RequestTag/${TagKey},
// "s3:ExistingObjectTag/owner" is s3:ExistingObjectTag/<key>). The key
// returned is the catalog's definition, template name included.
func (c *Catalog) ConditionKey(name string) (*ConditionKey, bool) {
	if k, ok := c.keys[strings.ToLower(name)]; ok {
		return k, true
	}
	for _, t := range c.templates {
		if matchFold(t.pattern, name) {
			return t.key, true
		}
	}
	return nil, false
}

// keyTemplatePattern returns the glob pattern that matches the keys a
// templated key name stands for, or "" if the name is not a template. The
// reference spells the variable part three ways: ${TagKey}, <key>, and (on
// a few pages) a bare trailing "/" or "/tag-key".
func keyTemplatePattern(name string) string {
	var b strings.Builder
	templated := false
	for i := 0; i < len(name); i++ {
		switch {
		case strings.HasPrefix(name[i:], "${"):
			if end := strings.IndexByte(name[i:], '}'); end > 0 {
				b.WriteString("?*")
				i += end
				templated = true
				continue
			}
		case name[i] == '<':
			if end := strings.IndexByte(name[i:], '>'); end > 0 {
				b.WriteString("?*")
				i += end
				templated = true
				continue
			}
		}
		b.WriteByte(name[i])
	}
	p := b.String()
	switch {
	case strings.HasSuffix(p, "/"):
		p += "?*"
		templated = true
	case strings.HasSuffix(p, "/tag-key"):
		p = strings.TrimSuffix(p, "tag-key") + "?*"
		templated = true
	}
	if !templated {
		return ""
	}
	return p
}
