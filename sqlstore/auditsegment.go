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
// trail, else 32 bytes), its own hash (32 bytes) and its record
// (length-prefixed).

const segmentVersion = 1

// segmentFrame is one event of a segment. Hashes are hex, as the domain
// keeps them.
type segmentFrame struct {
	seq            uint64
	prevHash, hash string
	record         []byte
}

// appendFrame adds a frame to a segment begun with segmentVersion.
func appendFrame(b []byte, f segmentFrame) ([]byte, error) {
	var prev, hash [sha256.Size]byte
	prevLen := len(f.prevHash) / 2
	if (prevLen != 0 && prevLen != sha256.Size) || decodeHex(prev[:prevLen], f.prevHash) != nil {
		return nil, fmt.Errorf("audit event %d: previous hash %q is not a SHA-256", f.seq, f.prevHash)
	}
	if len(f.hash) != 2*sha256.Size || decodeHex(hash[:], f.hash) != nil {
		return nil, fmt.Errorf("audit event %d: hash %q is not a SHA-256", f.seq, f.hash)
	}
	b = binary.AppendUvarint(b, f.seq)
	b = binary.AppendUvarint(b, uint64(prevLen))
	b = append(b, prev[:prevLen]...)
	b = append(b, hash[:]...)
	b = binary.AppendUvarint(b, uint64(len(f.record)))
	return append(b, f.record...), nil
}

// decodeHex decodes s, which must fill dst exactly, without allocating.
func decodeHex(dst []byte, s string) error {
	if len(s) != 2*len(dst) {
		return hex.ErrLength
	}
	for i := range dst {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			return hex.InvalidByteError(s[2*i])
		}
		dst[i] = hi<<4 | lo
	}
	return nil
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

var errBadSegment = errors.New("malformed audit segment")

// decodeSegment returns a segment's frames. On malformed input it returns
// the frames before the damage with errBadSegment. Records alias segment.
func decodeSegment(segment []byte) ([]segmentFrame, error) {
	if len(segment) == 0 || segment[0] != segmentVersion {
		return nil, errBadSegment
	}
	b := segment[1:]
	var frames []segmentFrame
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
		recordLen, rest, ok := readUvarint(rest[prevLen+sha256.Size:])
		if !ok || recordLen > uint64(len(rest)) {
			return frames, errBadSegment
		}
		f.record = rest[:recordLen:recordLen]
		b = rest[recordLen:]
		frames = append(frames, f)
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
