//! Structural redaction of records that hold a JSON object.
//!
//! The walker validates the object as it goes and records edits against the original bytes, so
//! that everything it does not redact stays byte-for-byte as it was: no re-serialisation, no
//! reordering, no change of number formatting or whitespace. Keys are classified by name and by
//! path; string values go through the text engine (which also finds `\"key\":\"value\"` inside
//! them); numbers go through the byte scanners. Anything that is not valid JSON makes the caller
//! fall back to redacting the record as text.

use crate::engine::{Hit, Redactor, Scratch};
use crate::keyvalue::{self, FieldTarget, MemberKey};
use crate::pairs::{self, PairRole};
use crate::payload;
use crate::sql;
use crate::Action;

/// Deeper nesting than this is treated as text.
const MAX_DEPTH: usize = 128;

/// The record is not a JSON object.
#[derive(Debug)]
pub(crate) struct NotJson;

/// A cheap first look: does the record start (after whitespace) with `{` and end with `}`?
pub(crate) fn looks_like_object(record: &[u8]) -> bool {
    let trimmed = record.trim_ascii();
    trimmed.first() == Some(&b'{') && trimmed.last() == Some(&b'}')
}

/// Walks `record` and appends its hits to `scratch.hits`.
pub(crate) fn collect(
    redactor: &Redactor,
    record: &[u8],
    scratch: &mut Scratch,
) -> Result<(), NotJson> {
    scratch.path.clear();
    let mut walker = Walker {
        redactor,
        hay: record,
        pos: 0,
        depth: 0,
    };
    walker.skip_ws();
    walker.object(scratch)?;
    walker.skip_ws();
    if walker.pos != record.len() {
        return Err(NotJson);
    }
    Ok(())
}

/// A member of the object being walked, as far as redacting its value needs.
#[derive(Clone, Copy)]
struct Member {
    /// Its key's opening quote.
    start: usize,
    /// The comma before it, if it follows another member.
    comma_before: Option<usize>,
    /// Its value, quotes included.
    value: (usize, usize),
}

struct Walker<'r, 'h> {
    redactor: &'r Redactor,
    hay: &'h [u8],
    pos: usize,
    depth: usize,
}

