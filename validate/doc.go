// Package validate is Warden's policy validator: it reports what IAM Access
// Analyzer's ValidatePolicy would, offline, for identity, resource-based,
// role trust, permissions boundary, session, service control and resource
// control policies.
//
// A Finding has a severity (ERROR, SECURITY_WARNING, WARNING, SUGGESTION),
// an issue code in Access Analyzer's vocabulary (the titles of the "Access
// Analyzer policy check reference" in UPPER_SNAKE_CASE), a message saying
// what is wrong and how to fix it, the element path (Statement[0].Action[4])
// and the line and column. Rules lists every code; the few Access Analyzer
// has no equivalent for are marked Warden and named by the same rule.
//
// The checks, by file:
//
//	syntax.go      grammar (package policy's Parse and Check), Version, Sid,
//	               empty elements, where policy variables may appear
//	actions.go     services and actions against the catalog, with suggestions
//	resources.go   ARN components, and ARNs against resource-type templates
//	               and against the statement's actions
//	conditions.go  condition keys, operator and key types, set qualifiers,
//	               values, and whether the statement's actions carry the key
//	principals.go  principal forms, and what role trust policies need
//	security.go    broad grants: NotAction, NotResource, NotPrincipal with
//	               Allow; iam:PassRole and iam:CreateServiceLinkedRole on *
//	redundancy.go  values covered by other values, repeated statements
//
// Where Access Analyzer's severity rests on knowledge that lags AWS (which
// actions carry which condition key), the finding is a WARNING: AWS's own
// managed policies use keys the Service Authorization Reference does not yet
// list for their actions. Broad Allow statements are not reported in SCPs,
// RCPs, permissions boundaries and session policies, which limit
// permissions but grant none.
//
// FirstError answers the narrower question the IAM API asks when a policy
// is written: the first grammar error, which IAM reports as
// MalformedPolicyDocument.
//
// The package performs no I/O; the warden command reads files and prints
// text, JSON or SARIF (see SARIF).
package validate
