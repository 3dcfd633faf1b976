//! Network interfaces by name, as Godot's `IP.get_local_interfaces()` lists them: interfaces
//! that have at least one IPv4 or IPv6 address. The OS query is `sys::os::interface`
//! (getifaddrs on Unix, GetAdaptersAddresses on Windows).

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
/// On Windows the name is the adapter's name (the GUID form Godot lists) or its friendly name.
pub fn lookup(name: &str) -> Option<InterfaceInfo> {
    if name.is_empty() || name.contains('\0') {
        return None;
    }
    crate::sys::os::interface(name)
}

#[cfg(all(test, target_os = "linux"))]
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
