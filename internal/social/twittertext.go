package social

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// X counts a post the way twitter-text's parseTweet does with configuration v3
// (testdata/twitter-text/v3.json): text is NFC-normalised, every URL counts 23,
// every emoji sequence counts 2, code points in a few Latin and punctuation
// ranges count 1 and everything else counts 2. The URL rules below follow
// twitter-text's extractor, written out by hand because Go's regexp has no
// lookahead; testdata/twitter-text holds the conformance suite they must pass.
const (
	twitterScale          = 100
	twitterDefaultWeight  = 200
	twitterURLWeight      = 23 * twitterScale
	twitterMaxWeighted    = 280
	twitterMaxURLLength   = 4096
	twitterMaxTcoSlug     = 40
	twitterMaxDomainLabel = 63
)

// twitterLightRanges are the v3 ranges whose code points weigh 100.
var twitterLightRanges = [][2]rune{{0, 4351}, {8192, 8205}, {8208, 8223}, {8242, 8247}}

// parseTweet returns X's weighted length of text and whether X would accept it
// as a post (not empty, within 280, no invalid characters).
func parseTweet(text string) (weighted int, valid bool) {
	rs := []rune(norm.NFC.String(text))
	urls := map[int]int{} // start rune -> length in runes
	for _, u := range extractTwitterURLs(rs) {
		urls[u.start] = u.length
	}
	valid = true
	total := 0
	for i := 0; i < len(rs); {
		if n, ok := urls[i]; ok {
			total += twitterURLWeight
			i += n
			continue
		}
		if n := emojiLength(rs, i); n > 0 {
			total += twitterDefaultWeight
			i += n
			continue
		}
		if isTwitterInvalidChar(rs[i]) {
			valid = false
		}
		total += twitterRuneWeight(rs[i])
		i++
	}
	weighted = total / twitterScale
	return weighted, valid && weighted > 0 && weighted <= twitterMaxWeighted
}

func twitterRuneWeight(r rune) int {
	for _, rg := range twitterLightRanges {
		if r >= rg[0] && r <= rg[1] {
			return 100
		}
	}
	return twitterDefaultWeight
}

func isTwitterInvalidChar(r rune) bool { return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF }

func isDirectionalMarker(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x2066 && r <= 0x2069)
}

// isURLPrecedingChar: a URL may follow anything but letters, digits, @, $, #
// and invalid characters (so no URLs inside mentions, cashtags or hashtags).
func isURLPrecedingChar(r rune) bool {
	if isDirectionalMarker(r) {
		return true
	}
	if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return false
	}
	switch r {
	case '@', '＠', '$', '#', '＃':
		return false
	}
	return !isTwitterInvalidChar(r)
}

// isDomainChar: anything but ASCII punctuation, spaces, invalid characters and
// directional markers.
func isDomainChar(r rune) bool {
	if r < 0x80 && strings.ContainsRune("!'#%&()*+,\\-./:;<=>?@[]^_{|}~$\"`", r) {
		return false
	}
	switch {
	case r >= 0x09 && r <= 0x0D, r == 0x20, r == 0x85, r == 0xA0, r == 0x1680, r == 0x180E,
		r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return false
	}
	return !isTwitterInvalidChar(r) && !isDirectionalMarker(r)
}

// urlEntity is one URL twitter-text would find: where it starts and how many
// code points it covers.
type urlEntity struct {
	start, length int
}

// extractTwitterURLs finds URLs in rs like twitter-text's extractUrlsWithIndices
// (URLs without a protocol included).
func extractTwitterURLs(rs []rune) []urlEntity {
	if !containsRune(rs, '.') {
		return nil
	}
	sc := newURLScanner(rs)
	var out []urlEntity
	for from := 0; from <= len(rs); {
		m, ok := sc.find(from)
		if !ok {
			break
		}
		from = m.end
		out = append(out, sc.entities(m)...)
	}
	return out
}

// urlScanner holds a text and the lookups that keep scanning it linear in
// practice: where each run of label characters ends, and the TLD found at
// each position.
type urlScanner struct {
	rs     []rune
	text   string
	offs   []int // byte offset of each rune, plus len(text)
	runEnd []int // end of the run of domain characters, '-' and '_' from i
	tldLen []int // TLD length at i; -1 when not yet computed
	domEnd []int // memoised matchDomain results, domainUnknown until computed
}

