package social

// Emoji and punycode helpers for X's character counter (twittertext.go).

const (
	zwj           = 0x200D
	vs15          = 0xFE0E // text presentation
	vs16          = 0xFE0F // emoji presentation
	keycap        = 0x20E3
	blackFlag     = 0x1F3F4
	tagFirst      = 0xE0020
	tagLast       = 0xE007E
	tagCancel     = 0xE007F
	regionalFirst = 0x1F1E6
	regionalLast  = 0x1F1FF
)

// emojiLength returns how many code points the emoji sequence at i spans, 0
// when none starts there. X counts one sequence (a ZWJ family, a flag, a
// keycap, a skin-toned hand, a subdivision flag) as 2, whatever its length.
// The grammar is UTS #51's: element (ZWJ element)*.
func emojiLength(rs []rune, i int) int {
	n := emojiElement(rs, i)
	if n == 0 {
		return 0
	}
	for i+n+1 < len(rs) && rs[i+n] == zwj {
		m := emojiElement(rs, i+n+1)
		if m == 0 {
			break
		}
		n += 1 + m
	}
	return n
}

// emojiElement matches one keycap, flag, tag sequence or pictograph with its
// optional presentation selector or skin-tone modifier.
func emojiElement(rs []rune, i int) int {
	r := rs[i]
	switch {
	case r == '#' || r == '*' || (r >= '0' && r <= '9'):
		if at(rs, i+1) == keycap {
			return 2
		}
		if at(rs, i+1) == vs16 && at(rs, i+2) == keycap {
			return 3
		}
		return 0
	case isRegional(r):
		if isRegional(at(rs, i+1)) {
			return 2
		}
		return 0
	case r == blackFlag && at(rs, i+1) >= tagFirst && at(rs, i+1) <= tagLast:
		n := 1
		for at(rs, i+n) >= tagFirst && at(rs, i+n) <= tagLast {
			n++
		}
		if at(rs, i+n) == tagCancel {
			return n + 1
		}
	}
	if !isPictographic(r) || at(rs, i+1) == vs15 {
		return 0
	}
	if next := at(rs, i+1); next == vs16 || isSkinTone(next) {
		return 2
	}
	return 1
}

func at(rs []rune, i int) rune {
	if i < len(rs) {
		return rs[i]
	}
	return -1
}

func isRegional(r rune) bool { return r >= regionalFirst && r <= regionalLast }

func isSkinTone(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

// pictographs approximates Unicode's Extended_Pictographic property (emoji-data
// 15), without © and ®, which twitter-text counts as plain characters.
var pictographs = [][2]rune{
	{0x203C, 0x203C}, {0x2049, 0x2049}, {0x2122, 0x2122}, {0x2139, 0x2139},
	{0x2194, 0x2199}, {0x21A9, 0x21AA}, {0x231A, 0x231B}, {0x2328, 0x2328},
	{0x2388, 0x2388}, {0x23CF, 0x23CF}, {0x23E9, 0x23F3}, {0x23F8, 0x23FA},
	{0x24C2, 0x24C2}, {0x25AA, 0x25AB}, {0x25B6, 0x25B6}, {0x25C0, 0x25C0},
	{0x25FB, 0x25FE}, {0x2600, 0x2605}, {0x2607, 0x2612}, {0x2614, 0x2685},
	{0x2690, 0x2705}, {0x2708, 0x2712}, {0x2714, 0x2714}, {0x2716, 0x2716},
	{0x271D, 0x271D}, {0x2721, 0x2721}, {0x2728, 0x2728}, {0x2733, 0x2734},
	{0x2744, 0x2744}, {0x2747, 0x2747}, {0x274C, 0x274C}, {0x274E, 0x274E},
	{0x2753, 0x2755}, {0x2757, 0x2757}, {0x2763, 0x2767}, {0x2795, 0x2797},
	{0x27A1, 0x27A1}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2934, 0x2935},
	{0x2B05, 0x2B07}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
	{0x3030, 0x3030}, {0x303D, 0x303D}, {0x3297, 0x3297}, {0x3299, 0x3299},
	{0x1F000, 0x1F0FF}, {0x1F10D, 0x1F10F}, {0x1F12F, 0x1F12F}, {0x1F16C, 0x1F171},
	{0x1F17E, 0x1F17F}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F1AD, 0x1F1E5},
	{0x1F201, 0x1F20F}, {0x1F21A, 0x1F21A}, {0x1F22F, 0x1F22F}, {0x1F232, 0x1F23A},
	{0x1F23C, 0x1F23F}, {0x1F249, 0x1F3FA}, {0x1F400, 0x1F53D}, {0x1F546, 0x1F64F},
	{0x1F680, 0x1F6FF}, {0x1F774, 0x1F77F}, {0x1F7D5, 0x1F7FF}, {0x1F80C, 0x1F80F},
	{0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8FF},
	{0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1FAFF}, {0x1FC00, 0x1FFFD},
}

func isPictographic(r rune) bool {
	if r < 0x203C {
		return false
	}
	for _, rg := range pictographs {
		if r < rg[0] {
			return false
		}
		if r <= rg[1] {
			return true
		}
	}
	return false
}

// punycodeLength is the length of a DNS label after IDNA's ToASCII as
// punycode.js does it: ASCII labels stay as they are, others become
// "xn--" + the RFC 3492 encoding.
func punycodeLength(label []rune) int {
	ascii := true
	for _, r := range label {
		ascii = ascii && r < 0x80
	}
	if ascii {
		return len(label)
	}
	return len("xn--") + len(punycodeEncode(label))
}

// punycodeEncode is RFC 3492 §6.3.
func punycodeEncode(input []rune) string {
	const base, tMin, tMax = 36, 1, 26
	var out []byte
	for _, r := range input {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := rune(0x80), 0, 72
	for h < len(input) {
		m := rune(0x7FFFFFFF)
		for _, r := range input {
			if r >= n && r < m {
				m = r
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range input {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := k - bias
				t = max(tMin, min(tMax, t))
				if q < t {
					break
				}
				out = append(out, punycodeDigit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, punycodeDigit(q))
			bias = punycodeAdapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out)
}

func punycodeDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func punycodeAdapt(delta, numPoints int, first bool) int {
	const base, tMin, tMax, skew, damp = 36, 1, 26, 38, 700
	if first {
		delta /= damp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((base-tMin)*tMax)/2 {
		delta /= base - tMin
		k += base
	}
	return k + (base-tMin+1)*delta/(delta+skew)
}
