use super::*;

fn all_scanners() -> ScannerSet {
    let mut set = ScannerSet::default();
    for (i, name) in SCANNER_NAMES.iter().enumerate() {
        set.assign(name, RuleId(i as u16));
    }
    set
}

fn found(hay: &str) -> Vec<(String, &'static str)> {
    let mut hits = Vec::new();
    all_scanners().scan(hay.as_bytes(), 0, &mut hits, 0, &mut Vec::new());
    hits.iter()
        .map(|h| {
            (
                hay[h.start..h.end].to_string(),
                SCANNER_NAMES[h.rule.index()],
            )
        })
        .collect()
}

#[test]
fn numbers_are_classified_by_shape_and_checksum() {
    assert_eq!(
        found("card 4111 1111 1111 1111."),
        [("4111 1111 1111 1111".into(), "credit_card")]
    );
    assert_eq!(found("ssn 123-45-6789"), [("123-45-6789".into(), "us_ssn")]);
    assert_eq!(
        found("call (415) 555-2671 now"),
        [("(415) 555-2671".into(), "phone_number")]
    );
    assert_eq!(
        found("call +44 20 7946 0958"),
        [("+44 20 7946 0958".into(), "phone_number")]
    );
    assert_eq!(
        found("from 192.168.10.1:443"),
        [("192.168.10.1".into(), "ipv4")]
    );
    assert_eq!(
        found("GB82 WEST 1234 5698 7654 32"),
        [("GB82 WEST 1234 5698 7654 32".into(), "iban")]
    );
}

#[test]
fn look_alikes_are_left_alone() {
    for hay in [
        "2026-11-23 10:00:08.123Z",
        "version 1.2.3",
        "1.2.3.4.5",
        "4111 1111 1111 1112",
        "epoch 1795386079143",
        "blk_-4111111111111111",
        "uuid 3b947f10-76b1-4c0c-b86d-87c1b6ebd93d",
        "000-12-3456 and 123-00-4567",
        "std::vector",
        "arn:aws:iam::123456789012:role/x",
        "took 12:30:45",
    ] {
        assert_eq!(found(hay), [], "{hay}");
    }
}

#[test]
fn a_number_after_a_run_of_colons_that_is_no_address_is_still_read() {
    // The colon scanner reads the run of hex digits and colons around a `:`; when it holds no
    // address, the number after its last `:` is read on its own.
    for (hay, value, scanner) in [
        ("card::4111111111111111", "4111111111111111", "credit_card"),
        (
            "a:::4111 1111 1111 1111",
            "4111 1111 1111 1111",
            "credit_card",
        ),
        ("card: :4111111111111111", "4111111111111111", "credit_card"),
        ("a 12:4111111111111111", "4111111111111111", "credit_card"),
        ("ssn::219-09-9999", "219-09-9999", "us_ssn"),
        ("x=:219-09-9999", "219-09-9999", "us_ssn"),
        ("ip::10.1.2.3 up", "10.1.2.3", "ipv4"),
        ("peer :10.1.2.3", "10.1.2.3", "ipv4"),
    ] {
        assert_eq!(found(hay), [(value.into(), scanner)], "{hay}");
    }
    // What the run held stays as it was: a time's seconds, a port.
    for hay in ["at 10:00:08.123 done", "db:5432 ok", "std::io::Error"] {
        assert_eq!(found(hay), [], "{hay}");
    }
}

#[test]
fn addresses_are_parsed() {
    assert_eq!(
        found("x-forwarded-for: 2600:1f18:7fe9:a334:215c:be9f:477e:afd0"),
        [("2600:1f18:7fe9:a334:215c:be9f:477e:afd0".into(), "ipv6")]
    );
    assert_eq!(
        found("peer [fe80::1ff:fe23:4567:890a]:8080"),
        [("fe80::1ff:fe23:4567:890a".into(), "ipv6")]
    );
    assert_eq!(
        found("hw 00:1a:2b:3c:4d:5e up"),
        [("00:1a:2b:3c:4d:5e".into(), "mac_address")]
    );
}

#[test]
fn emails_in_every_encoding() {
    assert_eq!(
        found("to <ann.lee+x@mail.example.co.uk>"),
        [("ann.lee+x@mail.example.co.uk".into(), "email")]
    );
    assert_eq!(
        found("q=ann%40example.com&x=1"),
        [("ann%40example.com".into(), "email")]
    );
    assert_eq!(
        found(r"ann\u0040example.com"),
        [(r"ann\u0040example.com".into(), "email")]
    );
    assert_eq!(found("postgres://u:pa55@db.example.com/x"), []);
    assert_eq!(found("user@localhost"), []);
    // The last `://` before the address decides, after colons that open none.
    assert_eq!(found("x:y:a://b:c:d://u:p:w@db.example.com"), []);
    assert_eq!(
        found("x:y//https://h/?to=ann@example.com"),
        [("ann@example.com".into(), "email")]
    );
    assert_eq!(
        found("time:10:00 ann@example.com"),
        [("ann@example.com".into(), "email")]
    );
}

