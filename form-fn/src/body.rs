//! What a POST carries: its type, its size, and its fields as `(name, value)` pairs, from an HTML
//! form (`application/x-www-form-urlencoded`) or a JSON object. Anything else is refused with the
//! reason, before any field is looked at.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use percent_encoding::percent_decode;

/// The largest body accepted, in bytes: the longest form filled to every cap, percent-encoded
/// Arabic (six bytes a letter) included, fits with room to spare.
pub const MAX_BODY: usize = 64 * 1024;

/// The most `name=value` pieces read from a body; more is refused whole.
pub const MAX_PIECES: usize = forms::validate::MAX_VALUES + 8;

/// How the body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Form,
    Json,
}

/// Why a body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Neither an HTML form nor JSON (`415`).
    UnsupportedType,
    /// Over [`MAX_BODY`] bytes (`413`).
    TooLarge,
    /// Over [`MAX_PIECES`] fields (`413`).
    TooManyFields,
    /// Bytes that are not UTF-8 (`400`).
    NotUtf8,
    /// Not a form body or a flat JSON object of texts, numbers and lists of them (`400`).
    Malformed,
}

/// The body's encoding from its `Content-Type`.
pub fn encoding(headers: &HeaderMap) -> Result<Encoding, Refused> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => Ok(Encoding::Form),
        "application/json" => Ok(Encoding::Json),
        _ => Err(Refused::UnsupportedType),
    }
}

/// Whether the client asked for JSON (`Accept: application/json`) or sent JSON.
pub fn wants_json(headers: &HeaderMap) -> bool {
    let accepts = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("application/json"));
    accepts || encoding(headers) == Ok(Encoding::Json)
}

/// Reads the body, refusing it past [`MAX_BODY`] bytes (announced or sent).
pub async fn read(headers: &HeaderMap, body: Body) -> Result<Bytes, Refused> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > MAX_BODY as u64) {
        return Err(Refused::TooLarge);
    }
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|err| {
        let mut source: Option<&dyn std::error::Error> = Some(&err);
        while let Some(e) = source {
            if e.is::<http_body_util::LengthLimitError>() {
                return Refused::TooLarge;
            }
            source = e.source();
        }
        Refused::Malformed
    })
}

/// The fields of a body, in order.
pub fn fields(encoding: Encoding, bytes: &[u8]) -> Result<Vec<(String, String)>, Refused> {
    match encoding {
        Encoding::Form => form_fields(bytes),
        Encoding::Json => json_fields(bytes),
    }
}

fn decode(part: &[u8]) -> Result<String, Refused> {
    let spaced: Vec<u8> = part
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Refused::NotUtf8)
}

fn form_fields(bytes: &[u8]) -> Result<Vec<(String, String)>, Refused> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(Refused::NotUtf8);
    }
    let pieces: Vec<&[u8]> = bytes
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.len() > MAX_PIECES {
        return Err(Refused::TooManyFields);
    }
    pieces
        .into_iter()
        .map(|piece| {
            let (name, value) = match piece.iter().position(|&b| b == b'=') {
                Some(i) => (&piece[..i], &piece[i + 1..]),
                None => (piece, &b""[..]),
            };
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

fn json_fields(bytes: &[u8]) -> Result<Vec<(String, String)>, Refused> {
    use serde_json::Value;
    if std::str::from_utf8(bytes).is_err() {
        return Err(Refused::NotUtf8);
    }
    // serde_json refuses nesting deeper than 128 levels, so a hostile body cannot exhaust the stack.
    let object: serde_json::Map<String, Value> =
        serde_json::from_slice(bytes).map_err(|_| Refused::Malformed)?;
    if object.len() > MAX_PIECES {
        return Err(Refused::TooManyFields);
    }
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let mut out = Vec::with_capacity(object.len());
    for (name, value) in object {
        match &value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    out.push((name.clone(), scalar(item).ok_or(Refused::Malformed)?));
                }
            }
            other => out.push((name, scalar(other).ok_or(Refused::Malformed)?)),
        }
        if out.len() > MAX_PIECES {
            return Err(Refused::TooManyFields);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_are_percent_decoded_with_plus_as_space() {
        let f = form_fields(
            "name=%D8%B3%D8%A7%D8%B1%D8%A9+%D8%B9&consent=agree&consent=x&empty=&flag".as_bytes(),
        )
        .unwrap();
        assert_eq!(
            f,
            [
                ("name".to_string(), "سارة ع".to_string()),
                ("consent".to_string(), "agree".to_string()),
                ("consent".to_string(), "x".to_string()),
                ("empty".to_string(), String::new()),
                ("flag".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_refused_raw_or_percent_encoded() {
        assert_eq!(form_fields(b"name=%FF%FE"), Err(Refused::NotUtf8));
        assert_eq!(form_fields(b"name=\xff"), Err(Refused::NotUtf8));
        assert_eq!(json_fields(b"{\"name\": \"\xff\"}"), Err(Refused::NotUtf8));
    }

    #[test]
    fn json_objects_of_texts_numbers_and_lists_are_fields() {
        let f = json_fields(
            r#"{"overall": 5, "consent": ["agree"], "comment": "ممتاز", "email": null}"#.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            f,
            [
                ("comment".to_string(), "ممتاز".to_string()),
                ("consent".to_string(), "agree".to_string()),
                ("overall".to_string(), "5".to_string()),
            ]
        );
    }

    #[test]
    fn nested_or_deep_json_is_malformed() {
        assert_eq!(json_fields(br#"{"a": {"b": 1}}"#), Err(Refused::Malformed));
        assert_eq!(json_fields(br#"{"a": [[1]]}"#), Err(Refused::Malformed));
        assert_eq!(json_fields(br#"[1, 2]"#), Err(Refused::Malformed));
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(json_fields(deep.as_bytes()), Err(Refused::Malformed));
    }

    #[test]
    fn ten_thousand_fields_are_refused_whole() {
        let body = (0..10_000)
            .map(|i| format!("f{i}=1"))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(form_fields(body.as_bytes()), Err(Refused::TooManyFields));
    }

    #[test]
    fn only_forms_and_json_are_read() {
        let mut h = HeaderMap::new();
        assert_eq!(encoding(&h), Err(Refused::UnsupportedType));
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert_eq!(encoding(&h), Err(Refused::UnsupportedType));
        h.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        assert_eq!(encoding(&h), Ok(Encoding::Form));
        assert!(!wants_json(&h));
        h.insert(header::ACCEPT, "application/json".parse().unwrap());
        assert!(wants_json(&h));
    }
}
