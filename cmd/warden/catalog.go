package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden/catalog"
)

func (m *Main) catalogCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Look up services, actions, resource types and condition keys",
		Long: `Look up what AWS authorizes: every service prefix, action, resource type and
condition key of the Service Authorization Reference, the global aws:* keys,
and the Amazon Connect Health actions only its user guide documents.`,
	}
	cmd.PersistentFlags().StringVarP(&output, "output", "o", "text", "output format: text or json")

	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a service, an action, a condition key, or the actions a wildcard names",
		Example: `  warden catalog show health-agent
  warden catalog show health-agent:CreateDomain
  warden catalog show 's3:Get*'
  warden catalog show aws:RequestTag/team`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := newCatalogWriter(cmd.OutOrStdout(), output)
			if err != nil {
				return err
			}
			return showCatalogEntry(w, catalog.Default(), args[0])
		},
	}
	search := &cobra.Command{
		Use:     "search WORD",
		Short:   "List the services, actions, resource types and condition keys whose names contain WORD",
		Example: "  warden catalog search integration",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := newCatalogWriter(cmd.OutOrStdout(), output)
			if err != nil {
				return err
			}
			return searchCatalog(w, catalog.Default(), args[0])
		},
	}
	cmd.AddCommand(show, search)
	return cmd
}

// catalogWriter renders catalog entries as aligned text or as JSON.
type catalogWriter struct {
	out  io.Writer
	json bool
}

func newCatalogWriter(out io.Writer, format string) (*catalogWriter, error) {
	switch format {
	case "text":
		return &catalogWriter{out: out}, nil
	case "json":
		return &catalogWriter{out: out, json: true}, nil
	}
	return nil, usagef("--output must be text or json, not %q", format)
}

