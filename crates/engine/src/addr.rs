//! Godot's IP literals: strict parsing (spec §2.1) and Godot's formatting (spec §2.2).
//!
//! Godot keeps every address in 16 bytes, IPv4 as the mapped form `::ffff:a.b.c.d`; so do we, as
//! an [`Ipv6Addr`]. An address is "IPv4" exactly when it is in mapped form.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// The result of parsing a string where Godot expects an IP (bind address, host, group).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpLiteral {
    /// `"*"`: accepted where a bind address is expected, invalid elsewhere.
    Wildcard,
    /// A valid address in Godot's 16-byte form.
    Addr(Ipv6Addr),
    /// Anything else (`""`, names, malformed literals).
    Invalid,
}

impl IpLiteral {
    /// The address, if the literal is a valid address (not the wildcard).
    pub fn addr(self) -> Option<Ipv6Addr> {
        match self {
            IpLiteral::Addr(a) => Some(a),
            _ => None,
        }
    }
}

/// Godot 4.7 length limits: an IPv6 literal must be shorter than 40 characters, an IPv4 one
/// shorter than 16.
const MAX_V6_LEN: usize = 39;
const MAX_V4_LEN: usize = 15;

/// Parses like Godot's `IPAddress(String)`: `"*"`, an IPv6 literal (RFC 4291, which is what Godot
/// does after the fix of issue #118050: Q17), or a strict dotted IPv4 literal (Q11).
pub fn parse(s: &str) -> IpLiteral {
    if s == "*" {
        return IpLiteral::Wildcard;
    }
    let parsed = if s.contains(':') {
        parse_v6(s)
    } else {
        parse_v4(s).map(|v4| v4.to_ipv6_mapped())
    };
    parsed.map_or(IpLiteral::Invalid, IpLiteral::Addr)
}

/// Four dot-separated decimal parts worth 0–255 each, leading zeros allowed.
fn parse_v4(s: &str) -> Option<Ipv4Addr> {
    if s.len() > MAX_V4_LEN {
        return None;
    }
    parse_dotted(s)
}

fn parse_dotted(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut value: u32 = 0;
        for b in part.bytes() {
            value = value * 10 + u32::from(b - b'0');
            if value > 255 {
                return None;
            }
        }
        *octet = value as u8;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// RFC 4291 text form: eight groups of 1–4 hex digits, at most one `::`, optionally ending in a
/// dotted IPv4 part worth two groups. No brackets, no zone id.
fn parse_v6(s: &str) -> Option<Ipv6Addr> {
    if s.len() > MAX_V6_LEN {
        return None;
    }
    let (head, tail) = match s.find("::") {
        Some(i) => (&s[..i], Some(&s[i + 2..])),
        None => (s, None),
    };
    let mut head_groups = [0u16; 8];
    let mut tail_groups = [0u16; 8];
    let head_n = parse_groups(head, &mut head_groups, tail.is_none())?;
    match tail {
        None => {
            if head_n != 8 {
                return None;
            }
            Some(Ipv6Addr::from(head_groups))
        }
        Some(tail) => {
            if tail.contains("::") {
                return None;
            }
            let tail_n = parse_groups(tail, &mut tail_groups, true)?;
            // `::` stands for at least one zero group.
            if head_n + tail_n > 7 {
                return None;
            }
            let mut groups = [0u16; 8];
            groups[..head_n].copy_from_slice(&head_groups[..head_n]);
            groups[8 - tail_n..].copy_from_slice(&tail_groups[..tail_n]);
            Some(Ipv6Addr::from(groups))
        }
    }
}

/// Parses `a:b:c` (possibly empty) into `out`; returns the number of 16-bit groups. A dotted IPv4
/// part is allowed as the last element only when `may_end_in_v4`.
fn parse_groups(s: &str, out: &mut [u16; 8], may_end_in_v4: bool) -> Option<usize> {
    if s.is_empty() {
        return Some(0);
    }
    let parts: Vec<&str> = s.split(':').collect();
    let mut n = 0;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if last && may_end_in_v4 && part.contains('.') {
            let v4 = parse_dotted(part)?;
            let o = v4.octets();
            if n + 2 > 8 {
                return None;
            }
            out[n] = u16::from_be_bytes([o[0], o[1]]);
            out[n + 1] = u16::from_be_bytes([o[2], o[3]]);
            n += 2;
            continue;
        }
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        if n >= 8 {
            return None;
        }
        out[n] = u16::from_str_radix(part, 16).ok()?;
        n += 1;
    }
    Some(n)
}

/// True when Godot would call the address IPv4 (mapped form).
pub fn is_v4(addr: &Ipv6Addr) -> bool {
    addr.to_ipv4_mapped().is_some()
}

/// Godot's `String(IPAddress)`: dotted for IPv4 (mapped), else eight lowercase hex groups
/// without `::` compression (Q15).
pub fn format(addr: &Ipv6Addr) -> String {
    if let Some(v4) = addr.to_ipv4_mapped() {
        return v4.to_string();
    }
    let g = addr.segments();
    format!(
        "{:x}:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}",
        g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]
    )
}

/// Godot's form of an OS socket address: IPv4 becomes mapped; scope ids are dropped.
pub fn from_socket_addr(sa: &SocketAddr) -> (Ipv6Addr, u16) {
    match sa {
        SocketAddr::V4(v4) => (v4.ip().to_ipv6_mapped(), v4.port()),
        SocketAddr::V6(v6) => (*v6.ip(), v6.port()),
    }
}

