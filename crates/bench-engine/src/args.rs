//! `--name value` options, the same spelling the C baselines and JS bench processes use.

pub struct Args(Vec<String>);

impl Args {
    pub fn from_env() -> Args {
        Args(std::env::args().skip(1).collect())
    }

    pub fn command(&self) -> Option<&str> {
        self.0
            .first()
            .map(String::as_str)
            .filter(|s| !s.starts_with("--"))
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }

    pub fn str<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.0
            .windows(2)
            .find(|w| w[0] == name)
            .map(|w| w[1].as_str())
            .unwrap_or(default)
    }

    pub fn num(&self, name: &str, default: f64) -> f64 {
        self.0
            .windows(2)
            .find(|w| w[0] == name)
            .and_then(|w| w[1].parse().ok())
            .unwrap_or(default)
    }
}

/// Loopback only: the benchmarks never address anything else.
pub fn loopback(host: &str) -> std::net::IpAddr {
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_loopback() => ip,
        _ => {
            eprintln!("refusing non-loopback address {host}");
            std::process::exit(2);
        }
    }
}