impl Walker<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.hay.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        self.pos = self.ws_end(self.pos);
    }

    /// Past the JSON whitespace at `at`.
    fn ws_end(&self, mut at: usize) -> usize {
        while matches!(self.hay.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            at += 1;
        }
        at
    }

    fn expect(&mut self, byte: u8) -> Result<(), NotJson> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(NotJson)
        }
    }

    fn object(&mut self, scratch: &mut Scratch) -> Result<(), NotJson> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(NotJson);
        }
        let open = self.pos;
        self.expect(b'{')?;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        // Bind parameters that a statement in this object's strings left without a list.
        let unbound_from = scratch.unbound.len();
        // Where the comma before the current member is, to drop it with a last member.
        let mut comma_before: Option<usize> = None;
        // A name/value pair (`{"name": "DB_PASSWORD", "value": ...}`, see `crate::pairs`): the
        // field its name member names, and its value member, in either order.
        let mut named: Option<FieldTarget> = None;
        let mut value_member: Option<Member> = None;
        // A validation error (`{"loc": ["body", "password"], "input": ...}`, see
        // `crate::validation_errors`): the field its location names, and its input member.
        let mut located: Option<FieldTarget> = None;
        let mut input_member: Option<Member> = None;
        loop {
            self.skip_ws();
            let member_start = self.pos;
            let (key_start, key_end) = self.string()?;
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            let key = &self.hay[key_start..key_end];
            let MemberKey {
                target,
                role,
                may_hold_data,
            } = self.classify(key, scratch);
            // Keys can be data too (a map keyed by e-mail or IP address).
            if may_hold_data {
                self.scan_string(key_start, key_end, scratch);
            }
            let value_start = self.pos;
            let member_ending_at = |value_end: usize| Member {
                start: member_start,
                comma_before,
                value: (value_start, value_end),
            };
            match target {
                Some(target) => {
                    self.skip_value()?;
                    self.field_hit(target, &member_ending_at(self.pos), scratch);
                }
                None => {
                    let track_path = !self.redactor.paths.is_empty();
                    if track_path {
                        scratch.path.push(keyvalue::normalize_owned(key));
                    }
                    self.value(scratch)?;
                    if track_path {
                        scratch.path.pop();
                    }
                    if payload::is_payload_key(key) {
                        self.encoded_payload(value_start, scratch);
                    }
                    match role {
                        None => {}
                        Some(PairRole::Name) => {
                            named = self.named_field(value_start, scratch).or(named);
                        }
                        Some(PairRole::Value) => value_member = Some(member_ending_at(self.pos)),
                        Some(PairRole::Type) => {
                            // What the name member names comes first, whichever is read first.
                            named = named.or(self.secret_type(value_start));
                        }
                        Some(PairRole::Location) => {
                            located = self.located_field(value_start, scratch);
                        }
                        Some(PairRole::Input) => input_member = Some(member_ending_at(self.pos)),
                    }
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    comma_before = Some(self.pos);
                    self.pos += 1;
                }
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    if let (Some(target), Some(member)) = (named, value_member) {
                        self.field_hit(target, &member, scratch);
                    }
                    if let (Some(target), Some(member)) = (located, input_member) {
                        self.field_hit(target, &member, scratch);
                    }
                    if scratch.unbound.len() > unbound_from {
                        self.bound_values(open, unbound_from, scratch);
                    }
                    return Ok(());
                }
                _ => return Err(NotJson),
            }
        }
    }

    /// Redacts the values bound to `scratch.unbound[from..]`, the bind parameters of classified
    /// keys that a statement in the object opening at `open` left without a list after it
    /// (`{"sql": "update users set password = ? ..", "bindings": ["hunter2", 42]}`), in the
    /// first member whose key names a parameter list and whose value is an array; read as it
    /// will look once the spans found so far are placeholders. The parameters are then this
    /// object's alone: the object that holds it does not see them.
    #[cold]
    #[inline(never)]
    fn bound_values(&self, open: usize, from: usize, scratch: &mut Scratch) {
        if let Some(list) = self.parameter_list(open) {
            crate::scan::merge_spans(&scratch.hits, &mut scratch.spans);
            let first = scratch.hits.len();
            let taken = crate::scan::Taken(&scratch.spans);
            sql::list_hits(
                sql::Reading::through(self.hay, &taken),
                list,
                &scratch.unbound[from..],
                &mut scratch.hits,
            );
            // A bare value (a number) is written as a JSON string, as a classified member's is.
            for hit in &mut scratch.hits[first..] {
                hit.quote = self.hay[hit.start - 1] != b'"';
            }
        }
        scratch.unbound.truncate(from);
    }

    /// Where the value of the first member of the object opening at `open` (already walked and
    /// valid) opens, when its key names a parameter list and it is an array.
    fn parameter_list(&self, open: usize) -> Option<usize> {
        let mut members = Walker {
            redactor: self.redactor,
            hay: self.hay,
            pos: open + 1,
            depth: 0,
        };
        loop {
            members.skip_ws();
            let (key_start, key_end) = members.string().ok()?;
            members.skip_ws();
            members.expect(b':').ok()?;
            members.skip_ws();
            let value_start = members.pos;
            members.skip_value().ok()?;
            if self.hay[value_start] == b'['
                && sql::names_parameter_list(&self.hay[key_start..key_end])
            {
                return Some(value_start);
            }
            members.skip_ws();
            members.expect(b',').ok()?;
        }
    }

    /// Redacts the string value that ends here and starts at `value_start` whole when it is a
    /// base64 payload in which some rule finds something (see `crate::payload`).
    #[cold]
    fn encoded_payload(&self, value_start: usize, scratch: &mut Scratch) {
        let Some(rule) = self.redactor.scanners.base64_payload else {
            return;
        };
        if self.hay[value_start] != b'"' {
            return;
        }
        let (start, end) = (value_start + 1, self.pos - 1);
        if self.redactor.hides_a_finding(&self.hay[start..end]) {
            scratch.hits.push(Hit::new(start, end, rule));
        }
    }

    /// The field that the name member of a pair names with its value at `value_start`, a
    /// string (`"DB_PASSWORD"`), if the key rules classify it.
    #[cold]
    fn named_field(&self, value_start: usize, scratch: &mut Scratch) -> Option<FieldTarget> {
        if self.hay[value_start] != b'"' {
            return None;
        }
        let name = &self.hay[value_start + 1..self.pos - 1];
        pairs::classify_name(&self.redactor.fields, &mut scratch.key_cache, name)
    }

    /// The field that a validation error's location, its value at `value_start` (a list of
    /// names, or names joined by `.`), names by its last name, if the key rules classify it.
    #[cold]
    fn located_field(&self, value_start: usize, scratch: &mut Scratch) -> Option<FieldTarget> {
        let location = match self.hay[value_start] {
            b'"' | b'[' => &self.hay[value_start + 1..self.pos - 1],
            _ => return None,
        };
        let name = crate::validation_errors::last_name(location)?;
        scratch.key_cache.classify(&self.redactor.fields, name)
    }

    /// The field a pair's value is redacted as when the pair's type member, with its value (a
    /// string) at `value_start`, says it is a secret (`"Type": "SecureString"`).
    #[cold]
    fn secret_type(&self, value_start: usize) -> Option<FieldTarget> {
        if self.hay[value_start] != b'"' {
            return None;
        }
        let kind = &self.hay[value_start + 1..self.pos - 1];
        self.redactor.fields.pairs.secret_type(kind)
    }

    /// Redacts the value of `member`, whose key (or the name of its pair) is classified, as
    /// the rule's action says: the member dropped, or its value replaced (a string's contents;
    /// a number, object or array whole, written as a string; `true`, `false` and `null` not).
    #[inline]
    fn field_hit(&self, target: FieldTarget, member: &Member, scratch: &mut Scratch) {
        let (value_start, value_end) = member.value;
        let action = self.redactor.rule(target.rule).action();
        if action == Action::DropField {
            // With the comma after it and the blanks after that, or else the comma before it.
            let after = self.ws_end(value_end);
            let (start, end) = if self.hay.get(after) == Some(&b',') {
                (member.start, self.ws_end(after + 1))
            } else {
                (member.comma_before.unwrap_or(member.start), value_end)
            };
            scratch.hits.push(Hit {
                remove: true,
                ..Hit::new(start, end, target.rule)
            });
        } else {
            self.value_hit(target, value_start, value_end, scratch);
        }
    }

    /// Replaces the value at `value_start..value_end` as `target`'s rule says: a string's
    /// contents, a number, object or array whole, written as a string; `true`, `false` and
    /// `null` stay.
    fn value_hit(
        &self,
        target: FieldTarget,
        value_start: usize,
        value_end: usize,
        scratch: &mut Scratch,
    ) {
        if self.hay[value_start] == b'"' {
            let content = &self.hay[value_start + 1..value_end - 1];
            if !content.is_empty() && !keyvalue::is_stand_in(content) {
                scratch
                    .hits
                    .push(Hit::new(value_start + 1, value_end - 1, target.rule));
            }
        } else if !matches!(
            // A literal carries no data (`"is_mobile": true`); as in text, it stays.
            &self.hay[value_start..value_end],
            b"null" | b"true" | b"false"
        ) {
            scratch.hits.push(Hit {
                quote: true,
                ..Hit::new(value_start, value_end, target.rule)
            });
        }
    }

    /// The rule for a member's key: a dotted path from the policy, else a classified key name;
    /// and for a key that classifies nothing, its part in a name/value pair.
    fn classify(&self, key: &[u8], scratch: &mut Scratch) -> MemberKey {
        if !self.redactor.paths.is_empty() {
            // Normalised on the stack; only keys longer than MAX_KEY allocate.
            let mut buf = [0u8; keyvalue::MAX_KEY];
            let owned;
            let norm = match keyvalue::normalize(key, &mut buf) {
                Some(norm) => norm,
                None => {
                    owned = keyvalue::normalize_owned(key);
                    &owned
                }
            };
            for path in &self.redactor.paths {
                if path_matches(&path.segments, &scratch.path, norm) {
                    return MemberKey {
                        target: Some(FieldTarget::plain(path.rule)),
                        role: None,
                        may_hold_data: keyvalue::has_stop(key),
                    };
                }
            }
        }
        scratch
            .key_cache
            .classify_member(&self.redactor.fields, key)
    }

    /// An array that is a member's value or the record's: its elements walked as values.
    fn array(&mut self, scratch: &mut Scratch) -> Result<(), NotJson> {
        self.array_in(scratch, false)
    }

    /// [`Walker::array`], for an array that is an element of another (`in_list`): only then is
    /// an array of two a pair. A list of two names alone (`"required": ["password", "email"]`)
    /// names fields, it holds none.
    fn array_in(&mut self, scratch: &mut Scratch, in_list: bool) -> Result<(), NotJson> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(NotJson);
        }
        self.expect(b'[')?;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        // The contents of the string element before, if it is a flag (`"--password"`).
        let mut flag: Option<usize> = None;
        // A pair, `[key, value]` (JavaScript's `Object.entries`, a `Map`'s or a `Headers`'
        // entries, Python's `list(d.items())` as JSON): the key string, the value's span.
        let mut pair_key: Option<(usize, usize)> = None;
        let mut pair_value: Option<(usize, usize)> = None;
        let mut elements = 0;
        loop {
            self.skip_ws();
            let element_start = self.pos;
            if self.peek() == Some(b'[') {
                self.array_in(scratch, true)?;
            } else {
                self.value(scratch)?;
            }
            elements += 1;
            match elements {
                1 if self.hay[element_start] == b'"' => {
                    pair_key = Some((element_start + 1, self.pos - 1));
                }
                2 => pair_value = Some((element_start, self.pos)),
                _ => {}
            }
            flag = if self.hay[element_start] == b'"' {
                let (start, end) = (element_start + 1, self.pos - 1);
                if let Some(flag_start) = flag {
                    self.flag_argument(flag_start, start, end, scratch);
                }
                self.hay[start..end].starts_with(b"--").then_some(start)
            } else {
                None
            };
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    if let (true, 2, Some(key), Some(value)) =
                        (in_list, elements, pair_key, pair_value)
                    {
                        self.pair_value(key, value, scratch);
                    }
                    return Ok(());
                }
                _ => return Err(NotJson),
            }
        }
    }

    /// Redacts the value of a pair written as a two-element array, `["password", "hunter2"]`,
    /// when its key (`hay[key.0..key.1]`, a string's contents) is classified. The action is the
    /// key's, but for `drop_field`: the pair is masked, as in text (an array's element is not a
    /// member to drop).
    #[cold]
    fn pair_value(&self, key: (usize, usize), value: (usize, usize), scratch: &mut Scratch) {
        let key = &self.hay[key.0..key.1];
        if key.is_empty() || key.len() > keyvalue::MAX_KEY || key.contains(&b'\\') {
            return;
        }
        if let Some(target) = scratch.key_cache.classify(&self.redactor.fields, key) {
            self.value_hit(target, value.0, value.1, scratch);
        }
    }

    /// A value that is not classified: strings and numbers are scanned, containers walked.
    fn value(&mut self, scratch: &mut Scratch) -> Result<(), NotJson> {
        match self.peek() {
            Some(b'{') => self.object(scratch),
            Some(b'[') => self.array(scratch),
            Some(b'"') => {
                let (start, end) = self.string()?;
                self.scan_string(start, end, scratch);
                Ok(())
            }
            _ => {
                let start = self.pos;
                self.scalar()?;
                if self.pos - start >= 8 && !self.redactor.scanners.is_empty() {
                    let first = scratch.hits.len();
                    let prior = scratch.hits.len();
                    self.redactor.scanners.scan(
                        &self.hay[start..self.pos],
                        start,
                        &mut scratch.hits,
                        prior,
                        &mut scratch.spans,
                    );
                    for hit in &mut scratch.hits[first..] {
                        hit.quote = true;
                        hit.start = start;
                        hit.end = self.pos;
                    }
                }
                Ok(())
            }
        }
    }

    /// An argument list (`"argv":["app","--password","hunter2"]`): a flag's argument is the
    /// next string, which the rules that read `--password hunter2` in text see only if the flag
    /// and the argument are read together. The text engine reads them from the flag's first
    /// byte to the argument's last (`--password","hunter2`, as a printed list reads in text);
    /// what it finds inside the argument is kept, the rest was found string by string.
    #[cold]
    fn flag_argument(&self, flag_start: usize, start: usize, end: usize, scratch: &mut Scratch) {
        let first = scratch.hits.len();
        self.redactor
            .scan_text(&self.hay[flag_start..end], flag_start, scratch);
        let mut kept = first;
        for i in first..scratch.hits.len() {
            let mut hit = scratch.hits[i];
            if hit.start >= start && hit.end <= end {
                // A value read as text ends at a quote; inside a string every quote is
                // escaped (`hunter\"2`) and part of the argument.
                if hit.start == start && hit.end < end && matches!(self.hay[hit.end], b'"' | b'\\')
                {
                    hit.end = end;
                }
                scratch.hits[kept] = hit;
                kept += 1;
            }
        }
        scratch.hits.truncate(kept);
        if kept > first && crate::byteset::string_end(&self.hay[start..end], 0).is_some() {
            align_to_escapes(self.hay, start, end, &mut scratch.hits[first..]);
        }
    }

    /// Runs the text engine over a string's contents, keeping escapes whole. Inlined: most
    /// strings are turned away by its first looks, cheaper than the call (JSON -0.75%).
    #[inline(always)]
    fn scan_string(&self, start: usize, end: usize, scratch: &mut Scratch) {
        if end - start < 3 {
            return;
        }
        let start = if self.hay[start] == b'a' && self.redactor.skips_arn_heads {
            start
                + self
                    .redactor
                    .arn_head_to_skip(&self.hay[start..end], start, scratch)
        } else {
            start
        };
        if !self
            .redactor
            .may_match_in_string(&self.hay[start..end], start, scratch)
        {
            return;
        }
        let first = scratch.hits.len();
        self.redactor
            .scan_text(&self.hay[start..end], start, scratch);
        // A string's contents hold no bare quote: what `string_end` finds there is a `\`.
        if scratch.hits.len() > first
            && crate::byteset::string_end(&self.hay[start..end], 0).is_some()
        {
            align_to_escapes(self.hay, start, end, &mut scratch.hits[first..]);
        }
    }

    /// Skips a classified member's value, validating it.
    fn skip_value(&mut self) -> Result<(), NotJson> {
        match self.peek() {
            Some(b'{' | b'[') => {
                let open = self.depth;
                let mut stack: Vec<u8> = Vec::new();
                loop {
                    match self.peek() {
                        Some(b'"') => {
                            self.string()?;
                            continue;
                        }
                        Some(b @ (b'{' | b'[')) => stack.push(b),
                        Some(b'}') if stack.pop() == Some(b'{') => {}
                        Some(b']') if stack.pop() == Some(b'[') => {}
                        Some(b'}' | b']') | None => return Err(NotJson),
                        Some(_) => {}
                    }
                    self.pos += 1;
                    if stack.is_empty() {
                        break;
                    }
                    if stack.len() + open > MAX_DEPTH {
                        return Err(NotJson);
                    }
                }
                Ok(())
            }
            Some(b'"') => self.string().map(|_| ()),
            _ => self.scalar(),
        }
    }

    /// A string; returns the span of its contents (between the quotes). Raw control characters
    /// inside are tolerated (strict JSON forbids them): they do not change where strings start
    /// and end, which is all the edits depend on, and checking every byte for them measured 7
    /// instructions per byte of JSON. Inlined into its callers: a call per string (a key and
    /// most values) cost JSON 3.9% of its instructions in the call's own work; its escapes
    /// read out of line cost 0.5% more again (the dev corpus's JSON escapes often).
    #[inline(always)]
    fn string(&mut self) -> Result<(usize, usize), NotJson> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            let Some(at) = crate::byteset::string_end(self.hay, self.pos) else {
                return Err(NotJson);
            };
            self.pos = at;
            if self.hay[self.pos] == b'"' {
                let end = self.pos;
                self.pos += 1;
                return Ok((start, end));
            }
            // An escape.
            match self.hay.get(self.pos + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                Some(b'u') => {
                    let hex = self.hay.get(self.pos + 2..self.pos + 6).ok_or(NotJson)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(NotJson);
                    }
                    self.pos += 6;
                }
                _ => return Err(NotJson),
            }
        }
    }

    /// A number, `true`, `false` or `null`.
    fn scalar(&mut self) -> Result<(), NotJson> {
        let rest = &self.hay[self.pos..];
        for literal in [&b"true"[..], b"false", b"null"] {
            if rest.starts_with(literal) {
                self.pos += literal.len();
                return Ok(());
            }
        }
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits_start = self.pos;
        self.digits();
        if self.pos == digits_start {
            return Err(NotJson);
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let frac = self.pos;
            self.digits();
            if self.pos == frac {
                return Err(NotJson);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            let exp = self.pos;
            self.digits();
            if self.pos == exp {
                return Err(NotJson);
            }
        }
        debug_assert!(self.pos > start);
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }
}

