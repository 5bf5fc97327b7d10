//! MySQL's and MariaDB's unique-key violation, which echoes the value it refused and names the
//! key it broke: `Duplicate entry '536228011' for key 'users.ssn'` (error 1062, in every ORM's
//! exception). The key is an index, named after its columns by the schema's author
//! (`users.ssn`, `ssn_UNIQUE`, `idx_users_card_number`, `uq_tenant_ssn`): when a column in its
//! name is a classified key, the value is redacted as that key's value would be. A key over
//! several columns joins their values with `-`, so the value goes whole.

use crate::engine::Hit;
use crate::keyvalue::{self, FieldTable, FieldTarget, KeyCache};
use crate::scan::Taken;

/// What the keyword gate looks for: the end of the error's `Duplicate entry '`. Teddy finds
/// candidates by a keyword's first three bytes, and the gate's buckets are planned by them:
/// counted under callgrind (`engine_pass`), `Duplicate entry '` cost text lines 1.2% more
/// instructions (JSON -0.5%, loghub +0.5%), `te entry '` 0.2% (JSON +0.4%, loghub +0.6%).
/// The value's end is what makes it the error's (see [`FOR_KEY`]).
pub(crate) const KEYWORD: &str = "te entry '";

/// The error's text before the value.
const ENTRY: &[u8] = b"Duplicate entry '";

/// What follows the value: MySQL writes the value as it is, unescaped, so its end is found by
/// what comes after it.
const FOR_KEY: &[u8] = b"' for key '";

/// The longest index name MySQL allows (64), qualified by a table's. (The value has no limit
/// here, though MySQL cuts it at 64 characters: other rules' spans inside it are shorter as
/// placeholders, and a second pass would find an end the first did not reach.)
const MAX_KEY_NAME: usize = 130;

/// The value of the error whose keyword ends at `value_start`, when the key's name names a
/// classified column; read as it will look once the `taken` spans are placeholders (a quote
/// inside one ends nothing, and a value that holds one goes whole).
pub(crate) fn value_hit(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    value_start: usize,
    taken: &Taken<'_>,
) -> Option<Hit> {
    if !hay[..value_start].ends_with(ENTRY)
        || taken.overlaps(value_start - ENTRY.len(), value_start)
    {
        return None;
    }
    // The first `' for key '` that no span holds a byte of.
    let mut from = value_start;
    let value_end = loop {
        let found = from + memchr::memmem::find(hay.get(from..)?, FOR_KEY)?;
        if !taken.overlaps(found, found + FOR_KEY.len()) {
            break found;
        }
        from = found + 1;
    };
    let name_start = value_end + FOR_KEY.len();
    let rest = &hay[name_start..hay.len().min(name_start + MAX_KEY_NAME)];
    let name_end = name_start + memchr::memchr(b'\'', rest)?;
    let value = &hay[value_start..value_end];
    if value.is_empty()
        || keyvalue::is_stand_in(value)
        || taken.overlaps(name_start - 1, name_end + 1)
    {
        return None;
    }
    let target = classified_column(table, cache, &hay[name_start..name_end])?;
    Some(Hit::new(value_start, value_end, target.rule))
}

/// The words that mark a name as an index's rather than a column's, before or after the
/// columns (`uq_ssn`, `ssn_UNIQUE`, `users_email_key`).
const INDEX_WORDS: [&[u8]; 9] = [
    b"uq", b"uk", b"ux", b"ix", b"idx", b"index", b"unique", b"uniq", b"key",
];

/// The classified column that an index's name names, if any: past its table's name
/// (`users.ssn`) and the words that mark an index (`ssn_UNIQUE`, `idx_users_card_number`),
/// the columns, or the last words of them (`users_ssn`, `tenant_ssn`: a table's name, or the
/// key's first columns). Not a column's first words: `ssn_hash` holds no SSN.
fn classified_column(table: &FieldTable, cache: &mut KeyCache, name: &[u8]) -> Option<FieldTarget> {
    let mut columns = name.rsplit(|&b| b == b'.').next()?;
    let is_index_word = |word: &[u8]| INDEX_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word));
    while let Some((_, rest)) = split_first_word(columns).filter(|(w, _)| is_index_word(w)) {
        columns = rest;
    }
    while let Some((rest, _)) = split_last_word(columns).filter(|(_, w)| is_index_word(w)) {
        columns = rest;
    }
    loop {
        if let Some(target) = cache.classify(table, columns) {
            return Some(target);
        }
        columns = split_first_word(columns)?.1;
    }
}

/// `name`'s first `_`-separated word and the words after it, if it has more than one.
fn split_first_word(name: &[u8]) -> Option<(&[u8], &[u8])> {
    let underscore = memchr::memchr(b'_', name)?;
    Some((&name[..underscore], &name[underscore + 1..]))
}

/// `name`'s words before its last `_`-separated one, and that one, if it has more than one.
fn split_last_word(name: &[u8]) -> Option<(&[u8], &[u8])> {
    let underscore = memchr::memrchr(b'_', name)?;
    Some((&name[..underscore], &name[underscore + 1..]))
}

#[cfg(test)]
mod tests {
    use crate::engine::redact_by_default as redact;

    #[test]
    fn the_value_goes_when_the_key_names_a_classified_column() {
        for (line, expect) in [
            (
                "Duplicate entry '536228011' for key 'users.ssn'",
                "Duplicate entry '[REDACTED:tax_id]' for key 'users.ssn'",
            ),
            (
                "SQLIntegrityConstraintViolationException: Duplicate entry 'X1234567' for key \
                 'passport_number_UNIQUE'",
                "SQLIntegrityConstraintViolationException: Duplicate entry \
                 '[REDACTED:passport_number]' for key 'passport_number_UNIQUE'",
            ),
            (
                "(1062, \"Duplicate entry 't1-536228011' for key 'people.uq_tenant_ssn'\")",
                "(1062, \"Duplicate entry '[REDACTED:tax_id]' for key 'people.uq_tenant_ssn'\")",
            ),
            // A quote inside the value: MySQL does not escape it.
            (
                "Duplicate entry 'O'Brien' for key 'idx_last_name'",
                "Duplicate entry '[REDACTED:person_name]' for key 'idx_last_name'",
            ),
            // Unclassified keys, and no key named.
            (
                "Duplicate entry '42-7' for key 'orders.PRIMARY'",
                "Duplicate entry '42-7' for key 'orders.PRIMARY'",
            ),
            (
                "Duplicate entry 'ann' for key 'users.idx_username'",
                "Duplicate entry 'ann' for key 'users.idx_username'",
            ),
            ("Duplicate entry '536228011'", "Duplicate entry '536228011'"),
        ] {
            assert_eq!(redact(line), expect, "{line}");
            assert_eq!(redact(expect), expect, "{expect}");
        }
    }
}
