pub fn openssl_version() -> &'static str {
    openssl::version::version()
}
