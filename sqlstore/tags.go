package sqlstore

import (
	"context"
	"slices"
	"strings"

	"github.com/warden-iam/warden"
)

// tagTable describes where one kind of resource keeps its tags. The table
// and column names are constants of this package, never input.
type tagTable struct {
	table    string // user_tags, …
	owner    string // user_id, …
	quota    string // the quota name in LimitExceeded messages
	foldCase bool   // keys compared without regard to case
}

var (
	userTags   = tagTable{table: "user_tags", owner: "user_id", quota: "TagsPerUser", foldCase: true}
	roleTags   = tagTable{table: "role_tags", owner: "role_id", quota: "TagsPerRole", foldCase: true}
	policyTags = tagTable{table: "policy_tags", owner: "policy_id", quota: "TagsPerPolicy"}
)

// fold is the form in which the table compares keys (IAM User Guide,
// "Tagging IAM resources": keys of users and roles are not case-sensitive;
// other resources' are).
func (t tagTable) fold(key string) string {
	if t.foldCase {
		return strings.ToLower(key)
	}
	return key
}

func (s *Store) loadTags(ctx context.Context, q querier, t tagTable, owner string) ([]warden.Tag, error) {
	return queryTags(ctx, q, `SELECT tag_key, tag_value FROM `+t.table+` WHERE `+t.owner+` = $1 ORDER BY key_fold`, owner)
}

// queryTags reads the tags a query selects as (key, value) rows, in the
// query's order.
func queryTags(ctx context.Context, q querier, query string, args ...any) ([]warden.Tag, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tags []warden.Tag
	for rows.Next() {
		var tag warden.Tag
		if err := rows.Scan(&tag.Key, &tag.Value); err != nil {
			return nil, err
		}
		tags = append(tags, tag)
	}
	return tags, rows.Err()
}

// tagKeyCount is how many tags a resource has once added is written over
// existing: a key given again replaces its tag. Keys compare in the form
// fold gives them, or as they are when fold is nil.
func tagKeyCount(existing, added []warden.Tag, fold func(string) string) int {
	keys := make(map[string]bool, len(existing)+len(added))
	for _, tag := range slices.Concat(existing, added) {
		key := tag.Key
		if fold != nil {
			key = fold(key)
		}
		keys[key] = true
	}
	return len(keys)
}

// addTags adds or replaces tags, keeping the resource within its tag
// quota. A replaced key takes the case it is written with now.
func (s *Store) addTags(ctx context.Context, tx querier, t tagTable, owner string, tags []warden.Tag) error {
	if err := warden.ValidateTags(tags); err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	existing, err := s.loadTags(ctx, tx, t, owner)
	if err != nil {
		return err
	}
	if tagKeyCount(existing, tags, t.fold) > s.quotas.TagsPerResource {
		return warden.Errorf(warden.ELimitExceeded, "Cannot exceed quota for %s: %d", t.quota, s.quotas.TagsPerResource)
	}
	for _, tag := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.table+` (`+t.owner+`, key_fold, tag_key, tag_value) VALUES ($1, $2, $3, $4)
			ON CONFLICT (`+t.owner+`, key_fold) DO UPDATE SET tag_key = excluded.tag_key, tag_value = excluded.tag_value`,
			owner, t.fold(tag.Key), tag.Key, tag.Value); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) removeTags(ctx context.Context, tx querier, t tagTable, owner string, keys []string) error {
	if err := warden.ValidateTagKeys(keys); err != nil {
		return err
	}
	for _, key := range keys {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.table+` WHERE `+t.owner+` = $1 AND key_fold = $2`, owner, t.fold(key)); err != nil {
			return err
		}
	}
	return nil
}

// tagPage pages a resource's tags by key.
func (s *Store) tagPage(ctx context.Context, q querier, t tagTable, owner string, pq pageQuery) (*warden.Page[warden.Tag], error) {
	tags, err := s.loadTags(ctx, q, t, owner)
	if err != nil {
		return nil, err
	}
	return pageOf(pq, tags, func(tag warden.Tag) string { return t.fold(tag.Key) }), nil
}
