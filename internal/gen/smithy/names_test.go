package smithy

import "testing"

func TestNames(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"ExportedShape", Exported("userNameType"), "UserNameType"},
		{"ExportedAlready", Exported("User"), "User"},
		{"UnexportedMember", Unexported("UserName"), "userName"},
		{"UnexportedAcronym", Unexported("SAMLMetadataDocument"), "sAMLMetadataDocument"},
		{"EnumScreamingSnake", EnumConstName("ContextKeyTypeEnum", "STRING_LIST"), "ContextKeyTypeEnumStringList"},
		{"EnumUpperWord", EnumConstName("PolicyScopeType", "AWS"), "PolicyScopeTypeAws"},
		{"EnumPascal", EnumConstName("SummaryKeyType", "MFADevicesInUse"), "SummaryKeyTypeMFADevicesInUse"},
		{"EnumDoubleUnderscore", EnumConstName("T", "A__B"), "TAB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