/// Widens hits inside a JSON string so that none starts or ends inside an escape sequence
/// (`\"`, `\u00e9`): a placeholder written there would leave a dangling backslash and break
/// the JSON.
fn align_to_escapes(hay: &[u8], start: usize, end: usize, hits: &mut [Hit]) {
    let mut i = start;
    while i < end {
        if hay[i] != b'\\' {
            i += 1;
            continue;
        }
        let len = if hay.get(i + 1) == Some(&b'u') { 6 } else { 2 };
        let seq_end = (i + len).min(end);
        for hit in hits.iter_mut() {
            if hit.start > i && hit.start < seq_end {
                hit.start = i;
            }
            if hit.end > i && hit.end < seq_end {
                hit.end = seq_end;
            }
        }
        i = seq_end;
    }
}

/// Whether `segments` (with `None` for `*`) match the end of the path `parents` + `key`.
fn path_matches(segments: &[Option<Vec<u8>>], parents: &[Vec<u8>], key: &[u8]) -> bool {
    let Some((last, init)) = segments.split_last() else {
        return false;
    };
    if last.as_deref().is_some_and(|s| s != key) || init.len() > parents.len() {
        return false;
    }
    let tail = &parents[parents.len() - init.len()..];
    init.iter()
        .zip(tail)
        .all(|(seg, parent)| seg.as_ref().is_none_or(|s| s == parent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Classification, Policy};

    fn redact_with(policy: &Policy, record: &str) -> String {
        let redactor = Redactor::from_policy(policy).unwrap();
        String::from_utf8(redactor.redact(record.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn drop_field_removes_the_member_and_one_comma_wherever_it_stands() {
        let mut policy = Policy::new();
        policy.set_action(Classification::Secret, Action::DropField);
        for (record, expect) in [
            (r#"{"a":1,"password":"x","b":2}"#, r#"{"a":1,"b":2}"#),
            (r#"{"password":"x", "a":1}"#, r#"{"a":1}"#),
            (r#"{"a":1, "password":"x"}"#, r#"{"a":1}"#),
            (r#"{"password":"x"}"#, r#"{}"#),
            (r#"{"a":{"token":{"b":[1]}},"c":2}"#, r#"{"a":{},"c":2}"#),
            // The value member of a pair whose name is classified.
            (
                r#"{"env":[{"name":"DB_PASSWORD","value":"x"},{"value":"y","name":"API_TOKEN"}]}"#,
                r#"{"env":[{"name":"DB_PASSWORD"},{"name":"API_TOKEN"}]}"#,
            ),
        ] {
            assert_eq!(redact_with(&policy, record), expect, "{record}");
        }
    }

    #[test]
    fn a_pair_is_redacted_as_the_field_its_name_member_names() {
        let policy = Policy::new();
        for (record, expect) in [
            (
                r#"{"name":"DB_PASSWORD","value":"hunter2"}"#,
                r#"{"name":"DB_PASSWORD","value":"[REDACTED:password]"}"#,
            ),
            // Either order; a value that is not a string is written as one.
            (
                r#"{"Value":{"street":"1 Main St"},"Name":"address"}"#,
                r#"{"Value":"[REDACTED:postal_address]","Name":"address"}"#,
            ),
            // A parameter path is read by its last segment.
            (
                r#"{"Name":"/prod/app/ssn","Value":536228011}"#,
                r#"{"Name":"/prod/app/ssn","Value":"[REDACTED:tax_id]"}"#,
            ),
            // Unclassified names, nameless values, null values, and pairs split across
            // objects are left as they are.
            (
                r#"{"name":"Stage","value":"hunter2"}"#,
                r#"{"name":"Stage","value":"hunter2"}"#,
            ),
            (r#"{"value":"hunter2"}"#, r#"{"value":"hunter2"}"#),
            (
                r#"{"name":"password","value":null}"#,
                r#"{"name":"password","value":null}"#,
            ),
            (
                r#"{"a":{"name":"password"},"value":"hunter2"}"#,
                r#"{"a":{"name":"password"},"value":"hunter2"}"#,
            ),
        ] {
            assert_eq!(redact_with(&policy, record), expect, "{record}");
        }
    }

    #[test]
    fn keys_that_are_data_are_redacted_every_time_they_are_seen() {
        // The second record's keys are answered by the key cache, filled by the first.
        let redactor = Redactor::new().unwrap();
        let mut scratch = redactor.create_scratch();
        let mut out = Vec::new();
        for _ in 0..2 {
            out.clear();
            redactor.redact_into(
                br#"{"ana@example.com":{"ssn":"x"},"level":"info"}"#,
                &mut out,
                &mut scratch,
            );
            assert_eq!(
                String::from_utf8_lossy(&out),
                r#"{"[REDACTED:email]":{"ssn":"[REDACTED:tax_id]"},"level":"info"}"#
            );
        }
    }

    #[test]
    fn path_matching_is_a_suffix_match_with_wildcards() {
        let seg = |s: &str| Some(s.as_bytes().to_vec());
        let parents = vec![b"message".to_vec(), b"customer".to_vec()];
        assert!(path_matches(
            &[seg("customer"), seg("name")],
            &parents,
            b"name"
        ));
        assert!(path_matches(&[None, seg("name")], &parents, b"name"));
        assert!(!path_matches(
            &[seg("user"), seg("name")],
            &parents,
            b"name"
        ));
        assert!(!path_matches(
            &[None, None, None, seg("name")],
            &parents,
            b"name"
        ));
    }
}