func newURLScanner(rs []rune) *urlScanner {
	sc := &urlScanner{rs: rs, text: string(rs), offs: make([]int, len(rs)+1),
		runEnd: make([]int, len(rs)+1), tldLen: make([]int, len(rs)+1), domEnd: make([]int, len(rs)+1)}
	off := 0
	for i, r := range rs {
		sc.offs[i] = off
		off += utf8.RuneLen(r)
		sc.tldLen[i], sc.domEnd[i] = -1, domainUnknown
	}
	sc.offs[len(rs)], sc.runEnd[len(rs)], sc.tldLen[len(rs)], sc.domEnd[len(rs)] = off, len(rs), 0, domainNone
	for i := len(rs) - 1; i >= 0; i-- {
		sc.runEnd[i] = i
		if r := rs[i]; isDomainChar(r) || r == '-' || r == '_' {
			sc.runEnd[i] = sc.runEnd[i+1]
		}
	}
	return sc
}

// urlMatch is one match of twitter-text's extractUrl pattern.
type urlMatch struct {
	before             rune // 0 at the start of the text
	start, end         int  // the URL (after the preceding character)
	protoEnd, domEnd   int  // protocol is rs[start:protoEnd], domain rs[protoEnd:domEnd]
	pathStart, pathEnd int
}

// find returns the leftmost match at or after from.
func (sc *urlScanner) find(from int) (urlMatch, bool) {
	rs := sc.rs
	for p := from; p <= len(rs); p++ {
		if p < len(rs) && isURLPrecedingChar(rs[p]) {
			if m, ok := sc.matchAt(p + 1); ok {
				m.before = rs[p]
				return m, true
			}
		}
		if p == 0 {
			if m, ok := sc.matchAt(0); ok {
				return m, true
			}
		}
	}
	return urlMatch{}, false
}

// matchAt matches protocol?, domain, port?, path?, query? at s.
func (sc *urlScanner) matchAt(s int) (urlMatch, bool) {
	for _, withProto := range []bool{true, false} {
		d := s
		if withProto {
			n := protocolLength(sc.rs[s:])
			if n == 0 {
				continue
			}
			d = s + n
		}
		e, ok := sc.matchDomain(d)
		if !ok {
			continue
		}
		m := urlMatch{start: s, protoEnd: d, domEnd: e}
		m.pathStart, m.pathEnd, m.end = sc.matchTail(e)
		return m, true
	}
	return urlMatch{}, false
}

func protocolLength(rs []rune) int {
	for _, p := range []string{"https://", "http://"} {
		if hasFoldPrefix(rs, p) {
			return len(p)
		}
	}
	return 0
}

// matchDomain matches subdomain* domainName TLD at d. The regular expression
// tries the most labels first, so the result is the last label of the chain
// from d that has no '_' and a TLD after its dot. Chains from later labels are
// suffixes of this one, so results are memoised per label start.
func (sc *urlScanner) matchDomain(d int) (int, bool) {
	var starts []int
	i := d
	for i < len(sc.rs) && sc.domEnd[i] == domainUnknown {
		j, ok := sc.label(i)
		if !ok {
			sc.domEnd[i] = domainNone
			break
		}
		starts = append(starts, i)
		i = j + 1
	}
	for k := len(starts) - 1; k >= 0; k-- {
		i := starts[k]
		j, _ := sc.label(i)
		end := domainNone
		if next := j + 1; next < len(sc.rs) && sc.domEnd[next] >= 0 {
			end = sc.domEnd[next]
		} else if n := sc.tld(j + 1); n > 0 && !containsRune(sc.rs[i:j], '_') {
			end = j + 1 + n
		}
		sc.domEnd[i] = end
	}
	if d >= len(sc.rs) || sc.domEnd[d] < 0 {
		return 0, false
	}
	return sc.domEnd[d], true
}

const (
	domainUnknown = -2
	domainNone    = -1
)

// label reports whether a label followed by a dot starts at i, and the dot.
func (sc *urlScanner) label(i int) (dot int, ok bool) {
	rs := sc.rs
	j := sc.runEnd[i]
	if j == i || j >= len(rs) || rs[j] != '.' || !isDomainChar(rs[i]) || !isDomainChar(rs[j-1]) {
		return 0, false
	}
	return j, true
}

