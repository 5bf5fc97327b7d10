//! The prefix a Lambda runtime writes before each line a function logs as text: a timestamp and
//! the invocation's request id, as
//!
//! * Node.js and .NET write it: `2026-11-23T10:16:59.649Z\t<request id>\tINFO\t..`;
//! * Python's runtime logger: `[INFO]\t2026-11-23T10:16:59.649Z\t<request id>\t..`;
//! * Java's log4j2 layout in AWS's examples: `2026-11-23 10:00:08 <request id> INFO ..`;
//!
//! the lines Lambda itself writes around each invocation, up to their request id (`START
//! RequestId: <request id> Version: $LATEST`, `END ..`, `REPORT ..`); and the timestamp alone
//! that many other logs open with (`2015-10-18 18:01:47,978 INFO ..`, syslog's `Jul  1
//! 09:00:55 host ..`).
//!
//! Its digits, colons and hex digits stop every scanner and separator loop, and hold no match:
//! a date and time with nothing before it, and a UUID. Recognised by its exact shape, it is
//! skipped. Nine in ten of the dev corpus's text lines open with one. Under callgrind
//! (`engine_pass`), skipping the runtimes' prefixes and timestamps took text from 64.08M to
//! 59.37M instructions (-7.4%) and loghub from 82.23M to 81.61M (-0.75%, its Hadoop and
//! ZooKeeper timestamps); the platform lines' request ids took text on to 57.58M (-3.0%, 1,300
//! instructions a line: `RequestId:` is read as a key), and their fields (`REPORT`'s measures,
//! X-Ray's ids: 5,200 instructions a line) to 54.82M (-4.8%); syslog's timestamps took loghub
//! from 80.73M to 77.61M (-3.9%, 4,000 of its lines). A test of the first byte is all that
//! other lines pay.
//!
//! What skipping gives up: a value a rule takes after the prefix that equals a part of it (the
//! request id, a date) is looked for again there only by the final search for echoes, not by
//! the one before the late readers (`tests/properties.rs` compares a redactor that skips with
//! one that reads every prefix). The prefix's parts are no secrets, and such a value is a
//! rule's misreading.

/// Longest level name between brackets: `CRITICAL`.
const MAX_LEVEL: usize = 8;
/// A request id, dashed: `8-4-4-4-12` hex digits.
const UUID_LEN: usize = 36;
/// Most blanks between the prefix's parts (Java's layout pads with one, the others a tab).
const MAX_BLANKS: usize = 4;

/// The length of the prefix `record` opens with: up to the end of its request id, or of its
/// timestamp when no request id follows (the blank after either stays with the text). 0 when
/// the record opens with neither.
pub(crate) fn len(record: &[u8]) -> usize {
    // Most lines are turned away by their first byte: a test per line is all they pay.
    let at = match record.first() {
        Some(b'[') => match level_end(record) {
            Some(level_end) => level_end,
            None => return 0,
        },
        Some(b) if b.is_ascii_digit() => 0,
        Some(b'S' | b'E' | b'R') => {
            return platform_line_id_end(record)
                .or_else(|| syslog_time_end(record))
                .unwrap_or(0)
        }
        Some(b'X') => return platform_fields_end(record, 0).unwrap_or(0),
        Some(b'J' | b'F' | b'M' | b'A' | b'O' | b'N' | b'D') => {
            return syslog_time_end(record).unwrap_or(0)
        }
        _ => return 0,
    };
    let Some(time_end) = date_time_end(record, at) else {
        return 0;
    };
    // A timestamp is only skipped whole: a zone after it (`+00:00`) would be read on its own.
    match record.get(time_end) {
        None => return time_end,
        Some(&b) if is_blank(b) => {}
        Some(_) => return 0,
    }
    let Some(uuid_start) = after_blanks(record, time_end) else {
        return time_end;
    };
    request_id_end(record, uuid_start).unwrap_or(time_end)
}

