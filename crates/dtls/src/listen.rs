//! The stateless first step of a DTLS server: OpenSSL's `DTLSv1_listen` answers a ClientHello
//! without a valid cookie with a HelloVerifyRequest, keeping no state, and readies the session
//! for the handshake when the cookie is valid (the retried ClientHello carries message sequence 1,
//! which a fresh session would otherwise hold back waiting for 0). openssl-sys does not bind it.

use std::os::raw::{c_int, c_void};

use foreign_types_shared::ForeignTypeRef;
use openssl::ssl::SslRef;

extern "C" {
    fn DTLSv1_listen(ssl: *mut openssl_sys::SSL, client: *mut c_void) -> c_int;
    fn BIO_ADDR_new() -> *mut c_void;
    fn BIO_ADDR_free(addr: *mut c_void);
}

pub(crate) enum Hello {
    /// A ClientHello with a valid cookie: the handshake goes on with `do_handshake`.
    Verified,
    /// Anything else (no or a stale cookie: a HelloVerifyRequest was written; or not a
    /// ClientHello at all: nothing was).
    NotVerified,
    Error,
}

/// Runs `DTLSv1_listen` on the datagram the session's transport holds.
pub(crate) fn listen(ssl: &SslRef) -> Hello {
    // SAFETY: BIO_ADDR_new allocates an empty address (or returns null, checked).
    let client = unsafe { BIO_ADDR_new() };
    if client.is_null() {
        return Hello::Error;
    }
    // SAFETY: `ssl` is a live server SSL with its BIOs set (an SslStream's); `client` is a live
    // BIO_ADDR that DTLSv1_listen fills or clears.
    let r = unsafe { DTLSv1_listen(ssl.as_ptr(), client) };
    // SAFETY: allocated above, not used after this.
    unsafe { BIO_ADDR_free(client) };
    // A refused datagram (not a ClientHello) leaves errors in this thread's OpenSSL queue; left
    // there, the next SSL call of any other session on the thread would read them through
    // SSL_get_error as its own fatal error. Drain them (the safe wrappers do so on their errors).
    drop(openssl::error::ErrorStack::get());
    match r {
        1 => Hello::Verified,
        0 => Hello::NotVerified,
        _ => Hello::Error,
    }
}
