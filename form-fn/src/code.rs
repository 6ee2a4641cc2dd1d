//! Tracking codes: 12 symbols of Crockford's base 32 (60 bits from the operating system's random
//! source), shown grouped as `K7M4-Q9TX-3HRP`. Reading typed codes is `forms::normalise::code`.

use forms::normalise::{CODE_ALPHABET, CODE_LEN};

/// A new bare tracking code.
pub fn new_code() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    let mut bits = u64::from_le_bytes(bytes);
    let mut out = String::with_capacity(CODE_LEN);
    for _ in 0..CODE_LEN {
        out.push(CODE_ALPHABET[(bits & 31) as usize] as char);
        bits >>= 5;
    }
    out
}

/// A short digest of a secret (a tracking code, an address), for log lines and counters that must
/// not hold the secret itself.
pub fn digest(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(secret.as_bytes());
    hash[..6].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_twelve_readable_symbols_that_read_back() {
        for _ in 0..1000 {
            let c = new_code();
            assert_eq!(c.len(), CODE_LEN);
            let shown = forms::normalise::display_code(&c);
            assert_eq!(forms::normalise::code(&shown).as_deref(), Some(c.as_str()));
            assert_eq!(
                forms::normalise::code(&shown.to_lowercase()).as_deref(),
                Some(c.as_str())
            );
        }
    }

    #[test]
    fn codes_do_not_repeat() {
        let codes: HashSet<_> = (0..10_000).map(|_| new_code()).collect();
        assert_eq!(codes.len(), 10_000);
    }

    #[test]
    fn every_symbol_is_used() {
        let used: HashSet<char> = (0..2000)
            .flat_map(|_| new_code().chars().collect::<Vec<_>>())
            .collect();
        assert_eq!(used.len(), 32);
    }
}