/// Where the skipped part of the lines Lambda itself writes around each invocation when it
/// logs as text ends: `START RequestId: <id> Version: $LATEST`, `END RequestId: <id>` and
/// `REPORT RequestId: <id>\tDuration: 4050.59 ms\t..`. The whole line when every field after
/// the request id is one Lambda writes, in its shape (see [`PLATFORM_FIELDS`]); else the text
/// after the id is read as any text is.
fn platform_line_id_end(record: &[u8]) -> Option<usize> {
    const REQUEST_ID: &[u8] = b" RequestId: ";
    let word = [&b"START"[..], b"END", b"REPORT"]
        .into_iter()
        .find(|word| record.starts_with(word))?;
    let uuid_start = word.len() + REQUEST_ID.len();
    if record.get(word.len()..uuid_start) != Some(REQUEST_ID) {
        return None;
    }
    let id_end = request_id_end(record, uuid_start)?;
    Some(platform_fields_end(record, id_end).unwrap_or(id_end))
}

/// What a field of Lambda's platform lines holds.
#[derive(Clone, Copy)]
enum FieldValue {
    /// A number and its unit: `4050.59 ms`, `512 MB`.
    Measure,
    /// An X-Ray trace id: `1-6b0411df-949282b4d2c4d4f7d025f60d`.
    TraceId,
    /// An X-Ray segment id: 16 hex digits.
    SegmentId,
    /// `true` or `false`.
    Flag,
    /// A function version: `$LATEST` or a number.
    Version,
}

/// The fields Lambda writes after the request id of its `START` and `REPORT` lines, and in its
/// `XRAY` line (which opens with its first).
const PLATFORM_FIELDS: [(&[u8], FieldValue); 11] = [
    (b"Version", FieldValue::Version),
    (b"Duration", FieldValue::Measure),
    (b"Billed Duration", FieldValue::Measure),
    (b"Memory Size", FieldValue::Measure),
    (b"Max Memory Used", FieldValue::Measure),
    (b"Init Duration", FieldValue::Measure),
    (b"Restore Duration", FieldValue::Measure),
    (b"Billed Restore Duration", FieldValue::Measure),
    (b"XRAY TraceId", FieldValue::TraceId),
    (b"SegmentId", FieldValue::SegmentId),
    (b"Sampled", FieldValue::Flag),
];

/// The end of `record` if from `at` to its end it holds only blanks and fields of
/// [`PLATFORM_FIELDS`] (`name: value`), each value of its field's shape and each field after
/// a blank (or at `at`, the record's start).
fn platform_fields_end(record: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let field_start = match after_blanks(record, at) {
            Some(start) => start,
            None if at == 0 => 0,
            None => return (at == record.len()).then_some(at),
        };
        if field_start == record.len() {
            return Some(field_start);
        }
        let rest = &record[field_start..];
        // The names' first bytes tell most of them apart: a test each before comparing one.
        let (value_start, value) = PLATFORM_FIELDS
            .iter()
            .filter(|(name, _)| name[0] == rest[0])
            .find_map(|&(name, value)| {
                let after_name = rest.strip_prefix(name)?.strip_prefix(b": ")?;
                Some((record.len() - after_name.len(), value))
            })?;
        at = value_start + value_len(&record[value_start..], value)?;
    }
}

/// Most digits of a measure before its point: 900,000 ms is Lambda's longest run. No card, SSN
/// or phone number fits, should a line be printed in the shape of Lambda's.
const MAX_MEASURE_DIGITS: usize = 7;
/// Most digits after a measure's point.
const MAX_FRACTION_DIGITS: usize = 2;
/// Most digits of a function's version.
const MAX_VERSION_DIGITS: usize = 6;

