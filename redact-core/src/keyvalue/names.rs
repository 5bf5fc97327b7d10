//! How far a person's name or a street address runs when it is written bare, blanks and all
//! (`full_name=Ana Maria Lopez`, `address: 1 Main St, Springfield`).

/// Extends a value ending at `end` over up to three more capitalised words (`Ana` `Maria`
/// `Lopez`, `Álvarez-García`), each one blank away, and the lower-case particles between them
/// (`de la Cruz`, `van der Berg`); a word followed by `=` or `:` is the next key.
pub(super) fn capitalized_words_end(hay: &[u8], mut end: usize) -> usize {
    let mut words = 0;
    let mut particles = 0;
    // Past the particles read since the last capitalised word, which count only if one follows.
    let mut next = end;
    while words < 3 && particles <= 2 && hay.get(next) == Some(&b' ') {
        let start = next + 1;
        let len = hay[start..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphabetic() || matches!(b, b'\'' | b'-') || !b.is_ascii())
            .count();
        let ends_word = match hay.get(start + len) {
            None => true,
            Some(b'\\') => crate::escapes::is_escaped_space(hay, start + len),
            Some(b) => matches!(
                b,
                b' ' | b',' | b'.' | b';' | b')' | b'}' | b']' | b'"' | b'\''
            ),
        };
        let word = &hay[start..start + len];
        if !ends_word {
            break;
        }
        if len >= 2 && starts_capitalised(word) {
            words += 1;
            particles = 0;
            end = start + len;
        } else if NAME_PARTICLES.contains(&word) {
            particles += 1;
        } else {
            break;
        }
        next = start + len;
    }
    end
}

/// Lower-case words inside names and street names: `de la Cruz`, `van der Berg`, `bin Said`,
/// `Rue de la Paix`.
pub(super) const NAME_PARTICLES: &[&[u8]] = &[
    b"de", b"del", b"della", b"der", b"den", b"di", b"da", b"das", b"do", b"dos", b"du", b"la",
    b"las", b"le", b"los", b"van", b"von", b"ten", b"ter", b"bin", b"ibn", b"al", b"el", b"y",
];

/// Whether `word` starts with a capital letter, ASCII or not (`Ana`, `Álvaro`, `Łukasz`).
pub(super) fn starts_capitalised(word: &[u8]) -> bool {
    match word.first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        Some(_) => {
            // The first character, of at most four bytes; a cut one is no capital.
            let head = &word[..word.len().min(4)];
            let valid = match std::str::from_utf8(head) {
                Ok(text) => text,
                Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
            };
            valid.chars().next().is_some_and(char::is_uppercase)
        }
        None => false,
    }
}

