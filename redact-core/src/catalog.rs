//! The built-in rule catalog, read from `rules/builtin.toml` (compiled into the crate).

use serde::Deserialize;

/// The catalog file, as shipped.
pub(crate) const BUILTIN_TOML: &str = include_str!("../rules/builtin.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Catalog {
    #[serde(default)]
    pub(crate) pattern: Vec<PatternSpec>,
    #[serde(default)]
    pub(crate) scanner: Vec<ScannerSpec>,
    #[serde(default)]
    pub(crate) field: Vec<FieldSpec>,
    #[serde(default)]
    pub(crate) pairs: PairSpec,
}

/// The member names of objects that carry a field's name and its value apart
/// (`{"name": "DB_PASSWORD", "value": ...}`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PairSpec {
    /// Members whose value names the field.
    pub(crate) names: Vec<String>,
    /// Members whose value is the named field's value.
    pub(crate) values: Vec<String>,
    /// Members whose value says what kind of value the pair holds (`"Type": "SecureString"`).
    pub(crate) types: Vec<String>,
    /// Kinds (values of a `types` member, any case) that make the value a secret whatever
    /// the name member says.
    pub(crate) secret_types: Vec<String>,
    /// The key whose field the value of a secret kind is redacted as (`secret`).
    pub(crate) secret_types_as: String,
    /// Members of a validation error whose value is where the rejected input was: a path
    /// whose last name is the field (`"loc": ["body", "password"]`).
    #[serde(default)]
    pub(crate) locations: Vec<String>,
    /// Members of a validation error whose value is the input it rejected (`"input"`).
    #[serde(default)]
    pub(crate) inputs: Vec<String>,
}

/// A literal-anchored rule: keywords for the gate, a regex that matches from the keyword.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatternSpec {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) classification: String,
    pub(crate) keywords: Vec<String>,
    pub(crate) regex: String,
    /// A purpose-built reader that matches what `regex` does, at less cost (see
    /// `crate::pem`); the regex then only states the rule, and tests hold the reader to it.
    #[serde(default)]
    pub(crate) matcher: Option<String>,
    #[serde(default)]
    pub(crate) boundary: Option<String>,
    /// The word the keyword is part of must follow one of these words (any case) and blanks:
    /// `with` for `with password X`. A look behind the keyword, which the anchored regex has
    /// not.
    #[serde(default)]
    pub(crate) after_words: Vec<String>,
    #[serde(default)]
    pub(crate) validator: Option<String>,
    /// Logs write the keywords in any case (`Bearer`, `BEARER`): look for every spelling.
    #[serde(default)]
    pub(crate) ignore_case: bool,
    #[serde(default)]
    pub(crate) priority: Option<u8>,
    /// Off unless a policy enables it (`[builtin] enable`).
    #[serde(default)]
    pub(crate) opt_in: bool,
}

/// A rule implemented by a byte scanner.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScannerSpec {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) classification: String,
    pub(crate) scanner: String,
    #[serde(default)]
    pub(crate) priority: Option<u8>,
}

/// Keys that classify their value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldSpec {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) classification: String,
    #[serde(default)]
    pub(crate) keys: Vec<String>,
    #[serde(default)]
    pub(crate) suffixes: Vec<String>,
    /// Keys that a suffix ends but that name something public (`public_key_token`).
    #[serde(default)]
    pub(crate) not_keys: Vec<String>,
    /// Keys that classify nothing when written exactly so, case and all (the shell's `PWD`).
    #[serde(default)]
    pub(crate) not_keys_as_written: Vec<String>,
    /// Only quoted values count (multi-word values such as addresses).
    #[serde(default)]
    pub(crate) quoted_only: bool,
    /// A bare value runs on over the capitalised words after it (names).
    #[serde(default)]
    pub(crate) capitalized_words: bool,
    /// The `keys` also classify as the last words of a longer key that qualifies them
    /// (`customer_ssn`, `userFirstName`).
    #[serde(default)]
    pub(crate) qualified_keys: bool,
    #[serde(default)]
    pub(crate) priority: Option<u8>,
}

pub(crate) const PATTERN_PRIORITY: u8 = 30;
pub(crate) const FIELD_PRIORITY: u8 = 20;
pub(crate) const SCANNER_PRIORITY: u8 = 10;

/// Parses the shipped catalog. A broken catalog is a bug in this crate; a unit test keeps it
/// parseable, and the builder reports it as an error rather than panicking.
pub(crate) fn builtin() -> Result<Catalog, toml::de::Error> {
    toml::from_str(BUILTIN_TOML)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalog_parses_and_names_are_unique() {
        let catalog = builtin().unwrap();
        let names: Vec<&str> = catalog
            .pattern
            .iter()
            .map(|p| p.name.as_str())
            .chain(catalog.scanner.iter().map(|s| s.name.as_str()))
            .chain(catalog.field.iter().map(|f| f.name.as_str()))
            .collect();
        let unique: HashSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "duplicate rule names");
        assert!(names.len() >= 35, "only {} built-in rules", names.len());
    }
}