// tld returns the (cached) length of the TLD at t, 0 for none.
func (sc *urlScanner) tld(t int) int {
	if sc.tldLen[t] < 0 {
		sc.tldLen[t] = matchTLD(sc.rs, t)
	}
	return sc.tldLen[t]
}

// matchTLD returns the length of the TLD at t: a generic TLD, else a country
// TLD, each only when no ASCII letter, digit, @, + or - follows; else punycode.
func matchTLD(rs []rune, t int) int {
	for _, list := range [][]tld{gTLDIndex[foldKey(rs, t)], ccTLDIndex[foldKey(rs, t)]} {
		for _, c := range list {
			if hasFoldPrefix(rs[t:], c.name) && tldBoundary(rs, t+c.runes) {
				return c.runes
			}
		}
	}
	if hasFoldPrefix(rs[t:], "xn--") {
		n := 4
		for t+n < len(rs) && isPunycodeChar(rs[t+n]) {
			n++
		}
		if n > 4 {
			return n
		}
	}
	return 0
}

// tldBoundary reports whether position i may end a TLD.
func tldBoundary(rs []rune, i int) bool {
	if i >= len(rs) {
		return true
	}
	r := rs[i]
	return !(isASCIIAlnum(r) || r == '@' || r == '+' || r == '-')
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

func isPunycodeChar(r rune) bool {
	r = unicode.ToLower(r)
	return r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z')
}

// Path and query as twitter-text defines them: path characters, balanced
// parentheses up to two levels, and an ending character so that trailing
// punctuation stays out of the URL.
var (
	urlPathChars   = `a-z\x{0400}-\x{04FF}0-9!*';:=+,.$/%#\[\]\-\x{2013}_~@|&` + latinAccentChars
	urlPathChar    = `[` + urlPathChars + `]`
	urlParens      = `\((?:` + urlPathChar + `+|(?:` + urlPathChar + `*\(` + urlPathChar + `+\)` + urlPathChar + `*))\)`
	urlPathEnd     = `(?:[+\-a-z\x{0400}-\x{04FF}0-9=_#/` + latinAccentChars + `]|(?:` + urlParens + `))`
	urlPath        = `(?:(?:` + urlPathChar + `*(?:` + urlParens + urlPathChar + `*)*` + urlPathEnd + `)|(?:@` + urlPathChar + `+/))`
	urlQueryChar   = `[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]`
	urlQueryEnd    = `[a-z0-9\-_&=#/]`
	urlTailPattern = regexp.MustCompile(`(?i)^(?::[0-9]+)?(/` + urlPath + `*)?(\?` + urlQueryChar + `*` + urlQueryEnd + `)?`)
	tcoPattern     = regexp.MustCompile(`(?i)^https?://t\.co/([a-z0-9]+)(?:\?` + urlQueryChar + `*` + urlQueryEnd + `)?`)
)

const latinAccentChars = `\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{FF}\x{0100}-\x{024F}\x{0253}\x{0254}\x{0256}\x{0257}\x{0259}\x{025B}\x{0263}\x{0268}\x{026F}\x{0272}\x{0289}\x{028B}\x{02BB}\x{0300}-\x{036F}\x{1E00}-\x{1EFF}`

// matchTail matches the optional port, path and query after the domain.
func (sc *urlScanner) matchTail(e int) (pathStart, pathEnd, end int) {
	base := sc.offs[e]
	loc := urlTailPattern.FindStringSubmatchIndex(sc.text[base:])
	pathStart, pathEnd = e, e
	if loc[2] >= 0 {
		pathStart, pathEnd = sc.runeAt(base+loc[2]), sc.runeAt(base+loc[3])
	}
	return pathStart, pathEnd, sc.runeAt(base + loc[1])
}

// runeAt converts a byte offset of text to a rune index.
func (sc *urlScanner) runeAt(off int) int { return sort.SearchInts(sc.offs, off) }

// entities applies extractUrlsWithIndices' checks to a match: URL length and
// DNS label lengths, t.co slugs, and for URLs without a protocol the ASCII
// domains inside the matched domain.
func (sc *urlScanner) entities(m urlMatch) []urlEntity {
	rs := sc.rs
	url, domain := rs[m.start:m.end], rs[m.protoEnd:m.domEnd]
	protoLen := m.protoEnd - m.start
	if protoLen == 0 {
		protoLen = len("https://")
	}
	if !validIDNDomain(domain) || protoLen+utf16Len(url) > twitterMaxURLLength {
		return nil
	}
	if m.protoEnd > m.start {
		if loc := tcoPattern.FindStringSubmatchIndex(string(url)); loc != nil {
			if loc[3]-loc[2] > twitterMaxTcoSlug {
				return nil
			}
			return []urlEntity{{start: m.start, length: runeCount(string(url)[:loc[1]])}}
		}
		return []urlEntity{{start: m.start, length: len(url)}}
	}
	if m.before == '-' || m.before == '_' || m.before == '.' || m.before == '/' {
		return nil
	}
	out := asciiDomains(domain, m.start)
	if len(out) > 0 && m.pathEnd > m.pathStart {
		last := &out[len(out)-1]
		last.length = m.end - last.start
	}
	return out
}

// asciiDomains finds the ASCII-only domains (Latin accents allowed) inside a
// domain matched without protocol, like twitter-text's validAsciiDomain.
func asciiDomains(domain []rune, offset int) []urlEntity {
	var out []urlEntity
	for p := 0; p < len(domain); {
		n := matchASCIIDomain(domain, p)
		if n == 0 {
			p++
			continue
		}
		out = append(out, urlEntity{start: offset + p, length: n})
		p += n
	}
	return out
}

// matchASCIIDomain matches (label.)+ TLD at p within domain, most labels first.
func matchASCIIDomain(domain []rune, p int) int {
	var dots []int
	for i := p; ; {
		j := i
		for j < len(domain) && isASCIIDomainLabelChar(domain[j]) {
			j++
		}
		if j == i || j >= len(domain) || domain[j] != '.' {
			break
		}
		dots = append(dots, j)
		i = j + 1
	}
	for k := len(dots) - 1; k >= 0; k-- {
		if n := matchTLD(domain, dots[k]+1); n > 0 {
			return dots[k] + 1 + n - p
		}
	}
	return 0
}

func isASCIIDomainLabelChar(r rune) bool {
	return r == '-' || isASCIIAlnum(r) || isLatinAccent(r)
}

func isLatinAccent(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x24F,
		r >= 0x300 && r <= 0x36F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	return strings.ContainsRune("\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB", r)
}

// validIDNDomain is twitter-text's idna.toAscii check: every label, punycode
// encoded when it is not ASCII, must be 1 to 63 characters long; a domain
// already in punycode must be plain ASCII.
func validIDNDomain(domain []rune) bool {
	if hasFoldPrefix(domain, "xn--") && len(asciiDomains(domain, 0)) == 0 {
		return false
	}
	for _, label := range strings.Split(string(domain), ".") {
		n := punycodeLength([]rune(label))
		if n < 1 || n > twitterMaxDomainLabel {
			return false
		}
	}
	return true
}

// tld is one top-level domain of the twitter-text lists.
type tld struct {
	name  string
	runes int
}

// The TLD lists indexed by their lower-cased first rune, each list in
// descending order so that longer names are tried before their prefixes.
var gTLDIndex, ccTLDIndex = indexTLDs(twitterGenericTLDs), indexTLDs(twitterCountryTLDs)

func indexTLDs(list string) map[rune][]tld {
	names := strings.Fields(list)
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	idx := map[rune][]tld{}
	for _, n := range names {
		rs := []rune(n)
		k := unicode.ToLower(rs[0])
		idx[k] = append(idx[k], tld{name: n, runes: len(rs)})
	}
	return idx
}

func foldKey(rs []rune, i int) rune {
	if i >= len(rs) {
		return -1
	}
	return unicode.ToLower(rs[i])
}

// hasFoldPrefix reports whether rs starts with prefix, ignoring case.
func hasFoldPrefix(rs []rune, prefix string) bool {
	i := 0
	for _, p := range prefix {
		if i >= len(rs) || !runeFoldEqual(rs[i], p) {
			return false
		}
		i++
	}
	return true
}

func runeFoldEqual(a, b rune) bool {
	return a == b || unicode.ToLower(a) == unicode.ToLower(b)
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func runeCount(s string) int { return len([]rune(s)) }

func utf16Len(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += utf16.RuneLen(r)
	}
	return n
}
