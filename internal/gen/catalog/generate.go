package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/warden-iam/warden/catalog"
)

// referenceFile is the shape of aws-service-catalog.json. Unknown members
// are rejected, so a change of the snapshot's format fails loudly instead of
// silently dropping facts.
type referenceFile struct {
	About    string             `json:"about"`
	Services []referenceService `json:"services"`
}

type referenceService struct {
	Prefix        string                  `json:"prefix"`
	Name          string                  `json:"name"`
	Page          string                  `json:"page"`
	Actions       []referenceAction       `json:"actions"`
	ResourceTypes []referenceResourceType `json:"resourceTypes"`
	ConditionKeys []referenceConditionKey `json:"conditionKeys"`
}

type referenceAction struct {
	Name           string `json:"name"`
	AccessLevel    string `json:"accessLevel"`
	PermissionOnly bool   `json:"permissionOnly"`
	ResourceTypes  []struct {
		Name     string `json:"name"`
		Required bool   `json:"required"`
	} `json:"resourceTypes"`
	ConditionKeys    []string `json:"conditionKeys"`
	DependentActions []string `json:"dependentActions"`
}

type referenceResourceType struct {
	Name          string   `json:"name"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"conditionKeys"`
}

type referenceConditionKey struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	AltType string `json:"altType"`
}

// supplementFile is the shape of supplement.json.
type supplementFile struct {
	About               string                  `json:"about"`
	GlobalConditionKeys []referenceConditionKey `json:"globalConditionKeys"`
	ResourceTypes       []struct {
		Service string         `json:"service"`
		Source  catalog.Source `json:"source"`
		referenceResourceType
	} `json:"resourceTypes"`
	Actions []struct {
		Service string         `json:"service"`
		Source  catalog.Source `json:"source"`
		referenceAction
	} `json:"actions"`
	OperationAliases []catalog.Alias `json:"operationAliases"`
}

var accessLevels = []catalog.AccessLevel{
	catalog.AccessList, catalog.AccessRead, catalog.AccessWrite,
	catalog.AccessTagging, catalog.AccessPermissionsManagement,
}

// keyTypes are the condition key types the reference uses. A new one must
// be looked at before it reaches validators, which check operators against
// key types.
var keyTypes = []string{
	"String", "ARN", "Numeric", "Date", "Bool", "IPAddress", "Binary",
	"ArrayOfString", "ArrayOfARN", "ArrayOfBool", "ArrayOfNumeric",
}

// typeSpellings repairs the reference's inconsistent spellings of a type
// (one page writes "Arn").
var typeSpellings = map[string]string{"Arn": "ARN"}

// generate reads the reference and the supplement and builds the catalog.
func generate(reference, supplement io.Reader) (*catalog.Catalog, error) {
	var ref referenceFile
	if err := decodeStrict(reference, &ref); err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	var sup supplementFile
	if err := decodeStrict(supplement, &sup); err != nil {
		return nil, fmt.Errorf("supplement: %w", err)
	}

	services := make([]*catalog.Service, 0, len(ref.Services))
	byPrefix := make(map[string]*catalog.Service, len(ref.Services))
	for _, rs := range ref.Services {
		s, err := convertService(rs)
		if err != nil {
			return nil, fmt.Errorf("reference: service %s: %w", rs.Prefix, err)
		}
		services = append(services, s)
		byPrefix[s.Prefix] = s
	}

	for _, rt := range sup.ResourceTypes {
		s, source, err := supplementTarget(byPrefix, rt.Service, rt.Source)
		if err != nil {
			return nil, fmt.Errorf("supplement: resource type %s: %w", rt.Name, err)
		}
		if _, exists := s.ResourceType(rt.Name); exists {
			return nil, fmt.Errorf("supplement: resource type %s:%s is now in the reference; remove it from the supplement", rt.Service, rt.Name)
		}
		converted := convertResourceType(rt.referenceResourceType)
		converted.Source = source
		s.ResourceTypes = append(s.ResourceTypes, converted)
	}
	for _, ra := range sup.Actions {
		s, source, err := supplementTarget(byPrefix, ra.Service, ra.Source)
		if err != nil {
			return nil, fmt.Errorf("supplement: action %s: %w", ra.Name, err)
		}
		if _, exists := s.Action(ra.Name); exists {
			return nil, fmt.Errorf("supplement: action %s:%s is now in the reference; remove it from the supplement", ra.Service, ra.Name)
		}
		a, err := convertAction(ra.referenceAction)
		if err != nil {
			return nil, fmt.Errorf("supplement: action %s: %w", ra.Name, err)
		}
		for _, r := range a.ResourceTypes {
			if _, ok := s.ResourceType(r.Name); !ok {
				return nil, fmt.Errorf("supplement: action %s names unknown resource type %s", ra.Name, r.Name)
			}
		}
		a.Source = source
		// Keep the service's actions sorted: Service.Action searches them.
		i, _ := slices.BinarySearchFunc(s.Actions, a, byFoldedName)
		s.Actions = slices.Insert(s.Actions, i, a)
	}

	global := make([]*catalog.ConditionKey, 0, len(sup.GlobalConditionKeys))
	for _, k := range sup.GlobalConditionKeys {
		ck, err := convertConditionKey(k)
		if err != nil {
			return nil, fmt.Errorf("supplement: %w", err)
		}
		global = append(global, ck)
	}
	return catalog.New(services, global, sup.OperationAliases)
}