func (w *catalogWriter) encode(v any) error {
	enc := json.NewEncoder(w.out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // ARN templates and keys hold "<" and ">"
	return enc.Encode(v)
}

// showCatalogEntry shows what name names: a service prefix, an action, a
// wildcard over actions, or a condition key.
func showCatalogEntry(w *catalogWriter, c *catalog.Catalog, name string) error {
	prefix, rest, hasColon := strings.Cut(name, ":")
	if !hasColon {
		s, ok := c.Service(name)
		if !ok {
			return unknownName("service prefix", name, c.SuggestServices(name))
		}
		return w.service(s)
	}
	if strings.ContainsAny(name, "*?") {
		actions := c.MatchActions(name)
		if len(actions) == 0 {
			if _, ok := c.Service(prefix); !ok && !strings.ContainsAny(prefix, "*?") {
				return unknownName("service prefix "+quote(prefix)+" in", name, c.SuggestServices(prefix))
			}
			return fmt.Errorf("no action matches %q", name)
		}
		return w.actionList(actions)
	}
	if a, ok := c.Action(prefix, rest); ok {
		return w.action(a)
	}
	if k, ok := c.ConditionKey(name); ok {
		return w.conditionKey(k, name)
	}
	if _, ok := c.Service(prefix); !ok && !strings.EqualFold(prefix, "aws") {
		return unknownName("service prefix "+quote(prefix)+" in", name, c.SuggestActions(name))
	}
	if a, ok := c.ActionForOperation(name); ok {
		return fmt.Errorf("%q is an API operation, not an IAM action: it is authorized by %s", name, a.FullName())
	}
	if strings.EqualFold(prefix, "aws") || strings.ContainsAny(rest, "/:") {
		return unknownName("condition key", name, c.SuggestConditionKeys(name))
	}
	return unknownName("action", name, c.SuggestActions(name))
}

// unknownName is the error for a name the catalog lacks, with the closest
// names it has.
func unknownName(what, name string, suggestions []string) error {
	msg := fmt.Sprintf("unknown %s %q", what, name)
	switch len(suggestions) {
	case 0:
	case 1:
		msg += "; did you mean " + suggestions[0] + "?"
	default:
		msg += "; did you mean " + strings.Join(suggestions[:len(suggestions)-1], ", ") + " or " + suggestions[len(suggestions)-1] + "?"
	}
	return errors.New(msg)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func searchCatalog(w *catalogWriter, c *catalog.Catalog, word string) error {
	if word == "" {
		return usagef("search needs a non-empty WORD")
	}
	r := c.Search(word)
	if len(r.Services)+len(r.Actions)+len(r.ResourceTypes)+len(r.ConditionKeys) == 0 {
		return fmt.Errorf("no service, action, resource type or condition key name contains %q", word)
	}
	if w.json {
		out := searchJSON{
			Services:      make([]serviceSummaryJSON, 0, len(r.Services)),
			Actions:       make([]actionJSON, 0, len(r.Actions)),
			ResourceTypes: make([]resourceTypeJSON, 0, len(r.ResourceTypes)),
			ConditionKeys: make([]conditionKeyJSON, 0, len(r.ConditionKeys)),
		}
		for _, s := range r.Services {
			out.Services = append(out.Services, serviceSummaryJSON{Prefix: s.Prefix, Name: s.Name, Actions: len(s.Actions)})
		}
		for _, a := range r.Actions {
			out.Actions = append(out.Actions, newActionJSON(a))
		}
		for _, rt := range r.ResourceTypes {
			out.ResourceTypes = append(out.ResourceTypes, newResourceTypeJSON(rt))
		}
		for _, k := range r.ConditionKeys {
			out.ConditionKeys = append(out.ConditionKeys, newConditionKeyJSON(k))
		}
		return w.encode(out)
	}

	tw := newTable(w.out)
	if len(r.Services) > 0 {
		fmt.Fprintf(tw, "Services (%d)\n", len(r.Services))
		for _, s := range r.Services {
			fmt.Fprintf(tw, "  %s\t%s\t%d actions\n", s.Prefix, s.Name, len(s.Actions))
		}
	}
	if len(r.Actions) > 0 {
		fmt.Fprintf(tw, "Actions (%d)\n", len(r.Actions))
		for _, a := range r.Actions {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.FullName(), a.AccessLevel, actionNote(a))
		}
	}
	if len(r.ResourceTypes) > 0 {
		fmt.Fprintf(tw, "Resource types (%d)\n", len(r.ResourceTypes))
		for _, rt := range r.ResourceTypes {
			fmt.Fprintf(tw, "  %s:%s\t%s\t%s\n", rt.Service.Prefix, rt.Name, rt.ARNTemplate, sourceNote(rt.Source))
		}
	}
	if len(r.ConditionKeys) > 0 {
		fmt.Fprintf(tw, "Condition keys (%d)\n", len(r.ConditionKeys))
		for _, k := range r.ConditionKeys {
			fmt.Fprintf(tw, "  %s\t%s\n", k.Name, keyType(k))
		}
	}
	return tw.Flush()
}

func (w *catalogWriter) service(s *catalog.Service) error {
	if w.json {
		out := serviceJSON{
			Prefix:        s.Prefix,
			Name:          s.Name,
			Actions:       make([]actionJSON, 0, len(s.Actions)),
			ResourceTypes: make([]resourceTypeJSON, 0, len(s.ResourceTypes)),
			ConditionKeys: make([]conditionKeyJSON, 0, len(s.ConditionKeys)),
		}
		for _, a := range s.Actions {
			out.Actions = append(out.Actions, newActionJSON(a))
		}
		for _, rt := range s.ResourceTypes {
			out.ResourceTypes = append(out.ResourceTypes, newResourceTypeJSON(rt))
		}
		for _, k := range s.ConditionKeys {
			out.ConditionKeys = append(out.ConditionKeys, newConditionKeyJSON(k))
		}
		return w.encode(out)
	}

	tw := newTable(w.out)
	fmt.Fprintf(tw, "%s: %s\n", s.Prefix, s.Name)
	fmt.Fprintf(tw, "%d actions, %d resource types, %d condition keys\n", len(s.Actions), len(s.ResourceTypes), len(s.ConditionKeys))
	fmt.Fprintf(tw, "\nActions (resource types marked * are required)\n")
	fmt.Fprintf(tw, "  NAME\tACCESS LEVEL\tRESOURCE TYPES\tNOTE\n")
	for _, a := range s.Actions {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Name, a.AccessLevel, resourceTypeList(a), actionNote(a))
	}
	if len(s.ResourceTypes) > 0 {
		fmt.Fprintf(tw, "\nResource types\n")
		fmt.Fprintf(tw, "  NAME\tARN TEMPLATE\tCONDITION KEYS\tNOTE\n")
		for _, rt := range s.ResourceTypes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", rt.Name, rt.ARNTemplate, orDash(strings.Join(rt.ConditionKeys, ", ")), sourceNote(rt.Source))
		}
	}
	if len(s.ConditionKeys) > 0 {
		fmt.Fprintf(tw, "\nCondition keys\n")
		fmt.Fprintf(tw, "  NAME\tTYPE\n")
		for _, k := range s.ConditionKeys {
			fmt.Fprintf(tw, "  %s\t%s\n", k.Name, keyType(k))
		}
	}
	return tw.Flush()
}

