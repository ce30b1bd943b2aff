package restjson_test

import (
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/warden-iam/warden"
	"github.com/warden-iam/warden/healthapi/healthshapes"
	"github.com/warden-iam/warden/restjson"
)

// request is an HTTP request to decode: its method and target (path and
// query), its headers and its body.
type request struct {
	method, target string
	header         map[string]string
	body           string
}

// decode routes r to its Connect Health operation and decodes its input.
func decode(t testing.TB, r request) (restjson.Input, error) {
	t.Helper()
	req := httptest.NewRequest(r.method, r.target, strings.NewReader(r.body))
	for name, value := range r.header {
		req.Header.Set(name, value)
	}
	m, err := healthshapes.Service.Route(req)
	if err != nil {
		t.Fatalf("Route(%s %s): %v", r.method, r.target, err)
	}
	in := m.Operation.NewInput()
	return in, restjson.Decode(req, []byte(r.body), m, in)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		req  request
		want restjson.Input
	}{{
		name: "CreateDomainBody",
		req: request{method: "POST", target: "/domain", body: `{
			"name": "clinic", "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abc-123",
			"webAppSetupConfiguration": {"ehrRole": "arn:aws:iam::123456789012:role/ehr", "idcInstanceId": "i-1", "idcRegion": "us-east-1"},
			"tags": {"team": "care", "empty": ""},
			"unknownMember": {"ignored": [1, 2]}}`},
		want: &healthshapes.CreateDomainInput{
			Name:      "clinic",
			KmsKeyArn: new("arn:aws:kms:us-east-1:123456789012:key/abc-123"),
			WebAppSetupConfiguration: &healthshapes.CreateWebAppConfiguration{
				EhrRole: "arn:aws:iam::123456789012:role/ehr", IdcInstanceId: "i-1", IdcRegion: "us-east-1",
			},
			Tags: map[string]string{"team": "care", "empty": ""},
		},
	}, {
		name: "NullMembersAreAbsent",
		req:  request{method: "POST", target: "/domain", body: `{"name": "c", "kmsKeyArn": null, "tags": null}`},
		want: &healthshapes.CreateDomainInput{Name: "c"},
	}, {
		name: "ListDomainsQuery",
		req:  request{method: "GET", target: "/domain?status=DELETING&maxResults=100&nextToken=a%2Bb%3D&other=x"},
		want: &healthshapes.ListDomainsInput{
			Status:     new(healthshapes.DomainStatusDeleting),
			MaxResults: new(int32(100)),
			NextToken:  new("a+b="),
		},
	}, {
		name: "ListDomainsNoQuery",
		req:  request{method: "GET", target: "/domain"},
		want: &healthshapes.ListDomainsInput{},
	}, {
		name: "TagResourceLabelAndMap",
		req:  request{method: "POST", target: "/tags/" + encodedDomainARN, body: `{"tags": {"b": "2", "a": "1"}}`},
		want: &healthshapes.TagResourceInput{ResourceArn: domainARN, Tags: map[string]string{"a": "1", "b": "2"}},
	}, {
		name: "UntagResourceRepeatedQuery",
		req:  request{method: "DELETE", target: "/tags/" + encodedDomainARN + "?tagKeys=team&tagKeys=cost%20center"},
		want: &healthshapes.UntagResourceInput{ResourceArn: domainARN, TagKeys: []string{"team", "cost center"}},
	}, {
		name: "StartMedicalScribeListeningSessionHeaders",
		req: request{method: "POST", target: "/medical-scribe-stream/", header: map[string]string{
			"X-Amzn-Medscribe-Session-Id":      sessionID,
			"X-Amzn-Medscribe-Domain-Id":       domainID,
			"X-Amzn-Medscribe-Subscription-Id": subscriptionID,
			"X-Amzn-Medscribe-Language-Code":   "en-US",
			"X-Amzn-Medscribe-Sample-Rate":     "16000",
			"X-Amzn-Medscribe-Media-Encoding":  "pcm",
		}, body: "\x00\x00\x00\x10event stream bytes"},
		want: &healthshapes.StartMedicalScribeListeningSessionInput{
			SessionId: sessionID, DomainId: domainID, SubscriptionId: subscriptionID,
			LanguageCode: healthshapes.MedicalScribeLanguageCodeEnUs, MediaSampleRateHertz: 16000,
			MediaEncoding: healthshapes.MedicalScribeMediaEncodingPcm,
		},
	}, {
		name: "StartPatientInsightsJobNested",
		req: request{method: "POST", target: "/domain/" + domainID + "/patient-insights-job", body: `{
			"patientContext": {"patientId": "p-1", "dateOfBirth": "1980-02-29", "pronouns": "THEY_THEM"},
			"insightsContext": {"insightsType": "PRE_VISIT"},
			"encounterContext": {"encounterReason": "Annual check-up, fasting."},
			"userContext": {"role": "CLINICIAN", "userId": "u-1", "specialty": "PRIMARY_CARE"},
			"inputDataConfig": {"fhirServer": {"fhirEndpoint": "https://fhir.example.com/r4?x=1", "oauthToken": "tok"},
				"s3Sources": [{"uri": "s3://bucket-1/in/a.json"}, {"uri": "s3://bucket-1/in/b.json"}]},
			"outputDataConfig": {"s3OutputPath": "s3://bucket-2/out/"},
			"clientToken": "5b0e1b4e-8d3c-4c1e-9a51-0c9f6f1b7a11"}`},
		want: &healthshapes.StartPatientInsightsJobInput{
			DomainId: domainID,
			PatientContext: healthshapes.PatientInsightsPatientContext{
				PatientId: "p-1", DateOfBirth: new("1980-02-29"), Pronouns: new(healthshapes.PronounsTheyThem),
			},
			InsightsContext:  healthshapes.InsightsContext{InsightsType: healthshapes.InsightsTypePreVisit},
			EncounterContext: healthshapes.PatientInsightsEncounterContext{EncounterReason: "Annual check-up, fasting."},
			UserContext: healthshapes.UserContext{
				Role: healthshapes.ProviderRoleClinician, UserId: "u-1", Specialty: new(healthshapes.SpecialtyPrimaryCare),
			},
			InputDataConfig: healthshapes.InputDataConfig{
				FhirServer: &healthshapes.FHIRServer{FhirEndpoint: "https://fhir.example.com/r4?x=1", OauthToken: new("tok")},
				S3Sources:  []healthshapes.S3Source{{Uri: "s3://bucket-1/in/a.json"}, {Uri: "s3://bucket-1/in/b.json"}},
			},
			OutputDataConfig: healthshapes.OutputDataConfig{S3OutputPath: "s3://bucket-2/out/"},
			ClientToken:      new("5b0e1b4e-8d3c-4c1e-9a51-0c9f6f1b7a11"),
		},
	}, {
		name: "GetMedicalScribeListeningSessionLabels",
		req:  request{method: "GET", target: "/medical-scribe-stream/domain/" + domainID + "/subscription/" + subscriptionID + "/session/" + sessionID},
		want: &healthshapes.GetMedicalScribeListeningSessionInput{SessionId: sessionID, DomainId: domainID, SubscriptionId: subscriptionID},
	}, {
		name: "EmptyInputIgnoresBody",
		req:  request{method: "POST", target: "/domains/" + domainID + "/subscriptions", body: "not json at all"},
		want: &healthshapes.CreateSubscriptionInput{DomainId: domainID},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := decode(t, tt.req)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, in); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeViolations checks the ValidationException messages, word for
// word.
func TestDecodeViolations(t *testing.T) {
	const patient = `"patientContext": {"patientId": "p"}, "insightsContext": {"insightsType": "PRE_VISIT"},
		"encounterContext": {"encounterReason": "r"}, "userContext": {"role": "CLINICIAN", "userId": "u"},
		"outputDataConfig": {"s3OutputPath": "s3://bucket/out"}`
	manyKeys := make([]string, 51)
	for i := range manyKeys {
		manyKeys[i] = "tagKeys=k" + strconv.Itoa(i)
	}
	tests := []struct {
		name string
		req  request
		want string
	}{{
		name: "RequiredBodyMember",
		req:  request{method: "POST", target: "/domain", body: `{}`},
		want: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
	}, {
		name: "EmptyBodyIsEmptyObject",
		req:  request{method: "POST", target: "/domain"},
		want: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
	}, {
		name: "NullBodyIsEmptyObject",
		req:  request{method: "POST", target: "/domain", body: " null "},
		want: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
	}, {
		name: "LengthAndPattern",
		req:  request{method: "POST", target: "/domain", body: `{"name": "` + strings.Repeat("n", 65) + `", "kmsKeyArn": "arn:aws:kms:us-east-1:1:key/x"}`},
		want: "2 validation errors detected: Value '" + strings.Repeat("n", 65) + "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64; " +
			"Value 'arn:aws:kms:us-east-1:1:key/x' at 'kmsKeyArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$",
	}, {
		name: "LengthCountsCharactersNotBytes",
		req:  request{method: "POST", target: "/domain", body: `{"name": "` + strings.Repeat("é", 64) + `"}`},
		want: "",
	}, {
		name: "NestedRequired",
		req:  request{method: "POST", target: "/domain", body: `{"name": "n", "webAppSetupConfiguration": {"ehrRole": ""}}`},
		want: "4 validation errors detected: Value '' at 'webAppSetupConfiguration.ehrRole' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
			"Value '' at 'webAppSetupConfiguration.ehrRole' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws:iam::[0-9]{12}:role/.+$; " +
			"Value null at 'webAppSetupConfiguration.idcInstanceId' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'webAppSetupConfiguration.idcRegion' failed to satisfy constraint: Member must not be null",
	}, {
		name: "MapKeys",
		req:  request{method: "POST", target: "/domain", body: `{"name": "n", "tags": {"": "v", "ok": "fine"}}`},
		want: "1 validation error detected: Value '{=v, ok=fine}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: " +
			"[Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
	}, {
		name: "MapValues",
		req:  request{method: "POST", target: "/tags/" + encodedDomainARN, body: `{"tags": {"k": "` + strings.Repeat("v", 257) + `"}}`},
		want: "1 validation error detected: Value '{k=" + strings.Repeat("v", 257) + "}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: " +
			"[Member must have length less than or equal to 256, Member must have length greater than or equal to 0]",
	}, {
		name: "MapValueNull",
		req:  request{method: "POST", target: "/tags/" + encodedDomainARN, body: `{"tags": {"k": null}}`},
		want: "1 validation error detected: Value null at 'tags.k' failed to satisfy constraint: Member must not be null",
	}, {
		name: "LabelLengthAndPattern",
		req:  request{method: "GET", target: "/domain/short"},
		want: "2 validation errors detected: Value 'short' at 'domainId' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
			"Value 'short' at 'domainId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(hai-|dom-)[a-z0-9]+$",
	}, {
		name: "QueryRangeAndEnum",
		req:  request{method: "GET", target: "/domain?maxResults=0&status=active"},
		want: "2 validation errors detected: Value 'active' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, DELETING, DELETED]; " +
			"Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
	}, {
		name: "QueryListRequired",
		req:  request{method: "DELETE", target: "/tags/" + encodedDomainARN},
		want: "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
	}, {
		name: "QueryListLength",
		req:  request{method: "DELETE", target: "/tags/x?" + strings.Join(manyKeys, "&")},
		want: "1 validation error detected: Value '[" + strings.ReplaceAll(strings.Join(manyKeys, ", "), "tagKeys=", "") +
			"]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
	}, {
		name: "QueryListElement",
		req:  request{method: "DELETE", target: "/tags/x?tagKeys=a&tagKeys=&tagKeys="},
		want: "1 validation error detected: Value '[a, , ]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: " +
			"[Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
	}, {
		name: "HeaderRequiredAndRange",
		req: request{method: "POST", target: "/medical-scribe-stream/", header: map[string]string{
			"X-Amzn-Medscribe-Session-Id": sessionID, "X-Amzn-Medscribe-Domain-Id": domainID,
			"X-Amzn-Medscribe-Language-Code": "en-GB", "X-Amzn-Medscribe-Sample-Rate": "7999",
			"X-Amzn-Medscribe-Media-Encoding": "pcm",
		}},
		want: "3 validation errors detected: Value null at 'subscriptionId' failed to satisfy constraint: Member must not be null; " +
			"Value 'en-GB' at 'languageCode' failed to satisfy constraint: Member must satisfy enum value set: [en-US]; " +
			"Value '7999' at 'mediaSampleRateHertz' failed to satisfy constraint: Member must have value greater than or equal to 8000",
	}, {
		name: "SensitiveValuesHidden",
		req: request{method: "POST", target: "/domain/" + domainID + "/patient-insights-job", body: `{` + patient + `,
			"inputDataConfig": {}, "patientContext": {"patientId": " \t", "pronouns": "IT"}}`},
		want: "2 validation errors detected: Value at 'patientContext.patientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\s\\S]*\\S[\\s\\S]*; " +
			"Value at 'patientContext.pronouns' failed to satisfy constraint: Member must satisfy enum value set: [HE_HIM, SHE_HER, THEY_THEM]",
	}, {
		name: "ListOfStructures",
		req: request{method: "POST", target: "/domain/" + domainID + "/patient-insights-job", body: `{` + patient + `,
			"inputDataConfig": {"s3Sources": [{"uri": "s3://ok-bucket/a"}, {"uri": "http://x"}, {}]}}`},
		want: "2 validation errors detected: Value 'http://x' at 'inputDataConfig.s3Sources.2.member.uri' failed to satisfy constraint: " +
			"Member must satisfy regular expression pattern: ^s3://[a-z0-9][\\.\\-a-z0-9]{1,61}[a-z0-9](/.*)?$; " +
			"Value null at 'inputDataConfig.s3Sources.3.member.uri' failed to satisfy constraint: Member must not be null",
	}, {
		name: "ListLength",
		req: request{method: "POST", target: "/domain/" + domainID + "/patient-insights-job", body: `{` + patient + `,
			"inputDataConfig": {"s3Sources": [` + strings.Repeat(`{"uri": "s3://ok-bucket/a"},`, 10) + `{"uri": "s3://ok-bucket/b"}]}}`},
		want: "1 validation error detected: Value '[" + strings.Repeat("{uri=s3://ok-bucket/a}, ", 10) + "{uri=s3://ok-bucket/b}]' at 'inputDataConfig.s3Sources' " +
			"failed to satisfy constraint: Member must have length less than or equal to 10",
	}, {
		name: "ListElementNull",
		req: request{method: "POST", target: "/domain/" + domainID + "/patient-insights-job", body: `{` + patient + `,
			"inputDataConfig": {"s3Sources": [null]}}`},
		want: "1 validation error detected: Value null at 'inputDataConfig.s3Sources.1.member' failed to satisfy constraint: Member must not be null",
	}, {
		name: "RequiredStructures",
		req:  request{method: "POST", target: "/domain/" + domainID + "/patient-insights-job", body: `{"clientToken": ""}`},
		want: "7 validation errors detected: Value null at 'patientContext' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'insightsContext' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'encounterContext' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'userContext' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'inputDataConfig' failed to satisfy constraint: Member must not be null; " +
			"Value null at 'outputDataConfig' failed to satisfy constraint: Member must not be null; " +
			"Value '' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\s\\S]*\\S[\\s\\S]*",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(t, tt.req)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			if code := warden.ErrorCode(err); code != warden.EValidationError {
				t.Fatalf("Decode error = %v, want a ValidationError", err)
			}
			if got := warden.ErrorMessage(err); got != tt.want {
				t.Errorf("message:\n got %s\nwant %s", got, tt.want)
			}
			if name := healthshapes.Service.ErrorType(warden.ErrorCode(err)); name != "ValidationException" {
				t.Errorf("written as %s, want ValidationException", name)
			}
		})
	}
}

