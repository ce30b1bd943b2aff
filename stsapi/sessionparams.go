package stsapi

import (
	"bytes"
	"compress/flate"
	"context"
	"slices"
	"strings"

	"github.com/warden-iam/warden"
	s "github.com/warden-iam/warden/iamapi/stsshapes"
	"github.com/warden-iam/warden/policy"
	"github.com/warden-iam/warden/validate"
)

// The parameters every session-issuing operation shares: session tags,
// session policies and their packed size, and the duration.

// sessionTags checks the tags of a request and adds the transitive tags a
// chained role session inherits. Keys are compared without regard to case
// ("Passing session tags in AWS STS", rules for session tags).
func sessionTags(in []s.Tag, transitiveKeys []string, inherited *warden.Session) (tags []warden.Tag, transitive []string, err error) {
	seen := map[string]bool{}
	for _, t := range in {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return nil, nil, warden.Errorf(warden.EInvalidParameterValue, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
		tags = append(tags, warden.Tag{Key: t.Key, Value: t.Value})
	}
	for _, k := range transitiveKeys {
		if !seen[strings.ToLower(k)] {
			return nil, nil, warden.Errorf(warden.EInvalidParameterValue, "The transitive tag key %s is not among the session tags of the request.", k)
		}
		if !slices.ContainsFunc(transitive, func(x string) bool { return strings.EqualFold(x, k) }) {
			transitive = append(transitive, k)
		}
	}
	if inherited != nil {
		// A chained session keeps its parent's transitive tags, which the
		// request may not override ("Chaining roles with session tags").
		for _, t := range inherited.TransitiveTags() {
			if seen[strings.ToLower(t.Key)] {
				return nil, nil, warden.Errorf(warden.EInvalidParameterValue,
					"The session tag %s conflicts with a transitive tag of the calling session; transitive tags cannot be overridden.", t.Key)
			}
			seen[strings.ToLower(t.Key)] = true
			tags = append(tags, t)
			transitive = append(transitive, t.Key)
		}
	}
	if len(tags) > warden.MaxSessionTags {
		return nil, nil, warden.Errorf(warden.EInvalidParameterValue, "A session can have at most %d session tags, transitive tags included.", warden.MaxSessionTags)
	}
	return tags, transitive, nil
}

// federatedSessionTags turns the session tags an identity provider vouches
// for into a request's tags, with the rules of session tags passed as
// parameters; tags that break them are refused with code, the message
// starting with refusal.
func federatedSessionTags(in []warden.Tag, transitiveKeys []string, code, refusal string) ([]s.Tag, error) {
	tags := make([]s.Tag, len(in))
	for i, t := range in {
		tags[i] = s.Tag{Key: t.Key, Value: t.Value}
	}
	err := warden.ValidateTags(in)
	if err == nil {
		_, _, err = sessionTags(tags, transitiveKeys, nil)
	}
	if err != nil {
		return nil, warden.Errorf(code, "%s: %s", refusal, warden.ErrorMessage(err))
	}
	return tags, nil
}

// sessionPolicies reads the inline session policy and the managed ones
// named by ARN (their default versions, from the account the session
// belongs to), refusing a malformed inline policy as MalformedPolicyDocument.
func (a *API) sessionPolicies(ctx context.Context, account string, inline *string, arns []s.PolicyDescriptorType) ([]warden.SessionPolicy, error) {
	var out []warden.SessionPolicy
	if inline != nil {
		if f, bad := validate.FirstError([]byte(*inline), policy.KindSession); bad {
			return nil, warden.Errorf(warden.EMalformedPolicyDocument, "%s (at %d:%d)", sentence(f.Message), f.Line, f.Column)
		}
		out = append(out, warden.SessionPolicy{Name: warden.InlineSessionPolicy, Document: *inline})
	}
	if len(arns) > warden.MaxSessionPolicyARNs {
		return nil, warden.Errorf(warden.EInvalidParameterValue, "A session can have at most %d managed session policies.", warden.MaxSessionPolicyARNs)
	}
	for _, d := range arns {
		arn := ""
		if d.Arn != nil {
			arn = *d.Arn
		}
		doc, err := a.managedPolicyDocument(ctx, account, arn)
		if err != nil {
			return nil, err
		}
		out = append(out, warden.SessionPolicy{Name: arn, Document: doc})
	}
	return out, nil
}

func (a *API) managedPolicyDocument(ctx context.Context, account, arn string) (string, error) {
	p, err := a.store.Policy(ctx, account, arn)
	if code := warden.ErrorCode(err); code == warden.ENoSuchEntity || code == warden.EInvalidInput {
		return "", warden.Errorf(warden.EInvalidParameterValue, "The policy %s does not exist or is not attachable.", arn)
	}
	if err != nil {
		return "", err
	}
	v, err := a.store.PolicyVersion(ctx, account, arn, p.DefaultVersionID)
	if err != nil {
		return "", err
	}
	return v.Document, nil
}

// packedPolicyLimit is the packed space session policies and tags share,
// in bytes of their compressed form. STS packs them into a binary form of
// fixed size and reports the share used as PackedPolicySize (a percentage);
// Warden packs with DEFLATE, sized so that a dense 2,048-character policy,
// the documented plaintext limit, fits.
const packedPolicyLimit = 1536

// packedSize returns the percentage of the packed space the session
// policies, managed policy ARNs and session tags use, and refuses them with
// PackedPolicyTooLarge above 100. Provided contexts do not count: the STS
// API Reference defines PackedPolicySize and PackedPolicyTooLarge over
// session policies and tags alone, and an assertion has its own limit
// (2,048 characters, ProvidedContext).
func packedSize(inline *string, arns []s.PolicyDescriptorType, tags []warden.Tag, transitive []string) (int32, error) {
	var buf bytes.Buffer
	if inline != nil {
		for _, r := range *inline {
			if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
				buf.WriteRune(r)
			}
		}
	}
	for _, d := range arns {
		if d.Arn != nil {
			buf.WriteString("\x00" + *d.Arn)
		}
	}
	for _, t := range tags {
		buf.WriteString("\x00" + t.Key + "=" + t.Value)
	}
	for _, k := range transitive {
		buf.WriteString("\x00" + k)
	}
	var packed bytes.Buffer
	w, _ := flate.NewWriter(&packed, flate.BestCompression) // the level is valid
	w.Write(buf.Bytes())
	w.Close()
	percent := (packed.Len()*100 + packedPolicyLimit - 1) / packedPolicyLimit
	if buf.Len() == 0 {
		percent = 0
	}
	if percent > 100 {
		return 0, warden.Errorf(warden.EPackedPolicyTooLarge, "Packed policy consumes %d%% of allotted space, please use smaller policy.", percent)
	}
	return int32(percent), nil
}

// duration returns the requested session duration in seconds, or def.
func duration(requested *int32, def int) int {
	if requested == nil {
		return def
	}
	return int(*requested)
}

// sentence capitalises a diagnostic for an API message.
func sentence(msg string) string {
	if msg == "" || msg[0] < 'a' || msg[0] > 'z' {
		return msg
	}
	return string(msg[0]-'a'+'A') + msg[1:]
}
