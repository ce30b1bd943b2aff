package oidc

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-iam/warden"
)

// token assembles a compact JWS from raw JSON parts and a signature.
func token(header, payload string, signature []byte) string {
	return b64([]byte(header)) + "." + b64([]byte(payload)) + "." + b64(signature)
}

func TestParse(t *testing.T) {
	const header = `{"alg":"RS256","kid":"k1","typ":"JWT"}`
	const payload = `{"iss":"https://idp.example.test","sub":"u1","aud":"app","exp":1700000300,"nbf":1700000000,"iat":1700000000}`
	sig := []byte{1, 2, 3}
	valid := token(header, payload, sig)
	tests := []struct {
		name  string
		raw   string
		check func(t *testing.T, tok *Token)
		// wantMsg is part of the InvalidIdentityToken message; empty for a
		// token that parses.
		wantMsg string
	}{
		{name: "valid", raw: valid, check: func(t *testing.T, tok *Token) {
			c := tok.Claims
			if tok.Header.Algorithm != "RS256" || tok.Header.KeyID != "k1" || c.Issuer != "https://idp.example.test" || c.Subject != "u1" ||
				!slices.Equal(c.Audience, []string{"app"}) || c.Expires.Unix() != 1700000300 || c.NotBefore.Unix() != 1700000000 || c.IssuedAt.Unix() != 1700000000 {
				t.Errorf("Parse = %+v", tok)
			}
			if tok.signingInput != valid[:strings.LastIndexByte(valid, '.')] || string(tok.signature) != string(sig) {
				t.Errorf("signing input or signature wrong")
			}
		}},
		{name: "aud and amr as arrays", raw: token(header, `{"aud":["a","b"],"amr":["pwd","mfa"],"azp":"a"}`, sig), check: func(t *testing.T, tok *Token) {
			if !slices.Equal(tok.Claims.Audience, []string{"a", "b"}) || !slices.Equal(tok.Claims.AuthMethods, []string{"pwd", "mfa"}) || tok.Claims.AuthorizedParty != "a" {
				t.Errorf("claims = %+v", tok.Claims)
			}
		}},
		{name: "amr as a string", raw: token(header, `{"amr":"authenticated"}`, sig), check: func(t *testing.T, tok *Token) {
			if !slices.Equal(tok.Claims.AuthMethods, []string{"authenticated"}) {
				t.Errorf("amr = %q", tok.Claims.AuthMethods)
			}
		}},
		{name: "AWS claims", raw: token(header, `{"https://aws.amazon.com/source_identity":"alice",
			"https://aws.amazon.com/tags":{"principal_tags":{"team":["red"],"cost":"42"},"transitive_tag_keys":["team"]}}`, sig),
			check: func(t *testing.T, tok *Token) {
				c := tok.Claims
				if c.SourceIdentity != "alice" || c.SessionTags == nil ||
					!slices.Equal(c.SessionTags.Tags, []warden.Tag{{Key: "cost", Value: "42"}, {Key: "team", Value: "red"}}) ||
					!slices.Equal(c.SessionTags.TransitiveKeys, []string{"team"}) {
					t.Errorf("claims = %+v %+v", c, c.SessionTags)
				}
			}},
		{name: "no claims at all", raw: token(header, `{}`, sig), check: func(t *testing.T, tok *Token) {
			if !tok.Claims.Expires.IsZero() || tok.Claims.Audience != nil {
				t.Errorf("claims = %+v", tok.Claims)
			}
		}},

		{name: "two parts", raw: b64([]byte(header)) + "." + b64([]byte(payload)), wantMsg: "three parts"},
		{name: "four parts", raw: valid + ".x", wantMsg: "three parts"},
		{name: "padded base64", raw: b64([]byte(header)) + "=." + b64([]byte(payload)) + "." + b64(sig), wantMsg: "header is not base64url"},
		{name: "standard base64 alphabet", raw: strings.Replace(valid, b64([]byte(payload)), "ab+/", 1), wantMsg: "payload is not base64url"},
		{name: "bad signature encoding", raw: valid + "!", wantMsg: "signature is not base64url"},
		{name: "header not an object", raw: token(`["RS256"]`, payload, sig), wantMsg: "header is not a JSON object"},
		{name: "header not JSON", raw: token(`{alg:RS256}`, payload, sig), wantMsg: "header is not a JSON object"},
		{name: "duplicate alg", raw: token(`{"alg":"none","alg":"RS256"}`, payload, sig), wantMsg: `member "alg" appears twice`},
		{name: "trailing data", raw: token(header+`{}`, payload, sig), wantMsg: "data after the object"},
		{name: "alg none", raw: token(`{"alg":"none"}`, payload, nil), wantMsg: `signed with "none"`},
		{name: "alg HS256", raw: token(`{"alg":"HS256"}`, payload, sig), wantMsg: `signed with "HS256"`},
		{name: "alg PS256", raw: token(`{"alg":"PS256"}`, payload, sig), wantMsg: `signed with "PS256"`},
		{name: "lower-case alg", raw: token(`{"alg":"rs256"}`, payload, sig), wantMsg: `signed with "rs256"`},
		{name: "no alg", raw: token(`{"kid":"k1"}`, payload, sig), wantMsg: "no alg"},
		{name: "alg not a string", raw: token(`{"alg":256}`, payload, sig), wantMsg: `"alg" is not a string`},
		{name: "critical extension", raw: token(`{"alg":"RS256","crit":["exp"]}`, payload, sig), wantMsg: "critical extensions"},
		{name: "payload not an object", raw: token(header, `"claims"`, sig), wantMsg: "payload is not a JSON object"},
		{name: "duplicate sub", raw: token(header, `{"sub":"admin","sub":"u1"}`, sig), wantMsg: `member "sub" appears twice`},
		{name: "sub null", raw: token(header, `{"sub":null}`, sig), wantMsg: `"sub" is not a string`},
		{name: "aud null", raw: token(header, `{"aud":null}`, sig), wantMsg: `"aud" is null`},
		{name: "aud a number", raw: token(header, `{"aud":7}`, sig), wantMsg: `"aud" is neither a string nor an array`},
		{name: "aud mixed array", raw: token(header, `{"aud":["a",7]}`, sig), wantMsg: `"aud" is neither a string nor an array`},
		{name: "exp fractional", raw: token(header, `{"exp":1700000300.5}`, sig), wantMsg: "exp is not an integer"},
		{name: "exp a string", raw: token(header, `{"exp":"1700000300"}`, sig), wantMsg: "exp is not an integer"},
		{name: "exp negative", raw: token(header, `{"exp":-1}`, sig), wantMsg: "exp is not an integer"},
		{name: "exp past year 9999", raw: token(header, `{"exp":99999999999999}`, sig), wantMsg: "exp is not an integer"},
		{name: "tag with two values", raw: token(header, `{"https://aws.amazon.com/tags":{"principal_tags":{"team":["red","blue"]}}}`, sig), wantMsg: `session tag "team" must have exactly one`},
		{name: "tags not an object", raw: token(header, `{"https://aws.amazon.com/tags":[]}`, sig), wantMsg: "tags is not a JSON object"},
		{name: "too long", raw: strings.Repeat("a", MaxTokenLength+1), wantMsg: "longer than 20000 bytes"},
		{name: "empty", raw: "", wantMsg: "three parts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(tt.raw)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, tok)
				return
			}
			if warden.ErrorCode(err) != warden.EInvalidIdentityToken || !strings.Contains(warden.ErrorMessage(err), tt.wantMsg) {
				t.Fatalf("Parse error = %v; want InvalidIdentityToken with %q", err, tt.wantMsg)
			}
		})
	}
}

