package social

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

const twitterData = "testdata/twitter-text"

// twitterCase is one conformance case of a twitter-text YAML file.
type twitterCase struct {
	description, text string
	expected          any
}

func MustTwitterCases(tb testing.TB, file, section string) []twitterCase {
	tb.Helper()
	root, _ := MustReadYAML(tb, filepath.Join(twitterData, file)).(map[string]any)
	tests, _ := root["tests"].(map[string]any)
	list, ok := tests[section].([]any)
	if !ok || len(list) == 0 {
		tb.Fatalf("%s: no section %q", file, section)
	}
	var out []twitterCase
	for _, item := range list {
		m := item.(map[string]any)
		desc, _ := m["description"].(string)
		text, ok := m["text"].(string)
		if !ok {
			tb.Fatalf("%s/%s %q: text is %T", file, section, desc, m["text"])
		}
		out = append(out, twitterCase{description: desc, text: text, expected: m["expected"]})
	}
	return out
}

// The sections of validate.yml that describe configuration v3 (with emoji
// parsing). "tweets" and "WeightedTweetsCounterTest" describe the older
// 140-character and v2 configurations, which X no longer uses.
func TestTwitterConformanceWeightedLength(t *testing.T) {
	t.Parallel()
	for _, section := range []string{"WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest"} {
		for _, c := range MustTwitterCases(t, "validate.yml", section) {
			want := c.expected.(map[string]any)
			gotLen, gotValid := parseTweet(c.text)
			if gotLen != want["weightedLength"] || gotValid != want["valid"] {
				t.Errorf("%s: %q: got length %d valid %v, want %v %v",
					section, c.description, gotLen, gotValid, want["weightedLength"], want["valid"])
			}
			if c.text != "" && CountChars(Twitter, c.text) != gotLen {
				t.Errorf("%s: CountChars disagrees with parseTweet", c.description)
			}
		}
	}
}

func TestTwitterConformanceURLs(t *testing.T) {
	t.Parallel()
	for _, section := range []string{"urls", "tco_urls_with_params"} {
		for _, c := range MustTwitterCases(t, "extract.yml", section) {
			got, _ := extractedURLs(c.text)
			if want := toStrings(t, c.expected); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %q\n got %q\nwant %q", section, c.description, got, want)
			}
		}
	}
}

func TestTwitterConformanceURLIndices(t *testing.T) {
	t.Parallel()
	for _, section := range []string{"urls_with_indices", "urls_with_directional_markers"} {
		for _, c := range MustTwitterCases(t, "extract.yml", section) {
			urls, indices := extractedURLs(c.text)
			var want []string
			var wantIdx [][2]int
			for _, e := range c.expected.([]any) {
				m := e.(map[string]any)
				want = append(want, m["url"].(string))
				idx := m["indices"].([]any)
				wantIdx = append(wantIdx, [2]int{idx[0].(int), idx[1].(int)})
			}
			if !reflect.DeepEqual(urls, want) || !reflect.DeepEqual(indices, wantIdx) {
				t.Errorf("%s: %q\n got %q %v\nwant %q %v", section, c.description, urls, indices, want, wantIdx)
			}
		}
	}
}

func TestTwitterConformanceTLDs(t *testing.T) {
	t.Parallel()
	for _, section := range []string{"country", "generic"} {
		for _, c := range MustTwitterCases(t, "tlds.yml", section) {
			got, _ := extractedURLs(c.text)
			if want := toStrings(t, c.expected); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %q: got %q, want %q", section, c.description, got, want)
			}
		}
	}
}

// The embedded TLD table must be the one in tlds.yml; set SALESAI_UPDATE_TLDS=1
// to regenerate it after updating the data.
func TestTwitterTLDTableMatchesData(t *testing.T) {
	t.Parallel()
	var country, generic []string
	for _, c := range MustTwitterCases(t, "tlds.yml", "country") {
		country = append(country, strings.TrimPrefix(c.text, "https://twitter."))
	}
	for _, c := range MustTwitterCases(t, "tlds.yml", "generic") {
		generic = append(generic, strings.TrimPrefix(c.text, "https://twitter."))
	}
	if os.Getenv("SALESAI_UPDATE_TLDS") == "1" {
		MustWriteTLDTable(t, country, generic)
		return
	}
	if !reflect.DeepEqual(strings.Fields(twitterCountryTLDs), country) ||
		!reflect.DeepEqual(strings.Fields(twitterGenericTLDs), generic) {
		t.Fatal("twittertext_tlds.go is stale: run with SALESAI_UPDATE_TLDS=1")
	}
}

