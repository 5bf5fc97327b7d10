//! Fields whose name is data: objects that carry a key in one member and its value in another.
//!
//! AWS and Kubernetes print settings this way: an ECS container's environment
//! (`{"name": "DB_PASSWORD", "value": "hunter2"}`), tags and CloudFront headers
//! (`{"key": "Authorization", "value": "Basic ..."}`), CloudFormation parameters
//! (`ParameterKey`/`ParameterValue`), SSM parameters, Cognito user attributes; so do .NET and
//! Java configuration files (`<add key="DbPassword" value="..."/>`,
//! `<property name="password" value="..."/>`). The key/value rules see a member named `value`
//! and nothing classified; here the name member's *value* is looked up as a key, and the value
//! member is redacted as that key's value would be.
//!
//! Which member names play which part is catalog data (`[pairs]` in `rules/builtin.toml`).

use crate::keyvalue::{
    normalize, normalize_owned, run_start_before, skip_blanks_back, FieldTable, FieldTarget,
    KeyCache, MAX_KEY,
};

/// The part a member plays in a name/value pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PairRole {
    /// Its value names the field (`"name": "DB_PASSWORD"`).
    Name,
    /// Its value is the named field's value.
    Value,
    /// Its value says what kind of value the pair holds (`"Type": "SecureString"`).
    Type,
    /// A validation error's: its value is where the rejected input was, a path whose last name
    /// names the field (`"loc": ["body", "password"]`). See [`crate::validation_errors`].
    Location,
    /// A validation error's: its value is the input it rejected, the located field's value.
    Input,
}

impl PairRole {
    /// Whether a member playing this part holds the value that another member names.
    pub(crate) fn carries_a_value(self) -> bool {
        matches!(self, PairRole::Value | PairRole::Input)
    }
}

/// The member names of name/value pairs, normalised as keys are (`ParameterKey` is
/// `parameterkey`).
#[derive(Clone, Debug, Default)]
pub(crate) struct PairKeys {
    names: Vec<Vec<u8>>,
    values: Vec<Vec<u8>>,
    types: Vec<Vec<u8>>,
    locations: Vec<Vec<u8>>,
    inputs: Vec<Vec<u8>>,
    /// The kinds that make a pair's value secret, and the field it is then redacted as.
    secret_types: Vec<Vec<u8>>,
    secret_target: Option<FieldTarget>,
    /// The last two bytes (lowercase, as a `u16`) of every name above: every member of every
    /// JSON record is asked for its role, and nearly all are rejected by this look alone.
    tails: Vec<u16>,
    /// The same, of the value and input members' names alone: asked in text of many keys.
    value_tails: Vec<u16>,
}

impl PairKeys {
    /// Adds a member name that plays `role` in a pair (see [`PairRole`]).
    pub(crate) fn insert(&mut self, key: &str, role: PairRole) {
        let norm = normalize_owned(key.as_bytes());
        let Some(tail) = norm.get(norm.len().wrapping_sub(2)..) else {
            return;
        };
        let tail = u16::from_le_bytes([tail[0], tail[1]]);
        if !self.tails.contains(&tail) {
            self.tails.push(tail);
        }
        if role.carries_a_value() && !self.value_tails.contains(&tail) {
            self.value_tails.push(tail);
        }
        match role {
            PairRole::Name => self.names.push(norm),
            PairRole::Value => self.values.push(norm),
            PairRole::Type => self.types.push(norm),
            PairRole::Location => self.locations.push(norm),
            PairRole::Input => self.inputs.push(norm),
        }
    }

    /// Makes the value of a pair whose type member says `kind` (any case) redacted as `target`.
    pub(crate) fn insert_secret_type(&mut self, kind: &str, target: FieldTarget) {
        self.secret_types.push(kind.as_bytes().to_vec());
        self.secret_target = Some(target);
    }

