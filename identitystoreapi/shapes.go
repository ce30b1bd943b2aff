package identitystoreapi

import (
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsjson"
)

// The request and response members of the Identity Store operations
// Warden serves, named as the AWS Identity Store API Reference names them
// (service model identitystore 2020-06-15). Optional members are pointers
// or omitted when empty, as AWS leaves out members it has no value for.
// Members of the model that Warden does not keep (addresses, phone
// numbers, photos, external IDs, extensions, …) are not read: a request
// that sets them is served without them.

type Name struct {
	Formatted       *string `json:",omitempty"`
	FamilyName      *string `json:",omitempty"`
	GivenName       *string `json:",omitempty"`
	MiddleName      *string `json:",omitempty"`
	HonorificPrefix *string `json:",omitempty"`
	HonorificSuffix *string `json:",omitempty"`
}

type Email struct {
	Value   *string `json:",omitempty"`
	Type    *string `json:",omitempty"`
	Primary *bool   `json:",omitempty"`
}

type CreateUserInput struct {
	IdentityStoreId   *string
	UserName          *string
	Name              *Name
	DisplayName       *string
	NickName          *string
	ProfileUrl        *string
	Emails            []Email
	UserType          *string
	Title             *string
	PreferredLanguage *string
	Locale            *string
	Timezone          *string
}

type CreateUserOutput struct {
	IdentityStoreId string
	UserId          string
}

type DescribeUserInput struct {
	IdentityStoreId *string
	UserId          *string
}

// User is the model's User structure, which DescribeUser's response
// repeats member for member.
type User struct {
	IdentityStoreId   string
	UserId            string
	UserName          *string           `json:",omitempty"`
	Name              *Name             `json:",omitempty"`
	DisplayName       *string           `json:",omitempty"`
	NickName          *string           `json:",omitempty"`
	ProfileUrl        *string           `json:",omitempty"`
	Emails            []Email           `json:",omitempty"`
	UserType          *string           `json:",omitempty"`
	Title             *string           `json:",omitempty"`
	PreferredLanguage *string           `json:",omitempty"`
	Locale            *string           `json:",omitempty"`
	Timezone          *string           `json:",omitempty"`
	UserStatus        *string           `json:",omitempty"`
	CreatedAt         awsjson.Timestamp `json:",omitzero"`
	CreatedBy         *string           `json:",omitempty"`
}

type DescribeUserOutput = User

type Filter struct {
	AttributePath  *string
	AttributeValue *string
}

type ListUsersInput struct {
	IdentityStoreId *string
	MaxResults      *int32
	NextToken       *string
	Filters         []Filter
}

type ListUsersOutput struct {
	Users     []User
	NextToken *string `json:",omitempty"`
}

type DeleteUserInput struct {
	IdentityStoreId *string
	UserId          *string
}

// userOut is a user as DescribeUser and ListUsers describe it.
func userOut(u *warden.IdentityStoreUser) User {
	out := User{
		IdentityStoreId: u.IdentityStoreID, UserId: u.ID, UserName: new(u.UserName),
		DisplayName: opt(u.DisplayName), NickName: opt(u.NickName), ProfileUrl: opt(u.ProfileURL), UserType: opt(u.UserType),
		Title: opt(u.Title), PreferredLanguage: opt(u.PreferredLanguage), Locale: opt(u.Locale), Timezone: opt(u.Timezone),
		// Warden's users cannot be disabled.
		UserStatus: new("ENABLED"),
		CreatedAt:  awsjson.At(u.CreatedAt), CreatedBy: opt(u.CreatedBy),
	}
	if n := u.Name; n != (warden.PersonName{}) {
		out.Name = &Name{
			Formatted: opt(n.Formatted), FamilyName: opt(n.FamilyName), GivenName: opt(n.GivenName), MiddleName: opt(n.MiddleName),
			HonorificPrefix: opt(n.HonorificPrefix), HonorificSuffix: opt(n.HonorificSuffix),
		}
	}
	for _, e := range u.Emails {
		email := Email{Value: opt(e.Value), Type: opt(e.Type)}
		if e.Primary {
			email.Primary = new(true)
		}
		out.Emails = append(out.Emails, email)
	}
	return out
}

// opt is an optional string member: absent when empty.
func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
