package warden

import "fmt"

// DefaultMaxItems is the page size IAM's list operations use when the caller
// gives no MaxItems.
const DefaultMaxItems = 100

// ListOptions are the paging and filtering parameters IAM's List*
// operations share.
type ListOptions struct {
	// PathPrefix keeps only entities whose path begins with it ("/" or ""
	// keeps all). Ignored by lists of things that have no path.
	PathPrefix string
	// Marker is the opaque value a previous page returned in Page.Marker;
	// empty for the first page.
	Marker string
	// MaxItems bounds the page size: 1–1000, 0 meaning DefaultMaxItems.
	MaxItems int
}

// Validate checks MaxItems and PathPrefix against the model's constraints
// (maxItemsType, pathPrefixType).
//
// Returns ValidationError.
func (o ListOptions) Validate() error {
	var v validator
	if o.MaxItems != 0 && (o.MaxItems < 1 || o.MaxItems > 1000) {
		constraint := "Member must have value greater than or equal to 1"
		if o.MaxItems > 1000 {
			constraint = "Member must have value less than or equal to 1000"
		}
		v.fail(fmt.Sprint(o.MaxItems), "maxItems", constraint)
	}
	if o.PathPrefix != "" {
		if v.length("pathPrefix", o.PathPrefix, 1, 512) && (o.PathPrefix[0] != '/' || !printableASCII(o.PathPrefix)) {
			v.fail(o.PathPrefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
		}
	}
	if o.Marker != "" {
		v.length("marker", o.Marker, 1, 320)
	}
	return v.err()
}

// Limit returns the page size to use: MaxItems, or DefaultMaxItems when
// MaxItems is zero.
func (o ListOptions) Limit() int {
	if o.MaxItems == 0 {
		return DefaultMaxItems
	}
	return o.MaxItems
}

func printableASCII(s string) bool {
	for i := range len(s) {
		if s[i] < 0x21 || s[i] > 0x7F {
			return false
		}
	}
	return true
}

// Page is one page of a list result. When IsTruncated is true, Marker is
// the value to pass as ListOptions.Marker to fetch the next page.
type Page[T any] struct {
	Items       []T
	IsTruncated bool
	Marker      string
}
