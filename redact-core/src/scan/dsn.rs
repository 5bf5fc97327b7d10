//! The password of a Go database DSN, `user:password@tcp(host:3306)/db` (go-sql-driver/mysql and
//! the drivers that share its format): a connection string with no `scheme://`, so the URL
//! credential rule does not see it. Found from its `@`.

use super::{Covered, ScannerSet};
use crate::engine::Hit;

/// What may follow the `@`: the DSN's network protocol and the bracket of its address.
const PROTOCOLS: [&[u8]; 4] = [b"tcp(", b"tcp6(", b"unix(", b"udp("];

/// How far back from the `@` the user and password may start.
const MAX_USERINFO: usize = 256;

/// `at` is the position of an `@`. When a DSN's password ends there (reported to `out`),
/// returns where scanning resumes: past the `@`, which starts no address then.
pub(super) fn scan_at(
    set: &ScannerSet,
    hay: &[u8],
    at: usize,
    out: &mut Vec<Hit>,
    covered: &Covered<'_>,
) -> Option<usize> {
    let rule = set.dsn_password?;
    let rest = &hay[at + 1..];
    if !PROTOCOLS.iter().any(|p| rest.starts_with(p)) {
        return None;
    }
    // A span already matched ends it too, as its placeholder will on a second pass.
    let window = at.saturating_sub(MAX_USERINFO);
    let mut start = at;
    while start > window && !ends_userinfo(hay[start - 1]) && !covered.contains(start - 1) {
        start -= 1;
    }
    let colon = start + memchr::memchr(b':', &hay[start..at])?;
    let password = (colon + 1, at);
    if password.0 == password.1 || crate::keyvalue::is_stand_in(&hay[password.0..password.1]) {
        return None;
    }
    out.push(Hit::new(password.0, password.1, rule));
    Some(at + 1)
}

/// Bytes that end the user and password before the `@`, read backwards: blanks, quotes,
/// brackets (a placeholder left by an earlier pass ends in `]`), the separators of the key or
/// call the DSN stands in, and the backslash of an escape.
fn ends_userinfo(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\'' | b'`' | b'=' | b'(' | b'[' | b']' | b'{' | b',' | b'<' | b'>' | b'\\'
        )
}