// TestDecodeSerialization checks the values that are not of their member's
// type: SerializationException, whatever constraints also fail.
func TestDecodeSerialization(t *testing.T) {
	tests := []struct {
		name string
		req  request
		want string
	}{
		{"NotJSON", request{method: "POST", target: "/domain", body: `{"name": `}, "The request body is not valid JSON."},
		{"TwoValues", request{method: "POST", target: "/domain", body: `{"name": "a"} {}`}, "The request body holds more than one JSON value."},
		{"BodyNotObject", request{method: "POST", target: "/domain", body: `["name"]`}, "Start of list found where not expected."},
		{"NumberForString", request{method: "POST", target: "/domain", body: `{"name": 5}`}, "NUMBER_VALUE cannot be converted to String at 'name'."},
		{"BooleanForString", request{method: "POST", target: "/domain", body: `{"name": true}`}, "BOOLEAN_VALUE cannot be converted to String at 'name'."},
		{"ListForMap", request{method: "POST", target: "/domain", body: `{"name": "n", "tags": []}`}, "Start of list found where not expected at 'tags'."},
		{"StringForStructure", request{method: "POST", target: "/domain", body: `{"name": "n", "webAppSetupConfiguration": "x"}`},
			"STRING_VALUE cannot be converted to Structure at 'webAppSetupConfiguration'."},
		{"ObjectForString", request{method: "POST", target: "/domain", body: `{"name": {}}`}, "Start of structure or map found where not expected at 'name'."},
		{"QueryNotInteger", request{method: "GET", target: "/domain?maxResults=ten"}, "STRING_VALUE cannot be converted to Integer at 'maxResults'."},
		{"QueryIntegerOverflow", request{method: "GET", target: "/domain?maxResults=2147483648"}, "STRING_VALUE cannot be converted to Integer at 'maxResults'."},
		{"MalformedQuery", request{method: "GET", target: "/domain?maxResults=%zz"}, "The query string is malformed."},
		{"HeaderNotInteger", request{method: "POST", target: "/medical-scribe-stream/", header: map[string]string{
			"X-Amzn-Medscribe-Sample-Rate": "16k"}}, "STRING_VALUE cannot be converted to Integer at 'mediaSampleRateHertz'."},
		{"SerializationWinsOverViolations", request{method: "POST", target: "/domain", body: `{"kmsKeyArn": "bad", "tags": {"": 1}}`},
			"NUMBER_VALUE cannot be converted to String at 'tags.'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(t, tt.req)
			if code := warden.ErrorCode(err); code != restjson.CodeSerialization {
				t.Fatalf("Decode error = %v, want a SerializationException", err)
			}
			if got := warden.ErrorMessage(err); got != tt.want {
				t.Errorf("message = %q, want %q", got, tt.want)
			}
			if status := healthshapes.Service.Status(restjson.CodeSerialization); status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", status)
			}
		})
	}
}

