//! Multicast on one socket: Godot's group join/leave, and the extensions for the outgoing
//! interface, loopback and TTL. The peer decides who may call (server peers: ERR_LOCKED) and
//! whether a socket must be opened first; this is what is done to the socket.

use crate::addr;
use crate::codes::*;
use crate::iface;
use crate::socket::{Family, UdpSocket};

impl UdpSocket {
    /// Godot's join/leave on this socket: the group must fit the socket's family; an IPv4 group
    /// needs an interface with an IPv4 address; an IPv6 group an interface index (unknown name:
    /// 0, the OS default interface, as Godot).
    pub(crate) fn change_membership(&self, group: &str, interface: &str, join: bool) -> i32 {
        let Some(g) = addr::parse(group).addr() else {
            return ERR_INVALID_PARAMETER;
        };
        let group_v4 = g.to_ipv4_mapped();
        match (self.family(), group_v4.is_some()) {
            (Family::V4, false) | (Family::V6Only, true) => return ERR_INVALID_PARAMETER,
            _ => {}
        }
        let info = iface::lookup(interface);
        let raw = self.raw();
        let r = match group_v4 {
            Some(g4) => {
                let Some(if_ip) = info.and_then(|i| i.first_ipv4) else {
                    return ERR_INVALID_PARAMETER;
                };
                if join {
                    raw.join_multicast_v4(&g4, &if_ip)
                } else {
                    raw.leave_multicast_v4(&g4, &if_ip)
                }
            }
            None => {
                // Godot: an unknown name gives index 0 (the OS default interface).
                let index = info.map_or(0, |i| i.index);
                if join {
                    raw.join_multicast_v6(&g, index)
                } else {
                    raw.leave_multicast_v6(&g, index)
                }
            }
        };
        if r.is_ok() {
            OK
        } else {
            FAILED
        }
    }

    /// Extension: the outgoing interface for multicast, by name (unknown → invalid parameter).
    pub(crate) fn set_multicast_interface(&self, interface: &str) -> i32 {
        let Some(info) = iface::lookup(interface) else {
            return ERR_INVALID_PARAMETER;
        };
        let raw = self.raw();
        let r = match self.family() {
            Family::V4 => match info.first_ipv4 {
                Some(ip) => raw.set_multicast_if_v4(&ip),
                None => return ERR_INVALID_PARAMETER,
            },
            Family::V6Only => raw.set_multicast_if_v6(info.index),
            Family::DualStack => {
                if let Some(ip) = info.first_ipv4 {
                    let _ = raw.set_multicast_if_v4(&ip);
                }
                raw.set_multicast_if_v6(info.index)
            }
        };
        if r.is_ok() {
            OK
        } else {
            FAILED
        }
    }

    /// Extension: whether this host's own multicast sends loop back to its sockets.
    pub(crate) fn set_multicast_loopback(&self, enabled: bool) -> i32 {
        self.per_family(
            |raw| raw.set_multicast_loop_v4(enabled),
            |raw| raw.set_multicast_loop_v6(enabled),
        )
    }

    /// Extension: multicast TTL (IPv4) / hop limit (IPv6), 0–255.
    pub(crate) fn set_multicast_ttl(&self, ttl: i64) -> i32 {
        let Ok(ttl) = u8::try_from(ttl) else {
            return ERR_INVALID_PARAMETER;
        };
        let ttl = u32::from(ttl);
        self.per_family(
            |raw| raw.set_multicast_ttl_v4(ttl),
            |raw| raw.set_multicast_hops_v6(ttl),
        )
    }

    /// Sets an option with its IPv4 form, its IPv6 form, or both on a dual-stack socket (where
    /// the IPv6 answer decides): OK, or FAILED when the OS refuses.
    fn per_family(
        &self,
        v4: impl FnOnce(&socket2::Socket) -> std::io::Result<()>,
        v6: impl FnOnce(&socket2::Socket) -> std::io::Result<()>,
    ) -> i32 {
        let raw = self.raw();
        let r = match self.family() {
            Family::V4 => v4(raw),
            Family::V6Only => v6(raw),
            Family::DualStack => {
                let _ = v4(raw);
                v6(raw)
            }
        };
        if r.is_ok() {
            OK
        } else {
            FAILED
        }
    }
}
