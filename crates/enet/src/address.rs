//! Peer addresses in Godot's form: 16 bytes (IPv4 as `::ffff:a.b.c.d`) and a port, as Godot's
//! ENet patch stores them and as the engine's receive path reports every sender.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use godot_udp_engine::addr;

/// An ENet peer address: an IP in Godot's 16-byte form and a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnetAddress {
    /// IPv4 addresses are kept in their mapped form `::ffff:a.b.c.d`.
    pub ip: Ipv6Addr,
    pub port: u16,
}

impl EnetAddress {
    /// From an address in Godot's 16-byte form.
    pub fn new(ip: Ipv6Addr, port: u16) -> Self {
        EnetAddress { ip, port }
    }

    /// From an IPv4 address.
    pub fn v4(ip: Ipv4Addr, port: u16) -> Self {
        EnetAddress::new(ip.to_ipv6_mapped(), port)
    }

    /// Whether the IP is an IPv4 address (mapped form).
    pub fn is_v4(&self) -> bool {
        addr::is_v4(&self.ip)
    }

    /// The OS form: `V4` for IPv4, `V6` otherwise.
    pub fn to_socket_addr(&self) -> SocketAddr {
        addr::to_socket_addr(&self.ip, self.port, self.is_v4())
            .unwrap_or_else(|| SocketAddr::from((self.ip, self.port)))
    }

    /// The IP as Godot prints it (`"127.0.0.1"`, IPv6 as eight groups).
    pub fn ip_string(&self) -> String {
        addr::format(&self.ip)
    }
}

impl From<SocketAddr> for EnetAddress {
    fn from(sa: SocketAddr) -> Self {
        let (ip, port) = addr::from_socket_addr(&sa);
        EnetAddress { ip, port }
    }
}

impl fmt::Display for EnetAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.ip_string(), self.port)
    }
}

impl rusty_enet::Address for EnetAddress {
    fn same_host(&self, other: &Self) -> bool {
        self.ip == other.ip
    }

    fn same(&self, other: &Self) -> bool {
        self == other
    }

    /// ENet lets a peer connected to the broadcast address take the address of whoever answers.
    fn is_broadcast(&self) -> bool {
        self.ip == Ipv4Addr::BROADCAST.to_ipv6_mapped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_round_trip() {
        let a = EnetAddress::from("127.0.0.1:7".parse::<SocketAddr>().unwrap());
        assert!(a.is_v4());
        assert_eq!(a, EnetAddress::v4(Ipv4Addr::LOCALHOST, 7));
        assert_eq!(a.to_socket_addr(), "127.0.0.1:7".parse().unwrap());
        assert_eq!(a.to_string(), "127.0.0.1:7");
        let b = EnetAddress::from("[::1]:9".parse::<SocketAddr>().unwrap());
        assert!(!b.is_v4());
        assert_eq!(b.to_socket_addr(), "[::1]:9".parse().unwrap());
        assert_eq!(b.to_string(), "0:0:0:0:0:0:0:1:9");
        use rusty_enet::Address;
        assert!(EnetAddress::v4(Ipv4Addr::BROADCAST, 1).is_broadcast());
        assert!(!a.is_broadcast());
        assert!(a.same_host(&EnetAddress::v4(Ipv4Addr::LOCALHOST, 8)));
        assert!(!a.same(&EnetAddress::v4(Ipv4Addr::LOCALHOST, 8)));
    }
}
