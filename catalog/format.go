package catalog

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The catalog file (catalog.bin) is built for decoding speed: every string
// is stored once in a table and decoded as a substring of the file, so
// loading the whole catalog costs a few large allocations and no string
// copies. Layout, all integers unsigned varints, strings as table indexes:
//
//	"WCAT" version(1 byte)
//	string count, each string's length, then all string bytes
//	totals: services, actions, resource types, condition keys,
//	        action resources, string references (sizes of the decode arenas)
//	global keys: count, then name type altType each
//	services: count, then per service:
//	  prefix name
//	  resource types: count, then name arn source keys(count, names…)
//	  condition keys: count, then name type altType
//	  actions: count, then name accessLevel flags
//	           resources(count, then name required)
//	           keys(count, names…) dependents(count, names…)
//	aliases: count, then operation action
//
// Action flags: bit 0 permission-only, bits 1… the Source.
const (
	fileMagic   = "WCAT"
	fileVersion = 1
)

// MarshalBinary encodes the catalog in the format Load reads. The output
// depends only on the catalog's content, so regenerating from the same
// sources gives identical bytes.
func (c *Catalog) MarshalBinary() ([]byte, error) {
	var e encoder
	e.index = make(map[string]int)
	// First pass: intern strings and count, so the file can announce its
	// table and arena sizes up front.
	var totals [6]int
	intern := func(strs ...string) {
		for _, s := range strs {
			e.intern(s)
		}
	}
	for _, k := range c.global {
		intern(k.Name, k.Type, k.AltType)
	}
	totals[0] = len(c.services)
	for _, s := range c.services {
		intern(s.Prefix, s.Name)
		totals[2] += len(s.ResourceTypes)
		for _, rt := range s.ResourceTypes {
			intern(rt.Name, rt.ARNTemplate)
			intern(rt.ConditionKeys...)
			totals[5] += len(rt.ConditionKeys)
		}
		totals[3] += len(s.ConditionKeys)
		for _, k := range s.ConditionKeys {
			intern(k.Name, k.Type, k.AltType)
		}
		totals[1] += len(s.Actions)
		for _, a := range s.Actions {
			intern(a.Name, string(a.AccessLevel))
			totals[4] += len(a.ResourceTypes)
			for _, r := range a.ResourceTypes {
				intern(r.Name)
			}
			intern(a.ConditionKeys...)
			intern(a.DependentActions...)
			totals[5] += len(a.ConditionKeys) + len(a.DependentActions)
		}
	}
	for _, al := range c.aliases {
		intern(al.Operation, al.Action)
	}

	e.buf = append(e.buf, fileMagic...)
	e.buf = append(e.buf, fileVersion)
	e.uint(len(e.strings))
	for _, s := range e.strings {
		e.uint(len(s))
	}
	for _, s := range e.strings {
		e.buf = append(e.buf, s...)
	}
	for _, n := range totals {
		e.uint(n)
	}
	e.uint(len(c.global))
	for _, k := range c.global {
		e.str(k.Name)
		e.str(k.Type)
		e.str(k.AltType)
	}
	e.uint(len(c.services))
	for _, s := range c.services {
		e.str(s.Prefix)
		e.str(s.Name)
		e.uint(len(s.ResourceTypes))
		for _, rt := range s.ResourceTypes {
			e.str(rt.Name)
			e.str(rt.ARNTemplate)
			e.uint(int(rt.Source))
			e.strs(rt.ConditionKeys)
		}
		e.uint(len(s.ConditionKeys))
		for _, k := range s.ConditionKeys {
			e.str(k.Name)
			e.str(k.Type)
			e.str(k.AltType)
		}
		e.uint(len(s.Actions))
		for _, a := range s.Actions {
			e.str(a.Name)
			e.str(string(a.AccessLevel))
			flags := int(a.Source) << 1
			if a.PermissionOnly {
				flags |= 1
			}
			e.uint(flags)
			e.uint(len(a.ResourceTypes))
			for _, r := range a.ResourceTypes {
				e.str(r.Name)
				if r.Required {
					e.uint(1)
				} else {
					e.uint(0)
				}
			}
			e.strs(a.ConditionKeys)
			e.strs(a.DependentActions)
		}
	}
	e.uint(len(c.aliases))
	for _, al := range c.aliases {
		e.str(al.Operation)
		e.str(al.Action)
	}
	return e.buf, nil
}

type encoder struct {
	buf     []byte
	strings []string
	index   map[string]int
}

func (e *encoder) intern(s string) {
	if _, ok := e.index[s]; !ok {
		e.index[s] = len(e.strings)
		e.strings = append(e.strings, s)
	}
}

func (e *encoder) uint(n int) { e.buf = binary.AppendUvarint(e.buf, uint64(n)) }
func (e *encoder) str(s string) {
	e.uint(e.index[s])
}

func (e *encoder) strs(list []string) {
	e.uint(len(list))
	for _, s := range list {
		e.str(s)
	}
}

// Load decodes a catalog file written by MarshalBinary (the generator's
// output) and indexes it as New does.
func Load(data []byte) (*Catalog, error) { return decode(string(data)) }

var errTruncated = errors.New("truncated catalog file")

