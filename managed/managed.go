// Package managed is Warden's catalogue of managed policies that belong to
// no customer account: AWS's own managed policies (arn:aws:iam::aws:policy/…),
// generated from the reference corpus, and the policies Warden provides
// under the /warden/ path, such as the Amazon Connect Health console
// policies. The store resolves attachments by ARN against it.
package managed

//go:generate go run ../internal/gen/managed -in ../../shared/reference/aws-managed-policies.json -out aws-managed-policies.json.gz

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base32"
	"encoding/json"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/warden-iam/warden"
)

//go:embed aws-managed-policies.json.gz
var awsPolicies []byte

// extraPolicies holds AWS managed policies the reference corpus lacks
// (aws/, at path /) and the policies Warden provides (warden/, at /warden/).
//
//go:embed aws/*.json warden/*.json
var extraPolicies embed.FS

// WardenPath is the path of the managed policies Warden provides.
const WardenPath = "/warden/"

// published is the creation date reported for catalogue policies; the
// corpus does not record AWS's dates.
var published = time.Date(2025, 1, 29, 0, 0, 0, 0, time.UTC)

// Catalog holds the managed policies. It is immutable and safe for
// concurrent use.
type Catalog struct {
	byARN     map[string]*warden.AWSManagedPolicy
	all       []*warden.AWSManagedPolicy
	reference []*warden.AWSManagedPolicy // those generated from the reference corpus
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// Default returns the embedded catalogue, loaded on first use.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := load()
		if err != nil {
			panic("managed: embedded catalogue is corrupt: " + err.Error())
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

type entry struct {
	Name       string `json:"name"`
	Path       string `json:"path"`
	ARN        string `json:"arn"`
	Version    string `json:"version"`
	Deprecated bool   `json:"deprecated,omitempty"`
	Document   string `json:"document"`
}

func load() (*Catalog, error) {
	zr, err := gzip.NewReader(bytes.NewReader(awsPolicies))
	if err != nil {
		return nil, err
	}
	var entries []entry
	if err := json.NewDecoder(zr).Decode(&entries); err != nil {
		return nil, err
	}
	fromReference := len(entries)
	for dir, policyPath := range map[string]string{"aws": "/", "warden": WardenPath} {
		files, err := extraPolicies.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			doc, err := extraPolicies.ReadFile(dir + "/" + f.Name())
			if err != nil {
				return nil, err
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, doc); err != nil {
				return nil, err
			}
			name := strings.TrimSuffix(f.Name(), path.Ext(f.Name()))
			entries = append(entries, entry{Name: name, Path: policyPath, ARN: "arn:aws:iam::aws:policy" + policyPath + name, Version: "v1", Document: compact.String()})
		}
	}
	c := &Catalog{byARN: make(map[string]*warden.AWSManagedPolicy, len(entries))}
	for i, e := range entries {
		p := &warden.AWSManagedPolicy{
			Policy: warden.ManagedPolicy{
				AccountID: "aws", ID: policyID(e.ARN), Name: e.Name, Path: e.Path, ARN: e.ARN,
				DefaultVersionID: e.Version, IsAttachable: !e.Deprecated,
				CreateDate: published, UpdateDate: published,
			},
			Document: e.Document,
		}
		c.byARN[e.ARN] = p
		c.all = append(c.all, p)
		if i < fromReference {
			c.reference = append(c.reference, p)
		}
	}
	slices.SortFunc(c.all, func(a, b *warden.AWSManagedPolicy) int {
		return strings.Compare(strings.ToLower(a.Policy.Name), strings.ToLower(b.Policy.Name))
	})
	return c, nil
}

// policyID derives a stable ANPA… id from the ARN, so a policy keeps its id
// across releases.
func policyID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// Reference returns the policies generated from the reference corpus of AWS
// managed policies, in its order; tests use it as a real-world corpus.
func (c *Catalog) Reference() []*warden.AWSManagedPolicy { return c.reference }

// AWSManagedPolicy implements warden.AWSManagedPolicySource.
func (c *Catalog) AWSManagedPolicy(arn string) (*warden.AWSManagedPolicy, bool) {
	p, ok := c.byARN[arn]
	return p, ok
}

// AWSManagedPolicies implements warden.AWSManagedPolicySource.
func (c *Catalog) AWSManagedPolicies() []*warden.AWSManagedPolicy { return c.all }

var _ warden.AWSManagedPolicySource = (*Catalog)(nil)