    /// The field a pair's value is redacted as when its type member's value is `kind`, if that
    /// is a secret kind (`SecureString`).
    pub(crate) fn secret_type(&self, kind: &[u8]) -> Option<FieldTarget> {
        let secret = self
            .secret_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(kind));
        self.secret_target.filter(|_| secret)
    }

    /// The part a member called `key` plays when it carries the value of a pair or the input
    /// of a validation error: [`PairRole::Value`] or [`PairRole::Input`]. (Asked in text of
    /// every key that the key table's first look lets through but that classifies nothing.)
    #[inline]
    pub(crate) fn value_role(&self, key: &[u8]) -> Option<PairRole> {
        if !tail_in(&self.value_tails, key) {
            return None;
        }
        self.role_of(key).filter(|role| role.carries_a_value())
    }

    /// The part a member called `key` plays in a pair, if any.
    #[inline]
    pub(crate) fn role(&self, key: &[u8]) -> Option<PairRole> {
        if !tail_in(&self.tails, key) {
            return None;
        }
        self.role_of(key)
    }

    /// [`PairKeys::role`] after the look at the key's tail.
    #[inline(never)]
    fn role_of(&self, key: &[u8]) -> Option<PairRole> {
        let mut buf = [0u8; MAX_KEY];
        let norm = normalize(key, &mut buf)?;
        if self.names.iter().any(|n| n == norm) {
            Some(PairRole::Name)
        } else if self.values.iter().any(|v| v == norm) {
            Some(PairRole::Value)
        } else if self.types.iter().any(|t| t == norm) {
            Some(PairRole::Type)
        } else if self.locations.iter().any(|l| l == norm) {
            Some(PairRole::Location)
        } else if self.inputs.iter().any(|i| i == norm) {
            Some(PairRole::Input)
        } else {
            None
        }
    }
}

/// Whether the last two bytes of `key`, lowercase, are one of `tails`.
#[inline]
fn tail_in(tails: &[u16], key: &[u8]) -> bool {
    let [.., before_last, last] = *key else {
        return false;
    };
    // `| 0x20` lowercases letters; no other byte becomes a letter by it.
    let tail = u16::from_le_bytes([before_last | 0x20, last | 0x20]);
    tails.contains(&tail)
}

/// The field a pair's name member names: `DB_PASSWORD`, `X-Api-Key`, or the last segment of a
/// parameter path (`/app/prod/db_password`).
pub(crate) fn classify_name(
    table: &FieldTable,
    cache: &mut KeyCache,
    name: &[u8],
) -> Option<FieldTarget> {
    if name.is_empty() || name.len() > MAX_KEY || name.contains(&b'\\') {
        return None;
    }
    cache.classify(table, name).or_else(|| {
        let slash = memchr::memrchr(b'/', name)?;
        cache.classify(table, &name[slash + 1..])
    })
}

/// In text, the field whose value the member called `key`, starting at `member_start` (at its
/// opening quote, if quoted), carries: a pair's value member is named by the member before it
/// (see [`named_by_member_before`]), a validation error's input by its location (see
/// [`crate::validation_errors`]).
pub(crate) fn named_for_value_member(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    key: &[u8],
    member_start: usize,
) -> Option<FieldTarget> {
    match table.pairs.value_role(key)? {
        PairRole::Input => {
            crate::validation_errors::named_by_location(table, cache, hay, member_start)
        }
        _ => named_by_member_before(table, cache, hay, member_start),
    }
}

/// In text, the field named by the member just before a value member whose key starts at
/// `member_start` (at its opening quote, if quoted): `key: 'Authorization', value: ...` in a
/// printed object, `'Name': 'DB_PASSWORD', 'Value': ...` in a Python dict, `key="DbPassword"
/// value=...` in an XML tag. Only that order is read: it is the one runtimes and SDKs print.
/// A type member of a secret kind may stand between them (`'Name': '/prod/stripe', 'Type':
/// 'SecureString', 'Value': ...`); the value is then a secret whatever the name.
pub(crate) fn named_by_member_before(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    member_start: usize,
) -> Option<FieldTarget> {
    let member = member_before(hay, member_start, MAX_VALUE_BEFORE)?;
    let (key_start, key_end) = member.key;
    let (value_start, value_end) = member.value;
    match table.pairs.role(&hay[key_start..key_end])? {
        PairRole::Name => classify_name(table, cache, &hay[value_start..value_end]),
        PairRole::Type => {
            let secret = table.pairs.secret_type(&hay[value_start..value_end])?;
            let named = member_before(hay, member.start, MAX_VALUE_BEFORE)
                .filter(|name| {
                    table.pairs.role(&hay[name.key.0..name.key.1]) == Some(PairRole::Name)
                })
                .and_then(|name| classify_name(table, cache, &hay[name.value.0..name.value.1]));
            Some(named.unwrap_or(secret))
        }
        PairRole::Value | PairRole::Location | PairRole::Input => None,
    }
}

