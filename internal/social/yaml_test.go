package social

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// A reader for the small YAML subset of the twitter-text conformance files:
// block mappings and sequences by indentation, double-quoted strings with
// escapes, flow sequences of scalars, plain scalars and # comments. It exists
// so the suite is read as published (go.mod has no YAML library).

type yamlLine struct {
	indent int
	text   string
	num    int
}

// MustReadYAML parses path into maps, slices, strings, ints and bools.
func MustReadYAML(tb testing.TB, path string) any {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	var lines []yamlLine
	for i, raw := range strings.Split(string(data), "\n") {
		t := strings.TrimRight(raw, " \r\t")
		trimmed := strings.TrimLeft(t, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || trimmed == "---" {
			continue
		}
		lines = append(lines, yamlLine{indent: len(t) - len(trimmed), text: trimmed, num: i + 1})
	}
	p := &yamlParser{lines: lines}
	v, err := p.block(0)
	if err != nil {
		tb.Fatalf("parse %s: %v", path, err)
	}
	return v
}

type yamlParser struct {
	lines []yamlLine
	pos   int
}

func (p *yamlParser) block(indent int) (any, error) {
	if p.pos >= len(p.lines) {
		return nil, nil
	}
	l := p.lines[p.pos]
	if l.text == "-" || strings.HasPrefix(l.text, "- ") {
		return p.sequence(l.indent)
	}
	return p.mapping(l.indent)
}

func (p *yamlParser) sequence(indent int) (any, error) {
	var out []any
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent != indent || !(l.text == "-" || strings.HasPrefix(l.text, "- ")) {
			break
		}
		rest := strings.TrimPrefix(strings.TrimPrefix(l.text, "-"), " ")
		if rest == "" {
			p.pos++
			v, err := p.block(indent + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			continue
		}
		if _, _, isMap := splitKey(rest); !isMap {
			v, err := scalar(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", l.num, err)
			}
			out = append(out, v)
			p.pos++
			continue
		}
		// "- key: value" opens a mapping indented at the key.
		p.lines[p.pos] = yamlLine{indent: indent + 2, text: rest, num: l.num}
		v, err := p.mapping(indent + 2)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (p *yamlParser) mapping(indent int) (any, error) {
	out := map[string]any{}
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent != indent || strings.HasPrefix(l.text, "- ") {
			break
		}
		key, value, ok := splitKey(l.text)
		if !ok {
			return nil, fmt.Errorf("line %d: expected key: %q", l.num, l.text)
		}
		p.pos++
		if value != "" {
			v, err := scalar(value)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", l.num, err)
			}
			out[key] = v
			continue
		}
		if p.pos < len(p.lines) {
			next := p.lines[p.pos]
			if next.indent > indent || (next.indent == indent && strings.HasPrefix(next.text, "- ")) {
				v, err := p.block(next.indent)
				if err != nil {
					return nil, err
				}
				out[key] = v
				continue
			}
		}
		out[key] = nil
	}
	return out, nil
}

// splitKey splits "key: value" outside quotes.
func splitKey(s string) (key, value string, ok bool) {
	if strings.HasPrefix(s, `"`) || strings.HasPrefix(s, "[") {
		return "", "", false
	}
	i := strings.Index(s, ":")
	if i <= 0 || (i+1 < len(s) && s[i+1] != ' ') {
		return "", "", false
	}
	return s[:i], strings.TrimSpace(s[i+1:]), true
}

func scalar(s string) (any, error) {
	switch {
	case strings.HasPrefix(s, `"`):
		v, rest, err := quoted(s)
		if err == nil && strings.TrimSpace(rest) != "" && !strings.HasPrefix(strings.TrimSpace(rest), "#") {
			err = fmt.Errorf("text after string: %q", rest)
		}
		return v, err
	case strings.HasPrefix(s, "["):
		return flowSequence(s)
	case s == "true" || s == "false":
		return s == "true", nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	return s, nil
}

func flowSequence(s string) ([]any, error) {
	body := strings.TrimSpace(s[1:])
	out := []any{}
	for {
		body = strings.TrimLeft(body, " ,")
		switch {
		case body == "":
			return nil, fmt.Errorf("unterminated sequence %q", s)
		case body[0] == ']':
			return out, nil
		case body[0] == '"':
			v, rest, err := quoted(body)
			if err != nil {
				return nil, err
			}
			out, body = append(out, v), rest
		default:
			end := strings.IndexAny(body, ",]")
			if end < 0 {
				return nil, fmt.Errorf("unterminated sequence %q", s)
			}
			v, err := scalar(strings.TrimSpace(body[:end]))
			if err != nil {
				return nil, err
			}
			out, body = append(out, v), body[end:]
		}
	}
}

// quoted decodes a double-quoted YAML string at the start of s.
func quoted(s string) (string, string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			return b.String(), s[i+1:], nil
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			break
		}
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i]]
		if n > 0 {
			if i+n >= len(s) {
				return "", "", fmt.Errorf("short escape in %q", s)
			}
			r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", "", fmt.Errorf("bad escape in %q: %w", s, err)
			}
			b.WriteRune(rune(r))
			i += n
			continue
		}
		simple := map[byte]string{'n': "\n", 't': "\t", 'r': "\r", '"': `"`, '\\': `\`, '/': "/",
			'0': "\x00", ' ': " ", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029"}
		v, ok := simple[s[i]]
		if !ok {
			return "", "", fmt.Errorf("unknown escape \\%c in %q", s[i], s)
		}
		b.WriteString(v)
	}
	return "", "", fmt.Errorf("unterminated string %q", s)
}
