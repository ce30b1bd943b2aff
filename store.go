package warden

// Store is everything Warden keeps: the IAM entities of every account and
// the installation record. sqlstore implements it on SQLite (and, later,
// PostgreSQL); every implementation passes the same conformance suite.
type Store interface {
	AccountService
	UserService
	GroupService
	RoleService
	OIDCProviderService
	SAMLProviderService
	PolicyService
	IdentityPolicyService
	AccessKeyService
	LoginProfileService
	MFADeviceService
	SessionService
	OrganizationService
	AuthorizationSource
	AuditService
	HealthService
	HealthConsoleService
	ScribeSessionService
	MedicalCodingService
	AppIntegrationsService
	IdentityStoreService
	ConnectService

	// Close releases the store's resources. Writes acknowledged before Close
	// are durable whether or not it is called.
	Close() error
}
