package smithy

// Smithy traits both generators read. Protocol-specific traits are declared
// by the generator of that protocol.
const (
	TraitRequired   = "smithy.api#required"
	TraitDefault    = "smithy.api#default"
	TraitLength     = "smithy.api#length"
	TraitRange      = "smithy.api#range"
	TraitPattern    = "smithy.api#pattern"
	TraitSensitive  = "smithy.api#sensitive"
	TraitEnumValue  = "smithy.api#enumValue"
	TraitError      = "smithy.api#error"
	TraitHTTPError  = "smithy.api#httpError"
	TraitTitle      = "smithy.api#title"
	TraitAWSService = "aws.api#service"
)

// Has reports whether the shape carries trait.
func (s *Shape) Has(trait string) bool {
	_, ok := s.Traits[trait]
	return ok
}

// Has reports whether the member carries trait.
func (m *Member) Has(trait string) bool {
	_, ok := m.Traits[trait]
	return ok
}

// TraitObject returns an object-valued trait, or nil.
func TraitObject(traits map[string]any, name string) map[string]any {
	o, _ := traits[name].(map[string]any)
	return o
}

// TraitString returns a string-valued trait, or "".
func TraitString(traits map[string]any, name string) string {
	s, _ := traits[name].(string)
	return s
}

// EnumValue is the wire value of an enum member: its enumValue trait, or
// its name.
func (m *Member) EnumValue() string {
	if v := TraitString(m.Traits, TraitEnumValue); v != "" {
		return v
	}
	return m.Name
}
