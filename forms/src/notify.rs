//! Who is told of what by e-mail, as the content says it: the sender and the staff's addresses
//! (`notifications:` in `site.yaml`, each address written once, under a name) and, per form, which
//! of them hear of each new submission and whether the e-mail carries the answers (`notify:` in a
//! form definition, naming them). The service sends; this only says to whom.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::FormDef;
use crate::source::{SourceError, locate_in, locate_key, locate_value};

/// `notifications:` in `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// The address e-mails are sent from (on the domain the mail service verifies); the
    /// association's name is its display name.
    pub from: String,
    /// The staff's addresses by a short name (`quality: quality@…`): forms and the digest name
    /// them, so each address is written once.
    #[serde(default)]
    pub staff: BTreeMap<String, String>,
    /// The names (of `staff`) who get the daily digest of new, open and overdue cases.
    #[serde(default)]
    pub digest: Vec<String>,
}

/// `notify:` in a form definition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// The names (of `notifications.staff` in `site.yaml`) told of each new submission.
    #[serde(default)]
    pub staff: Vec<String>,
    /// Whether that e-mail carries the beneficiary's answers (default: no; mailboxes are outside
    /// the system).
    #[serde(default)]
    pub answers: bool,
}

impl Notifications {
    /// The addresses of these names, in their order; an unknown name is left out (`check_form`
    /// reports it).
    pub fn addresses<'a>(&'a self, names: &'a [String]) -> impl Iterator<Item = &'a str> + 'a {
        names
            .iter()
            .filter_map(|n| self.staff.get(n).map(String::as_str))
    }

    /// The digest's addresses.
    pub fn digest_addresses(&self) -> Vec<&str> {
        self.addresses(&self.digest).collect()
    }

    /// Every address written, for the check of placeholders.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.from.as_str()).chain(self.staff.values().map(String::as_str))
    }

    /// Checks `site.yaml`'s `notifications:` (`text`, named `file`): every address is one, and
    /// the digest names known staff.
    pub fn check(&self, file: &str, text: &str) -> Vec<SourceError> {
        let mut errors = Vec::new();
        for address in self.values() {
            if crate::normalise::email(address).is_none() {
                let (l, c) = locate_value(text, address);
                errors.push(SourceError::new(
                    file,
                    l,
                    c,
                    crate::Text::new(
                        format!("«{address}» ليس عنوان بريد إلكتروني صحيحًا، مثل name@example.org"),
                        format!("{address:?} is not an e-mail address such as name@example.org"),
                    ),
                ));
            }
        }
        for name in &self.digest {
            if !self.staff.contains_key(name) {
                let (l, c) = locate_in(text, "digest", None, name);
                errors.push(unknown_name(file, l, c, name, &self.staff));
            }
        }
        errors
    }
}

fn unknown_name(
    file: &str,
    line: usize,
    column: usize,
    name: &str,
    staff: &BTreeMap<String, String>,
) -> SourceError {
    let known = staff.keys().cloned().collect::<Vec<_>>().join("، ");
    SourceError::new(
        file,
        line,
        column,
        crate::Text::new(
            format!(
                "لا يوجد عنوان باسم «{name}» في notifications.staff في site.yaml؛ الأسماء الموجودة: {known}"
            ),
            format!(
                "no staff address is named {name:?} under notifications.staff in site.yaml; the names are: {}",
                staff.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        ),
    )
}

/// Checks a form's `notify:` against the site's `notifications:`: every name it gives is a staff
/// address there (`text` is the form's file, named `file`).
pub fn check_form(
    notifications: Option<&Notifications>,
    form: &FormDef,
    file: &str,
    text: &str,
) -> Vec<SourceError> {
    let Some(notify) = &form.notify else {
        return Vec::new();
    };
    let Some(n) = notifications else {
        let (l, c) = locate_key(text, "notify", None);
        return vec![SourceError::new(
            file,
            l,
            c,
            crate::Text::new(
                "يحتاج `notify:` إلى `notifications:` في site.yaml (عنوان المرسل وعناوين الموظفين)",
                "`notify:` needs `notifications:` in site.yaml (the sender and the staff's addresses)",
            ),
        )];
    };
    notify
        .staff
        .iter()
        .filter(|name| !n.staff.contains_key(*name))
        .map(|name| {
            let (l, c) = locate_in(text, "notify", None, name);
            unknown_name(file, l, c, name, &n.staff)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "notifications:\n  from: forms@x.example.org\n  staff:\n    quality: quality@x.example.org\n    boss: not-an-address\n  digest: [quality, board]\n";

    fn notifications() -> Notifications {
        #[derive(Deserialize)]
        struct Wrap {
            notifications: Notifications,
        }
        serde_norway::from_str::<Wrap>(SITE).unwrap().notifications
    }

    #[test]
    fn a_bad_address_and_an_unknown_digest_name_are_reported_where_written() {
        let errors = notifications().check("site.yaml", SITE);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column), (5, 11));
        assert!(errors[0].message.ar.contains("not-an-address"));
        assert_eq!(errors[1].line, 6);
        assert!(errors[1].message.ar.contains("board"));
    }

    #[test]
    fn a_form_names_staff_the_site_knows() {
        let text = "title: t\nnotify:\n  staff: [quality, nobody]\nfields:\n  - { name: a, label: A, type: text }\n";
        let form = FormDef::from_yaml("t", "forms/t.yaml", text).unwrap();
        let n = notifications();
        let errors = check_form(Some(&n), &form, "forms/t.yaml", text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].column), (3, 20));
        assert!(errors[0].message.ar.contains("nobody"));
        assert_eq!(
            n.addresses(&form.notify.as_ref().unwrap().staff)
                .collect::<Vec<_>>(),
            ["quality@x.example.org"]
        );
        assert!(
            !form.notify.as_ref().unwrap().answers,
            "answers are off by default"
        );
        assert_eq!(check_form(None, &form, "forms/t.yaml", text).len(), 1);
    }
}
