package identitystoreapi

import (
	"strings"
	"testing"

	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsjson"
)

func TestValidate(t *testing.T) {
	store, user := "d-0123456789", "0123456789-8a3184cd-8619-405f-90b7-2e1fb1c5b722"
	for _, c := range []struct {
		name string
		in   interface{ validate() error }
		want string // "" for valid
	}{
		{"describe", &DescribeUserInput{IdentityStoreId: &store, UserId: &user}, ""},
		{"no store", &DescribeUserInput{UserId: &user}, "IdentityStoreId is required"},
		{"bad user", &DescribeUserInput{IdentityStoreId: &store, UserId: new("jones")}, "userId"},
		{"create", &CreateUserInput{IdentityStoreId: &store, UserName: new("dr.jones"), Emails: []Email{{Value: new("a@b.c")}}}, ""},
		{"no user name", &CreateUserInput{IdentityStoreId: &store}, "UserName is required"},
		{"space in user name", &CreateUserInput{IdentityStoreId: &store, UserName: new("dr jones")}, "userName"},
		{"reserved", &CreateUserInput{IdentityStoreId: &store, UserName: new("Administrator")}, "reserved"},
		{"two emails", &CreateUserInput{IdentityStoreId: &store, UserName: new("x"), Emails: []Email{{}, {}}}, "emails"},
		{"long title", &CreateUserInput{IdentityStoreId: &store, UserName: new("x"), Title: new(strings.Repeat("t", 1025))}, "title"},
		{"list", &ListUsersInput{IdentityStoreId: &store, MaxResults: new(int32(100))}, ""},
		{"list too many", &ListUsersInput{IdentityStoreId: &store, MaxResults: new(int32(101))}, "maxResults"},
		{"filter", &ListUsersInput{IdentityStoreId: &store, Filters: []Filter{{AttributePath: new("DisplayName"), AttributeValue: new("x")}}}, "not supported"},
	} {
		err := c.in.validate()
		if c.want == "" && err != nil || c.want != "" && (warden.ErrorCode(err) != warden.EValidationError || !strings.Contains(warden.ErrorMessage(err), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// FuzzDecodeAndValidate runs request bodies through the JSON decoder and
// each operation's validation: whatever the body, the answer is a value
// or a client error, never a panic or a server fault.
func FuzzDecodeAndValidate(f *testing.F) {
	f.Add(`{"IdentityStoreId":"d-0123456789","UserName":"jones","Name":{"GivenName":"A"},"Emails":[{"Value":"a@b","Primary":true}]}`)
	f.Add(`{"IdentityStoreId":"d-0123456789","UserId":"0123456789-8a3184cd-8619-405f-90b7-2e1fb1c5b722"}`)
	f.Add(`{"IdentityStoreId":"d-0123456789","MaxResults":0,"Filters":[{"AttributePath":"UserName"}]}`)
	f.Add(`{"UserName":"\u00e9\u3000"}`)
	api := New(nil, nil)
	f.Fuzz(func(t *testing.T, body string) {
		for _, op := range api.Service().Operations {
			in := op.NewInput()
			if err := awsjson.Decode([]byte(body), in); err != nil {
				if warden.ErrorCode(err) != awsjson.CodeSerialization {
					t.Fatalf("%s: decode: %v", op.Name, err)
				}
				continue
			}
			if err := in.(interface{ validate() error }).validate(); err != nil && warden.ErrorCode(err) != warden.EValidationError {
				t.Fatalf("%s: %v", op.Name, err)
			}
		}
	})
}
