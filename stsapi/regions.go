package stsapi

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/authz"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
)

// Regions where STS is active. AWS lets an account deactivate STS in a
// region, and regions introduced since 2019 must be enabled first; a
// request for credentials in a region where STS is not active gets
// RegionDisabledException ("Managing AWS STS in an AWS Region", IAM User
// Guide). Warden has one configuration of enabled regions for every
// account: the operator's (`warden serve --regions`), by default every
// region of the aws partition.

// ERegionDisabled is the STS model's error for a region where STS is not
// active (HTTP 403).
const ERegionDisabled = "RegionDisabledException"

// awsPartitionRegion matches the names of the aws partition's regions:
// the regionRegex of the aws partition in the SDKs' endpoint rules, so that
// regions AWS adds later are recognised too.
var awsPartitionRegion = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`)

// IsAWSRegion reports whether name has the form of a region of the aws
// partition.
func IsAWSRegion(name string) bool { return awsPartitionRegion.MatchString(name) }

// regionsIssuingCredentials are the operations whose model lists
// RegionDisabledException: those that issue credentials. The others
// (GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage) answer
// in every region.
var regionsIssuingCredentials = []string{"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
	"GetDelegatedAccessToken", "GetFederationToken", "GetSessionToken"}

// regionConfig is where STS is active.
type regionConfig struct {
	// home is the region of requests that carry none: the unsigned
	// AssumeRoleWithWebIdentity and AssumeRoleWithSAML, which the endpoint
	// answers in its own region.
	home string
	// enabled lists the active regions; nil means every region of the
	// aws partition.
	enabled []string
}

// WithRegions sets the region Warden answers unsigned requests in and the
// regions where STS is active; a nil enabled means every region of the aws
// partition.
func WithRegions(home string, enabled []string) Option {
	return func(a *API) { a.regions = regionConfig{home: home, enabled: slices.Clone(enabled)} }
}

func (r *regionConfig) active(region string) bool {
	if r.enabled == nil {
		return IsAWSRegion(region)
	}
	return slices.Contains(r.enabled, region)
}

// checkRegion refuses an operation that issues credentials in a region
// where STS is not active, in STS's words. The account is the caller's,
// or for an unsigned request the role's.
func (a *API) checkRegion(c *authz.Caller, op string, in any) error {
	if !slices.Contains(regionsIssuingCredentials, op) {
		return nil
	}
	region := c.Region
	if region == "" {
		region = a.regions.home
	}
	if region == "" || a.regions.active(region) {
		return nil
	}
	account := ""
	if c.Principal != nil {
		account = c.Principal.AccountID
	}
	switch in := in.(type) {
	case *s.AssumeRoleWithWebIdentityInput:
		account = roleAccount(in.RoleArn)
	case *s.AssumeRoleWithSAMLInput:
		account = roleAccount(in.RoleArn)
	}
	return warden.Errorf(ERegionDisabled, "%s", regionDisabledMessage(account))
}

func regionDisabledMessage(account string) string {
	return fmt.Sprintf("STS is not activated in this region for account:%s. Your account administrator can activate STS in this region using the IAM Console.", account)
}
