package main

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/warden-iam/warden"
)

// The console commands of `warden health`: agents, integrations, agent
// sessions and the listing of scribe sessions, which AWS manages only in
// its console and the aws CLI has no commands for. They send the requests
// of Warden's model of that API (consoleapi/model/warden-healthconsole.json),
// signed as the aws CLI signs, and print the responses as its json output
// does.

// consoleParam is one member of a console operation's input, as a flag.
type consoleParam struct {
	flag   string // kebab-case, as the aws CLI names members
	member string // the model's member name
	in     paramIn
	kind   paramKind
	// required members must be given; the server would refuse the
	// request anyway, but a usage error says which flag is missing.
	required bool
	usage    string
}

type paramIn int

const (
	inBody paramIn = iota
	inLabel
	inQuery
)

type paramKind int

const (
	kindString paramKind = iota
	kindInt
	kindMap // JSON object or KEY=VALUE,KEY=VALUE
)

// consoleOp is one console operation as a command.
type consoleOp struct {
	use       string
	operation string
	method    string
	path      string // the model's URI, with {member} labels
	short     string
	params    []consoleParam
}

var (
	pDomain      = consoleParam{flag: "domain-id", member: "domainId", in: inLabel, required: true, usage: "the domain"}
	pAgent       = consoleParam{flag: "agent-id", member: "agentId", in: inLabel, required: true, usage: "the agent"}
	pIntegration = consoleParam{flag: "integration-id", member: "integrationId", in: inLabel, required: true, usage: "the integration"}
	pSession     = consoleParam{flag: "session-id", member: "sessionId", in: inLabel, required: true, usage: "the session"}
	pTags        = consoleParam{flag: "tags", member: "tags", kind: kindMap, usage: "tags: KEY=VALUE,KEY=VALUE or JSON"}
	pMaxResults  = consoleParam{flag: "max-results", member: "maxResults", in: inQuery, kind: kindInt, usage: "the most items to return (1-100)"}
	pNextToken   = consoleParam{flag: "next-token", member: "nextToken", in: inQuery, usage: "the nextToken of the previous page"}
)

var consoleOps = []consoleOp{
	{"create-agent", "CreateAgent", "POST", "/domain/{domainId}/agents", "Create an agent (version 1, a DRAFT)", []consoleParam{pDomain,
		{flag: "name", member: "name", required: true, usage: "the agent's name"},
		{flag: "description", member: "description", usage: "what the agent is for (or file://PATH)"},
		{flag: "instructions", member: "instructions", usage: "the agent's instructions (or file://PATH)"}, pTags}},
	{"get-agent", "GetAgent", "GET", "/domain/{domainId}/agents/{agentId}", "Describe an agent at its latest version or another", []consoleParam{pDomain, pAgent,
		{flag: "agent-version", member: "version", in: inQuery, kind: kindInt, usage: "the version (default: the latest)"}}},
	{"update-agent", "UpdateAgent", "POST", "/domain/{domainId}/agents/{agentId}", "Edit an agent's draft, starting a new one from the latest version when needed", []consoleParam{pDomain, pAgent,
		{flag: "name", member: "name", usage: "a new name"},
		{flag: "description", member: "description", usage: "a new description (or file://PATH)"},
		{flag: "instructions", member: "instructions", usage: "new instructions (or file://PATH)"}}},
	{"publish-agent", "PublishAgent", "POST", "/domain/{domainId}/agents/{agentId}/publish", "Publish a DRAFT version; the version published before is ARCHIVED", []consoleParam{pDomain, pAgent,
		{flag: "agent-version", member: "version", kind: kindInt, usage: "the DRAFT version (default: the latest)"}}},
	{"list-agents", "ListAgents", "GET", "/domain/{domainId}/agents", "List a domain's agents", []consoleParam{pDomain, pMaxResults, pNextToken}},
	{"list-agent-versions", "ListAgentVersions", "GET", "/domain/{domainId}/agents/{agentId}/versions", "List an agent's versions", []consoleParam{pDomain, pAgent, pMaxResults, pNextToken}},
	{"delete-agent", "DeleteAgent", "DELETE", "/domain/{domainId}/agents/{agentId}", "Delete an agent with every version", []consoleParam{pDomain, pAgent}},
	{"create-integration", "CreateIntegration", "POST", "/domain/{domainId}/integrations", "Create an EHR integration", []consoleParam{pDomain,
		{flag: "name", member: "name", required: true, usage: "a name unique in the domain"},
		{flag: "type", member: "type", required: true, usage: "FHIR or HL7"},
		{flag: "endpoint", member: "endpoint", required: true, usage: "the EHR's https URL"},
		{flag: "auth-secret-arn", member: "authSecretArn", required: true, usage: "the AWS Secrets Manager secret holding the EHR's credentials"}, pTags}},
	{"get-integration", "GetIntegration", "GET", "/domain/{domainId}/integrations/{integrationId}", "Describe an integration", []consoleParam{pDomain, pIntegration}},
	{"update-integration", "UpdateIntegration", "POST", "/domain/{domainId}/integrations/{integrationId}", "Change an integration", []consoleParam{pDomain, pIntegration,
		{flag: "name", member: "name", usage: "a new name"},
		{flag: "endpoint", member: "endpoint", usage: "a new https URL"},
		{flag: "auth-secret-arn", member: "authSecretArn", usage: "another secret"},
		{flag: "status", member: "status", usage: "ACTIVE or INACTIVE"}}},
	{"delete-integration", "DeleteIntegration", "DELETE", "/domain/{domainId}/integrations/{integrationId}", "Delete an integration", []consoleParam{pDomain, pIntegration}},
	{"list-integrations", "ListIntegrations", "GET", "/domain/{domainId}/integrations", "List a domain's integrations", []consoleParam{pDomain, pMaxResults, pNextToken}},
	{"create-session", "CreateSession", "POST", "/domain/{domainId}/sessions", "Start a session of an agent", []consoleParam{pDomain,
		{flag: "agent-id", member: "agentId", required: true, usage: "the agent"},
		{flag: "agent-version", member: "agentVersion", kind: kindInt, usage: "the version to run (default: the PUBLISHED one)"},
		{flag: "context", member: "context", kind: kindMap, usage: "patient and encounter attributes: KEY=VALUE,KEY=VALUE or JSON"}, pTags}},
	{"get-session-context", "GetSessionContext", "GET", "/domain/{domainId}/sessions/{sessionId}/context", "Describe a session with its context", []consoleParam{pDomain, pSession}},
	{"update-session", "UpdateSession", "POST", "/domain/{domainId}/sessions/{sessionId}", "Set a session's attributes (an empty value removes one) or end it", []consoleParam{pDomain, pSession,
		{flag: "context", member: "context", kind: kindMap, usage: "attributes to set: KEY=VALUE,KEY=VALUE or JSON"},
		{flag: "status", member: "status", usage: "ENDED to end the session"}}},
	{"list-medical-scribe-listening-sessions", "ListMedicalScribeListeningSessions", "GET", "/domain/{domainId}/medical-scribe-listening-sessions",
		"List a domain's medical scribe listening sessions", []consoleParam{pDomain, pMaxResults, pNextToken}},
}

