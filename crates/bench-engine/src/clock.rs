//! Wall clock and the process's CPU time (every thread, user + system) in microseconds.

use std::time::Instant;

pub fn cpu_us() -> f64 {
    // SAFETY: getrusage only writes the rusage struct it is given, which is all-zero initialised.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

pub fn since_us(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e6
}
