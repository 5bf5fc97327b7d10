//! E-mail addresses, found from their `@` (or `%40`, `\u0040`) outwards.

use super::{Covered, ScannerSet};
use crate::engine::Hit;

/// How far back from an address a `scheme://` may start for the address to be a URL's userinfo.
const USERINFO_WINDOW: usize = 128;

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The end of the last percent-encoded byte in `local` that cannot be part of an address's
/// local part (`%3D`, `%26`, `%2F`, `%22`, ...): where the address starts, if there is one.
fn encoded_delimiter_end(local: &[u8]) -> Option<usize> {
    // Local parts are short: a byte walk costs less than a `memrchr` call.
    let mut end = local.len();
    while let Some(percent) = local[..end].iter().rposition(|&b| b == b'%') {
        if let Some((byte, width)) = crate::encoded::decoded_byte(&local[percent..]) {
            if !is_local(byte) {
                return Some(percent + width);
            }
        }
        end = percent;
    }
    None
}

fn is_label(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// `at` is the position of the `@` sign, written with `width` bytes. Returns where scanning
/// resumes.
pub(super) fn scan_at(
    set: &ScannerSet,
    hay: &[u8],
    at: usize,
    width: usize,
    out: &mut Vec<Hit>,
    covered: &Covered<'_>,
) -> usize {
    let Some(rule) = set.email else {
        return at + width;
    };
    let mut start = at;
    while at - start < 64 && is_local(covered.byte_before(hay, start)) {
        start -= 1;
    }
    // A percent-encoded delimiter ends the local part as the delimiter would: `email%3Dalice`
    // is `email=alice` in a form body encoded twice.
    let delimited = match encoded_delimiter_end(&hay[start..at]) {
        Some(after) => {
            start += after;
            true
        }
        None => false,
    };
    while start < at && hay[start] == b'.' {
        start += 1;
    }
    if start == at || (!delimited && is_local(covered.byte_before(hay, start))) {
        return at + width;
    }
    // `scheme://user:password@host` is a URL's userinfo, not an address; the credential rule
    // owns it. An address later in a URL (`?email=a@b.com`) is still one.
    // Only the last stretch before the address is looked at, so that a long line of `@`s stays
    // linear.
    let window = start.saturating_sub(USERINFO_WINDOW);
    let token_start = hay[window..start]
        .iter()
        .rposition(|&b| b.is_ascii_whitespace() || b == b'"' || b == b'\'')
        .map_or(window, |p| window + p + 1);
    if let Some(scheme_end) = last_scheme_separator(&hay[token_start..start]) {
        // An escaped line break or tab (inside a JSON string) ends the URL as a blank does.
        let userinfo_start = token_start + scheme_end + 3;
        let is_userinfo = !hay[userinfo_start..start].iter().enumerate().any(|(i, b)| {
            matches!(b, b'/' | b'?' | b'#' | b'&' | b'=')
                || (*b == b'\\' && crate::escapes::is_escaped_space(hay, userinfo_start + i))
        });
        if is_userinfo {
            return at + width;
        }
    }
    let domain_start = at + width;
    let mut end = domain_start;
    let mut labels = 0;
    let mut last_label_start = end;
    loop {
        let label_start = end;
        while end < hay.len() && is_label(hay[end]) && end - domain_start < 253 {
            end += 1;
        }
        if end == label_start {
            // An empty label: step back over the dot that led here.
            end = label_start.saturating_sub(1).max(domain_start);
            break;
        }
        labels += 1;
        last_label_start = label_start;
        if end + 1 < hay.len() && hay[end] == b'.' && is_label(hay[end + 1]) {
            end += 1;
        } else {
            break;
        }
    }
    let tld = &hay[last_label_start..end];
    if labels < 2 || tld.len() < 2 || !tld.iter().all(u8::is_ascii_alphabetic) {
        return at + width;
    }
    out.push(Hit::new(start, end, rule));
    end
}

/// Where the last `://` in `token` starts. The token is short and seldom holds a `:`: a
/// `memrchr` per colon costs less than `memmem::rfind`, which builds a searcher per call (216
/// instructions an `@` on loghub, 1.4% of its whole pass).
fn last_scheme_separator(token: &[u8]) -> Option<usize> {
    let mut end = token.len();
    while let Some(colon) = memchr::memrchr(b':', &token[..end]) {
        if token[colon + 1..].starts_with(b"//") {
            return Some(colon);
        }
        end = colon;
    }
    None
}
