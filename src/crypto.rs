//! `NativeCryptoKey`, `NativeX509Certificate`: Godot's CryptoKey and X509Certificate (see
//! `src-ts/dtls/crypto-key.ts`, `x509-certificate.ts` for the contract).

use godot_udp_dtls::{CryptoKey, X509Certificate};
use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Task};
use napi_derive::napi;

use crate::convert::godot_int;

#[napi]
pub struct NativeCryptoKey {
    pub(crate) inner: CryptoKey,
}

#[napi]
impl NativeCryptoKey {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeCryptoKey {
            inner: CryptoKey::new(),
        }
    }

    /// Replaces the key with a new RSA key of `bits` bits; false (key unchanged) for a size
    /// OpenSSL refuses.
    #[napi(catch_unwind)]
    pub fn generate_rsa(&mut self, bits: f64) -> bool {
        let Ok(bits) = u32::try_from(godot_int(bits)) else {
            return false;
        };
        match CryptoKey::generate_rsa(bits) {
            Some(key) => {
                self.inner = key;
                true
            }
            None => false,
        }
    }

    /// A new RSA key made on libuv's thread pool (a 4096-bit key takes about a second): resolves
    /// null for a size OpenSSL refuses.
    #[napi(ts_return_type = "Promise<NativeCryptoKey | null>")]
    pub fn generate_rsa_async(bits: f64) -> AsyncTask<GenerateRsa> {
        AsyncTask::new(GenerateRsa {
            bits: u32::try_from(godot_int(bits)).unwrap_or(0),
        })
    }

    #[napi(catch_unwind)]
    pub fn load_from_string(&mut self, text: String, public_only: bool) -> i32 {
        self.inner.load_from_bytes(text.as_bytes(), public_only)
    }

    /// PEM, or null when there is nothing to write.
    #[napi(catch_unwind)]
    pub fn save_to_string(&self, public_only: bool) -> Option<String> {
        self.inner.to_pem(public_only)
    }

    #[napi(catch_unwind)]
    pub fn is_public_only(&self) -> bool {
        self.inner.is_public_only()
    }

    #[napi(catch_unwind)]
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

#[napi]
pub struct NativeX509Certificate {
    pub(crate) inner: X509Certificate,
}

#[napi]
impl NativeX509Certificate {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeX509Certificate {
            inner: X509Certificate::new(),
        }
    }

    /// A self-signed certificate as Godot's `Crypto.generate_self_signed_certificate` makes
    /// one; a Godot error code (a number) when the key, name or dates are refused.
    #[napi(catch_unwind)]
    pub fn self_signed(
        key: &NativeCryptoKey,
        issuer_name: String,
        not_before: String,
        not_after: String,
    ) -> napi::Either<NativeX509Certificate, i32> {
        match X509Certificate::self_signed(&key.inner, &issuer_name, &not_before, &not_after) {
            Ok(inner) => napi::Either::A(NativeX509Certificate { inner }),
            Err(code) => napi::Either::B(code),
        }
    }

    #[napi(catch_unwind)]
    pub fn load_from_string(&mut self, text: String) -> i32 {
        self.inner.load_from_bytes(text.as_bytes())
    }

    #[napi(catch_unwind)]
    pub fn save_to_string(&self) -> String {
        self.inner.to_pem()
    }

    /// Certificates in the chain.
    #[napi(catch_unwind)]
    pub fn count(&self) -> u32 {
        self.inner.len() as u32
    }
}

pub struct GenerateRsa {
    bits: u32,
}

impl Task for GenerateRsa {
    type Output = Option<CryptoKey>;
    type JsValue = Option<NativeCryptoKey>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(CryptoKey::generate_rsa(self.bits))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        Ok(output.map(|inner| NativeCryptoKey { inner }))
    }
}