/// The end of a street address written bare: a house number and capitalised words (`12 Main
/// St`, `221B Baker Street`) or, as much of Europe writes it, capitalised words and a house
/// number (`Hauptstraße 5`, `Calle Mayor 12B`); then parts after `, `: capitalised words (a
/// town, a state, a country) perhaps followed by a postal code (`IL 62701`, `London NW1 6XE`,
/// `Ottawa ON K1A 0B1`), or a postal code and a town (`75002 Paris`, `10115 Berlin`). `None`
/// for any other bare value: after `address` that is mostly not a person's (`address:
/// unknown`, `address=0x7ffd5a1c`).
pub(super) fn street_address_end(hay: &[u8], start: usize) -> Option<usize> {
    let (mut end, name_first) = match house_number_first(hay, start) {
        Some(end) => (end, false),
        None => (street_name_first(hay, start)?, true),
    };
    let street_end = end;
    loop {
        end += postcode_after(&hay[end..]);
        if !hay[end..].starts_with(b", ") {
            break;
        }
        let part = end + 2;
        let code = hay[part..]
            .iter()
            .take(6)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if (4..=5).contains(&code) {
            // A postal code before its town: `75002 Paris`.
            let town_end = capitalized_words_end(hay, part + code);
            if town_end == part + code {
                break;
            }
            end = town_end;
            continue;
        }
        let word = hay[part..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        if word < 2 || !hay[part].is_ascii_uppercase() {
            break;
        }
        end = capitalized_words_end(hay, part + word);
        if hay.get(end) == Some(&b' ') && hay.get(end + 1).is_some_and(u8::is_ascii_digit) {
            let code = hay[end + 1..]
                .iter()
                .take_while(|&&b| b.is_ascii_digit() || b == b'-')
                .count();
            end += 1 + code;
        }
    }
    // Words and a number alone are as often a host and port (`Localhost 8080`) or a place in
    // a building: a street named first is taken only with its town.
    (!name_first || end > street_end).then_some(end)
}

/// The longest house number read: `1600`, `221B`.
const MAX_HOUSE_NUMBER: usize = 6;

/// `12 Main St`, `221B Baker Street`: the end of the street name.
fn house_number_first(hay: &[u8], start: usize) -> Option<usize> {
    let number = hay[start..]
        .iter()
        .take(MAX_HOUSE_NUMBER + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if number == 0 || number > MAX_HOUSE_NUMBER {
        return None;
    }
    // A house number may carry a letter: `221B Baker Street`.
    let number = match hay.get(start + number..start + number + 2) {
        Some([letter, b' ']) if letter.is_ascii_alphabetic() => number + 1,
        _ => number,
    };
    let end = capitalized_words_end(hay, start + number);
    (end > start + number).then_some(end)
}

/// `Hauptstraße 5`, `Via Roma 1`, `Calle Mayor 12B`: the end of the house number, which a
/// `,` follows.
fn street_name_first(hay: &[u8], start: usize) -> Option<usize> {
    let word = hay[start..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphabetic() || b == b'-' || !b.is_ascii())
        .count();
    if word < 2 || !starts_capitalised(&hay[start..start + word]) {
        return None;
    }
    let name_end = capitalized_words_end(hay, start + word);
    if hay.get(name_end) != Some(&b' ') {
        return None;
    }
    let number_start = name_end + 1;
    let digits = hay[number_start..]
        .iter()
        .take(MAX_HOUSE_NUMBER)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let mut end = number_start + digits;
    if hay.get(end).is_some_and(u8::is_ascii_uppercase) {
        end += 1;
    }
    (hay.get(end) == Some(&b',')).then_some(end)
}

/// The length of a British or Canadian postal code after a blank at the start of `rest`
/// (`NW1 6XE`, `SW1A 2AA`, `K1A 0B1`), blank included; 0 when there is none.
fn postcode_after(rest: &[u8]) -> usize {
    let Some(code) = rest.strip_prefix(b" ") else {
        return 0;
    };
    let upper = |i: usize| code.get(i).is_some_and(u8::is_ascii_uppercase);
    let digit = |i: usize| code.get(i).is_some_and(u8::is_ascii_digit);
    let ends = |i: usize| !code.get(i).is_some_and(u8::is_ascii_alphanumeric);
    // Canadian: letter digit letter, blank, digit letter digit.
    if upper(0)
        && digit(1)
        && upper(2)
        && code.get(3) == Some(&b' ')
        && digit(4)
        && upper(5)
        && digit(6)
        && ends(7)
    {
        return 8;
    }
    // British: an outward code of one or two letters, a digit, and perhaps a letter or digit;
    // blank; an inward code of a digit and two letters.
    let letters = (0..2).take_while(|&i| upper(i)).count();
    if letters == 0 || !digit(letters) {
        return 0;
    }
    let mut outward = letters + 1;
    if code.get(outward).is_some_and(u8::is_ascii_alphanumeric) {
        outward += 1;
    }
    let inward = outward + 1;
    if code.get(outward) == Some(&b' ')
        && digit(inward)
        && upper(inward + 1)
        && upper(inward + 2)
        && ends(inward + 3)
    {
        return 1 + inward + 3;
    }
    0
}
