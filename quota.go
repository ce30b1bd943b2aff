package warden

// Quotas are IAM's per-account limits (IAM User Guide, "IAM and AWS STS
// quotas"). A store enforces them and answers LimitExceeded when a write
// would pass one; GetAccountSummary reports them.
type Quotas struct {
	UsersPerAccount    int
	GroupsPerAccount   int
	RolesPerAccount    int
	PoliciesPerAccount int // customer managed policies

	GroupsPerUser     int
	AccessKeysPerUser int
	MFADevicesPerUser int
	VersionsPerPolicy int
	TagsPerResource   int

	AttachedPoliciesPerUser  int
	AttachedPoliciesPerGroup int
	AttachedPoliciesPerRole  int

	// Policy sizes in characters, white space not counted (see PolicySize).
	// The inline sizes are aggregates over all of an identity's inline
	// policies.
	UserPolicySize       int
	GroupPolicySize      int
	RolePolicySize       int
	PolicySize           int // one managed policy version
	AssumeRolePolicySize int
}

// DefaultQuotas returns AWS's default quotas.
func DefaultQuotas() Quotas {
	return Quotas{
		UsersPerAccount:    5000,
		GroupsPerAccount:   300,
		RolesPerAccount:    1000,
		PoliciesPerAccount: 1500,

		GroupsPerUser:     10,
		AccessKeysPerUser: 2,
		MFADevicesPerUser: 8,
		VersionsPerPolicy: 5,
		TagsPerResource:   50,

		AttachedPoliciesPerUser:  10,
		AttachedPoliciesPerGroup: 10,
		AttachedPoliciesPerRole:  10,

		UserPolicySize:       2048,
		GroupPolicySize:      5120,
		RolePolicySize:       10240,
		PolicySize:           6144,
		AssumeRolePolicySize: 2048,
	}
}