// FuzzParse checks that no input makes Parse fail other than with
// InvalidIdentityToken, and that whatever parses keeps its parts intact.
func FuzzParse(f *testing.F) {
	f.Add(token(`{"alg":"RS256","kid":"k1"}`, `{"iss":"https://idp.example.test","sub":"u","aud":["a","b"],"exp":1700000300}`, []byte{1, 2}))
	f.Add(token(`{"alg":"ES256"}`, `{"amr":"mfa","https://aws.amazon.com/tags":{"principal_tags":{"k":["v"]},"transitive_tag_keys":"k"}}`, nil))
	f.Add(token(`{"alg":"none"}`, `{}`, nil))
	f.Add(token(`{"alg":"RS256","alg":"RS256"}`, `{}`, nil))
	f.Add(token(`{"alg":"RS256"}`, `{"exp":1e10}`, nil))
	f.Add("a.b.c")
	f.Add("..")
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.")
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := Parse(raw)
		if err != nil {
			if warden.ErrorCode(err) != warden.EInvalidIdentityToken {
				t.Fatalf("Parse(%q) error %v is not InvalidIdentityToken", raw, err)
			}
			return
		}
		if _, ok := algorithms[tok.Header.Algorithm]; !ok {
			t.Fatalf("Parse(%q) accepted alg %q", raw, tok.Header.Algorithm)
		}
		if !strings.HasPrefix(raw, tok.signingInput+".") || strings.Count(tok.signingInput, ".") != 1 {
			t.Fatalf("signing input %q is not the first two parts of %q", tok.signingInput, raw)
		}
		for _, d := range []time.Time{tok.Claims.Expires, tok.Claims.NotBefore, tok.Claims.IssuedAt} {
			if !d.IsZero() && d.Unix() > maxNumericDate {
				t.Fatalf("date %v out of range", d)
			}
		}
		if _, err := json.Marshal(tok.Claims); err != nil {
			t.Fatalf("claims do not marshal: %v", err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	raw := token(`{"alg":"RS256","kid":"k1","typ":"JWT"}`,
		`{"iss":"https://token.actions.githubusercontent.com","sub":"repo:acme/app:ref:refs/heads/main","aud":"sts.amazonaws.com","exp":1700000300,"nbf":1700000000,"iat":1700000000,"amr":["pwd"]}`,
		make([]byte, 256))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}
