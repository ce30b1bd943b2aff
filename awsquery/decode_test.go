package awsquery_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/awsquery"
	"github.com/warden-iam/warden/iamapi/iamshapes"
	"github.com/warden-iam/warden/iamapi/stsshapes"
)

// decodeForm decodes an url-encoded parameter string into in.
func decodeForm(t testing.TB, form string, in awsquery.Input) (*awsquery.Params, error) {
	t.Helper()
	values, err := url.ParseQuery(form)
	if err != nil {
		t.Fatalf("bad test form %q: %v", form, err)
	}
	params := awsquery.NewParams(values)
	return params, awsquery.Decode(params, in)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		form string
		in   awsquery.Input
		want awsquery.Input
	}{{
		name: "RequiredOnly",
		form: "UserName=alice",
		in:   &iamshapes.CreateUserInput{},
		want: &iamshapes.CreateUserInput{UserName: "alice"},
	}, {
		name: "OptionalScalarsAndList",
		form: "UserName=alice&Path=%2Fdev%2F&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fb" +
			"&Tags.member.1.Key=team&Tags.member.1.Value=red&Tags.member.2.Key=env&Tags.member.2.Value=",
		in: &iamshapes.CreateUserInput{},
		want: &iamshapes.CreateUserInput{
			UserName:            "alice",
			Path:                new("/dev/"),
			PermissionsBoundary: new("arn:aws:iam::123456789012:policy/b"),
			Tags:                []iamshapes.Tag{{Key: "team", Value: "red"}, {Key: "env", Value: ""}},
		},
	}, {
		name: "ListInIndexOrderNotNameOrder",
		form: "UserName=u" +
			"&Tags.member.10.Key=k10&Tags.member.10.Value=v" +
			"&Tags.member.2.Key=k2&Tags.member.2.Value=v" +
			"&Tags.member.1.Key=k1&Tags.member.1.Value=v",
		in: &iamshapes.CreateUserInput{},
		want: &iamshapes.CreateUserInput{UserName: "u", Tags: []iamshapes.Tag{
			{Key: "k1", Value: "v"}, {Key: "k2", Value: "v"}, {Key: "k10", Value: "v"},
		}},
	}, {
		name: "EmptyList",
		form: "UserName=u&Tags=",
		in:   &iamshapes.CreateUserInput{},
		want: &iamshapes.CreateUserInput{UserName: "u", Tags: []iamshapes.Tag{}},
	}, {
		name: "NestedListInListOfStructs",
		form: "PolicyInputList.member.1=%7B%7D&ActionNames.member.1=s3%3AGetObject" +
			"&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp&ContextEntries.member.1.ContextKeyType=ipList" +
			"&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1&ContextEntries.member.1.ContextKeyValues.member.2=10.0.0.2",
		in: &iamshapes.SimulateCustomPolicyInput{},
		want: &iamshapes.SimulateCustomPolicyInput{
			PolicyInputList: []string{"{}"},
			ActionNames:     []string{"s3:GetObject"},
			ContextEntries: []iamshapes.ContextEntry{{
				ContextKeyName:   new("aws:SourceIp"),
				ContextKeyType:   new(iamshapes.ContextKeyTypeEnumIpList),
				ContextKeyValues: []string{"10.0.0.1", "10.0.0.2"},
			}},
		},
	}, {
		name: "IntegersBooleansEnums",
		form: "Scope=Local&OnlyAttached=TRUE&PolicyUsageFilter=PermissionsBoundary&MaxItems=1000&Marker=m",
		in:   &iamshapes.ListPoliciesInput{},
		want: &iamshapes.ListPoliciesInput{
			Scope:             new(iamshapes.PolicyScopeTypeLocal),
			OnlyAttached:      true,
			PolicyUsageFilter: new(iamshapes.PolicyUsageTypePermissionsBoundary),
			MaxItems:          new(int32(1000)),
			Marker:            new("m"),
		},
	}, {
		name: "RequiredEnum",
		form: "AccessKeyId=AKIAIOSFODNN7EXAMPLE&Status=Inactive",
		in:   &iamshapes.UpdateAccessKeyInput{},
		want: &iamshapes.UpdateAccessKeyInput{AccessKeyId: "AKIAIOSFODNN7EXAMPLE", Status: iamshapes.StatusTypeInactive},
	}, {
		name: "SingleHyphensInAccountAlias",
		form: "AccountAlias=my-company-1",
		in:   &iamshapes.CreateAccountAliasInput{},
		want: &iamshapes.CreateAccountAliasInput{AccountAlias: "my-company-1"},
	}, {
		name: "STSArnInSupplementaryPlane",
		form: "RoleArn=" + url.QueryEscape("arn:aws:iam::123456789012:role/😀") + "&RoleSessionName=session&DurationSeconds=900",
		in:   &stsshapes.AssumeRoleInput{},
		want: &stsshapes.AssumeRoleInput{
			RoleArn:         "arn:aws:iam::123456789012:role/😀",
			RoleSessionName: "session",
			DurationSeconds: new(int32(900)),
		},
	}, {
		name: "HandWrittenMapsFlattenedAndRenamed",
		form: "Attrs.entry.2.key=b&Attrs.entry.2.value=2&Attrs.entry.1.key=a&Attrs.entry.1.value=1" +
			"&Flat.1.K=x&Flat.1.V=9&Item.1=i1&Item.2=i2&Wrapped.item.1=w1&Renamed=r" +
			"&Expires=2024-05-01T12%3A30%3A00.5Z&Data=aGk%3D&Big=9007199254740993",
		in: &sample{},
		want: &sample{
			Attrs:   map[string]int32{"a": 1, "b": 2},
			Flat:    map[string]int32{"x": 9},
			Items:   []string{"i1", "i2"},
			Wrapped: []string{"w1"},
			Name:    new("r"),
			Expires: new(time.Date(2024, 5, 1, 12, 30, 0, 500_000_000, time.UTC)),
			Data:    []byte("hi"),
			Big:     new(int64(9007199254740993)),
		},
	}, {
		name: "MapFirstEntryForAKeyWins",
		form: "Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.key=a&Attrs.entry.2.value=2",
		in:   &sample{},
		want: &sample{Attrs: map[string]int32{"a": 1}},
	}, {
		name: "EmptyMap",
		form: "Attrs=",
		in:   &sample{},
		want: &sample{Attrs: map[string]int32{}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeForm(t, tt.form, tt.in); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
				t.Errorf("decoded input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeViolations(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct {
		name string
		form string
		in   awsquery.Input
		want string
	}{{
		name: "MissingRequired",
		form: "Path=%2F",
		in:   &iamshapes.CreateUserInput{},
		want: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
	}, {
		name: "TooLong",
		form: "UserName=" + long,
		in:   &iamshapes.CreateUserInput{},
		want: "1 validation error detected: Value '" + long + "' at 'userName' failed to satisfy constraint: " +
			"Member must have length less than or equal to 64",
	}, {
		name: "Pattern",
		form: "UserName=bad+name",
		in:   &iamshapes.CreateUserInput{},
		want: `1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: ` +
			`Member must satisfy regular expression pattern: [\w+=,.@-]+`,
	}, {
		name: "EmptyStringFailsLengthAndPattern",
		form: "UserName=",
		in:   &iamshapes.CreateUserInput{},
		want: `2 validation errors detected: ` +
			`Value '' at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1; ` +
			`Value '' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`,
	}, {
		// The model writes ^(\u002F)|(…\u002F)$; AWS matches the pattern
		// whole, so a path must end in a slash.
		name: "PathMatchedWhole",
		form: "UserName=u&Path=%2Fdev",
		in:   &iamshapes.CreateUserInput{},
		want: `1 validation error detected: Value '/dev' at 'path' failed to satisfy constraint: ` +
			`Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`,
	}, {
		name: "LookaheadPattern",
		form: "AccountAlias=my--company",
		in:   &iamshapes.CreateAccountAliasInput{},
		want: `1 validation error detected: Value 'my--company' at 'accountAlias' failed to satisfy constraint: ` +
			`Member must satisfy regular expression pattern: [a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]`,
	}, {
		name: "NotAnInteger",
		form: "MaxItems=abc",
		in:   &iamshapes.ListUsersInput{},
		want: "1 validation error detected: Value 'abc' at 'maxItems' failed to satisfy constraint: Member must be an integer",
	}, {
		name: "IntegerOverflow",
		form: "MaxItems=2147483648",
		in:   &iamshapes.ListUsersInput{},
		want: "1 validation error detected: Value '2147483648' at 'maxItems' failed to satisfy constraint: Member must be an integer",
	}, {
		name: "RangeLow",
		form: "MaxItems=0",
		in:   &iamshapes.ListUsersInput{},
		want: "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
	}, {
		name: "RangeHigh",
		form: "MaxItems=1001",
		in:   &iamshapes.ListUsersInput{},
		want: "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
	}, {
		name: "NotABoolean",
		form: "OnlyAttached=yes",
		in:   &iamshapes.ListPoliciesInput{},
		want: "1 validation error detected: Value 'yes' at 'onlyAttached' failed to satisfy constraint: Member must be a boolean",
	}, {
		name: "Enum",
		form: "AccessKeyId=AKIAIOSFODNN7EXAMPLE&Status=Disabled",
		in:   &iamshapes.UpdateAccessKeyInput{},
		want: "1 validation error detected: Value 'Disabled' at 'status' failed to satisfy constraint: " +
			"Member must satisfy enum value set: [Active, Inactive, Expired]",
	}, {
		name: "NullInListElement",
		form: "UserName=u&Tags.member.1.Key=team",
		in:   &iamshapes.CreateUserInput{},
		want: "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
	}, {
		name: "ListTooLong",
		form: "UserName=u" + tags(51),
		in:   &iamshapes.CreateUserInput{},
		want: "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
	}, {
		name: "RequiredListAbsent",
		form: "PolicyInputList.member.1=%7B%7D",
		in:   &iamshapes.SimulateCustomPolicyInput{},
		want: "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
	}, {
		name: "SensitiveValueNotEchoed",
		form: "OldPassword=hunter2&NewPassword=",
		in:   &iamshapes.ChangePasswordInput{},
		want: "2 validation errors detected: " +
			"Value at 'newPassword' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
			"Value at 'newPassword' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
	}, {
		name: "AllViolationsCounted",
		form: "AccessKeyId=short&Status=On&UserName=a%20b",
		in:   &iamshapes.UpdateAccessKeyInput{},
		want: "3 validation errors detected: " +
			`Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; ` +
			"Value 'short' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16; " +
			"Value 'On' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]",
	}, {
		name: "BadTimestampBlobAndMapNull",
		form: "Expires=yesterday&Data=%21%21&Attrs.entry.1.key=a",
		in:   &sample{},
		want: "3 validation errors detected: " +
			"Value null at 'attrs.1.value' failed to satisfy constraint: Member must not be null; " +
			"Value 'yesterday' at 'expires' failed to satisfy constraint: Member must be a timestamp in ISO 8601 format; " +
			"Value '!!' at 'data' failed to satisfy constraint: Member must be base64-encoded",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeForm(t, tt.form, tt.in)
			if code := warden.ErrorCode(err); code != warden.EValidationError {
				t.Fatalf("Decode error = %v, want code %s", err, warden.EValidationError)
			}
			if got := warden.ErrorMessage(err); got != tt.want {
				t.Errorf("message:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func tags(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("&Tags.member." + strconv.Itoa(i+1) + ".Key=k&Tags.member." + strconv.Itoa(i+1) + ".Value=v")
	}
	return b.String()
}

func TestDecodeUnread(t *testing.T) {
	params, err := decodeForm(t,
		"UserName=u&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.0.Key=zero&Tags.member.01.Key=padded"+
			"&Tags.item.1.Key=wrongname&Bogus=1&X-Amz-Signature=abc",
		&iamshapes.CreateUserInput{})
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := []string{"Bogus", "Tags.item.1.Key", "Tags.member.0.Key", "Tags.member.01.Key", "X-Amz-Signature"}
	if diff := cmp.Diff(want, params.Unread()); diff != "" {
		t.Errorf("Unread (-want +got):\n%s", diff)
	}
}

// sample is a hand-written input in the form the generator emits, for the
// shapes IAM and STS inputs do not use: maps, flattened and renamed lists,
// xmlName'd members, timestamps, blobs and longs.
type sample struct {
	Attrs   map[string]int32
	Flat    map[string]int32
	Items   []string
	Wrapped []string
	Name    *string
	Expires *time.Time
	Data    []byte
	Big     *int64
}

func (v *sample) DecodeQuery(d *awsquery.Decoder, p awsquery.Path) {
	if m, ok := d.Map(p.Member("Attrs", "attrs"), "key", "value", false, nil); ok {
		v.Attrs = make(map[string]int32, m.Len())
		for i := range m.Len() {
			var k string
			k, _ = d.String(m.Key(i), nil)
			if _, dup := v.Attrs[k]; dup {
				continue
			}
			var val int32
			val, _ = d.Int32(m.Value(i), nil)
			v.Attrs[k] = val
		}
	}
	if m, ok := d.Map(p.Member("Flat", "flat"), "K", "V", true, nil); ok {
		v.Flat = make(map[string]int32, m.Len())
		for i := range m.Len() {
			k, _ := d.String(m.Key(i), nil)
			v.Flat[k], _ = d.Int32(m.Value(i), nil)
		}
	}
	if l, ok := d.List(p.Member("Item", "items"), "member", true, nil); ok {
		v.Items = make([]string, l.Len())
		for i := range v.Items {
			v.Items[i], _ = d.String(l.Element(i), nil)
		}
	}
	if l, ok := d.List(p.Member("Wrapped", "wrapped"), "item", false, nil); ok {
		v.Wrapped = make([]string, l.Len())
		for i := range v.Wrapped {
			v.Wrapped[i], _ = d.String(l.Element(i), nil)
		}
	}
	if x, ok := d.String(p.Member("Renamed", "name"), nil); ok {
		v.Name = new(x)
	}
	if x, ok := d.Time(p.Member("Expires", "expires")); ok {
		v.Expires = new(x)
	}
	v.Data, _ = d.Blob(p.Member("Data", "data"), nil)
	if x, ok := d.Int64(p.Member("Big", "big"), nil); ok {
		v.Big = new(x)
	}
}
