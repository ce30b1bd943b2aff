// Package saml reads what AssumeRoleWithSAML and the IAM SAML providers
// need from SAML 2.0 documents, without I/O: an identity provider's
// metadata (its entity ID, validUntil and signing certificates) and a
// base64-encoded Response, whose XML signature it verifies (enveloped,
// exclusive canonicalization, RSA or ECDSA with SHA-256 or stronger, through
// github.com/russellhaering/goxmldsig) before it reads anything from the
// assertion, and only from the element the signature covers. It then checks
// the assertion's issuer, audience, recipient, subject confirmation and
// validity times, and reads the attributes AWS defines
// (https://aws.amazon.com/SAML/Attributes/...). Errors are warden errors
// with STS's codes.
package saml

import (
	"strings"

	"github.com/beevik/etree"
)

// Namespaces of the elements Warden reads.
const (
	nsProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	nsAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
	nsMetadata  = "urn:oasis:names:tc:SAML:2.0:metadata"
	nsDSig      = "http://www.w3.org/2000/09/xmldsig#"
)

// maxDepth bounds the nesting of elements; SAML documents nest a dozen
// levels at most.
const maxDepth = 64

// readXML parses a document, refusing a DOCTYPE (no SAML document has one;
// entity declarations are how XML bombs and external entities come in),
// an element with an attribute given twice (which reader keeps which is
// how signature checks and parsers come to disagree), and anything but one
// root element with comments and whitespace around it.
func readXML(data []byte) (*etree.Element, bool) {
	doc := etree.NewDocument()
	doc.ReadSettings.PreserveDuplicateAttrs = true
	doc.ReadSettings.MaxDepth = maxDepth
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, false
	}
	roots := 0
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			roots++
		case *etree.Directive:
			return nil, false
		case *etree.ProcInst:
			if t.Target != "xml" {
				return nil, false
			}
		case *etree.CharData:
			if strings.TrimSpace(t.Data) != "" {
				return nil, false
			}
		}
	}
	if roots != 1 || hasDuplicateAttr(doc.Root()) {
		return nil, false
	}
	return doc.Root(), true
}

func hasDuplicateAttr(el *etree.Element) bool {
	seen := make(map[[2]string]bool, len(el.Attr))
	for _, a := range el.Attr {
		k := [2]string{a.Space, a.Key}
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	for _, c := range el.ChildElements() {
		if hasDuplicateAttr(c) {
			return true
		}
	}
	return false
}

// is reports whether el is the element ns:tag.
func is(el *etree.Element, ns, tag string) bool {
	return el != nil && el.Tag == tag && el.NamespaceURI() == ns
}

// children returns the child elements ns:tag of el, in order.
func children(el *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if is(c, ns, tag) {
			out = append(out, c)
		}
	}
	return out
}

// only returns the single child ns:tag of el; ok is false when there are
// several. A missing child is nil with ok set.
func only(el *etree.Element, ns, tag string) (child *etree.Element, ok bool) {
	cs := children(el, ns, tag)
	switch len(cs) {
	case 0:
		return nil, true
	case 1:
		return cs[0], true
	}
	return nil, false
}

// countAll counts the elements ns:tag in el's subtree, el included.
func countAll(el *etree.Element, ns, tag string) int {
	n := 0
	if is(el, ns, tag) {
		n++
	}
	for _, c := range el.ChildElements() {
		n += countAll(c, ns, tag)
	}
	return n
}

// text is an element's character data without surrounding whitespace.
func text(el *etree.Element) string {
	if el == nil {
		return ""
	}
	return strings.TrimSpace(el.Text())
}

// detach returns a copy of el that declares every namespace in scope at
// its place in the document, so that it reads (and canonicalizes) the same
// on its own. Exclusive canonicalization emits only the namespaces an
// element visibly uses, so the added declarations do not change a digest.
func detach(el *etree.Element) *etree.Element {
	out := el.Copy()
	declared := map[string]bool{}
	for _, a := range out.Attr {
		if a.Space == "xmlns" {
			declared[a.Key] = true
		} else if a.Space == "" && a.Key == "xmlns" {
			declared[""] = true
		}
	}
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			switch {
			case a.Space == "xmlns" && !declared[a.Key]:
				declared[a.Key] = true
				out.CreateAttr("xmlns:"+a.Key, a.Value)
			case a.Space == "" && a.Key == "xmlns" && !declared[""]:
				declared[""] = true
				out.CreateAttr("xmlns", a.Value)
			}
		}
	}
	return out
}
