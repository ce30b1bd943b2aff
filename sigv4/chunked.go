package sigv4

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/warden-iam/warden"
)

// This file decodes aws-chunked bodies ("Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks (Chunked
// Upload)" and "… Including Trailing Headers"). A signed body is
//
//	<hex size>;chunk-signature=<signature>\r\n<data>\r\n   (repeated)
//	0;chunk-signature=<signature>\r\n
//	[<name>:<value>\r\n …  x-amz-trailer-signature:<signature>\r\n]
//	\r\n
//
// where each chunk's signature signs the chunk's SHA-256 and the previous
// signature, the first chunk's previous signature being the request's
// own, so chunks can be neither altered, reordered, dropped nor added. An
// unsigned body (STREAMING-UNSIGNED-PAYLOAD-TRAILER) has the same framing
// without the signatures and relies on the checksum in its trailer.

const (
	// maxChunkLine bounds a chunk header or trailer line. The longest
	// legitimate one is a size with its 81-byte signature extension.
	maxChunkLine = 4096
	// minChunkSize is the smallest signed chunk S3 accepts before the last
	// one ("Each chunk must be at least 8 KB in size, except the last").
	minChunkSize = 8 << 10

	chunkSignaturePrefix = ";chunk-signature="
	trailerSignatureName = "x-amz-trailer-signature"
	// emptySHA256 is the hex SHA-256 of nothing: the chunk string to sign
	// has a place for a hash of chunk headers, which are always empty.
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// chunkChain computes the chain of chunk signatures of one request.
type chunkChain struct {
	key      [sha256.Size]byte
	amzDate  string
	scope    string
	previous [sha256.Size]byte
}

// chunkSignature signs a chunk whose data hashes to sum.
func (c *chunkChain) chunkSignature(sum []byte) [sha256.Size]byte {
	buf := make([]byte, 0, 256)
	buf = append(buf, "AWS4-HMAC-SHA256-PAYLOAD\n"...)
	buf = c.appendCommon(buf)
	buf = append(buf, emptySHA256...)
	buf = append(buf, '\n')
	buf = hex.AppendEncode(buf, sum)
	return hmacSHA256(c.key[:], buf)
}

// trailerSignature signs the canonical trailing headers.
func (c *chunkChain) trailerSignature(canonical []byte) [sha256.Size]byte {
	sum := sha256.Sum256(canonical)
	buf := make([]byte, 0, 256)
	buf = append(buf, "AWS4-HMAC-SHA256-TRAILER\n"...)
	buf = c.appendCommon(buf)
	buf = hex.AppendEncode(buf, sum[:])
	return hmacSHA256(c.key[:], buf)
}

func (c *chunkChain) appendCommon(buf []byte) []byte {
	buf = append(buf, c.amzDate...)
	buf = append(buf, '\n')
	buf = append(buf, c.scope...)
	buf = append(buf, '\n')
	buf = hex.AppendEncode(buf, c.previous[:])
	return append(buf, '\n')
}

// ChunkedReader decodes an aws-chunked body, checking each chunk's
// signature when its data has been read and the trailer at the end. Data
// is passed on as it arrives, so a consumer must treat everything read as
// provisional until Read returns io.EOF: any error condemns the whole body.
type ChunkedReader struct {
	r       *bufio.Reader
	chain   *chunkChain // nil for unsigned chunks
	trailer bool        // the body ends with trailing headers
	// announced are the trailing headers X-Amz-Trailer named.
	announced []string
	// want is the decoded length, X-Amz-Decoded-Content-Length.
	want int64

	total     int64 // data bytes delivered so far
	remaining int64 // data bytes left in the current chunk
	inChunk   bool
	chunkSize int64
	sum       hash.Hash
	signature [sha256.Size]byte // the current chunk's claimed signature
	// shortChunk is set after a signed chunk under minChunkSize, which
	// only the last data chunk may be.
	shortChunk bool

	trailers map[string]string
	err      error
}

// newChunkedReader decodes body. chain is nil for unsigned chunks; trailer
// says whether trailing headers follow the last chunk.
func newChunkedReader(body io.Reader, chain *chunkChain, trailer bool, announced []string, decodedLength int64) *ChunkedReader {
	cr := &ChunkedReader{r: bufio.NewReaderSize(body, 64<<10), chain: chain, trailer: trailer, announced: announced, want: decodedLength}
	if chain != nil {
		cr.sum = sha256.New()
	}
	return cr
}

// Trailer returns the value of a trailing header (name in lower case),
// once Read has returned io.EOF.
func (cr *ChunkedReader) Trailer(name string) string { return cr.trailers[name] }

// Read implements io.Reader.
func (cr *ChunkedReader) Read(p []byte) (int, error) {
	for cr.err == nil {
		if cr.inChunk {
			if cr.remaining == 0 {
				cr.err = cr.endChunk()
				continue
			}
			if len(p) == 0 {
				return 0, nil
			}
			n, err := cr.r.Read(p[:min(int64(len(p)), cr.remaining)])
			cr.remaining -= int64(n)
			cr.total += int64(n)
			if cr.sum != nil {
				cr.sum.Write(p[:n])
			}
			if err == io.EOF {
				err = truncated()
			}
			if err != nil {
				cr.err = err
			}
			return n, err
		}
		cr.err = cr.startChunk()
	}
	return 0, cr.err
}

// startChunk reads a chunk header; the last (empty) chunk ends the body.
func (cr *ChunkedReader) startChunk() error {
	line, err := cr.readLine()
	if err != nil {
		return err
	}
	sizeText := line
	if cr.chain != nil {
		var sig string
		var ok bool
		sizeText, sig, ok = strings.Cut(line, chunkSignaturePrefix)
		if !ok || !isLowerHex(sig, 2*sha256.Size) {
			return malformedChunk("chunk header %q has no valid chunk-signature", clip(line))
		}
		hex.Decode(cr.signature[:], []byte(sig))
	}
	size, err := strconv.ParseUint(sizeText, 16, 63)
	if err != nil || sizeText == "" {
		return malformedChunk("chunk size %q is not hexadecimal", clip(sizeText))
	}
	if int64(size) > cr.want-cr.total {
		return &warden.Error{Code: warden.EIncompleteBody, Message: "The request body is longer than x-amz-decoded-content-length says.", Op: op}
	}
	if cr.shortChunk && size > 0 {
		return &warden.Error{Code: warden.EInvalidChunkSizeError, Message: "Only the last chunk is allowed to have a size less than 8192 bytes", Op: op}
	}
	cr.chunkSize, cr.remaining, cr.inChunk = int64(size), int64(size), true
	if size == 0 {
		return cr.finish()
	}
	return nil
}

// endChunk checks the line break after a chunk's data and its signature.
func (cr *ChunkedReader) endChunk() error {
	var crlf [2]byte
	if _, err := io.ReadFull(cr.r, crlf[:]); err != nil {
		return truncated()
	}
	if crlf != [2]byte{'\r', '\n'} {
		return malformedChunk("chunk data is not followed by CRLF")
	}
	if err := cr.checkChunkSignature(); err != nil {
		return err
	}
	cr.shortChunk = cr.chain != nil && cr.chunkSize < minChunkSize
	cr.inChunk = false
	return nil
}

func (cr *ChunkedReader) checkChunkSignature() error {
	if cr.chain == nil {
		return nil
	}
	var sum [sha256.Size]byte
	want := cr.chain.chunkSignature(cr.sum.Sum(sum[:0]))
	cr.sum.Reset()
	if !hmac.Equal(want[:], cr.signature[:]) {
		return &warden.Error{Code: warden.ESignatureDoesNotMatch, Message: msgS3SignatureMismatch, Op: op,
			Err: errors.New("aws-chunked chunk signature does not match")}
	}
	cr.chain.previous = want
	return nil
}

// finish handles the last chunk: its signature, the decoded length, the
// trailer, and the end of the body.
func (cr *ChunkedReader) finish() error {
	if err := cr.checkChunkSignature(); err != nil {
		return err
	}
	if cr.total != cr.want {
		return &warden.Error{Code: warden.EIncompleteBody, Message: "You did not provide the number of bytes specified by the x-amz-decoded-content-length HTTP header.", Op: op}
	}
	if cr.trailer {
		if err := cr.readTrailer(); err != nil {
			return err
		}
	} else if line, err := cr.readLine(); err != nil {
		return err
	} else if line != "" {
		return malformedChunk("the last chunk is followed by %q", clip(line))
	}
	if _, err := cr.r.ReadByte(); err != io.EOF {
		return &warden.Error{Code: warden.EUnexpectedContent, Message: "This request does not support content after the last aws-chunked chunk.", Op: op}
	}
	return io.EOF
}

// readTrailer reads the trailing headers up to the empty line, checking
// them against X-Amz-Trailer and, for signed bodies, their signature.
func (cr *ChunkedReader) readTrailer() error {
	cr.trailers = map[string]string{}
	var canonical []byte
	var signature string
	for {
		line, err := cr.readLine()
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.ToLower(trimBlank(name)), trimBlank(value)
		switch {
		case !ok || name == "":
			return malformedTrailer("trailer line %q is not name:value", clip(line))
		case signature != "":
			return malformedTrailer("%s must be the last trailing header", trailerSignatureName)
		case name == trailerSignatureName:
			signature = value
			continue
		case !slices.Contains(cr.announced, name):
			return malformedTrailer("trailing header %q was not announced in x-amz-trailer", clip(name))
		case cr.trailers[name] != "":
			return malformedTrailer("trailing header %q appears twice", name)
		}
		cr.trailers[name] = value
		canonical = append(canonical, name...)
		canonical = append(canonical, ':')
		canonical = append(canonical, value...)
		canonical = append(canonical, '\n')
	}
	for _, name := range cr.announced {
		if _, ok := cr.trailers[name]; !ok {
			return malformedTrailer("trailing header %q announced in x-amz-trailer is missing", name)
		}
	}
	if cr.chain == nil {
		if signature != "" {
			return malformedTrailer("an unsigned body cannot carry %s", trailerSignatureName)
		}
		return nil
	}
	var got [sha256.Size]byte
	if !isLowerHex(signature, 2*sha256.Size) {
		return malformedTrailer("a signed trailer needs a valid %s", trailerSignatureName)
	}
	hex.Decode(got[:], []byte(signature))
	want := cr.chain.trailerSignature(canonical)
	if !hmac.Equal(want[:], got[:]) {
		return &warden.Error{Code: warden.ESignatureDoesNotMatch, Message: msgS3SignatureMismatch, Op: op,
			Err: errors.New("aws-chunked trailer signature does not match")}
	}
	return nil
}

// readLine reads one CRLF-terminated line, without the CRLF.
func (cr *ChunkedReader) readLine() (string, error) {
	var line []byte
	for {
		part, err := cr.r.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxChunkLine {
			return "", malformedChunk("a chunk header or trailer line is longer than %d bytes", maxChunkLine)
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF:
			return "", truncated()
		default:
			return "", err
		}
		break
	}
	if !bytes.HasSuffix(line, []byte("\r\n")) {
		return "", malformedChunk("a chunk header or trailer line does not end in CRLF")
	}
	return string(line[:len(line)-2]), nil
}

// clip shortens client text quoted in an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func truncated() error {
	return &warden.Error{Code: warden.EIncompleteBody, Message: "The request body terminated unexpectedly", Op: op}
}

func malformedChunk(format string, args ...any) error {
	return &warden.Error{Code: warden.EInvalidRequest, Message: "Malformed aws-chunked body: " + fmt.Sprintf(format, args...), Op: op}
}

func malformedTrailer(format string, args ...any) error {
	e := &warden.Error{Code: warden.EMalformedTrailerError, Op: op,
		Message: "The request contained trailing data that was not well-formed or did not conform to our published schema."}
	e.Err = fmt.Errorf(format, args...)
	return e
}
