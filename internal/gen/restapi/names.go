package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// exported returns name with its first letter upper-cased: model shape and
// member names become Go identifiers ("domainId" → "DomainId").
func exported(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[size:]
}

// unexported returns name with its first letter lower-cased. AWS's
// validation messages name members this way ("InstanceId" → "instanceId").
func unexported(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToLower(r)) + name[size:]
}

// enumConstName is the Go constant for an enum member: the type name then
// the member name in Go case ("DomainStatus", "ACTIVE" →
// "DomainStatusActive"; "MedicalScribeLanguageCode", "EN_US" →
// "MedicalScribeLanguageCodeEnUs").
func enumConstName(typeName, memberName string) string {
	var b strings.Builder
	b.WriteString(typeName)
	for part := range strings.SplitSeq(memberName, "_") {
		if part == "" {
			continue
		}
		if strings.ToUpper(part) == part {
			part = strings.ToLower(part)
		}
		b.WriteString(exported(part))
	}
	return b.String()
}
