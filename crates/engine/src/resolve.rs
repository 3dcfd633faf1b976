//! Host names for `set_dest_address`: IP literals never touch DNS; anything else goes to the OS
//! resolver (blocking, like Godot), first result of any family, cached for the process.

use std::collections::HashMap;
use std::net::{Ipv6Addr, ToSocketAddrs};
use std::sync::{Mutex, OnceLock};

use crate::addr::{self, IpLiteral};

/// The address for `host`, or `None` when it is neither a literal nor resolvable.
pub fn resolve(host: &str) -> Option<Ipv6Addr> {
    if let IpLiteral::Addr(a) = addr::parse(host) {
        return Some(a);
    }
    if host.is_empty() || host == "*" {
        return None;
    }
    static CACHE: OnceLock<Mutex<HashMap<String, Ipv6Addr>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(a) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(host) {
        return Some(*a);
    }
    let first = (host, 0u16).to_socket_addrs().ok()?.next()?;
    let (a, _) = addr::from_socket_addr(&first);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(host.to_owned(), a);
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_hosts_file_names() {
        assert_eq!(
            resolve("127.0.0.1").map(|a| addr::format(&a)),
            Some("127.0.0.1".into())
        );
        assert_eq!(
            resolve("::1").map(|a| addr::format(&a)),
            Some("0:0:0:0:0:0:0:1".into())
        );
        assert_eq!(resolve(""), None);
        assert_eq!(resolve("*"), None);
        // `localhost` comes from the hosts file: loopback of either family.
        let lh = resolve("localhost").expect("localhost resolves");
        assert!(lh.is_loopback() || lh.to_ipv4_mapped().is_some_and(|v| v.is_loopback()));
    }
}
