//! DTLS retransmission timers. OpenSSL's `DTLSv1_get_timeout` and `DTLSv1_handle_timeout` are C
//! macros over `SSL_ctrl`, which openssl-sys does not wrap: these call `SSL_ctrl` with the
//! macros' command numbers.

use std::time::Duration;

use foreign_types_shared::ForeignTypeRef;
use openssl::ssl::SslRef;

/// `DTLS_CTRL_GET_TIMEOUT` and `DTLS_CTRL_HANDLE_TIMEOUT` in OpenSSL's `ssl.h`.
const DTLS_CTRL_GET_TIMEOUT: std::os::raw::c_int = 73;
const DTLS_CTRL_HANDLE_TIMEOUT: std::os::raw::c_int = 74;

#[cfg(unix)]
type Timeval = libc::timeval;
#[cfg(windows)]
type Timeval = windows_sys::Win32::Networking::WinSock::TIMEVAL;

/// Time left until the running retransmission timer fires; `None` when no timer runs.
pub(crate) fn time_left(ssl: &SslRef) -> Option<Duration> {
    // SAFETY: all-zero bytes are a valid `struct timeval`.
    let mut tv: Timeval = unsafe { std::mem::zeroed() };
    // SAFETY: `ssl` is a live SSL; for DTLS_CTRL_GET_TIMEOUT OpenSSL writes a `struct timeval`
    // through `parg`, which points at one that lives across the call.
    let running = unsafe {
        openssl_sys::SSL_ctrl(
            ssl.as_ptr(),
            DTLS_CTRL_GET_TIMEOUT,
            0,
            (&mut tv as *mut Timeval).cast(),
        )
    };
    if running != 1 {
        return None;
    }
    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec).unwrap_or(0).min(999_999);
    Some(Duration::new(secs, micros * 1000))
}

/// Retransmits the last flight if its timer expired. `Err` when the peer stopped answering for
/// too long (OpenSSL gives up after a number of retransmissions) or on any other failure.
pub(crate) fn handle_expired(ssl: &SslRef) -> Result<bool, ()> {
    // SAFETY: `ssl` is a live SSL; DTLS_CTRL_HANDLE_TIMEOUT takes no argument.
    let r = unsafe {
        openssl_sys::SSL_ctrl(
            ssl.as_ptr(),
            DTLS_CTRL_HANDLE_TIMEOUT,
            0,
            std::ptr::null_mut(),
        )
    };
    match r {
        r if r > 0 => Ok(true),
        0 => Ok(false),
        _ => Err(()),
    }
}