func (w *catalogWriter) action(a *catalog.Action) error {
	if w.json {
		return w.encode(newActionJSON(a))
	}
	tw := newTable(w.out)
	fmt.Fprintf(tw, "%s\n", a.FullName())
	fmt.Fprintf(tw, "  Service\t%s\n", a.Service.Name)
	fmt.Fprintf(tw, "  Access level\t%s\n", a.AccessLevel)
	fmt.Fprintf(tw, "  Permission only\t%s\n", yesNo(a.PermissionOnly))
	if len(a.ResourceTypes) == 0 {
		fmt.Fprintf(tw, "  Resource types\tnone: the action is authorized only with \"Resource\": \"*\"\n")
	} else {
		fmt.Fprintf(tw, "  Resource types\t\n")
		for _, r := range a.ResourceTypes {
			required := "optional"
			if r.Required {
				required = "required"
			}
			template, keys := "(not defined by the service)", ""
			if r.Type != nil {
				template, keys = r.Type.ARNTemplate, strings.Join(r.Type.ConditionKeys, ", ")
			}
			fmt.Fprintf(tw, "    %s (%s)\t%s\n", r.Name, required, template)
			if keys != "" {
				fmt.Fprintf(tw, "    \tcondition keys: %s\n", keys)
			}
		}
	}
	fmt.Fprintf(tw, "  Condition keys\t%s\n", orDash(strings.Join(a.ConditionKeys, ", ")))
	fmt.Fprintf(tw, "  Dependent actions\t%s\n", orDash(strings.Join(a.DependentActions, ", ")))
	fmt.Fprintf(tw, "  Source\t%s\n", a.Source)
	if a.Source != catalog.SourceReference {
		fmt.Fprintf(tw, "  \t(absent from the Service Authorization Reference snapshot; IAM Access Analyzer may report it as an invalid action)\n")
	}
	return tw.Flush()
}

func (w *catalogWriter) actionList(actions []*catalog.Action) error {
	if w.json {
		out := make([]actionJSON, 0, len(actions))
		for _, a := range actions {
			out = append(out, newActionJSON(a))
		}
		return w.encode(out)
	}
	tw := newTable(w.out)
	fmt.Fprintf(tw, "%d actions (resource types marked * are required)\n", len(actions))
	fmt.Fprintf(tw, "  NAME\tACCESS LEVEL\tRESOURCE TYPES\tNOTE\n")
	for _, a := range actions {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.FullName(), a.AccessLevel, resourceTypeList(a), actionNote(a))
	}
	return tw.Flush()
}

// conditionKey shows a key; asked is the name as given, which differs from
// the key's when it belongs to a templated family.
func (w *catalogWriter) conditionKey(k *catalog.ConditionKey, asked string) error {
	if w.json {
		return w.encode(newConditionKeyJSON(k))
	}
	tw := newTable(w.out)
	fmt.Fprintf(tw, "%s\n", k.Name)
	if !strings.EqualFold(asked, k.Name) {
		fmt.Fprintf(tw, "  Matches\t%s\n", asked)
	}
	fmt.Fprintf(tw, "  Type\t%s\n", keyType(k))
	fmt.Fprintf(tw, "  Multivalued\t%s\n", yesNo(k.Multivalued()))
	fmt.Fprintf(tw, "  Global\t%s\n", yesNo(k.Global()))
	return tw.Flush()
}

// table aligns tab-separated cells and drops the padding tabwriter leaves
// at the end of lines whose last cells are empty.
type table struct {
	*tabwriter.Writer
	buf bytes.Buffer
	out io.Writer
}

func newTable(out io.Writer) *table {
	t := &table{out: out}
	t.Writer = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	return t
}