// addConsoleCommands adds the console commands to `warden health`.
func (m *Main) addConsoleCommands(health *cobra.Command) {
	for _, op := range consoleOps {
		health.AddCommand(m.consoleCommand(op))
	}
}

func (m *Main) consoleCommand(op consoleOp) *cobra.Command {
	var client clientFlags
	values := make([]string, len(op.params))
	cmd := &cobra.Command{
		Use:   op.use,
		Short: op.short,
		Long: op.short + ` (health-agent:` + op.operation + `).

Sent to Warden's console API at --endpoint-url, signed with the credentials
the aws CLI would use (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
AWS_PROFILE in the shared credentials file); errors print as the aws CLI
prints them and exit with status 254.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := buildConsoleRequest(op, values, func(flag string) bool { return cmd.Flags().Changed(flag) })
			if err != nil {
				return err
			}
			c, err := m.newRestClient(client, warden.HealthNamespace)
			if err != nil {
				return err
			}
			var out map[string]any
			if err := c.do(cmd.Context(), req, &out); err != nil {
				return err
			}
			return printJSON(m.Stdout, out)
		},
	}
	f := cmd.Flags()
	client.register(f)
	for i, p := range op.params {
		usage := p.usage
		if p.required {
			usage += " (required)"
		}
		f.StringVar(&values[i], p.flag, "", usage)
	}
	return cmd
}

// buildConsoleRequest puts each given flag where the model binds its
// member: the path, the query string or the JSON body.
func buildConsoleRequest(op consoleOp, values []string, given func(flag string) bool) (restRequest, error) {
	req := restRequest{operation: op.operation, method: op.method, path: op.path, query: url.Values{}}
	body := map[string]any{}
	for i, p := range op.params {
		if !given(p.flag) {
			if p.required {
				return restRequest{}, usagef("the following arguments are required: --%s", p.flag)
			}
			continue
		}
		v := values[i]
		switch p.in {
		case inLabel:
			if v == "" {
				return restRequest{}, usagef("--%s must not be empty", p.flag)
			}
			req.path = strings.Replace(req.path, "{"+p.member+"}", url.PathEscape(v), 1)
		case inQuery:
			if p.kind == kindInt {
				if _, err := paramValue(p, v); err != nil {
					return restRequest{}, err
				}
			}
			req.query.Set(p.member, strings.TrimSpace(v))
		default:
			value, err := paramValue(p, v)
			if err != nil {
				return restRequest{}, err
			}
			body[p.member] = value
		}
	}
	if op.method != "GET" && op.method != "DELETE" {
		req.body = body
	}
	return req, nil
}

// paramValue is the JSON value of a body member's flag.
func paramValue(p consoleParam, v string) (any, error) {
	switch p.kind {
	case kindInt:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil {
			return nil, usagef("--%s: %q is not a whole number", p.flag, v)
		}
		return n, nil
	case kindMap:
		return mapValue("--"+p.flag, v)
	}
	return fileValue(v)
}

// mapValue reads a map parameter: a JSON object of strings, or the aws
// CLI's shorthand KEY=VALUE,KEY=VALUE
// (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-shorthand.html).
// An empty VALUE is an empty string.
func mapValue(flag, v string) (map[string]string, error) {
	v, err := fileValue(v)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if t := strings.TrimSpace(v); strings.HasPrefix(t, "{") {
		if err := json.Unmarshal([]byte(t), &out); err != nil {
			return nil, usagef("%s: invalid JSON (want an object of strings): %v", flag, err)
		}
		return out, nil
	}
	if strings.TrimSpace(v) == "" {
		return out, nil
	}
	for pair := range strings.SplitSeq(v, ",") {
		key, value, ok := strings.Cut(pair, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, usagef("%s: %q is not KEY=VALUE", flag, pair)
		}
		if _, dup := out[key]; dup {
			return nil, usagef("%s: %s is given twice", flag, key)
		}
		out[key] = strings.TrimSpace(value)
	}
	return out, nil
}
