package smithy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Exported returns name with its first letter upper-cased: model shape and
// member names become Go identifiers ("userNameType" → "UserNameType").
func Exported(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
}

// Unexported returns name with its first letter lower-cased. AWS's
// validation messages name members this way ("UserName" → "userName").
func Unexported(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToLower(r)) + name[size:]
}

// EnumConstName is the Go constant for an enum member: the type name then
// the member name in Go case ("ContextKeyTypeEnum", "STRING_LIST" →
// "ContextKeyTypeEnumStringList"; "policyScopeType", "AWS" →
// "PolicyScopeTypeAws").
func EnumConstName(typeName, memberName string) string {
	var b strings.Builder
	b.WriteString(typeName)
	for part := range strings.SplitSeq(memberName, "_") {
		if part == "" {
			continue
		}
		if strings.ToUpper(part) == part {
			part = strings.ToLower(part)
		}
		b.WriteString(Exported(part))
	}
	return b.String()
}
