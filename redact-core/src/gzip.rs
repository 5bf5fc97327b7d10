//! Gzip data (RFC 1952), inflated with a bound on what it may inflate to: the `data` of a
//! CloudWatch Logs subscription event (`awslogs.data`), and of Kinesis and Firehose records
//! that such a subscription feeds, is gzip under its base64, and holds other functions' log
//! lines.

use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZFlush, MZStatus};

/// Gzip's magic bytes and its one compression method, deflate.
const MAGIC: [u8; 3] = [0x1f, 0x8b, 8];

/// Why gzip data could not be read whole.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// A header, a deflate stream or a trailer is cut short or malformed.
    Malformed,
    /// The data inflates to more than the bound.
    TooLarge,
}

/// Whether `data` opens with gzip's magic bytes.
pub(crate) fn is_gzip(data: &[u8]) -> bool {
    data.starts_with(&MAGIC)
}

/// Inflates every member of gzip `data` (concatenated members are one stream, as `gzip -d`
/// reads them), to at most `limit` bytes.
pub(crate) fn inflate_members(mut data: &[u8], limit: usize) -> Result<Vec<u8>, Unreadable> {
    let mut out = Vec::new();
    loop {
        let body = &data[header_len(data)?..];
        let before = out.len();
        let consumed = inflate_raw(body, limit, &mut out)?;
        let trailer = body
            .get(consumed..consumed + 8)
            .ok_or(Unreadable::Malformed)?;
        // ISIZE: the member's inflated length modulo 2^32. A cheap check that the stream
        // ended where its writer ended it (the CRC is left unchecked: it guards storage, and a
        // bad one would not make the text any less worth redacting).
        let stored_len = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        if stored_len != (out.len() - before) as u32 {
            return Err(Unreadable::Malformed);
        }
        data = &body[consumed + 8..];
        if data.is_empty() {
            return Ok(out);
        }
        if !is_gzip(data) {
            return Err(Unreadable::Malformed);
        }
    }
}

/// The length of the member header that `data` opens with.
fn header_len(data: &[u8]) -> Result<usize, Unreadable> {
    const FHCRC: u8 = 2;
    const FEXTRA: u8 = 4;
    const FNAME: u8 = 8;
    const FCOMMENT: u8 = 16;
    if !is_gzip(data) || data.len() < 10 {
        return Err(Unreadable::Malformed);
    }
    let flags = data[3];
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let len = data.get(at..at + 2).ok_or(Unreadable::Malformed)?;
        at += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for field in [FNAME, FCOMMENT] {
        if flags & field != 0 {
            let rest = data.get(at..).ok_or(Unreadable::Malformed)?;
            at += memchr::memchr(0, rest).ok_or(Unreadable::Malformed)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        at += 2;
    }
    if at > data.len() {
        return Err(Unreadable::Malformed);
    }
    Ok(at)
}

/// Inflates the raw deflate stream that `data` opens with onto `out`, keeping `out` within
/// `limit` bytes. Returns the length of the stream in `data`.
fn inflate_raw(data: &[u8], limit: usize, out: &mut Vec<u8>) -> Result<usize, Unreadable> {
    let mut state = InflateState::new_boxed(DataFormat::Raw);
    let mut chunk = vec![0; 32 * 1024];
    let mut consumed = 0;
    loop {
        let step = inflate(&mut state, &data[consumed..], &mut chunk, MZFlush::None);
        consumed += step.bytes_consumed;
        if out.len() + step.bytes_written > limit {
            return Err(Unreadable::TooLarge);
        }
        out.extend_from_slice(&chunk[..step.bytes_written]);
        match step.status {
            Ok(MZStatus::StreamEnd) => return Ok(consumed),
            Ok(_) if step.bytes_consumed > 0 || step.bytes_written > 0 => {}
            // No progress: the stream is cut short.
            _ => return Err(Unreadable::Malformed),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A gzip member holding `text`, written by flate2 (CRC and all); with `name`, the header
    /// carries an extra field and a file name, as its flags announce.
    pub(crate) fn member(text: &[u8], name: Option<&str>) -> Vec<u8> {
        use std::io::Write;
        let mut builder = flate2::GzBuilder::new();
        if let Some(name) = name {
            builder = builder.extra(&b"xy"[..]).filename(name);
        }
        let mut encoder = builder.write(Vec::new(), flate2::Compression::default());
        encoder.write_all(text).expect("writing to a Vec");
        encoder.finish().expect("writing to a Vec")
    }

    #[test]
    fn a_member_inflates_to_its_text() {
        let member = member(b"user bob@example.com", None);
        assert_eq!(
            inflate_members(&member, 1024).unwrap(),
            b"user bob@example.com"
        );
    }

    #[test]
    fn optional_header_fields_are_skipped() {
        let member = member(b"hello", Some("name.txt"));
        assert_eq!(inflate_members(&member, 1024).unwrap(), b"hello");
    }

    #[test]
    fn concatenated_members_are_one_stream() {
        let mut data = member(b"first ", None);
        data.extend(member(b"second", None));
        assert_eq!(inflate_members(&data, 1024).unwrap(), b"first second");
    }

    #[test]
    fn cut_and_padded_data_is_malformed() {
        let member = member(b"hello world", None);
        for cut in [3, 12, member.len() - 1] {
            assert_eq!(
                inflate_members(&member[..cut], 1024),
                Err(Unreadable::Malformed),
                "cut at {cut}"
            );
        }
        let mut padded = member.clone();
        padded.extend_from_slice(b"junk");
        assert_eq!(inflate_members(&padded, 1024), Err(Unreadable::Malformed));
        let mut wrong_size = member;
        let at = wrong_size.len() - 4;
        wrong_size[at] ^= 1;
        assert_eq!(
            inflate_members(&wrong_size, 1024),
            Err(Unreadable::Malformed)
        );
    }

    #[test]
    fn data_that_inflates_past_the_limit_is_too_large() {
        let member = member(&[b'a'; 100], None);
        assert_eq!(inflate_members(&member, 99), Err(Unreadable::TooLarge));
        assert_eq!(inflate_members(&member, 100).unwrap().len(), 100);
    }
}