func MustWriteTLDTable(tb testing.TB, country, generic []string) {
	tb.Helper()
	src := "// Code generated from testdata/twitter-text/tlds.yml; DO NOT EDIT.\n" +
		"// TestTwitterTLDTableMatchesData checks it; regenerate with\n" +
		"// SALESAI_UPDATE_TLDS=1 go test ./internal/social -run TestTwitterTLDTableMatchesData\n\n" +
		"package social\n\n" +
		"// twitterCountryTLDs are twitter-text's country-code TLDs.\n" +
		"const twitterCountryTLDs = `\n" + wrapWords(country) + "\n`\n\n" +
		"// twitterGenericTLDs are twitter-text's generic TLDs.\n" +
		"const twitterGenericTLDs = `\n" + wrapWords(generic) + "\n`\n"
	if err := os.WriteFile("twittertext_tlds.go", []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func wrapWords(words []string) string {
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && len(cur)+len(w)+1 > 100 {
			lines, cur = append(lines, cur), ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	return strings.Join(append(lines, cur), "\n")
}

// The counter's constants must be those of the published v3 configuration.
func TestTwitterConfigMatchesV3(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(twitterData, "v3.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		MaxWeightedTweetLength int  `json:"maxWeightedTweetLength"`
		Scale                  int  `json:"scale"`
		DefaultWeight          int  `json:"defaultWeight"`
		EmojiParsingEnabled    bool `json:"emojiParsingEnabled"`
		TransformedURLLength   int  `json:"transformedURLLength"`
		Ranges                 []struct {
			Start, End rune
			Weight     int
		} `json:"ranges"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.MaxWeightedTweetLength != twitterMaxWeighted || cfg.Scale != twitterScale ||
		cfg.DefaultWeight != twitterDefaultWeight || !cfg.EmojiParsingEnabled ||
		cfg.TransformedURLLength*cfg.Scale != twitterURLWeight {
		t.Fatalf("v3.json %+v disagrees with the counter's constants", cfg)
	}
	for i, r := range cfg.Ranges {
		if i >= len(twitterLightRanges) || twitterLightRanges[i] != [2]rune{r.Start, r.End} || r.Weight != 100 {
			t.Fatalf("range %d %+v disagrees with twitterLightRanges", i, r)
		}
	}
	if len(cfg.Ranges) != len(twitterLightRanges) {
		t.Fatalf("v3.json has %d ranges, the counter %d", len(cfg.Ranges), len(twitterLightRanges))
	}
}

func TestPunycodeEncode(t *testing.T) {
	t.Parallel()
	// RFC 3492 §7.1 sample strings and common IDNs.
	tests := []struct{ in, want string }{
		{"bücher", "bcher-kva"},
		{"ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"},
		{"他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"},
		{"☃", "n3h"},
		{"münchen", "mnchen-3ya"},
	}
	for _, tt := range tests {
		if got := punycodeEncode([]rune(tt.in)); got != tt.want {
			t.Errorf("punycodeEncode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// extractedURLs returns the URLs found in text and their UTF-16 indices, as
// twitter-text reports them.
func extractedURLs(text string) ([]string, [][2]int) {
	rs := []rune(text)
	var urls []string
	var idx [][2]int
	for _, u := range extractTwitterURLs(rs) {
		urls = append(urls, string(rs[u.start:u.start+u.length]))
		start := len(utf16.Encode(rs[:u.start]))
		idx = append(idx, [2]int{start, start + len(utf16.Encode(rs[u.start:u.start+u.length]))})
	}
	return urls, idx
}

func toStrings(tb testing.TB, v any) []string {
	tb.Helper()
	list, ok := v.([]any)
	if !ok {
		tb.Fatalf("expected a list, got %T", v)
	}
	var out []string
	for _, s := range list {
		out = append(out, s.(string))
	}
	return out
}
