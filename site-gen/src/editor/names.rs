//! The names serde gives a type's keys or values: the fields of a struct read from front matter,
//! the variants of an enumeration. The editor's forms take them from here, so that a key renamed
//! or a value added in the model reaches the editor, and a test ties each form to its type.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The field names of struct `T` as front matter writes them, or the variant names of enum `T`.
pub fn names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut found = None;
    let _ = T::deserialize(Names(&mut found));
    found.unwrap_or(&[])
}

/// A deserializer that records what it is asked for, then stops.
struct Names<'a>(&'a mut Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("names recorded")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for Names<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(fields);
        Err(Stop)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(variants);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_a_struct_s_keys_and_an_enum_s_values_as_serde_reads_them() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Meta {
            title: String,
            #[serde(default)]
            next_review: Option<String>,
        }
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        enum Kind {
            InPerson,
            Phone,
        }
        assert_eq!(names::<Meta>(), ["title", "next_review"]);
        assert_eq!(names::<Kind>(), ["in-person", "phone"]);
    }
}
