package validate

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/warden-iam/warden/arn"
	"github.com/warden-iam/warden/catalog"
	"github.com/warden-iam/warden/policy"
)

// Checks of Resource and NotResource ("IAM JSON policy elements: Resource",
// "Identify AWS resources with Amazon Resource Names").

// resourceRef is one value of Resource or NotResource.
type resourceRef struct {
	policy.Value
	// classified is set when the value is an ARN of a literal, known
	// service that fits some of its resource types, listed in types.
	classified bool
	types      []*catalog.ResourceType
	service    string // the ARN's service component
}

// partitions are the AWS partitions ("Identify AWS resources with Amazon
// Resource Names": partition).
var partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

var (
	// regionRE is the shape of region names: us-east-1, us-gov-west-1,
	// cn-north-1, us-isob-east-1, eusc-de-east-1.
	regionRE    = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)
)

// literal reports whether an ARN component is plain text: no wildcard and
// no policy variable, so it can be checked for what it names.
func literal(s string) bool { return !hasWildcard(s) && !hasVariable(s) }

func (c *checker) resources(s *statement) {
	for _, v := range s.Resources {
		ref := resourceRef{Value: v}
		if v.Text != "*" && !c.broken[v.Path] {
			c.resourceARN(&ref)
		}
		s.resources = append(s.resources, ref)
	}
}

// resourceARN checks one ARN of a Resource element: each component, then
// whether the ARN fits a resource type its service defines.
func (c *checker) resourceARN(ref *resourceRef) {
	v := ref.Value
	parts, ok := arn.Split(v.Text)
	if !ok || !c.arnComponents(v, parts) {
		return
	}
	service := parts[2]
	if !literal(service) {
		return
	}
	ref.service = service
	if _, known := c.kn.typesByARNService[service]; !known {
		if _, isPrefix := c.cat.Service(service); !isPrefix {
			c.report("INVALID_SERVICE", v.Path, v.Pos, "%q: no AWS resource has an ARN with service %q%s", v.Text, service, didYouMean(c.kn.suggestServices(service)))
		}
		return // a service whose resources the reference gives no ARN for
	}
	ref.types = c.kn.resourceTypesOf(v.Text, service)
	if len(ref.types) == 0 && parts[4] == "" {
		// Resources AWS owns (public SSM documents, Amazon-owned images)
		// are named without an account, whatever the template says.
		probe := parts
		probe[4] = "*"
		ref.types = c.kn.resourceTypesOf(joinARN(probe), service)
	}
	if len(ref.types) == 0 {
		c.misplacedARNComponent(v, parts)
		return
	}
	ref.classified = true
}

// arnComponents checks the partition, service, region and account of an
// ARN, in a resource or a condition value. It reports false when the
// service cannot be looked up.
func (c *checker) arnComponents(v policy.Value, parts [6]string) bool {
	partition, service, region, account := parts[1], parts[2], parts[3], parts[4]
	if literal(partition) && !slices.Contains(partitions, partition) {
		c.report("INVALID_PARTITION", v.Path, v.Pos, "%q: %q is not an AWS partition; use aws (or %s)", v.Text, partition, strings.Join(partitions[1:], ", "))
	}
	if service != strings.ToLower(service) {
		c.report("INVALID_ARN_SERVICE_CASE", v.Path, v.Pos, "%q: ARN service names are lower case; write %q", v.Text, strings.ToLower(service))
		return false
	}
	if region != "" && literal(region) && !regionRE.MatchString(region) {
		c.report("INVALID_ARN_REGION", v.Path, v.Pos, "%q: %q is not a region name such as us-east-1; write the region, or * for any", v.Text, region)
	}
	if account != "" && literal(account) && !accountIDRE.MatchString(account) && account != "aws" {
		c.report("INVALID_ARN_ACCOUNT", v.Path, v.Pos, "%q: %q is not a 12-digit account ID; write the account ID, or * for any", v.Text, account)
	}
	return true
}

