package iamapi

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/iamshapes"
)

func TestCheckPasswordPolicy(t *testing.T) {
	for _, tt := range []struct {
		password string
		ok       bool
	}{
		{"Abcdef1!", true},      // all four kinds
		{"abcdefg1!", true},     // lower, digit, symbol
		{"ABCDEFG1a", true},     // upper, digit, lower
		{"Passw0rd", true},      // exactly eight
		{"Abc1!", false},        // too short
		{"Abcdefg1", true},      // upper, lower, digit
		{"abcdefgh1", false},    // two kinds
		{"abcdefgh", false},     // one kind
		{"ABCD efgh", false},    // a space counts as no kind
		{"ÄÖÜäöüßé1", false},    // Latin-1 letters are not A–Z or a–z
		{"abcdefgh'1", true},    // the apostrophe is one of IAM's symbols
		{"abcdefgh~1", false},   // the tilde is not
		{"Abcd\tefgh", false},   // nor is a tab
		{"Ab1!" + "Ab1!", true}, // eight with repetition
		{"Ab1" + "\u00ff" + "xxxx", true},
	} {
		t.Run(tt.password, func(t *testing.T) {
			err := checkPasswordPolicy(tt.password)
			if tt.ok {
				mustOK(t, err)
				return
			}
			assertAWSError(t, err, "PasswordPolicyViolation", "Password does not conform to the account password policy.")
		})
	}
}

func FuzzCheckPasswordPolicy(f *testing.F) {
	for _, seed := range []string{"", "Abcdef1!", "abcdefgh", "Passw0rd", "ÄÖÜäöüßé1", "A1!\x00\x00\x00\x00\x00", "\xff\xfe\xfd"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, password string) {
		err := checkPasswordPolicy(password)
		kinds := 0
		for _, set := range []string{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789", passwordSymbols} {
			if strings.ContainsAny(password, set) {
				kinds++
			}
		}
		if want := len([]rune(password)) >= 8 && kinds >= 3; (err == nil) != want {
			t.Fatalf("checkPasswordPolicy(%q) = %v, want accepted %v", password, err, want)
		}
		// One message for every refusal: nothing of the password shows.
		if err != nil && warden.ErrorMessage(err) != "Password does not conform to the account password policy." {
			t.Fatalf("message %q", warden.ErrorMessage(err))
		}
	})
}