// scalars is an input with one member of each scalar type the Decoder
// reads, bound where the protocol allows it.
type scalars struct {
	Epoch, DateTime, HTTPDate, Query, Header time.Time
	Double                                   float64
	Float                                    float32
	Long                                     int64
	Bool, QueryBool                          bool
	Blob, Payload                            []byte
	Words                                    []string
}

var (
	ratioRule = &restjson.Rule{Range: restjson.Limits{Min: 0.5, Max: 1.5, HasMin: true, HasMax: true}}
	blobRule  = &restjson.Rule{Length: restjson.Limits{Max: 3, HasMax: true}}
)

func (v *scalars) DecodeHTTP(d *restjson.Decoder) {
	var p restjson.Path
	v.Query, _ = d.Time(d.Query(p.Member("query"), "since"), "")
	v.QueryBool, _ = d.Bool(d.Query(p.Member("queryBool"), "dry"))
	v.Header, _ = d.Time(d.Header(p.Member("header"), "X-Modified"), "")
	if l, ok := d.List(d.HeaderList(p.Member("words"), "X-Words"), nil); ok {
		v.Words = make([]string, l.Len())
		for i := range v.Words {
			v.Words[i], _ = d.String(l.Element(i), nil)
		}
	}
	v.Payload, _ = d.Blob(d.Payload(p.Member("payload")), nil)
	b := d.Body()
	v.Epoch, _ = d.Time(b.Member("epoch", "epoch"), "")
	v.DateTime, _ = d.Time(b.Member("dateTime", "dateTime"), restjson.DateTime)
	v.HTTPDate, _ = d.Time(b.Member("httpDate", "httpDate"), restjson.HTTPDate)
	v.Double, _ = d.Float64(b.Member("double", "double"), nil)
	v.Float, _ = d.Float32(b.Member("float", "float"), ratioRule)
	v.Long, _ = d.Int64(b.Member("long", "long"), nil)
	v.Bool, _ = d.Bool(b.Member("bool", "bool"))
	v.Blob, _ = d.Blob(b.Member("blob", "blob"), blobRule)
}