// misplacedARNComponent explains why an ARN of a known service fits none
// of its resource types: a region or account where the type has none, a
// missing region, or a resource part of no known shape.
func (c *checker) misplacedARNComponent(v policy.Value, parts [6]string) {
	service := parts[2]
	for _, field := range []struct {
		index          int
		name           string
		missing, extra string
	}{
		{3, "region", "MISSING_ARN_REGION", "ARN_REGION_NOT_ALLOWED"},
		{4, "account", "", "ARN_ACCOUNT_NOT_ALLOWED"},
	} {
		probe := parts
		probe[field.index] = "*"
		if probe[4] == "" {
			probe[4] = "*" // a missing account is tolerated (see resourceARN)
		}
		if field.index == 4 && parts[4] == "" {
			continue
		}
		for _, rt := range c.kn.typesByARNService[service] {
			if !rt.MatchARN(joinARN(probe)) {
				continue
			}
			if parts[field.index] == "" {
				c.report(field.missing, v.Path, v.Pos, "%q: ARNs of %s %s resources have a %s: %s", v.Text, rt.Service.Prefix, rt.Name, field.name, rt.ARNTemplate)
			} else {
				c.report(field.extra, v.Path, v.Pos, "%q: ARNs of %s %s resources have no %s; leave it empty: %s", v.Text, rt.Service.Prefix, rt.Name, field.name, rt.ARNTemplate)
			}
			return
		}
	}
	c.report("INVALID_ARN_RESOURCE", v.Path, v.Pos, "%q: the resource part %q fits no resource type with %s ARNs; they look like %s", v.Text, parts[5], service, resourceShapes(ownTypes(c.kn.typesByARNService[service], service), parts[5]))
}

// resourceShapes lists, as a hint, the resource parts of the templates
// closest to the resource part written: those whose literal beginning
// ("user/" of user/${UserNameWithPath}) shares the longest prefix with it.
func resourceShapes(types []*catalog.ResourceType, written string) string {
	const most = 4
	var shapes []string
	for _, rt := range types {
		parts, _ := arn.Split(rt.ARNTemplate)
		shape := parts[5]
		if !slices.Contains(shapes, shape) {
			shapes = append(shapes, shape)
		}
	}
	shared := func(shape string) int {
		lit, _, _ := strings.Cut(shape, "${")
		n := 0
		for n < min(len(lit), len(written)) && lit[n] == written[n] {
			n++
		}
		return n
	}
	slices.SortStableFunc(shapes, func(a, b string) int { return cmp.Compare(shared(b), shared(a)) })
	if len(shapes) > most {
		return strings.Join(shapes[:most], ", ") + ", …"
	}
	return strings.Join(shapes, ", ")
}

func joinARN(parts [6]string) string { return strings.Join(parts[:], ":") }

// resourceMismatch compares a statement's actions with its resources: an
// action is authorized against resources of particular types (the Service
// Authorization Reference's "Resource types" column), so an action none of
// whose types the statement lists, or an action that takes only "*" when
// only ARNs are listed, is never matched by the statement; likewise a
// resource no action of the statement can be authorized against.
func (c *checker) resourceMismatch(s *statement) {
	if !s.HasResource || s.NotResource || s.NotAction || len(s.resources) == 0 {
		return
	}
	available := map[*catalog.ResourceType]bool{}
	for _, r := range s.resources {
		if !r.classified {
			return // "*", a wildcard service, or an unknown one: anything may be meant
		}
		for _, rt := range r.types {
			available[rt] = true
		}
	}
	effect := "allows"
	if s.Effect == policy.Deny {
		effect = "denies"
	}
	never := "never " + effect
	for _, ref := range s.actions {
		if ref.wildcard || len(ref.matches) != 1 {
			continue
		}
		a := ref.matches[0]
		if len(a.ResourceTypes) == 0 {
			c.report("ACTION_REQUIRES_STAR_RESOURCE", ref.Path, ref.Pos, "%s is authorized only against \"Resource\": \"*\" (it has no resource types), so this statement, which lists only ARNs, %s it; move it to a statement with \"Resource\": \"*\"", a.FullName(), never)
			continue
		}
		if actionFits(a, available) {
			continue
		}
		c.report("MISMATCHED_RESOURCE_FOR_ACTION", ref.Path, ref.Pos, "%s is authorized against %s, and no resource of the statement is one, so the statement %s it; add such an ARN or move the action", a.FullName(), describeTypes(a), never)
	}
	if !s.complete || s.allActions || len(s.named) == 0 {
		return
	}
	for _, r := range s.resources {
		if len(r.types) == 0 || resourceFits(r.types, s.named) {
			continue
		}
		c.report("MISMATCHED_RESOURCE_FOR_ACTION", r.Path, r.Pos, "%q names %s, which no action of the statement is authorized against; remove it or add the actions it is meant for", r.Text, describeResource(ownTypes(r.types, r.service)))
	}
}

// actionFits reports whether some resource type of a is available, or a
// has a type the catalog could not resolve (then nothing can be said).
func actionFits(a *catalog.Action, available map[*catalog.ResourceType]bool) bool {
	for _, ar := range a.ResourceTypes {
		if ar.Type == nil || available[ar.Type] {
			return true
		}
	}
	return false
}