/// The length of the value of shape `value` that `rest` opens with, if it does and a blank
/// or its end follows.
fn value_len(rest: &[u8], value: FieldValue) -> Option<usize> {
    let word = rest.split(|&b| is_blank(b)).next().unwrap_or(rest);
    let is_number = |digits: &[u8], most: usize| {
        (1..=most).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
    };
    let fits = match value {
        FieldValue::Measure => {
            let (whole, fraction) = match word.iter().position(|&b| b == b'.') {
                Some(point) => (&word[..point], Some(&word[point + 1..])),
                None => (word, None),
            };
            let unit = rest.get(word.len()..word.len() + 3);
            is_number(whole, MAX_MEASURE_DIGITS)
                && fraction.is_none_or(|f| is_number(f, MAX_FRACTION_DIGITS))
                && matches!(unit, Some(b" ms" | b" MB"))
        }
        FieldValue::TraceId => crate::scan::is_trace_id(word),
        // Sixteen hex digits, one a letter at least: all decimal, they could be a card's.
        FieldValue::SegmentId => {
            word.len() == 16
                && word.iter().all(u8::is_ascii_hexdigit)
                && !word.iter().all(u8::is_ascii_digit)
        }
        FieldValue::Flag => matches!(word, b"true" | b"false"),
        FieldValue::Version => word == b"$LATEST" || is_number(word, MAX_VERSION_DIGITS),
    };
    let len = match value {
        FieldValue::Measure => word.len() + 3,
        _ => word.len(),
    };
    (fits && rest.get(len).is_none_or(|&b| is_blank(b))).then_some(len)
}

/// Where the request id at `start` ends, if one is there and a blank or the record's end
/// follows it.
fn request_id_end(record: &[u8], start: usize) -> Option<usize> {
    let end = start + UUID_LEN;
    let ends = record.get(end).is_none_or(|&b| is_blank(b));
    (ends && crate::scan::is_uuid(record.get(start..end)?)).then_some(end)
}

/// Where the timestamp that opens a syslog line ends (`Jul  1 09:00:55`, `Dec 10 06:55:46`:
/// a month's name, its day padded to two places, a time), if a blank follows it.
fn syslog_time_end(record: &[u8]) -> Option<usize> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    // `Mmm dd HH:MM:SS`
    const LEN: usize = 15;
    let head: &[u8; LEN] = record.get(..LEN)?.try_into().ok()?;
    let digit = |i: usize| head[i].is_ascii_digit();
    let fits = MONTHS.iter().any(|month| head[..3] == month[..])
        && head[3] == b' '
        && (head[4] == b' ' || digit(4))
        && digit(5)
        && head[6] == b' '
        && digit(7)
        && digit(8)
        && head[9] == b':'
        && digit(10)
        && digit(11)
        && head[12] == b':'
        && digit(13)
        && digit(14);
    (fits && record.get(LEN).is_some_and(|&b| is_blank(b))).then_some(LEN)
}

/// Where the text after Python's `[LEVEL]` and its blanks starts.
fn level_end(record: &[u8]) -> Option<usize> {
    let letters = record[1..]
        .iter()
        .take(MAX_LEVEL + 1)
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    let close = 1 + letters;
    if letters == 0 || record.get(close) != Some(&b']') {
        return None;
    }
    after_blanks(record, close + 1)
}

/// Where a date and time at `at` ends: `YYYY-MM-DD`, `T` or a blank, `HH:MM:SS`, then an
/// optional fraction of a second (`.649`, `,649`) and `Z`.
fn date_time_end(record: &[u8], at: usize) -> Option<usize> {
    // `0000-00-00T00:00:00`
    const LEN: usize = 19;
    let head: &[u8; LEN] = record.get(at..at + LEN)?.try_into().ok()?;
    // Many logs open with a number, some with a date and time (a quarter of loghub's lines).
    let fits = crate::scan::opens_with_date_and_minute(head)
        && head[16] == b':'
        && crate::scan::digit_bytes(&head[11..19]) == crate::scan::TIME_DIGITS;
    if !fits {
        return None;
    }
    let mut end = at + LEN;
    if matches!(record.get(end), Some(b'.' | b',')) {
        let fraction = end + 1;
        end = fraction;
        while record.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == fraction {
            return None;
        }
    }
    if record.get(end) == Some(&b'Z') {
        end += 1;
    }
    Some(end)
}