// decodeScalars decodes a GET of target with the given headers and body
// (which scalars reads both as JSON and as its payload).
func decodeScalars(target string, header map[string]string, body string) (*scalars, error) {
	r := httptest.NewRequest("GET", target, nil)
	for name, value := range header {
		r.Header.Set(name, value)
	}
	in := &scalars{}
	return in, restjson.Decode(r, []byte(body), nil, in)
}

func TestDecodeScalars(t *testing.T) {
	in, err := decodeScalars("/?since=2024-05-01T12%3A00%3A00.5Z&dry=TRUE",
		map[string]string{"X-Modified": "Wed, 01 May 2024 12:00:00 GMT", "X-Words": `a, "b, c" ,d,"e\"f"`},
		`{"epoch": 1714564800.125, "dateTime": "2024-05-01T14:00:00+02:00", "httpDate": "Wed, 01 May 2024 12:00:00 GMT",
		  "double": -1.5e300, "float": 1.5, "long": 9007199254740993, "bool": false, "blob": "AAEC"}`)
	if err != nil {
		t.Fatal(err)
	}
	noon := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	want := &scalars{
		Epoch: noon.Add(125 * time.Millisecond), DateTime: noon, HTTPDate: noon,
		Query: noon.Add(500 * time.Millisecond), Header: noon,
		Double: -1.5e300, Float: 1.5, Long: 9007199254740993, QueryBool: true,
		Blob:  []byte{0, 1, 2},
		Words: []string{"a", "b, c", "d", `e"f`},
	}
	want.Payload = []byte(`{"epoch": 1714564800.125, "dateTime": "2024-05-01T14:00:00+02:00", "httpDate": "Wed, 01 May 2024 12:00:00 GMT",
		  "double": -1.5e300, "float": 1.5, "long": 9007199254740993, "bool": false, "blob": "AAEC"}`)
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}

