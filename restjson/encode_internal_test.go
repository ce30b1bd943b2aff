package restjson

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAppendString(t *testing.T) {
	tests := map[string]string{
		"":                `""`,
		"plain":           `"plain"`,
		`q"b\s`:           `"q\"b\\s"`,
		"\n\r\t\x00\x1f":  `"\n\r\t\u0000\u001f"`,
		"<&>":             `"<&>"`,
		"é\u2028😀":        `"é` + "\u2028" + `😀"`,
		"bad\xffutf8\xe2": `"bad\ufffdutf8\ufffd"`,
	}
	for in, want := range tests {
		if got := string(appendString(nil, in)); got != want {
			t.Errorf("appendString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestAppendEpochSeconds(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(0, 0), "0"},
		{time.Unix(1714564800, 0), "1714564800"},
		{time.Unix(1714564800, 123e6), "1714564800.123"},
		{time.Unix(1714564800, 120e6), "1714564800.12"},
		{time.Unix(1714564800, 1e6), "1714564800.001"},
		{time.Unix(1714564800, 999999), "1714564800"}, // below a millisecond
		{time.Unix(-1, 5e8), "-0.5"},
		{time.Unix(-2, 5e8), "-1.5"},
		{time.Unix(-1, 0), "-1"},
	}
	for _, tt := range tests {
		if got := string(appendEpochSeconds(nil, tt.t)); got != tt.want {
			t.Errorf("appendEpochSeconds(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"}, {1.5, "1.5"}, {-2, "-2"}, {1e20, "100000000000000000000"}, {1e21, "1e+21"},
		{1e-7, "1e-07"}, {0.000001, "0.000001"},
		{math.NaN(), `"NaN"`}, {math.Inf(1), `"Infinity"`}, {math.Inf(-1), `"-Infinity"`},
	}
	for _, tt := range tests {
		if got := string(appendFloat(nil, tt.f)); got != tt.want {
			t.Errorf("appendFloat(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestEncoderCommas(t *testing.T) {
	var e Encoder
	e.BeginObject()
	e.Key("a")
	e.BeginArray()
	e.Int64(1)
	e.BeginObject()
	e.EndObject()
	e.BeginArray()
	e.EndArray()
	e.String("x")
	e.EndArray()
	e.Key("b")
	e.Bool(true)
	e.Key("c")
	e.Float64(0.5)
	e.Key("d")
	e.Blob([]byte("hi"))
	e.Key("e")
	e.Time(time.Unix(1, 0), DateTime)
	e.Key("f")
	e.Time(time.Unix(1, 0), HTTPDate)
	e.EndObject()
	want := `{"a":[1,{},[],"x"],"b":true,"c":0.5,"d":"aGk=","e":"1970-01-01T00:00:01Z","f":"Thu, 01 Jan 1970 00:00:01 GMT"}`
	if string(e.buf) != want {
		t.Errorf("encoded %s, want %s", e.buf, want)
	}
}

func TestEncoderHeaders(t *testing.T) {
	var e Encoder
	e.HeaderList("X-List", []string{"a", "b,c", `d"e`})
	e.HeaderTime("X-Date", time.Unix(1714564800, 0), "")
	e.HeaderTime("X-Epoch", time.Unix(1714564800, 5e8), EpochSeconds)
	e.HeaderFloat64("X-NaN", math.NaN())
	e.HeaderBool("X-Bool", true)
	e.HeaderBlob("X-Blob", []byte{0xff})
	for name, want := range map[string]string{
		"X-List":  `a, "b,c", "d\"e"`,
		"X-Date":  "Wed, 01 May 2024 12:00:00 GMT",
		"X-Epoch": "1714564800.5",
		"X-Nan":   "NaN",
		"X-Bool":  "true",
		"X-Blob":  "/w==",
	} {
		if got := e.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// What HeaderList writes, HeaderList reading splits back.
	if got := splitHeaderList(e.header.Get("X-List")); !slices.Equal(got, []string{"a", "b,c", `d"e`}) {
		t.Errorf("splitHeaderList = %q", got)
	}
}

func TestSplitHeaderList(t *testing.T) {
	tests := map[string][]string{
		"":                   {""},
		"a":                  {"a"},
		" a , b ,c":          {"a", "b", "c"},
		`"a, b", c`:          {"a, b", "c"},
		` "x" , "y\\z"`:      {"x", `y\z`},
		`"unterminated, yes`: {"unterminated, yes"},
		"a,,b":               {"a", "", "b"},
	}
	for in, want := range tests {
		if got := splitHeaderList(in); !slices.Equal(got, want) {
			t.Errorf("splitHeaderList(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\s`, "\x00\x1f\x7f", "é\u2028😀", "bad\xffutf8\xe2\x82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("appendString(%q) = %s, not a JSON string: %v", s, out, err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); back != want && utf8.ValidString(s) {
			t.Fatalf("appendString(%q) reads back as %q", s, back)
		}
	})
}

func FuzzSplitHeaderList(f *testing.F) {
	for _, s := range []string{"a, b", `"a, b", c`, `"x\"y"`, `,,`, `"`, `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		items := splitHeaderList(line)
		if len(items) == 0 {
			t.Fatalf("splitHeaderList(%q) returned nothing", line)
		}
		if !strings.ContainsAny(line, `"\`) {
			want := strings.Split(line, ",")
			for i := range want {
				want[i] = strings.TrimSpace(want[i])
			}
			if !slices.Equal(items, want) {
				t.Fatalf("splitHeaderList(%q) = %q, want %q", line, items, want)
			}
		}
		// Items written by HeaderList read back unchanged.
		var e Encoder
		e.HeaderList("X", items)
		trimmed := make([]string, len(items))
		for i, item := range items {
			trimmed[i] = item
			if !strings.ContainsAny(item, `,"`) {
				trimmed[i] = strings.TrimSpace(item)
			}
		}
		if got := splitHeaderList(e.header.Get("X")); !slices.Equal(got, trimmed) {
			t.Fatalf("HeaderList(%q) reads back as %q", items, got)
		}
	})
}

func FuzzEpochSeconds(f *testing.F) {
	for _, n := range []int64{0, 1714564800123, -1, -1500, 253402300799999} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, ms int64) {
		ms %= 1 << 50 // within what float64 and time.Time hold exactly
		tm := time.UnixMilli(ms).UTC()
		text := string(appendEpochSeconds(nil, tm))
		back, ok := parseEpochSeconds(text)
		if !ok || !back.Equal(tm) {
			t.Fatalf("appendEpochSeconds(%v) = %s, which reads back as %v, %t", tm, text, back, ok)
		}
	})
}
