package sqlstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
)

// A segment is the events of one appended batch in one value: a version
// byte, then for each event in seq order a frame of its seq (uvarint), the
// hash it is chained to (length-prefixed: empty for the first event of the
// trail, else 32 bytes), its own hash (32 bytes) and its record.
//
// A record is stored as a difference from the record of the frame before
// (the first frame's from an empty one): how many bytes it shares with the
// start and with the end of that record, and the bytes between
// (length-prefixed). Requests of one client differ mostly in their time
// and request id, so this keeps a segment to a third of its records' size,
// and a third of the bytes to write at each commit.

const segmentVersion = 1

// segmentFrame is one event of a segment. Hashes are hex, as the domain
// keeps them.
type segmentFrame struct {
	seq            uint64
	prevHash, hash string
	record         []byte
}

// segmentEncoder writes a segment frame by frame.
type segmentEncoder struct {
	b    []byte
	last []byte // the record of the frame before
}

func newSegmentEncoder(b []byte) *segmentEncoder {
	return &segmentEncoder{b: append(b[:0], segmentVersion)}
}

// add appends a frame: prevHash is empty or a SHA-256, as is hash.
func (s *segmentEncoder) add(seq uint64, prevHash []byte, hash *[sha256.Size]byte, record []byte) {
	b := binary.AppendUvarint(s.b, seq)
	b = binary.AppendUvarint(b, uint64(len(prevHash)))
	b = append(b, prevHash...)
	b = append(b, hash[:]...)
	head, tail := sharedEnds(s.last, record)
	b = binary.AppendUvarint(b, uint64(head))
	b = binary.AppendUvarint(b, uint64(tail))
	middle := record[head : len(record)-tail]
	b = binary.AppendUvarint(b, uint64(len(middle)))
	s.b = append(b, middle...)
	s.last = record
}

// addFrame appends a frame whose hashes are hex.
func (s *segmentEncoder) addFrame(f segmentFrame) error {
	prev, err := hex.DecodeString(f.prevHash)
	if err != nil || (len(prev) != 0 && len(prev) != sha256.Size) {
		return fmt.Errorf("audit event %d: previous hash %q is not a SHA-256", f.seq, f.prevHash)
	}
	var hash [sha256.Size]byte
	if n, err := hex.Decode(hash[:], []byte(f.hash)); err != nil || n != sha256.Size || len(f.hash) != 2*sha256.Size {
		return fmt.Errorf("audit event %d: hash %q is not a SHA-256", f.seq, f.hash)
	}
	s.add(f.seq, prev, &hash, f.record)
	return nil
}

// sharedEnds returns how many bytes b shares with the start of a and,
// after those, with the end of a.
func sharedEnds(a, b []byte) (head, tail int) {
	n := min(len(a), len(b))
	for head < n && a[head] == b[head] {
		head++
	}
	for tail < n-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	return head, tail
}

var errBadSegment = errors.New("malformed audit segment")

// decodeSegment returns a segment's frames. On malformed input it returns
// the frames before the damage with errBadSegment.
func decodeSegment(segment []byte) ([]segmentFrame, error) {
	if len(segment) == 0 || segment[0] != segmentVersion {
		return nil, errBadSegment
	}
	b := segment[1:]
	var frames []segmentFrame
	var last []byte
	for len(b) > 0 {
		var f segmentFrame
		var ok bool
		if f.seq, b, ok = readUvarint(b); !ok {
			return frames, errBadSegment
		}
		prevLen, rest, ok := readUvarint(b)
		if !ok || (prevLen != 0 && prevLen != sha256.Size) || uint64(len(rest)) < prevLen+sha256.Size {
			return frames, errBadSegment
		}
		f.prevHash = hex.EncodeToString(rest[:prevLen])
		f.hash = hex.EncodeToString(rest[prevLen : prevLen+sha256.Size])
		b = rest[prevLen+sha256.Size:]
		var head, tail, middle uint64
		head, b, ok = readUvarint(b)
		if ok {
			tail, b, ok = readUvarint(b)
		}
		if ok {
			middle, b, ok = readUvarint(b)
		}
		if !ok || head > uint64(len(last)) || tail > uint64(len(last))-head || middle > uint64(len(b)) {
			return frames, errBadSegment
		}
		record := make([]byte, 0, head+middle+tail)
		record = append(record, last[:head]...)
		record = append(record, b[:middle]...)
		f.record = append(record, last[uint64(len(last))-tail:]...)
		b = b[middle:]
		frames = append(frames, f)
		last = f.record
	}
	return frames, nil
}

func readUvarint(b []byte) (uint64, []byte, bool) {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, b, false
	}
	return v, b[n:], true
}
