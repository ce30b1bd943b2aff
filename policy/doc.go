// Package policy is Warden's IAM policy language: it parses policy documents
// as IAM accepts them, compiles sets of them into an index by service and
// action, and evaluates requests with AWS's decision procedure, explaining
// every decision.
//
// The stages are pure and separate, as in the IAM User Guide's own account of
// the language ("Policy evaluation logic", "IAM JSON policy elements
// reference"):
//
//	Parse    bytes → *Policy           grammar only; positioned diagnostics
//	Check    *Policy × Kind            what a policy of that kind may contain
//	Compile  []*Policy → *Set          values parsed once, statements indexed
//	Evaluate *Layers × *Request        decision, allocation-free
//	Explain  *Layers × *Request        decision plus the statements behind it
//
// Nothing here performs I/O, so other programs can import the engine.
package policy