/// In text, the field named by the member just after a value member whose quoted value closes
/// at `after_value` (just past its closing quote): `value: '536228011', property: 'ssn'`, as
/// Node prints class-validator's `ValidationError`. The other order of
/// [`named_by_member_before`]; only a name member counts here, with a quoted value on the same
/// line.
pub(crate) fn named_by_member_after(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    after_value: usize,
) -> Option<FieldTarget> {
    let skip_blanks = |mut p: usize| {
        while hay.get(p).is_some_and(|&b| b == b' ' || b == b'\t') {
            p += 1;
        }
        p
    };
    let mut p = skip_blanks(after_value);
    if hay.get(p) != Some(&b',') {
        return None;
    }
    p = skip_blanks(p + 1);
    let key_start = p;
    while hay
        .get(p)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
        && p - key_start <= MAX_KEY
    {
        p += 1;
    }
    if table.pairs.role(&hay[key_start..p]) != Some(PairRole::Name) {
        return None;
    }
    p = skip_blanks(p);
    if !matches!(hay.get(p), Some(b':' | b'=')) {
        return None;
    }
    p = skip_blanks(p + 1);
    let quote = *hay.get(p).filter(|&&b| b == b'\'' || b == b'"')?;
    let rest = &hay[p + 1..hay.len().min(p + 1 + MAX_VALUE_BEFORE)];
    let len = memchr::memchr(quote, rest)?;
    let name = &rest[..len];
    if name.iter().any(|&b| b == b'\n' || b == b'\r') {
        return None;
    }
    classify_name(table, cache, name)
}

/// A member of a printed object, list of attributes or YAML mapping, read back from its end.
pub(crate) struct MemberBefore {
    /// Where it starts: its key's opening quote, if quoted.
    pub(crate) start: usize,
    key: (usize, usize),
    /// Its value's contents.
    value: (usize, usize),
}

/// How long a quoted name or value read back from its end may be: a key's length, twice over
/// (a parameter path, a header's name).
pub(crate) const MAX_VALUE_BEFORE: usize = 2 * MAX_KEY;

/// The member just before the one starting at `member_start`, whose quoted value holds at
/// most `max_value` bytes.
pub(crate) fn member_before(
    hay: &[u8],
    member_start: usize,
    max_value: usize,
) -> Option<MemberBefore> {
    // Members are apart by a comma or by blanks (attributes), or both; in YAML, by a line
    // break and the indentation (`- name: DB_PASSWORD\n  value: ..`), written or escaped.
    let mut p = skip_blanks_back(hay, member_start);
    if p > 0 && hay[p - 1] == b',' {
        p = skip_blanks_back(hay, p - 1);
    } else if let Some(before_break) = crate::escapes::line_break_ending_at(hay, p, false) {
        p = skip_blanks_back(hay, before_break);
    } else if p == member_start {
        return None;
    }
    let (value_start, value_end, before_value) = value_before(hay, p, max_value)?;
    // The member's key and separator: `name:`, `'Key': `, `key=`, `"name"=>`.
    let mut p = skip_blanks_back(hay, before_value);
    if p >= 2 && hay[p - 2..p] == *b"=>" {
        p -= 2;
    } else if p >= 1 && matches!(hay[p - 1], b':' | b'=') {
        p -= 1;
    } else {
        return None;
    }
    p = skip_blanks_back(hay, p);
    let quoted = p > 0 && matches!(hay[p - 1], b'"' | b'\'');
    let key_end = if quoted {
        p - 1 - usize::from(p >= 2 && hay[p - 2] == b'\\')
    } else {
        p
    };
    let key_start = run_start_before(hay, key_end, |b| {
        b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')
    })?;
    // The opening quote is as long as the closing one (`'`, or `\"` inside a JSON string).
    let start = key_start.checked_sub(p - key_end)?;
    Some(MemberBefore {
        start,
        key: (key_start, key_end),
        value: (value_start, value_end),
    })
}

