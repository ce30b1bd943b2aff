package s3api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/warden-iam/warden"
)

// This file holds the XML documents of the operations served, with the
// element names and order of the Amazon S3 API Reference.

// s3Namespace is the namespace of every S3 response document.
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// s3Time is S3's timestamp format in XML bodies.
const s3Time = "2006-01-02T15:04:05.000Z"

func xmlTime(t time.Time) string { return t.UTC().Format(s3Time) }

// writeXML writes an XML document. It is encoded before anything is sent,
// so a document that cannot be encoded is a failure reported as one, not
// half a response.
func writeXML(w http.ResponseWriter, status int, doc any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// maxXMLBody bounds the XML request bodies Warden reads (a DeleteObjects
// request naming 1,000 keys of 1,024 bytes fits).
const maxXMLBody = 2 << 20

// readXML decodes an XML request body into doc. A body that is not the
// document S3 expects is MalformedXML.
func readXML(body io.Reader, doc any) error {
	data, err := io.ReadAll(io.LimitReader(body, maxXMLBody+1))
	if err != nil {
		return err
	}
	if len(data) > maxXMLBody {
		return warden.Errorf(warden.EMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if err := xml.Unmarshal(data, doc); err != nil {
		return &warden.Error{Code: warden.EMalformedXML, Message: "The XML you provided was not well-formed or did not validate against our published schema", Err: err}
	}
	return nil
}

// owner is the Owner element. S3 names owners by canonical user ID, a
// 64-digit hex string per account; Warden derives one from the account ID
// so that it is stable and says nothing an ARN would not.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

func ownerOf(accountID string) *owner {
	sum := sha256.Sum256([]byte("warden canonical user " + accountID))
	return &owner{ID: hex.EncodeToString(sum[:])}
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name       `xml:"ListAllMyBucketsResult"`
	Xmlns             string         `xml:"xmlns,attr"`
	Owner             *owner         `xml:"Owner"`
	Buckets           []bucketResult `xml:"Buckets>Bucket"`
	ContinuationToken string         `xml:"ContinuationToken,omitempty"`
	Prefix            string         `xml:"Prefix,omitempty"`
}

type bucketResult struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion"`
}

type createBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Xmlns   string   `xml:"xmlns,attr"`
	Region  string   `xml:",chardata"`
}

type versioningConfiguration struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Xmlns   string   `xml:"xmlns,attr"`
}

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	TagSet  []tagXML `xml:"TagSet>Tag"`
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// listBucketResult is the answer of ListObjects and ListObjectsV2; the
// elements of one version are left empty in the other.
type listBucketResult struct {
	XMLName xml.Name `xml:"ListBucketResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	Name    string   `xml:"Name"`
	Prefix  string   `xml:"Prefix"`
	// Version 1.
	Marker     *string `xml:"Marker"`
	NextMarker string  `xml:"NextMarker,omitempty"`
	// Version 2.
	ContinuationToken     string `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string `xml:"NextContinuationToken,omitempty"`
	StartAfter            string `xml:"StartAfter,omitempty"`
	KeyCount              *int   `xml:"KeyCount"`

	MaxKeys        int            `xml:"MaxKeys"`
	Delimiter      string         `xml:"Delimiter,omitempty"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
	IsTruncated    bool           `xml:"IsTruncated"`
	Contents       []objectResult `xml:"Contents"`
	CommonPrefixes []prefixResult `xml:"CommonPrefixes"`
}

type objectResult struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	Owner        *owner `xml:"Owner,omitempty"`
	StorageClass string `xml:"StorageClass"`
}

type prefixResult struct {
	Prefix string `xml:"Prefix"`
}

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName xml.Name        `xml:"DeleteResult"`
	Xmlns   string          `xml:"xmlns,attr"`
	Deleted []deletedResult `xml:"Deleted"`
	Errors  []deleteError   `xml:"Error"`
}

type deletedResult struct {
	Key string `xml:"Key"`
}

type deleteError struct {
	Key     string `xml:"Key"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// encodeKey writes a key, prefix or delimiter as the response's
// encoding-type asks: with "url", every byte outside the unreserved set and
// '/' percent-encoded, which lets keys hold characters XML 1.0 cannot.
func encodeKey(s string, url bool) string {
	if !url {
		return s
	}
	var buf []byte
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			buf = append(buf, c)
		} else {
			buf = fmt.Appendf(buf, "%%%02X", c)
		}
	}
	return string(buf)
}