func (t *table) Flush() error {
	if err := t.Writer.Flush(); err != nil {
		return err
	}
	for line := range strings.Lines(t.buf.String()) {
		if _, err := io.WriteString(t.out, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// resourceTypeList writes an action's resource types the way the reference
// does: required ones marked with "*".
func resourceTypeList(a *catalog.Action) string {
	names := make([]string, 0, len(a.ResourceTypes))
	for _, r := range a.ResourceTypes {
		if r.Required {
			names = append(names, r.Name+"*")
		} else {
			names = append(names, r.Name)
		}
	}
	return orDash(strings.Join(names, ", "))
}

func actionNote(a *catalog.Action) string {
	notes := make([]string, 0, 2)
	if a.PermissionOnly {
		notes = append(notes, "permission only")
	}
	if n := sourceNote(a.Source); n != "" {
		notes = append(notes, n)
	}
	return strings.Join(notes, "; ")
}

// sourceNote is the short form of a source for tables; "show" on an action
// spells it out.
func sourceNote(s catalog.Source) string {
	switch s {
	case catalog.SourceUserGuide:
		return "user guide only"
	case catalog.SourceOtherEdition:
		return "other reference edition only"
	}
	return ""
}

func sourceDescription(s catalog.Source) string {
	if s == catalog.SourceReference {
		return ""
	}
	return s.String()
}

func keyType(k *catalog.ConditionKey) string {
	if k.AltType != "" {
		return k.Type + " or " + k.AltType
	}
	return k.Type
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// JSON views. Lists are always present (empty rather than null) so that
// consumers need no nil checks.

type serviceJSON struct {
	Prefix        string             `json:"prefix"`
	Name          string             `json:"name"`
	Actions       []actionJSON       `json:"actions"`
	ResourceTypes []resourceTypeJSON `json:"resourceTypes"`
	ConditionKeys []conditionKeyJSON `json:"conditionKeys"`
}

type serviceSummaryJSON struct {
	Prefix  string `json:"prefix"`
	Name    string `json:"name"`
	Actions int    `json:"actions"`
}

type actionJSON struct {
	Name             string               `json:"name"` // prefix:Name
	AccessLevel      string               `json:"accessLevel"`
	PermissionOnly   bool                 `json:"permissionOnly"`
	ResourceTypes    []actionResourceJSON `json:"resourceTypes"`
	ConditionKeys    []string             `json:"conditionKeys"`
	DependentActions []string             `json:"dependentActions"`
	Source           catalog.Source       `json:"source"`
	SourceNote       string               `json:"sourceNote,omitempty"`
}

type actionResourceJSON struct {
	Name          string   `json:"name"`
	Required      bool     `json:"required"`
	ARNTemplate   string   `json:"arnTemplate,omitempty"` // absent when the service does not define the type
	ConditionKeys []string `json:"conditionKeys"`
}

type resourceTypeJSON struct {
	Service       string         `json:"service"`
	Name          string         `json:"name"`
	ARNTemplate   string         `json:"arnTemplate"`
	ConditionKeys []string       `json:"conditionKeys"`
	Source        catalog.Source `json:"source"`
}

type conditionKeyJSON struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	AltType     string `json:"altType,omitempty"`
	Multivalued bool   `json:"multivalued"`
	Global      bool   `json:"global"`
	Template    bool   `json:"template"`
}

type searchJSON struct {
	Services      []serviceSummaryJSON `json:"services"`
	Actions       []actionJSON         `json:"actions"`
	ResourceTypes []resourceTypeJSON   `json:"resourceTypes"`
	ConditionKeys []conditionKeyJSON   `json:"conditionKeys"`
}

func newActionJSON(a *catalog.Action) actionJSON {
	out := actionJSON{
		Name:             a.FullName(),
		AccessLevel:      string(a.AccessLevel),
		PermissionOnly:   a.PermissionOnly,
		ResourceTypes:    make([]actionResourceJSON, 0, len(a.ResourceTypes)),
		ConditionKeys:    nonNil(a.ConditionKeys),
		DependentActions: nonNil(a.DependentActions),
		Source:           a.Source,
		SourceNote:       sourceDescription(a.Source),
	}
	for _, r := range a.ResourceTypes {
		ar := actionResourceJSON{Name: r.Name, Required: r.Required, ConditionKeys: []string{}}
		if r.Type != nil {
			ar.ARNTemplate, ar.ConditionKeys = r.Type.ARNTemplate, nonNil(r.Type.ConditionKeys)
		}
		out.ResourceTypes = append(out.ResourceTypes, ar)
	}
	return out
}

func newResourceTypeJSON(rt *catalog.ResourceType) resourceTypeJSON {
	return resourceTypeJSON{
		Service:       rt.Service.Prefix,
		Name:          rt.Name,
		ARNTemplate:   rt.ARNTemplate,
		ConditionKeys: nonNil(rt.ConditionKeys),
		Source:        rt.Source,
	}
}

func newConditionKeyJSON(k *catalog.ConditionKey) conditionKeyJSON {
	return conditionKeyJSON{
		Name:        k.Name,
		Type:        k.Type,
		AltType:     k.AltType,
		Multivalued: k.Multivalued(),
		Global:      k.Global(),
		Template:    k.IsTemplate(),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
