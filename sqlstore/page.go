package sqlstore

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/warden-iam/warden"
)

// Lists are ordered by a sort key (usually the lower-cased name) and paged
// by keyset: a page's marker encodes the sort key of its last item, and the
// next page starts after it. Markers stay valid across writes, unlike
// offsets, and the client cannot read anything into them.

// keySep joins the parts of a composite sort key; validated names never
// contain it.
const keySep = "\x00"

func encodeMarker(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeMarker(marker string) (string, error) {
	key, err := base64.RawURLEncoding.DecodeString(marker)
	if err != nil || len(key) == 0 {
		return "", warden.Errorf(warden.EInvalidInput, "Invalid Marker.")
	}
	return string(key), nil
}

// pageQuery is a validated ListOptions ready for SQL: rows with a sort key
// after `after`, paths starting with prefix, at most limit+1 of them (the
// extra row tells whether the page is truncated).
type pageQuery struct {
	prefix string
	after  string
	limit  int
}

func newPageQuery(opts warden.ListOptions) (pageQuery, error) {
	if err := opts.Validate(); err != nil {
		return pageQuery{}, err
	}
	q := pageQuery{prefix: cmp.Or(opts.PathPrefix, "/"), limit: opts.Limit()}
	if opts.Marker != "" {
		var err error
		if q.after, err = decodeMarker(opts.Marker); err != nil {
			return pageQuery{}, err
		}
	}
	return q, nil
}

// pathlessPageQuery is newPageQuery for a list of things that have no
// path: ListOptions.PathPrefix is ignored there, so it is not validated
// either.
func pathlessPageQuery(opts warden.ListOptions) (pageQuery, error) {
	return newPageQuery(warden.ListOptions{Marker: opts.Marker, MaxItems: opts.MaxItems})
}

// fetch is the LIMIT to ask SQL for.
func (q pageQuery) fetch() int { return q.limit + 1 }

// matchesPath reports whether path is within the query's path prefix.
func (q pageQuery) matchesPath(path string) bool { return strings.HasPrefix(path, q.prefix) }

// finish turns up to limit+1 rows in sort-key order into a page.
func finish[T any](q pageQuery, items []T, key func(T) string) *warden.Page[T] {
	p := &warden.Page[T]{Items: items}
	if len(items) > q.limit {
		p.Items = items[:q.limit]
		p.IsTruncated = true
		p.Marker = encodeMarker(key(p.Items[q.limit-1]))
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

// pageOf pages a list that is small enough to hold whole (tags, access
// keys, attached policies): sorted by key, then cut like a SQL page.
func pageOf[T any](q pageQuery, items []T, key func(T) string) *warden.Page[T] {
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	if q.after != "" {
		i, _ := slices.BinarySearchFunc(items, q.after, func(item T, after string) int {
			if key(item) <= after {
				return -1
			}
			return 1
		})
		items = items[i:]
	}
	return finish(q, items[:min(len(items), q.fetch())], key)
}

// Times are stored as unix microseconds; Go times handed out are UTC and
// truncated to match what a later read returns.

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// nameKey is the form in which IAM names are compared: "names are not
// distinguished by case" (IAM User Guide, "IAM identifiers"). IAM names are
// ASCII, so lower-casing is the whole of case folding.
func nameKey(name string) string { return strings.ToLower(name) }

func pathOrRoot(path string) string { return cmp.Or(path, "/") }