#[test]
fn request_ids_pass_whole_and_what_touches_them_is_still_found() {
    let id = "19c1eabd-f85d-4d59-826d-4277fd6b0ece";
    let upper = "AB5F7A2C-0D4E-4F1A-9B3C-2D4E6F8A0B1C";
    assert_eq!(found(&format!("END RequestId: {id}")), []);
    assert_eq!(found(&format!("{upper}\t{upper}")), []);
    assert_eq!(
        found(&format!("{id} 192.168.1.20 {upper} (415) 555-2671")),
        [
            ("192.168.1.20".into(), "ipv4"),
            ("(415) 555-2671".into(), "phone_number")
        ]
    );
    assert_eq!(
        found(&format!("{id}@example.com")),
        [(format!("{id}@example.com"), "email")]
    );
    // Not a UUID (its first group is too long), so its digits are read as usual.
    assert_eq!(
        found("4111111111111111-f85d-4d59-826d-4277fd6b0ece"),
        [("4111111111111111".into(), "credit_card")]
    );
}

#[test]
fn values_passed_over_by_shape_hold_nothing_the_scanners_find() {
    for value in [
        "2026-11-23T10:00:45.205Z",
        "2026-11-23 10:01:10,514+0000",
        "2026-11-23T10:00:45-05:00",
        "2026-11-23T10:00+01",
        "2026-11-23 10:00:45",
        "2048",
        "412345678901",
        "3b947f10-76b1-4c0c-b86d-87c1b6ebd93d",
        "3B947F10-76B1-4C0C-B86D-87C1B6EBD93D",
        "12345678-1234-1234-1234-123456789012",
        "1-5759e988-bd862e3fe1be46a994272793",
    ] {
        assert!(finds_nothing_in(value.as_bytes()), "{value}");
        assert_eq!(found(value), [], "{value}");
    }
    // Scanned as usual: a card's length, more after the time, a zone too long to be one.
    for value in [
        "4111111111111111",
        "2026-11-23T10:00:45Z 10.0.0.1",
        "2026-11-23T10:00:45+14155552671",
        "2026-11-23T10:00:45+01:00:00",
        "192.168.1.20",
        "",
        // A dash out of place, a byte that is not hex, a trace id of another version.
        "3b947f1-076b1-4c0c-b86d-87c1b6ebd93d",
        "3b947f10-76b1-4c0c-b86d-87c1b6ebd93g",
        "2-5759e988-bd862e3fe1be46a994272793",
    ] {
        assert!(!finds_nothing_in(value.as_bytes()), "{value}");
    }
}

proptest::proptest! {
    /// What `finds_nothing_in` passes over by shape, the scanners would not have found
    /// anything in either, whatever the hex digits (all decimal too, as an all-digit group
    /// looks most like a number the scanners look for).
    #[test]
    fn uuids_and_trace_ids_hold_nothing_the_scanners_find(
        value in "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\
            |[0-9]{8}-[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{12}\
            |1-[0-9a-f]{8}-[0-9a-f]{24}|1-[0-9]{8}-[0-9]{24}",
    ) {
        proptest::prop_assert!(finds_nothing_in(value.as_bytes()));
        proptest::prop_assert_eq!(found(&value), []);
    }
}

#[test]
fn digit_bytes_marks_digits_only() {
    assert_eq!(
        super::digit_bytes(b"0123456789"[..8].try_into().unwrap()),
        0x8080_8080_8080_8080
    );
    // The bytes around the digits, and bytes past ASCII (which must not carry into the
    // next byte's sum: `\xff/` is no digit).
    assert_eq!(super::digit_bytes(b"/:\xff/\x80\xb0;a"), 0);
    assert_eq!(
        super::digit_bytes(b"\xff9\xff0-1T2"),
        0x80_00_80_00_80_00_80_00
    );
}

#[test]
fn a_date_and_minute_is_told_by_its_separators_and_digits() {
    for yes in [
        "2026-11-23T10:00",
        "2026-11-23 10:00:45.205Z",
        "1990-01-31T00:00+01:00",
    ] {
        assert!(super::opens_with_date_and_minute(yes.as_bytes()), "{yes}");
    }
    for no in [
        "2026-11-23T10:0",
        "2026-11-23X10:00",
        "2026/11/23T10:00",
        "2026-11-2aT10:00",
        "202a-11-23T10:00",
        "2026-11-23T1a:00",
        "2026-11-23T10:0a",
        "2026-11-23T10-00",
        "",
    ] {
        assert!(!super::opens_with_date_and_minute(no.as_bytes()), "{no}");
    }
}
