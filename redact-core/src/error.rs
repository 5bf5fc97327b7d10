//! Errors. Building a [`Redactor`](crate::Redactor) can fail, with the rule named; redacting
//! cannot.

/// Why a [`Redactor`](crate::Redactor) could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A rule's regex does not compile.
    #[error("rule '{rule}': invalid regex: {message}")]
    InvalidRegex {
        /// The rule's name.
        rule: String,
        /// What the regex compiler said.
        message: String,
    },
    /// A rule is malformed in some other way (no keywords, bad name, unknown validator...).
    #[error("rule '{rule}': {message}")]
    InvalidRule {
        /// The rule's name.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// The policy names a built-in rule that does not exist.
    #[error("unknown rule '{0}' (see `lambda-redact rules` for the names)")]
    UnknownRule(String),
    /// A custom rule reuses the name of another rule.
    #[error("rule '{0}' is defined twice")]
    DuplicateRule(String),
    /// The `hash` action is in use but no key was given.
    #[error("the 'hash' action is used by rule '{0}' but no hash key was given")]
    MissingHashKey(String),
    /// The keyword gate could not be built.
    #[error("keyword gate: {0}")]
    Gate(String),
    /// The built-in catalog does not parse (a bug in this crate).
    #[error("built-in catalog: {0}")]
    Catalog(String),
}

impl BuildError {
    /// The rule the error is about, if it is about one.
    pub fn rule(&self) -> Option<&str> {
        match self {
            BuildError::InvalidRegex { rule, .. } | BuildError::InvalidRule { rule, .. } => {
                Some(rule)
            }
            BuildError::UnknownRule(rule)
            | BuildError::DuplicateRule(rule)
            | BuildError::MissingHashKey(rule) => Some(rule),
            BuildError::Gate(_) | BuildError::Catalog(_) => None,
        }
    }
}

/// Why a policy file was rejected. Every variant says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file is not valid TOML or does not fit the schema (unknown key, wrong type).
    #[error("{message}")]
    Syntax {
        /// The parser's message, which names the line, the column and the key.
        message: String,
        /// The 1-based line, when known.
        line: Option<usize>,
    },
    /// A value is not acceptable: an unknown classification, action, rule or validator, or a
    /// rule that does not compile.
    #[error("line {line}: {key}: {message}")]
    Invalid {
        /// The 1-based line.
        line: usize,
        /// The key or rule concerned.
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl PolicyError {
    /// The 1-based line the error is on, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            PolicyError::Syntax { line, .. } => *line,
            PolicyError::Invalid { line, .. } => Some(*line),
        }
    }
}
