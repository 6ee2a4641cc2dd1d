//! Idempotency keys: what makes a double click, a refresh of the confirmation or a client's retry
//! find the record already made instead of making a second one.
//!
//! The key is a SHA-256 of the form, the normalised answers and where they came from:
//! - the random key the page's script put in the hidden `idempotency_key` field, or a JSON
//!   client's `Idempotency-Key` header: the same key with the same answers is the same submission
//!   for a day; the same key with other answers (the sender went back and changed something) is a
//!   new one;
//! - without a key (no JavaScript), the client's address and browser: the same answers from the
//!   same browser within ten minutes are one submission. Two people who send identical answers
//!   (a survey, say) come from different clients and are both recorded.

use std::time::Duration;

use sha2::{Digest, Sha256};

use forms::Submission;

/// How long a key given by the client holds.
pub const CLIENT_KEY_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// How long a key derived from the client's address holds.
pub const DERIVED_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Where a submission came from.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// A key the client made (`idempotency_key` field or `Idempotency-Key` header).
    ClientKey(&'a str),
    /// No key: the client's address and `User-Agent`.
    Client { ip: &'a str, user_agent: &'a str },
}

/// Whether a client's key is usable: 8 to 128 letters, digits, `-` or `_` (a UUID is).
pub fn valid_client_key(key: &str) -> bool {
    (8..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The key (hex) and how long it holds.
pub fn key(form: &str, answers: &Submission, origin: Origin<'_>) -> (String, Duration) {
    let mut h = Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(form.as_bytes());
    part(&serde_json::to_vec(&answers.values).expect("values serialise"));
    let window = match origin {
        Origin::ClientKey(k) => {
            part(b"key");
            part(k.as_bytes());
            CLIENT_KEY_WINDOW
        }
        Origin::Client { ip, user_agent } => {
            part(b"client");
            part(ip.as_bytes());
            part(user_agent.as_bytes());
            DERIVED_WINDOW
        }
    };
    let hex = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    (hex, window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use forms::Value;

    fn answers(overall: &str) -> Submission {
        let mut s = Submission::default();
        s.values
            .insert("overall".into(), Value::One(overall.into()));
        s
    }

    const A: Origin = Origin::Client {
        ip: "192.0.2.1",
        user_agent: "Firefox",
    };
    const B: Origin = Origin::Client {
        ip: "192.0.2.2",
        user_agent: "Firefox",
    };

    #[test]
    fn the_same_answers_from_the_same_client_are_one_submission() {
        assert_eq!(
            key("survey", &answers("5"), A),
            key("survey", &answers("5"), A)
        );
    }

    #[test]
    fn two_people_with_identical_answers_are_two_submissions() {
        assert_ne!(
            key("survey", &answers("5"), A).0,
            key("survey", &answers("5"), B).0
        );
    }

    #[test]
    fn changed_answers_or_another_form_are_new_submissions() {
        assert_ne!(
            key("survey", &answers("5"), A).0,
            key("survey", &answers("4"), A).0
        );
        assert_ne!(
            key("survey", &answers("5"), A).0,
            key("feedback", &answers("5"), A).0
        );
        let k = Origin::ClientKey("3f1c9a4e-8d2b-4c1e-9a7f-2b6d8e0c4a11");
        assert_ne!(
            key("survey", &answers("5"), k).0,
            key("survey", &answers("4"), k).0
        );
        assert_eq!(key("survey", &answers("5"), k).1, CLIENT_KEY_WINDOW);
    }

    #[test]
    fn client_keys_must_look_like_keys() {
        assert!(valid_client_key("3f1c9a4e-8d2b-4c1e-9a7f-2b6d8e0c4a11"));
        assert!(!valid_client_key("short"));
        assert!(!valid_client_key("مفتاح-عربي-طويل-جدا"));
        assert!(!valid_client_key(&"a".repeat(129)));
    }
}
