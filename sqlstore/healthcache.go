package sqlstore

import (
	"context"
	"slices"

	"github.com/warden-iam/warden"
)

// Connect Health domain lookups, cached like the IAM lookups of the
// request path: every request that names a domain reads it (its ARN and
// status, and its tags for aws:ResourceTag) before it is authorized, and
// domains change at administrator pace. Every write to a domain or its
// tags goes through changeDomain, which advances the store generation and
// so empties the cache; the generation is stored, so a write by another
// process sharing the data directory is seen within SyncInterval as for
// IAM. The cost is that those rare writes also drop the cached IAM
// answers.

// changeDomain runs fn in a write transaction that changes a domain or its
// tags, and advances the store generation once it commits.
func (s *Store) changeDomain(ctx context.Context, op string, fn func(tx querier) error) error {
	return s.withTx(ctx, op, true, fn)
}

func (s *Store) Domain(ctx context.Context, account, region, id string) (*warden.Domain, error) {
	if s.cache == nil {
		return s.readDomain(ctx, account, region, id)
	}
	// The generation is read before the database, so that an answer read
	// before a concurrent write is never stored as current after it.
	generation := s.generation.Load()
	key := account + "/" + region + "/" + id
	if d, ok := s.cache.domain(generation, key); ok {
		return cloneDomain(d), nil
	}
	d, err := s.readDomain(ctx, account, region, id)
	if err != nil {
		return nil, err
	}
	s.cache.putDomain(generation, key, d)
	return cloneDomain(d), nil
}

// cloneDomain copies a cached domain for a caller: the warden.Store
// contract lets callers keep and change what Domain returns, which must
// not reach the next caller.
func cloneDomain(d *warden.Domain) *warden.Domain {
	c := *d
	c.Tags = slices.Clone(d.Tags)
	if d.WebApp != nil {
		web := *d.WebApp
		c.WebApp = &web
	}
	return &c
}
