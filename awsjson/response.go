package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/warden-iam/warden"
)

// WriteResponse writes an operation's output; a nil output, for operations
// that return nothing, is written as an empty object.
func (s *Service) WriteResponse(w http.ResponseWriter, requestID string, out any) {
	body := []byte("{}")
	if out != nil {
		var err error
		if body, err = json.Marshal(out); err != nil {
			// Outputs are plain structs of this module; failing to encode
			// one is a programming error, answered as the service's fault.
			s.WriteError(w, requestID, &warden.Error{Code: warden.EInternalFailure, Message: "An internal error occurred.", Err: err})
			return
		}
	}
	s.write(w, requestID, http.StatusOK, body)
}

// errorDocument is the body of an error: __type names it, Message explains
// it, and some errors carry a Reason.
type errorDocument struct {
	Type    string `json:"__type"`
	Message string `json:"Message,omitempty"`
	Reason  string `json:"Reason,omitempty"`
}

// WriteError writes err as the service's JSON error document, with its code
// renamed as the service names it and its HTTP status.
func (s *Service) WriteError(w http.ResponseWriter, requestID string, err error) {
	code := s.Code(err)
	doc := errorDocument{Type: code, Message: warden.ErrorMessage(err)}
	if re, ok := errors.AsType[*warden.ReasonError](err); ok {
		doc.Reason = re.Reason
	}
	body, _ := json.Marshal(doc) // three strings cannot fail to encode
	s.write(w, requestID, s.Status(code), body)
}

func (s *Service) write(w http.ResponseWriter, requestID string, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", s.ContentType())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	w.Write(body)
}

// Timestamp is a time as the JSON protocols write it: a number of seconds
// since the Unix epoch, with milliseconds as a fraction ("Smithy
// timestampFormat trait": epoch-seconds is the default of awsJson1_0 and
// awsJson1_1). The zero Timestamp is omitted by the omitzero tag option.
type Timestamp struct{ time.Time }

// At returns the Timestamp of t.
func At(t time.Time) Timestamp { return Timestamp{t} }

func (t Timestamp) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(t.UnixMilli())/1000, 'f', -1, 64), nil
}

func (t *Timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	seconds, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("a timestamp must be a number of epoch seconds, not %s", b)
	}
	t.Time = time.UnixMilli(int64(math.Round(seconds * 1000))).UTC()
	return nil
}
