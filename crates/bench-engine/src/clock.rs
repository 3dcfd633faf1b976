//! Wall clock and the process's CPU time (every thread, user + system) in microseconds.

use std::time::Instant;

#[cfg(unix)]
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

#[cfg(windows)]
pub fn cpu_us() -> f64 {
    use windows_sys::Win32::Foundation::FILETIME;
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, GetProcessTimes};
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: the pseudo-handle of this process and four FILETIMEs to write.
    unsafe {
        GetProcessTimes(
            GetCurrentProcess(),
            &mut created,
            &mut exited,
            &mut kernel,
            &mut user,
        );
    }
    // FILETIMEs count 100 ns.
    let us = |t: FILETIME| {
        ((u64::from(t.dwHighDateTime) << 32) | u64::from(t.dwLowDateTime)) as f64 / 10.0
    };
    us(kernel) + us(user)
}

pub fn since_us(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e6
}
