//! XML elements whose tag or whose name attribute is a classified key:
//! `<password>hunter2</password>`, `<entry key="ssn">..</entry>`.

use super::quote::Quote;
use super::stand_ins::is_stand_in;
use super::table::{is_key_byte, FieldTable, FieldTarget, KeyCache};
use super::values::run_start_before;
use crate::engine::{Hit, RuleId};
use crate::pairs::PairRole;
use crate::scan::Taken;

/// The text of an XML element whose tag is classified, `<password>hunter2</password>`, also
/// with a namespace prefix (`<ns1:password>` in a SOAP body), or that a pair's name attribute
/// names as its last attribute (`<entry key="password">`, `<param name="password">`,
/// Android's `<string name="api_key">`): from after `>` to the end tag.
pub(super) fn element_value(
    table: &FieldTable,
    hay: &[u8],
    key_start: usize,
    key_end: usize,
    gt: usize,
    target: FieldTarget,
) -> Option<Hit> {
    let opens_tag = |at: usize| at > 0 && hay[at - 1] == b'<';
    let prefixed = || {
        key_start > 0
            && hay[key_start - 1] == b':'
            && run_start_before(hay, key_start - 1, is_key_byte).is_some_and(opens_tag)
    };
    let tagged = key_end == gt && (opens_tag(key_start) || prefixed());
    if !tagged && !named_by_attribute(table, hay, key_start, key_end, gt) {
        return None;
    }
    element_text(hay, gt, target)
}

/// The text of an element whose start tag, closed at `gt` after an attribute's quoted value,
/// is named by a classified key: `<wsse:Password Type="PasswordText">S3cr3t</wsse:Password>`
/// (a namespace prefix is no part of the name).
#[cold]
pub(super) fn attributed_element_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    gt: usize,
) -> Option<Hit> {
    // A start tag's attributes are short; an unbounded search back would cost every quoted
    // `>` in a long record.
    const MAX_START_TAG: usize = 512;
    let window = gt.saturating_sub(MAX_START_TAG);
    let lt = window + memchr::memrchr2(b'<', b'>', &hay[window..gt])?;
    if hay[lt] != b'<' {
        return None;
    }
    let name_end = lt
        + 1
        + hay[lt + 1..gt]
            .iter()
            .take_while(|&&b| is_key_byte(b) || b == b':')
            .count();
    if !matches!(hay[name_end], b' ' | b'\t') {
        return None;
    }
    let name = &hay[lt + 1..name_end];
    let local = name.rsplit(|&b| b == b':').next()?;
    let target = cache.classify(table, local)?;
    element_text(hay, gt, target)
}

/// The text after a classified element's start tag, closed at `gt`, up to its end tag: it must
/// be closed by one (`<password> element missing` is prose), with no `<` or `>` before it (a
/// nested element, or the rest of a tag that a value found inside took the start of). The
/// element is [pending](Hit::pending) when an end tag follows: any of these bytes, the end
/// tag's too, may be inside another rule's span (`<password> IDENTIFIED BY ' </password>
/// ...'`), and the output read again would show a placeholder there.
fn element_text(hay: &[u8], gt: usize, target: FieldTarget) -> Option<Hit> {
    let start = gt + 1;
    memchr::memmem::find(&hay[start..], b"</").map(|_| Hit::pending(start, target.rule))
}

/// The text of a [pending](Hit::pending) element, as [`element_text`] reads it with `taken`'s
/// spans as placeholders.
pub(crate) fn element_text_among(hay: &[u8], pending: &Hit, taken: &Taken<'_>) -> Option<Hit> {
    let start = pending.start;
    let mut pos = start;
    let end = loop {
        let at = pos + memchr::memchr2(b'<', b'>', &hay[pos..])?;
        match taken.end_at(at) {
            Some(span_end) => pos = span_end,
            None if hay[at] == b'<' && hay.get(at + 1) == Some(&b'/') => break at,
            None => return None,
        }
    };
    element_hit(hay, start, end, pending.rule)
}

fn element_hit(hay: &[u8], start: usize, end: usize, rule: RuleId) -> Option<Hit> {
    let value = hay[start..end].trim_ascii();
    if value.is_empty() || is_stand_in(value) {
        return None;
    }
    Some(Hit::new(start, end, rule))
}

/// Whether the key at `key_start..key_end` is the quoted value of a pair's name attribute
/// (`key="password"`, `name='password'`) that ends the start tag closed at `gt`: `<entry
/// key="password">`.
#[cold]
fn named_by_attribute(
    table: &FieldTable,
    hay: &[u8],
    key_start: usize,
    key_end: usize,
    gt: usize,
) -> bool {
    let Some(quote) = Quote::at(hay, key_end) else {
        return false;
    };
    if key_end + quote.len() != gt
        || key_start < quote.len() + 1
        || Quote::before(hay, key_start) != Some(quote)
    {
        return false;
    }
    let eq = key_start - quote.len() - 1;
    if hay[eq] != b'=' {
        return false;
    }
    let Some(name_start) = run_start_before(hay, eq, is_key_byte) else {
        return false;
    };
    if table.pairs.role(&hay[name_start..eq]) != Some(PairRole::Name) {
        return false;
    }
    // Back over the attributes before it to the tag's name, opened by `<`.
    let Some(before) = hay[..name_start].strip_suffix(b" ") else {
        return false;
    };
    let Some(lt) = memchr::memrchr(b'<', before) else {
        return false;
    };
    let tag_end = lt
        + 1
        + hay[lt + 1..]
            .iter()
            .take_while(|&&b| is_key_byte(b) || b == b':')
            .count();
    tag_end > lt + 1
        && hay[tag_end] == b' '
        && memchr::memchr2(b'>', b'<', &hay[tag_end..name_start]).is_none()
}
