package media

import (
	"net/netip"
	"strconv"
	"strings"
)

// blockedPrefixes are the address ranges a media download may never reach
// (DESIGN §7): loopback, private, shared (CGNAT), link-local with the cloud
// metadata address, multicast, unspecified, reserved and broadcast, and the
// IPv6 equivalents.
var blockedPrefixes = mustPrefixes(
	"0.0.0.0/8",       // "this network", includes 0.0.0.0
	"10.0.0.0/8",      // RFC 1918
	"100.64.0.0/10",   // CGNAT shared space (RFC 6598)
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, 169.254.169.254 metadata
	"172.16.0.0/12",   // RFC 1918
	"192.0.0.0/24",    // IETF protocol assignments
	"192.168.0.0/16",  // RFC 1918
	"198.18.0.0/15",   // benchmarking
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, includes 255.255.255.255 broadcast
	"100::/64",        // discard-only
	"fc00::/7",        // unique local
	"fe80::/10",       // link-local
	"fec0::/10",       // deprecated site-local
	"ff00::/8",        // multicast
	"2001:db8::/32",   // documentation, never routed
	"2001:10::/28",    // ORCHID
	"64:ff9b:1::/48",  // local-use NAT64
	"::ffff:0:0:0/96", // IPv4-translated (RFC 2765)
	"::/96",           // deprecated IPv4-compatible, includes :: and ::1
)

// embeddingPrefixes carry an IPv4 address in their last 32 bits; that
// address is checked too, so ::ffff:127.0.0.1 or 64:ff9b::a00:1 cannot
// smuggle a private IPv4 destination.
var embeddingPrefixes = mustPrefixes("::ffff:0:0/96", "64:ff9b::/96")

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// isBlocked reports whether ip is an address media downloads must refuse.
func isBlocked(ip netip.Addr) bool {
	ip = ip.WithZone("")
	if ip.Is6() {
		for _, p := range embeddingPrefixes {
			if p.Contains(ip) {
				b := ip.As16()
				return isBlocked(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
			}
		}
		if b := ip.As16(); b[0] == 0x20 && b[1] == 0x02 { // 6to4 2002:V4ADDR::/48
			if isBlocked(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})) {
				return true
			}
		}
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// parseHostIP reads a URL host that is an IP address, including the legacy
// IPv4 spellings that inet_aton and browsers accept (2130706433, 0177.0.0.1,
// 0x7f.1, 127.1), so they are checked as the address they reach.
func parseHostIP(host string) (netip.Addr, bool) {
	h := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "]"), "["), ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.Unmap(), true
	}
	return parseLegacyIPv4(h)
}

// parseLegacyIPv4 parses inet_aton forms: 1 to 4 parts, each decimal, octal
// (leading 0) or hex (0x), the last part filling the remaining bytes.
func parseLegacyIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 || s == "" {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		v, ok := parseInetPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last, room := vals[len(vals)-1], uint(8*(5-len(vals)))
	if room < 64 && last >= 1<<room {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

func parseInetPart(p string) (uint64, bool) {
	base, digits := 10, p
	switch {
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		base, digits = 16, p[2:]
		if digits == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		base, digits = 8, p[1:]
	}
	if digits == "" || strings.ContainsAny(digits, "+-_") {
		return 0, false
	}
	v, err := strconv.ParseUint(digits, base, 32)
	return v, err == nil
}
