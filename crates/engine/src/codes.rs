//! Godot `Error` codes (the subset UDP code returns, plus the ones the Node layer adds).
//! The numbers are fixed across Godot 4.x; see the spec, section 1.

pub const OK: i32 = 0;
pub const FAILED: i32 = 1;
pub const ERR_UNAVAILABLE: i32 = 2;
pub const ERR_UNCONFIGURED: i32 = 3;
pub const ERR_OUT_OF_MEMORY: i32 = 6;
pub const ERR_CANT_OPEN: i32 = 19;
pub const ERR_CANT_CREATE: i32 = 20;
pub const ERR_ALREADY_IN_USE: i32 = 22;
pub const ERR_LOCKED: i32 = 23;
pub const ERR_TIMEOUT: i32 = 24;
pub const ERR_CANT_RESOLVE: i32 = 26;
pub const ERR_INVALID_DATA: i32 = 30;
pub const ERR_INVALID_PARAMETER: i32 = 31;
pub const ERR_BUSY: i32 = 44;
pub const ERR_SKIP: i32 = 45;
