package validate

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/warden-iam/warden/arn"
	"github.com/warden-iam/warden/catalog"
)

// knowledge is what the checks derive from a catalog: indexes the catalog
// does not keep, and memos of the costly questions (wildcard expansions,
// which resource types an ARN names), which repeat across policies. One is
// built per catalog and shared by every validation.
type knowledge struct {
	cat *catalog.Catalog
	// typesByARNService lists resource types by the service component of
	// their ARN template, which is not always the IAM prefix of the service
	// that defines them (sts defines role, an iam ARN).
	typesByARNService map[string][]*catalog.ResourceType
	// anyServiceTypes are resource types whose template leaves the service
	// open.
	anyServiceTypes []*catalog.ResourceType
	// keySupport maps a lower-cased canonical condition key name to the
	// actions whose rows or resource types list it.
	keySupport map[string]map[*catalog.Action]bool
	// serviceKeys maps a service to the lower-cased canonical names of the
	// keys its page lists.
	serviceKeys map[*catalog.Service]map[string]bool

	expansions  memo[[]*catalog.Action]
	arnTypes    memo[[]*catalog.ResourceType]
	suggestions memo[[]string]
}

var (
	knowledgeMu        sync.Mutex
	knowledgeByCatalog = map[*catalog.Catalog]*knowledge{}
)

// knowledgeOf returns the knowledge of a catalog, building it on first use.
func knowledgeOf(cat *catalog.Catalog) *knowledge {
	knowledgeMu.Lock()
	defer knowledgeMu.Unlock()
	k, ok := knowledgeByCatalog[cat]
	if !ok {
		k = newKnowledge(cat)
		knowledgeByCatalog[cat] = k
	}
	return k
}

func newKnowledge(cat *catalog.Catalog) *knowledge {
	k := &knowledge{
		cat:               cat,
		typesByARNService: map[string][]*catalog.ResourceType{},
		keySupport:        map[string]map[*catalog.Action]bool{},
		serviceKeys:       map[*catalog.Service]map[string]bool{},
	}
	for _, s := range cat.Services() {
		for _, rt := range s.ResourceTypes {
			parts, ok := arn.Split(rt.ARNTemplate)
			if !ok {
				continue
			}
			svc := parts[2]
			if strings.Contains(svc, "${") {
				// A type of any service's resources (backup's recovery
				// points: arn:${Partition}:${Vendor}:…).
				k.anyServiceTypes = append(k.anyServiceTypes, rt)
				continue
			}
			k.typesByARNService[svc] = append(k.typesByARNService[svc], rt)
		}
		keys := map[string]bool{}
		for _, ck := range s.ConditionKeys {
			keys[k.canonicalKey(ck.Name)] = true
		}
		k.serviceKeys[s] = keys
		for _, a := range s.Actions {
			support := func(name string) {
				key := k.canonicalKey(name)
				m := k.keySupport[key]
				if m == nil {
					m = map[*catalog.Action]bool{}
					k.keySupport[key] = m
				}
				m[a] = true
			}
			for _, name := range a.ConditionKeys {
				support(name)
			}
			for _, r := range a.ResourceTypes {
				if r.Type != nil {
					for _, name := range r.Type.ConditionKeys {
						support(name)
					}
				}
			}
		}
	}
	// A service's own types come first, so that messages name them
	// rather than another service's view of the same ARNs (codestar's
	// "user" is an iam ARN too).
	for svc, types := range k.typesByARNService {
		slices.SortStableFunc(types, func(a, b *catalog.ResourceType) int {
			return cmp.Compare(ownRank(a, svc), ownRank(b, svc))
		})
	}
	return k
}

// ownRank is 0 for a resource type of the service whose ARNs it has, 1 for
// another service's.
func ownRank(rt *catalog.ResourceType, arnService string) int {
	if rt.Service.Prefix == arnService {
		return 0
	}
	return 1
}

// canonicalKey returns the lower-cased catalog name of a condition key as
// written in a policy or a reference page ("aws:RequestTag/Owner" and
// "aws:RequestTag/${TagKey}" are both aws:requesttag/${tagkey}).
func (k *knowledge) canonicalKey(name string) string {
	if ck, ok := k.cat.ConditionKey(name); ok {
		return strings.ToLower(ck.Name)
	}
	return strings.ToLower(name)
}

// expand returns the actions an Action pattern names.
func (k *knowledge) expand(pattern string) []*catalog.Action {
	key := strings.ToLower(pattern)
	return k.expansions.get(key, func() []*catalog.Action { return k.cat.MatchActions(key) })
}

// resourceTypesOf returns the resource types an ARN entry of a Resource
// element can name, among the types whose templates have the entry's
// service. The entry's service must be free of wildcards.
func (k *knowledge) resourceTypesOf(entry, service string) []*catalog.ResourceType {
	return k.arnTypes.get(entry, func() []*catalog.ResourceType {
		var out []*catalog.ResourceType
		for _, rt := range k.typesByARNService[service] {
			if rt.MatchARN(entry) {
				out = append(out, rt)
			}
		}
		for _, rt := range k.anyServiceTypes {
			if rt.MatchARN(entry) {
				out = append(out, rt)
			}
		}
		return out
	})
}

// suggestActions memoizes catalog.SuggestActions, whose edit distances
// over a service's actions are the costliest part of reporting a name the
// catalog lacks; policies often repeat the same unknown names.
func (k *knowledge) suggestActions(full string) []string {
	return k.suggestions.get("action\x00"+full, func() []string { return k.cat.SuggestActions(full) })
}

// suggestServices memoizes catalog.SuggestServices.
func (k *knowledge) suggestServices(prefix string) []string {
	return k.suggestions.get("service\x00"+prefix, func() []string { return k.cat.SuggestServices(prefix) })
}

// supports reports whether action a carries condition key (canonical).
func (k *knowledge) supports(a *catalog.Action, key string) bool {
	return k.keySupport[key][a]
}

// memo remembers answers by string key, up to a bound so that a
// long-running process validating endless distinct input does not grow
// without limit; past it, answers are computed and not stored.
type memo[V any] struct {
	m sync.Map
	n atomic.Int64
}

const memoLimit = 1 << 16

func (m *memo[V]) get(key string, compute func() V) V {
	if v, ok := m.m.Load(key); ok {
		return v.(V)
	}
	v := compute()
	if m.n.Load() < memoLimit {
		if _, loaded := m.m.LoadOrStore(key, v); !loaded {
			m.n.Add(1)
		}
	}
	return v
}