/// The quoted (at most `max_value` bytes) or bare value that ends at `end`: its contents'
/// span, and where it starts (its opening quote).
fn value_before(hay: &[u8], end: usize, max_value: usize) -> Option<(usize, usize, usize)> {
    let last = *hay.get(end.checked_sub(1)?)?;
    if matches!(last, b'"' | b'\'') {
        let escaped = end >= 2 && hay[end - 2] == b'\\';
        let content_end = end - 1 - usize::from(escaped);
        let window = content_end.saturating_sub(max_value);
        let open = window + memchr::memrchr(last, &hay[window..content_end])?;
        if escaped {
            if open == 0 || hay[open - 1] != b'\\' {
                return None;
            }
            return Some((open + 1, content_end, open - 1));
        }
        return Some((open + 1, content_end, open));
    }
    let start = run_start_before(hay, end, |b| {
        b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/')
    })?;
    Some((start, end, start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::redact_by_default as redact;

    #[test]
    fn member_names_play_their_part_in_any_spelling() {
        let mut keys = PairKeys::default();
        keys.insert("name", PairRole::Name);
        keys.insert("parameter_key", PairRole::Name);
        keys.insert("value", PairRole::Value);
        for (key, role) in [
            ("name", Some(PairRole::Name)),
            ("Name", Some(PairRole::Name)),
            ("ParameterKey", Some(PairRole::Name)),
            ("parameter-key", Some(PairRole::Name)),
            ("VALUE", Some(PairRole::Value)),
            ("value", Some(PairRole::Value)),
            ("hostname", None),
            ("values", None),
            ("key", None),
            ("e", None),
        ] {
            assert_eq!(keys.role(key.as_bytes()), role, "{key}");
        }
        assert_eq!(keys.value_role(b"Value"), Some(PairRole::Value));
        assert_eq!(keys.value_role(b"Name"), None);
    }

    #[test]
    fn in_text_the_name_member_comes_just_before_the_value_member() {
        for (line, expect) in [
            // Node's util.inspect, Python's repr, logfmt, XML attributes.
            (
                "h=[{ key: 'X-Api-Key', value: 'abcdef1234567890' }]",
                "h=[{ key: 'X-Api-Key', value: '[REDACTED:secret]' }]",
            ),
            (
                "{'Name': 'DB_PASSWORD', 'Value': 'hunter2'}",
                "{'Name': 'DB_PASSWORD', 'Value': '[REDACTED:password]'}",
            ),
            (
                "env name=DB_PASSWORD value=hunter2 ok",
                "env name=DB_PASSWORD value=[REDACTED:password] ok",
            ),
            (
                r#"<add key="DbPassword" value="hunter2" />"#,
                r#"<add key="DbPassword" value="[REDACTED:password]" />"#,
            ),
            // Inside a JSON string, with escaped quotes.
            (
                r#"msg="{"name":"ssn","value":"536228011"}""#,
                r#"msg="{"name":"ssn","value":"[REDACTED:tax_id]"}""#,
            ),
            // Another member between them, an unclassified name, a name that is not a pair's.
            (
                "{ key: 'password', id: 3, value: 'hunter2' }",
                "{ key: 'password', id: 3, value: 'hunter2' }",
            ),
            (
                "{ key: 'Stage', value: 'hunter2' }",
                "{ key: 'Stage', value: 'hunter2' }",
            ),
            (
                "{ kind: 'password', value: 'hunter2' }",
                "{ kind: 'password', value: 'hunter2' }",
            ),
        ] {
            assert_eq!(redact(line), expect, "{line}");
        }
    }
}
