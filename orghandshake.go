package warden

import (
	"regexp"
	"time"
)

// Handshakes: the two-party agreements of AWS Organizations. Warden serves
// the one an organization needs to grow by existing accounts, the
// invitation: the management account invites an account
// (InviteAccountToOrganization), the invited account accepts or declines
// it, the management account may cancel it while it is open, and it
// expires when nobody acts ("Inviting an AWS account to join your
// organization", AWS Organizations User Guide).

// HandshakeState is the state of a handshake (the HandshakeState enum).
type HandshakeState string

const (
	HandshakeOpen     HandshakeState = "OPEN"
	HandshakeAccepted HandshakeState = "ACCEPTED"
	HandshakeDeclined HandshakeState = "DECLINED"
	HandshakeCanceled HandshakeState = "CANCELED"
	HandshakeExpired  HandshakeState = "EXPIRED"
)

// HandshakeActionInvite is the action of an invitation (the ActionType
// enum); Warden serves no other.
const HandshakeActionInvite = "INVITE"

// HandshakeInvitationLifetime is how long an invitation stays open: "If
// the invitation isn't accepted within 15 days, it expires" (AWS
// Organizations User Guide).
const HandshakeInvitationLifetime = 15 * 24 * time.Hour

// HandshakeIDPattern is the API model's pattern of handshake IDs.
const HandshakeIDPattern = `^h-[0-9a-z]{8,32}$`

// HandshakeIDRE matches handshake IDs.
var HandshakeIDRE = regexp.MustCompile(HandshakeIDPattern)

// NewHandshakeID returns a fresh handshake ID, h- and 32 characters.
func NewHandshakeID() string { return "h-" + randomString(orgIDAlphabet, 32) }

// Handshake is an invitation of an account to an organization, as both
// parties see it.
type Handshake struct {
	ID             string
	ARN            string
	OrganizationID string
	// ManagementAccountID is the inviting party, AccountID the invited
	// one.
	ManagementAccountID string
	AccountID           string
	Action              string // INVITE
	// State is as of the read: an open invitation past its expiration
	// reads EXPIRED.
	State          HandshakeState
	RequestedDate  time.Time
	ExpirationDate time.Time
	// ManagementName and FeatureSet describe the organization to the
	// invited account, as the handshake's resources do.
	ManagementName string
	FeatureSet     OrganizationFeatureSet
	Notes          string
	// Tags go to the account when it joins.
	Tags []Tag
}

// HandshakeARN returns the ARN of a handshake of an organization.
func HandshakeARN(management, orgID, handshakeID string) string {
	return "arn:" + Partition + ":organizations::" + management + ":handshake/" + orgID + "/invite/" + handshakeID
}

// InviteAccountInput describes an invitation.
type InviteAccountInput struct {
	AccountID string
	Notes     string
	Tags      []Tag
}

// Validate checks the input against the Organizations API model.
//
// Returns InvalidInputException with a reason.
func (in *InviteAccountInput) Validate() error {
	var v orgValidator
	v.text("Target.Id", in.AccountID, 12, 12, accountIDRE, `^[0-9]{12}$`)
	v.text("Notes", in.Notes, 0, 1024, nil, "")
	v.tags(in.Tags)
	return v.err
}

// ErrHandshakeNotFound is the answer to a handshake ID the caller's
// account is no party of.
func ErrHandshakeNotFound() error {
	return Errorf(EHandshakeNotFound, "We can't find a handshake with the HandshakeId that you specified.")
}