func decode(data string) (*Catalog, error) {
	if len(data) < len(fileMagic)+1 || data[:len(fileMagic)] != fileMagic {
		return nil, errors.New("not a catalog file")
	}
	if v := data[len(fileMagic)]; v != fileVersion {
		return nil, fmt.Errorf("catalog file version %d, want %d", v, fileVersion)
	}
	d := decoder{data: data, pos: len(fileMagic) + 1}

	nStrings := d.count()
	lengths := make([]int, nStrings)
	for i := range lengths {
		lengths[i] = d.uint()
	}
	d.table = make([]string, nStrings)
	for i, n := range lengths {
		if d.err != nil || n > len(data)-d.pos {
			d.fail(errTruncated)
			break
		}
		d.table[i] = data[d.pos : d.pos+n]
		d.pos += n
	}

	// Arenas: one allocation per kind of record instead of one per record.
	nServices, nActions, nResourceTypes := d.count(), d.count(), d.count()
	nKeys, nActionResources, nStringRefs := d.count(), d.count(), d.count()
	if d.err != nil {
		return nil, d.err
	}
	services := make([]Service, nServices)
	actions := make([]Action, nActions)
	actionPtrs := make([]*Action, nActions)
	resourceTypes := make([]ResourceType, nResourceTypes)
	resourceTypePtrs := make([]*ResourceType, nResourceTypes)
	keys := make([]ConditionKey, nKeys)
	keyPtrs := make([]*ConditionKey, nKeys)
	actionResources := make([]ActionResource, nActionResources)
	stringRefs := make([]string, nStringRefs)
	var used struct{ actions, resourceTypes, keys, actionResources, stringRefs int }
	// take carves n elements from an arena, failing when a record claims
	// more than the file announced.
	take := func(n int, next *int, size int) (lo, hi int, ok bool) {
		if n > size-*next {
			d.fail(errors.New("catalog file records exceed its totals"))
			return 0, 0, false
		}
		lo, hi = *next, *next+n
		*next = hi
		return lo, hi, true
	}
	strs := func() []string {
		n := d.count()
		lo, hi, ok := take(n, &used.stringRefs, len(stringRefs))
		if !ok || n == 0 {
			return nil
		}
		list := stringRefs[lo:hi:hi]
		for i := range list {
			list[i] = d.str()
		}
		return list
	}

	global := make([]*ConditionKey, d.count())
	for i := range global {
		global[i] = &ConditionKey{Name: d.str(), Type: d.str(), AltType: d.str()}
	}

	if n := d.count(); n != nServices {
		d.fail(errors.New("catalog file service count disagrees with its totals"))
	}
	servicePtrs := make([]*Service, nServices)
	for si := range services {
		if d.err != nil {
			return nil, d.err
		}
		s := &services[si]
		servicePtrs[si] = s
		s.Prefix, s.Name = d.str(), d.str()

		n := d.count()
		lo, hi, ok := take(n, &used.resourceTypes, nResourceTypes)
		if !ok {
			break
		}
		s.ResourceTypes = resourceTypePtrs[lo:hi:hi]
		for i := range s.ResourceTypes {
			rt := &resourceTypes[lo+i]
			rt.Name, rt.ARNTemplate, rt.Source = d.str(), d.str(), Source(d.uint())
			rt.ConditionKeys = strs()
			s.ResourceTypes[i] = rt
		}

		n = d.count()
		if lo, hi, ok = take(n, &used.keys, nKeys); !ok {
			break
		}
		s.ConditionKeys = keyPtrs[lo:hi:hi]
		for i := range s.ConditionKeys {
			k := &keys[lo+i]
			k.Name, k.Type, k.AltType = d.str(), d.str(), d.str()
			s.ConditionKeys[i] = k
		}

		n = d.count()
		if lo, hi, ok = take(n, &used.actions, nActions); !ok {
			break
		}
		s.Actions = actionPtrs[lo:hi:hi]
		for i := range s.Actions {
			a := &actions[lo+i]
			a.Name, a.AccessLevel = d.str(), AccessLevel(d.str())
			flags := d.uint()
			a.PermissionOnly = flags&1 != 0
			a.Source = Source(flags >> 1)
			nr := d.count()
			rlo, rhi, ok := take(nr, &used.actionResources, nActionResources)
			if !ok {
				break
			}
			if nr > 0 {
				a.ResourceTypes = actionResources[rlo:rhi:rhi]
				for j := range a.ResourceTypes {
					a.ResourceTypes[j] = ActionResource{Name: d.str(), Required: d.uint() == 1}
				}
			}
			a.ConditionKeys = strs()
			a.DependentActions = strs()
			s.Actions[i] = a
		}
	}

	aliases := make([]Alias, d.count())
	for i := range aliases {
		aliases[i] = Alias{Operation: d.str(), Action: d.str()}
	}
	if d.err == nil && d.pos != len(data) {
		d.fail(errors.New("trailing bytes after catalog"))
	}
	if d.err != nil {
		return nil, d.err
	}
	return New(servicePtrs, global, aliases)
}

// decoder reads varints and string references, remembering the first error
// so the decoding code reads straight through; after an error every read
// returns zero.
type decoder struct {
	data  string
	pos   int
	table []string
	err   error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) uint() int {
	if d.err != nil {
		return 0
	}
	var x uint64
	for shift := uint(0); ; shift += 7 {
		if d.pos >= len(d.data) || shift > 56 {
			d.fail(errTruncated)
			return 0
		}
		b := d.data[d.pos]
		d.pos++
		x |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	if x > uint64(len(d.data)) {
		// No count, length or index in a file can exceed its size.
		d.fail(errors.New("catalog file number out of range"))
		return 0
	}
	return int(x)
}

// count reads an element count; each element takes at least one byte, so a
// count larger than what is left is corrupt (and must not drive an
// allocation).
func (d *decoder) count() int {
	n := d.uint()
	if n > len(d.data)-d.pos {
		d.fail(errTruncated)
		return 0
	}
	return n
}

func (d *decoder) str() string {
	i := d.uint()
	if d.err != nil {
		return ""
	}
	if i >= len(d.table) {
		d.fail(errors.New("catalog file string index out of range"))
		return ""
	}
	return d.table[i]
}