func TestDecodeScalarEdges(t *testing.T) {
	tests := []struct {
		name, body string
		check      func(*scalars) bool
		wantCode   string // "" for success
		wantMsg    string
	}{
		{"EpochInteger", `{"epoch": 0}`, func(v *scalars) bool { return v.Epoch.Equal(time.Unix(0, 0)) }, "", ""},
		{"EpochNegativeFraction", `{"epoch": -1.5}`, func(v *scalars) bool { return v.Epoch.Equal(time.Unix(-2, 5e8)) }, "", ""},
		{"EpochExponent", `{"epoch": 1.7e9}`, func(v *scalars) bool { return v.Epoch.Equal(time.Unix(1.7e9, 0)) }, "", ""},
		{"EpochNanoseconds", `{"epoch": 1.000000001}`, func(v *scalars) bool { return v.Epoch.Equal(time.Unix(1, 1)) }, "", ""},
		{"EpochString", `{"epoch": "1"}`, nil, restjson.CodeSerialization, "STRING_VALUE cannot be converted to Timestamp at 'epoch'."},
		{"DateTimeNumber", `{"dateTime": 1}`, nil, restjson.CodeSerialization, "NUMBER_VALUE cannot be converted to Timestamp at 'dateTime'."},
		{"DateTimeMalformed", `{"dateTime": "2024-05-01"}`, nil, restjson.CodeSerialization, "STRING_VALUE cannot be converted to Timestamp at 'dateTime'."},
		{"DoubleNaN", `{"double": "NaN"}`, func(v *scalars) bool { return math.IsNaN(v.Double) }, "", ""},
		{"DoubleInfinity", `{"double": "-Infinity"}`, func(v *scalars) bool { return math.IsInf(v.Double, -1) }, "", ""},
		{"DoubleGoSpelling", `{"double": "inf"}`, nil, restjson.CodeSerialization, "STRING_VALUE cannot be converted to Double at 'double'."},
		{"FloatRange", `{"float": 0.25}`, nil, warden.EValidationError,
			"1 validation error detected: Value '0.25' at 'float' failed to satisfy constraint: Member must have value greater than or equal to 0.5"},
		{"LongFraction", `{"long": 1.5}`, nil, restjson.CodeSerialization, "NUMBER_VALUE cannot be converted to Long at 'long'."},
		{"BoolString", `{"bool": "true"}`, nil, restjson.CodeSerialization, "STRING_VALUE cannot be converted to Boolean at 'bool'."},
		{"BlobNotBase64", `{"blob": "@@"}`, nil, restjson.CodeSerialization, "STRING_VALUE cannot be converted to Blob at 'blob'."},
		{"BlobLength", `{"blob": "AAECAw=="}`, nil, warden.EValidationError,
			"1 validation error detected: Value 'AAECAw==' at 'blob' failed to satisfy constraint: Member must have length less than or equal to 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := decodeScalars("/", nil, tt.body)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !tt.check(in) {
					t.Errorf("decoded %+v", in)
				}
				return
			}
			if code, msg := warden.ErrorCode(err), warden.ErrorMessage(err); code != tt.wantCode || msg != tt.wantMsg {
				t.Errorf("error = %s %q, want %s %q", code, msg, tt.wantCode, tt.wantMsg)
			}
		})
	}
}

func TestDecodeTextScalars(t *testing.T) {
	tests := []struct {
		name, target string
		header       map[string]string
		want         string // the SerializationException message, or "" for success
	}{
		{"QueryBoolFalse", "/?dry=false", nil, ""},
		{"QueryBoolBad", "/?dry=yes", nil, "STRING_VALUE cannot be converted to Boolean at 'queryBool'."},
		{"QueryTimeBad", "/?since=1714564800", nil, "STRING_VALUE cannot be converted to Timestamp at 'query'."},
		{"HeaderTimeRFC850", "/", map[string]string{"X-Modified": "Wednesday, 01-May-24 12:00:00 GMT"}, ""},
		{"HeaderTimeISO", "/", map[string]string{"X-Modified": "2024-05-01T12:00:00Z"}, "STRING_VALUE cannot be converted to Timestamp at 'header'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeScalars(tt.target, tt.header, "")
			if got := warden.ErrorMessage(err); got != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