// requiredResourceTypes reports an action with several required resource
// types when no Allow statement of the policy that names it lists a resource
// of some of them. Where IAM authorizes such an action against one resource
// of each type (identitystore:DescribeUser on the identity store and on the
// user), each must be allowed, so the policy never allows the action
// ("Actions, resources, and condition keys": a required resource type must
// be specified where Resource is limited). The reference also marks
// alternatives as required (a tagging action on any of a service's types),
// which the catalog cannot tell apart: hence a suggestion, not a warning.
// Statements may share the types between them, as policies for
// ec2:RunInstances do; a statement on "*", on a wildcard service or with
// NotAction or NotResource may cover anything, and then nothing is said.
func (c *checker) requiredResourceTypes(stmts []*statement) {
	type use struct {
		ref       *actionRef
		available map[*catalog.ResourceType]bool
		covered   bool
	}
	uses := map[*catalog.Action]*use{}
	var order []*catalog.Action
	for _, s := range stmts {
		if s.Effect != policy.Allow || s.NotAction || !s.HasResource {
			continue
		}
		for i := range s.actions {
			ref := &s.actions[i]
			if ref.wildcard || len(ref.matches) != 1 || uses[ref.matches[0]] != nil || requiredTypeCount(ref.matches[0]) < 2 {
				continue
			}
			uses[ref.matches[0]] = &use{ref: ref, available: map[*catalog.ResourceType]bool{}}
			order = append(order, ref.matches[0])
		}
	}
	if len(uses) == 0 {
		return
	}
	for _, s := range stmts {
		if s.Effect != policy.Allow || !s.HasResource {
			continue
		}
		for a, u := range uses {
			if !s.NotAction && !s.allActions && !s.named[a] {
				continue
			}
			if s.NotAction || s.NotResource {
				u.covered = true
				continue
			}
			for _, r := range s.resources {
				if !r.classified {
					u.covered = true
				}
				for _, rt := range r.types {
					u.available[rt] = true
				}
			}
		}
	}
	for _, a := range order {
		u := uses[a]
		if u.covered {
			continue
		}
		var missing []string
		for _, ar := range a.ResourceTypes {
			if ar.Required && !u.available[ar.Type] {
				missing = append(missing, ar.Name+" ("+ar.Type.ARNTemplate+")")
			}
		}
		if len(missing) > 0 && len(missing) < requiredTypeCount(a) {
			c.report("MISSING_REQUIRED_RESOURCE_TYPE", u.ref.Path, u.ref.Pos, "%s has several required resource types, and no statement that allows it lists %s; if IAM authorizes it against a resource of each type, as it does for the identity store and user of identitystore:DescribeUser, the policy never allows it: add such an ARN", a.FullName(), strings.Join(missing, " or "))
		}
	}
}

// requiredTypeCount is the number of required resource types of a, or 0
// when one of them is not in the catalog (then nothing can be said).
func requiredTypeCount(a *catalog.Action) int {
	n := 0
	for _, ar := range a.ResourceTypes {
		if ar.Required {
			if ar.Type == nil {
				return 0
			}
			n++
		}
	}
	return n
}

func resourceFits(types []*catalog.ResourceType, named map[*catalog.Action]bool) bool {
	for a := range named {
		for _, ar := range a.ResourceTypes {
			if ar.Type == nil || slices.Contains(types, ar.Type) {
				return true
			}
		}
	}
	return false
}

// describeTypes names an action's resource types with their templates.
func describeTypes(a *catalog.Action) string {
	var names []string
	for _, ar := range a.ResourceTypes {
		if ar.Type != nil {
			names = append(names, ar.Name+" ("+ar.Type.ARNTemplate+")")
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ownTypes keeps, of the types an ARN fits, those of the service the ARN
// names, if there are any: an s3 ARN is described as an s3 object, not
// also as the bucket type another service defines over s3 ARNs.
func ownTypes(types []*catalog.ResourceType, arnService string) []*catalog.ResourceType {
	own := slices.DeleteFunc(slices.Clone(types), func(rt *catalog.ResourceType) bool { return rt.Service.Prefix != arnService })
	if len(own) == 0 {
		return types
	}
	return own
}

// describeResource names the resource types an ARN can name, a few of them
// if there are many.
func describeResource(types []*catalog.ResourceType) string {
	const most = 4
	var names []string
	for _, rt := range types[:min(len(types), most)] {
		names = append(names, rt.Service.Prefix+" "+rt.Name)
	}
	if len(types) > most {
		names = append(names, "others")
	}
	if len(names) == 1 {
		return "a resource of type " + names[0]
	}
	return "resources of type " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