func supplementTarget(byPrefix map[string]*catalog.Service, prefix string, source catalog.Source) (*catalog.Service, catalog.Source, error) {
	s, ok := byPrefix[prefix]
	if !ok {
		return nil, 0, fmt.Errorf("unknown service %q", prefix)
	}
	if source == catalog.SourceReference {
		// What the reference says comes from the reference file only.
		return nil, 0, fmt.Errorf("source must be userGuide or otherEdition")
	}
	return s, source, nil
}

func decodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON document")
	}
	return nil
}

func convertService(rs referenceService) (*catalog.Service, error) {
	if err := checkName(rs.Prefix); err != nil {
		return nil, err
	}
	s := &catalog.Service{Prefix: rs.Prefix, Name: rs.Name}
	for _, rt := range rs.ResourceTypes {
		s.ResourceTypes = append(s.ResourceTypes, convertResourceType(rt))
	}
	for _, k := range rs.ConditionKeys {
		ck, err := convertConditionKey(k)
		if err != nil {
			return nil, err
		}
		s.ConditionKeys = append(s.ConditionKeys, ck)
	}
	for _, ra := range rs.Actions {
		a, err := convertAction(ra)
		if err != nil {
			return nil, fmt.Errorf("action %s: %w", ra.Name, err)
		}
		s.Actions = append(s.Actions, a)
	}
	// Service.Action, used to merge the supplement, searches sorted actions.
	slices.SortStableFunc(s.Actions, byFoldedName)
	return s, nil
}

func byFoldedName(a, b *catalog.Action) int {
	return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
}

func convertResourceType(rt referenceResourceType) *catalog.ResourceType {
	return &catalog.ResourceType{Name: rt.Name, ARNTemplate: rt.ARN, ConditionKeys: nilIfEmpty(rt.ConditionKeys)}
}

func convertConditionKey(k referenceConditionKey) (*catalog.ConditionKey, error) {
	ck := &catalog.ConditionKey{Name: k.Name, Type: k.Type, AltType: k.AltType}
	if fixed, ok := typeSpellings[ck.Type]; ok {
		ck.Type = fixed
	}
	if !slices.Contains(keyTypes, ck.Type) || ck.AltType != "" && !slices.Contains(keyTypes, ck.AltType) {
		return nil, fmt.Errorf("condition key %s: unknown type %q", k.Name, k.Type+" "+k.AltType)
	}
	if strings.ContainsAny(k.Name, "*?") {
		// Key templates are matched as glob patterns.
		return nil, fmt.Errorf("condition key %s: wildcard character in name", k.Name)
	}
	return ck, checkName(k.Name)
}

func convertAction(ra referenceAction) (*catalog.Action, error) {
	if err := checkName(ra.Name); err != nil {
		return nil, err
	}
	level := catalog.AccessLevel(ra.AccessLevel)
	if !slices.Contains(accessLevels, level) {
		return nil, fmt.Errorf("unknown access level %q", ra.AccessLevel)
	}
	a := &catalog.Action{
		Name:             ra.Name,
		AccessLevel:      level,
		PermissionOnly:   ra.PermissionOnly,
		ConditionKeys:    nilIfEmpty(ra.ConditionKeys),
		DependentActions: nilIfEmpty(ra.DependentActions),
	}
	for _, r := range ra.ResourceTypes {
		a.ResourceTypes = append(a.ResourceTypes, catalog.ActionResource{Name: r.Name, Required: r.Required})
	}
	return a, nil
}

// checkName rejects names the catalog's ASCII case folding would get wrong.
func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	for i := range len(name) {
		if name[i] < 0x20 || name[i] > 0x7e {
			return fmt.Errorf("name %q has a character outside printable ASCII", name)
		}
	}
	return nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
