//! Network interfaces by name, as Godot's `IP.get_local_interfaces()` lists them: interfaces
//! that have at least one IPv4 or IPv6 address.

use std::ffi::{CStr, CString};
use std::net::Ipv4Addr;

/// What multicast needs to know about one interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// The first IPv4 address, in the order the OS lists them.
    pub first_ipv4: Option<Ipv4Addr>,
    /// The OS interface index.
    pub index: u32,
}

/// Looks an interface up by exact name; `None` if no interface of that name has an address.
pub fn lookup(name: &str) -> Option<InterfaceInfo> {
    let mut found = false;
    let mut first_ipv4 = None;
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list we free below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return None;
    }
    let mut cur = list;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned, alive until freeifaddrs.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: ifa_name is a NUL-terminated string owned by the list.
        let ifname = unsafe { CStr::from_ptr(ifa.ifa_name) };
        if ifname.to_bytes() != name.as_bytes() {
            continue;
        }
        // SAFETY: ifa_addr is non-null and points at a sockaddr owned by the list.
        let family = i32::from(unsafe { (*ifa.ifa_addr).sa_family });
        match family {
            libc::AF_INET => {
                found = true;
                if first_ipv4.is_none() {
                    // SAFETY: the family says it is a sockaddr_in.
                    let sin = unsafe { &*ifa.ifa_addr.cast::<libc::sockaddr_in>() };
                    first_ipv4 = Some(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)));
                }
            }
            libc::AF_INET6 => found = true,
            _ => {}
        }
    }
    // SAFETY: `list` came from getifaddrs and is freed exactly once.
    unsafe { libc::freeifaddrs(list) };
    if !found {
        return None;
    }
    let index = CString::new(name)
        .ok()
        // SAFETY: a valid NUL-terminated string.
        .map_or(0, |c| unsafe { libc::if_nametoindex(c.as_ptr()) });
    Some(InterfaceInfo { first_ipv4, index })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_found_and_unknown_names_are_not() {
        let lo = lookup("lo").expect("the loopback interface `lo`");
        assert_eq!(lo.first_ipv4, Some(Ipv4Addr::LOCALHOST));
        assert!(lo.index > 0);
        assert_eq!(lookup("no-such-interface0"), None);
        assert_eq!(lookup(""), None);
        assert_eq!(lookup("l\0o"), None);
    }
}