/// Where the text after one to [`MAX_BLANKS`] blanks at `at` starts.
fn after_blanks(record: &[u8], at: usize) -> Option<usize> {
    if !is_blank(*record.get(at)?) {
        return None;
    }
    // Mostly one tab or blank: the loop's first test ends it.
    let mut end = at + 1;
    while end - at <= MAX_BLANKS && record.get(end).is_some_and(|&b| is_blank(b)) {
        end += 1;
    }
    (end - at <= MAX_BLANKS).then_some(end)
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[cfg(test)]
mod tests {
    use super::len;

    const ID: &str = "f19c5570-67cb-4e80-846d-1fb6dfbdb0ae";

    #[test]
    fn skips_each_runtimes_prefix_up_to_the_request_id() {
        for prefix in [
            format!("2026-11-23T10:16:59.649Z\t{ID}"),
            format!("[INFO]\t2026-11-23T10:16:59.649Z\t{ID}"),
            format!("[CRITICAL]\t2026-11-23T10:16:59.649123Z\t{ID}"),
            format!("2026-11-23 10:00:08 {ID}"),
            format!("2026-11-23 10:00:08,123  {ID}"),
        ] {
            let line = format!("{prefix}\tINFO\tcard 4111 1111 1111 1111");
            assert_eq!(len(line.as_bytes()), prefix.len(), "{line}");
        }
    }

    #[test]
    fn skips_the_platform_lines_whole_when_lambda_wrote_every_field() {
        for line in [
            format!("START RequestId: {ID} Version: $LATEST"),
            format!("START RequestId: {ID} Version: 12"),
            format!("END RequestId: {ID}"),
            format!(
                "REPORT RequestId: {ID}\tDuration: 4050.59 ms\tBilled Duration: 4051 ms\t\
                 Memory Size: 512 MB\tMax Memory Used: 302 MB\tInit Duration: 433.66 ms\t"
            ),
            // With tracing on, the X-Ray fields follow on the same line.
            format!(
                "REPORT RequestId: {ID}\tDuration: 2.01 ms\tBilled Duration: 3 ms\t\
                 Memory Size: 128 MB\tMax Memory Used: 64 MB\t\
                 XRAY TraceId: 1-6b0411df-949282b4d2c4d4f7d025f60d\t\
                 SegmentId: 7d6e930cb052f54f\tSampled: true\t"
            ),
            "XRAY TraceId: 1-6b0411df-949282b4d2c4d4f7d025f60d\tSegmentId: 7d6e930cb052f54f\t\
             Sampled: false"
                .to_string(),
        ] {
            assert_eq!(len(line.as_bytes()), line.len(), "{line}");
        }
    }

    #[test]
    fn skips_a_platform_line_to_its_request_id_when_more_follows() {
        let report = format!("REPORT RequestId: {ID}");
        for rest in [
            "\tDuration: 12 s\t",
            "\tDuration: 1.2.3 ms\t",
            "\tDuration: 4111111111111111 ms\t",
            "\tDuration: 12.345 ms\t",
            "\tDuration: .5 ms\t",
            "\tDuration: 5. ms\t",
            "\tSegmentId: 4111111111111111",
            "\tDuration: 12 ms\tStatus: timeout",
            "\tDuration: 12 ms\tpassword: hunter2",
            "\tDuration: 12 msx",
            "\tSegmentId: 7d6e930cb052f54g",
            "\tSampled: maybe",
            " Version: $LATESTx",
            " Version: 078051120",
        ] {
            let line = format!("{report}{rest}");
            assert_eq!(len(line.as_bytes()), report.len(), "{line}");
        }
        for line in [
            "XRAY TraceId: 1-6b0411df-949282b4d2c4d4f7d025f60d\tpassword: hunter2",
            "XRAY TraceId: 1-6b0411df-949282b4d2c4d4f7d025f60",
            "XRAYTraceId: 1-6b0411df-949282b4d2c4d4f7d025f60d",
            // The request id glued to what follows is none.
            &format!("{report}Duration: 12 ms"),
        ] {
            assert_eq!(len(line.as_bytes()), 0, "{line}");
        }
    }

    #[test]
    fn skips_a_syslog_timestamp() {
        for (line, skipped) in [
            (
                "Jul  1 09:00:55 calvisitor kernel[0]: ARPT: 620651.021206",
                15,
            ),
            ("Dec 10 06:55:46 LabSZ sshd[24200]: Failed password", 15),
            ("Sep 30 23:59:59\tx", 15),
            ("Jul  1 09:00:55", 0),
            ("Jul  1 09:00:55x", 0),
            ("Jux  1 09:00:55 host", 0),
            ("Jul 1 09:00:55 host", 0),
            ("July  1 09:00:55 host", 0),
            ("Jul  1 09:00 host", 0),
        ] {
            assert_eq!(len(line.as_bytes()), skipped, "{line}");
        }
    }

    #[test]
    fn skips_a_timestamp_without_a_request_id() {
        let time = "2026-11-23T10:16:59.649Z";
        for rest in [
            String::new(),
            "\tINFO\tdob 1990-01-31".to_string(),
            format!("\t{}", &ID[..35]),
            format!("\t{ID}x"),
            format!("        {ID}\t"),
            format!("\t{}\t", ID.replace('-', "_")),
        ] {
            let line = format!("{time}{rest}");
            assert_eq!(len(line.as_bytes()), time.len(), "{line}");
        }
        let line = format!("[INFO]\t{time} {}", &ID[..8]);
        assert_eq!(
            len(line.as_bytes()),
            "[INFO]\t".len() + time.len(),
            "{line}"
        );
    }

    #[test]
    fn a_skipped_prefix_is_kept_and_the_text_after_it_redacted() {
        let redactor = crate::Redactor::new().unwrap();
        for (prefix, text) in [
            (
                format!("[INFO]\t2026-11-23T10:16:59.649Z\t{ID}"),
                "\tpassword=hunter2",
            ),
            (
                format!("2026-11-23T10:16:59.649Z\t{ID}"),
                "\tINFO\tssn 078-05-1120",
            ),
            (
                "2026-11-23 10:00:08".to_string(),
                " INFO card 4111 1111 1111 1111",
            ),
        ] {
            let line = format!("{prefix}{text}");
            assert_eq!(len(line.as_bytes()), prefix.len());
            let redacted = redactor.redact(line.as_bytes());
            let alone = redactor.redact(text.as_bytes());
            assert_ne!(*alone, *text.as_bytes(), "{text}");
            assert_eq!(redacted[..prefix.len()], *prefix.as_bytes(), "{line}");
            assert_eq!(redacted[prefix.len()..], *alone, "{line}");
        }
    }

    #[test]
    fn anything_else_is_no_prefix() {
        for line in [
            String::new(),
            "[".to_string(),
            format!("START RequestId: {ID}x Version: $LATEST"),
            format!("STARTED RequestId: {ID} Version: $LATEST"),
            format!("END RequestId:  {ID}"),
            format!("REPORT RequestId: {}", &ID[..35]),
            format!("Start RequestId: {ID}"),
            // A timestamp cut short, or with more after it than a blank.
            "2026-11-23T10:16:59.\tINFO".to_string(),
            "2026-11-23T10:16:59+00:00\tINFO".to_string(),
            "2026-11-23T10:16:59.649Zx".to_string(),
            "2026-11-23T10:16".to_string(),
            // Something before the date, or a level that is no level.
            format!("x2026-11-23T10:16:59.649Z\t{ID}\t"),
            format!("[info]\t2026-11-23T10:16:59.649Z\t{ID}\t"),
            format!("[]\t2026-11-23T10:16:59.649Z\t{ID}\t"),
            format!("[INFORMATIONAL]\t2026-11-23T10:16:59.649Z\t{ID}\t"),
            // A date alone, or numbers of another shape.
            format!("2026-11-23\t{ID}\t"),
            "081109 203615 148 INFO dfs.DataNode".to_string(),
            "17/06/09 20:10:40 INFO".to_string(),
            "2026/11/23 10:00:08 INFO".to_string(),
        ] {
            assert_eq!(len(line.as_bytes()), 0, "{line}");
        }
    }
}
