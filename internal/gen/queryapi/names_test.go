package main

import "testing"

func TestNames(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"ExportedShape", exported("userNameType"), "UserNameType"},
		{"ExportedAlready", exported("User"), "User"},
		{"UnexportedMember", unexported("UserName"), "userName"},
		{"UnexportedAcronym", unexported("SAMLMetadataDocument"), "sAMLMetadataDocument"},
		{"EnumScreamingSnake", enumConstName("ContextKeyTypeEnum", "STRING_LIST"), "ContextKeyTypeEnumStringList"},
		{"EnumUpperWord", enumConstName("PolicyScopeType", "AWS"), "PolicyScopeTypeAws"},
		{"EnumPascal", enumConstName("SummaryKeyType", "MFADevicesInUse"), "SummaryKeyTypeMFADevicesInUse"},
		{"EnumDoubleUnderscore", enumConstName("T", "A__B"), "TAB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