func TestLoginProfileLifecycle(t *testing.T) {
	f := newIdentityFixture(t)
	f.user(t, "alice")
	created, err := identityCall[*s.CreateLoginProfileOutput](t, f, f.root, "CreateLoginProfile",
		&s.CreateLoginProfileInput{UserName: aws.String("ALICE"), Password: aws.String("Initial-Pass1"), PasswordResetRequired: true})
	mustOK(t, err)
	if p := created.LoginProfile; p.UserName != "alice" || !p.PasswordResetRequired || p.CreateDate.IsZero() {
		t.Errorf("CreateLoginProfile = %+v", p)
	}
	if ok, err := f.store.VerifyPassword(t.Context(), identityTestAccount, "alice", "Initial-Pass1"); err != nil || !ok {
		t.Errorf("password not kept: %v %v", ok, err)
	}

	for _, tt := range []struct {
		name    string
		in      *s.CreateLoginProfileInput
		code    string
		message string
	}{
		{"again", &s.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Another-Pass1")},
			warden.EEntityAlreadyExists, "Login Profile for User alice already exists."},
		{"for an unknown user", &s.CreateLoginProfileInput{UserName: aws.String("nobody"), Password: aws.String("Another-Pass1")},
			warden.ENoSuchEntity, "The user with name nobody cannot be found."},
		{"without a password", &s.CreateLoginProfileInput{UserName: aws.String("alice")},
			warden.EValidationError, "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null"},
		{"with a weak password", &s.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("password")},
			"PasswordPolicyViolation", "Password does not conform to the account password policy."},
		{"with a password outside Latin-1", &s.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Pass-wörd1€")},
			warden.EValidationError, ""},
		{"for the root user", &s.CreateLoginProfileInput{Password: aws.String("Another-Pass1")},
			warden.EValidationError, "Must specify userName when calling with non-User credentials"},
	} {
		t.Run("create "+tt.name, func(t *testing.T) {
			_, err := identityCall[*s.CreateLoginProfileOutput](t, f, f.root, "CreateLoginProfile", tt.in)
			assertAWSError(t, err, tt.code, tt.message)
		})
	}

	assertAWSError(t, f.run(t, f.root, "UpdateLoginProfile", &s.UpdateLoginProfileInput{UserName: "alice", Password: aws.String("short")}),
		"PasswordPolicyViolation", "")
	mustOK(t, f.run(t, f.root, "UpdateLoginProfile", &s.UpdateLoginProfileInput{UserName: "alice", Password: aws.String("Second-Pass2"), PasswordResetRequired: aws.Bool(false)}))
	got, err := identityCall[*s.GetLoginProfileOutput](t, f, f.root, "GetLoginProfile", &s.GetLoginProfileInput{UserName: aws.String("alice")})
	mustOK(t, err)
	if got.LoginProfile.PasswordResetRequired || !got.LoginProfile.CreateDate.Equal(created.LoginProfile.CreateDate) {
		t.Errorf("GetLoginProfile = %+v", got.LoginProfile)
	}
	if ok, _ := f.store.VerifyPassword(t.Context(), identityTestAccount, "alice", "Second-Pass2"); !ok {
		t.Error("UpdateLoginProfile did not change the password")
	}
	// Changing only the flag keeps the password.
	mustOK(t, f.run(t, f.root, "UpdateLoginProfile", &s.UpdateLoginProfileInput{UserName: "alice", PasswordResetRequired: aws.Bool(true)}))
	if ok, _ := f.store.VerifyPassword(t.Context(), identityTestAccount, "alice", "Second-Pass2"); !ok {
		t.Error("UpdateLoginProfile without a password changed the password")
	}

	mustOK(t, f.run(t, f.root, "DeleteLoginProfile", &s.DeleteLoginProfileInput{UserName: aws.String("alice")}))
	_, err = identityCall[*s.GetLoginProfileOutput](t, f, f.root, "GetLoginProfile", &s.GetLoginProfileInput{UserName: aws.String("alice")})
	assertAWSError(t, err, warden.ENoSuchEntity, "Login Profile for User alice cannot be found.")
	assertAWSError(t, f.run(t, f.root, "DeleteLoginProfile", &s.DeleteLoginProfileInput{UserName: aws.String("alice")}), warden.ENoSuchEntity, "")
}

func TestLoginProfileOfTheCaller(t *testing.T) {
	f := newIdentityFixture(t)
	bob := f.user(t, "bob")
	f.allow(t, "bob", ownCredentialsPolicy)
	f.user(t, "alice")
	_, err := identityCall[*s.CreateLoginProfileOutput](t, f, bob, "CreateLoginProfile", &s.CreateLoginProfileInput{Password: aws.String("Bobs-Pass1")})
	mustOK(t, err)
	got, err := identityCall[*s.GetLoginProfileOutput](t, f, bob, "GetLoginProfile", &s.GetLoginProfileInput{})
	mustOK(t, err)
	if got.LoginProfile.UserName != "bob" {
		t.Errorf("bob's own profile: %+v", got.LoginProfile)
	}
	_, err = identityCall[*s.CreateLoginProfileOutput](t, f, bob, "CreateLoginProfile", &s.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Alices-Pass1")})
	assertAWSErrorContains(t, err, warden.EAccessDenied, "iam:CreateLoginProfile on resource: arn:aws:iam::123456789012:user/alice")
	mustOK(t, f.run(t, bob, "DeleteLoginProfile", &s.DeleteLoginProfileInput{}))
}

func BenchmarkCheckPasswordPolicy(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := checkPasswordPolicy("Correct-Horse-Battery-Staple-1"); err != nil {
			b.Fatal(err)
		}
	}
}