/// The OS address to use for `addr` on a socket of the given family (IPv4 sockets take only IPv4
/// addresses; IPv6 sockets take everything, IPv4 in mapped form). `None`: the socket cannot reach
/// that address (Godot then fails the call with `FAILED`).
pub fn to_socket_addr(addr: &Ipv6Addr, port: u16, v4_socket: bool) -> Option<SocketAddr> {
    if v4_socket {
        addr.to_ipv4_mapped()
            .map(|v4| SocketAddr::V4(SocketAddrV4::new(v4, port)))
    } else {
        Some(SocketAddr::V6(SocketAddrV6::new(*addr, port, 0, 0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        parse(s).addr().map(|a| format(&a))
    }

    #[test]
    fn ipv4_literals_are_strict_with_leading_zeros_allowed() {
        let table: &[(&str, Option<&str>)] = &[
            ("127.0.0.1", Some("127.0.0.1")),
            ("0127.0.0.1", Some("127.0.0.1")),
            ("127.000.000.001", Some("127.0.0.1")),
            ("000000127.0.0.1", Some("127.0.0.1")),
            ("0000000127.0.0.1", None),
            ("0.0.0.0", Some("0.0.0.0")),
            ("255.255.255.255", Some("255.255.255.255")),
            ("256.1.1.1", None),
            ("127.0.0.256", None),
            ("a.b.c.d", None),
            ("1.2.3", None),
            ("1.2.3.4.5", None),
            ("127.0.0.1.", None),
            (" 127.0.0.1", None),
            ("127.0.0.1 ", None),
            ("1..2.3", None),
            ("+1.2.3.4", None),
            ("", None),
            ("localhost", None),
            ("99999999999.1.1.1", None),
        ];
        for (input, want) in table {
            assert_eq!(p(input).as_deref(), *want, "input {input:?}");
        }
    }

    #[test]
    fn ipv6_literals_follow_rfc_4291() {
        let table: &[(&str, Option<&str>)] = &[
            ("::1", Some("0:0:0:0:0:0:0:1")),
            ("::", Some("0:0:0:0:0:0:0:0")),
            ("::2:3", Some("0:0:0:0:0:0:2:3")),
            ("2001:db8::", Some("2001:db8:0:0:0:0:0:0")),
            // Q17: groups on both sides of `::` (mis-parsed by Godot 4.7-dev).
            ("2001:db8::1", Some("2001:db8:0:0:0:0:0:1")),
            ("2001::1", Some("2001:0:0:0:0:0:0:1")),
            ("2001:db8::5:6", Some("2001:db8:0:0:0:0:5:6")),
            ("2001:db8:1:2:3:4::9", Some("2001:db8:1:2:3:4:0:9")),
            ("0::1", Some("0:0:0:0:0:0:0:1")),
            ("0:0:0:0:0:0::1", Some("0:0:0:0:0:0:0:1")),
            ("fe80::1", Some("fe80:0:0:0:0:0:0:1")),
            ("FE80::ABCD", Some("fe80:0:0:0:0:0:0:abcd")),
            ("1:2:3:4:5:6:7:8", Some("1:2:3:4:5:6:7:8")),
            ("1:2:3:4:5:6:7::", Some("1:2:3:4:5:6:7:0")),
            ("::ffff:1.2.3.4", Some("1.2.3.4")),
            ("::ffff:127.0.0.1", Some("127.0.0.1")),
            ("0000:0000:0000:0000:0000:ffff:127.0.0.1", Some("127.0.0.1")),
            ("00000:0000:0000:0000:0000:ffff:127.0.0.1", None),
            ("::1.2.3.4", Some("0:0:0:0:0:0:102:304")),
            ("1:2:3:4:5:6:7:8:9", None),
            ("1:2:3:4:5:6:7", None),
            ("1::2::3", None),
            (":1::", None),
            ("1:::2", None),
            ("12345::", None),
            ("[::1]", None),
            ("::1%lo", None),
            ("g::1", None),
            ("::ffff:256.0.0.1", None),
            ("::1.2.3.4:5", None),
            (":", None),
        ];
        for (input, want) in table {
            assert_eq!(p(input).as_deref(), *want, "input {input:?}");
        }
    }

    #[test]
    fn wildcard_and_family() {
        assert_eq!(parse("*"), IpLiteral::Wildcard);
        assert_eq!(parse("*").addr(), None);
        assert!(is_v4(&parse("10.0.0.1").addr().unwrap()));
        assert!(!is_v4(&parse("::").addr().unwrap()));
        assert!(!is_v4(&parse("::1").addr().unwrap()));
    }

    #[test]
    fn socket_addresses_by_family() {
        let v4 = parse("127.0.0.1").addr().unwrap();
        let v6 = parse("::1").addr().unwrap();
        assert_eq!(
            to_socket_addr(&v4, 9, true),
            Some("127.0.0.1:9".parse().unwrap())
        );
        assert_eq!(to_socket_addr(&v6, 9, true), None);
        assert_eq!(
            to_socket_addr(&v4, 9, false),
            Some("[::ffff:127.0.0.1]:9".parse().unwrap())
        );
        let back = from_socket_addr(&"[fe80::1%2]:7".parse().unwrap());
        assert_eq!((format(&back.0), back.1), ("fe80:0:0:0:0:0:0:1".into(), 7));
        let back = from_socket_addr(&"1.2.3.4:5".parse().unwrap());
        assert_eq!((format(&back.0), back.1), ("1.2.3.4".into(), 5));
    }
}
