//! The channel directory (`channels/_index.md` and one file per contact channel), shown on
//! `/channels/` and listed in the policy's channels section.

use forms::render::{ContactLink, contact_links};
use forms::{Contact, FormDef, SiteConfig};
use serde::{Deserialize, Serialize};

use crate::anchors::Anchors;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::markdown;
use crate::model::FormLink;
use crate::model::listing::{self, form_ids};
use forms::Text;

/// What kind of channel it is (decides its icon and wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    InPerson,
    Phone,
    Email,
    Social,
    Web,
    Helpdesk,
    Volunteering,
    Letters,
    Branch,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChannelMeta {
    title: String,
    kind: Kind,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    contacts: Vec<String>,
    #[serde(default)]
    hours: Option<String>,
    #[serde(default)]
    form: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// One contact channel.
#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    /// The card's anchor on `/channels/`.
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub contacts: Vec<ContactLink>,
    pub hours: Option<String>,
    pub form: Option<FormLink>,
    /// The web address the channel leads to (`url:`), such as a platform of its own.
    pub link: Option<ContactLink>,
    pub html: String,
    #[serde(skip)]
    pub doc: Document,
}

/// The directory page.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelDirectory {
    pub title: String,
    pub description: Option<String>,
    pub intro_html: String,
    pub channels: Vec<Channel>,
}

/// Ids the channel template uses itself.
pub const RESERVED_IDS: [&str; 2] = ["main", "top"];

impl ChannelDirectory {
    /// Reads the directory; a channel naming a missing form or contact detail is an error.
    pub fn load(
        index: Option<Document>,
        files: Vec<Document>,
        site: &SiteConfig,
        forms: &[FormDef],
        unread: &[String],
        problems: &mut Vec<Diagnostic>,
    ) -> ChannelDirectory {
        let mut anchors = Anchors::with_reserved(&RESERVED_IDS);
        let (title, description, intro_html) =
            listing::heading(index, "قنوات التواصل", &mut anchors, problems);
        let mut channels = Vec::new();
        for doc in files {
            let meta: ChannelMeta = match doc.front_matter() {
                Ok(m) => m,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let id = listing::entry_id(
                &doc,
                meta.slug.as_deref(),
                &meta.title,
                "channel",
                &mut anchors,
                problems,
            );
            let mut contacts = Vec::new();
            for key in &meta.contacts {
                let (l, c) = doc.locate("contacts", None);
                if !Contact::KEYS.contains(&key.as_str()) {
                    problems.push(
                        Diagnostic::error(
                            &doc.file,
                            l,
                            c,
                            Text::new(
                                format!("مفتاح تواصل غير معروف {key:?}"),
                                format!("unknown contact key {key:?}"),
                            ),
                        )
                        .hint(Text::new(
                            format!("استعمل أحد هذه: {}", Contact::KEYS.join("، ")),
                            format!("use one of: {}", Contact::KEYS.join(", ")),
                        )),
                    );
                } else if !site.contact.has(key) {
                    problems.push(
                        Diagnostic::error(
                            &doc.file,
                            l,
                            c,
                            Text::new(
                                format!("وسيلة التواصل {key:?} غير مذكورة في site.yaml"),
                                format!("contact {key:?} is not given in site.yaml"),
                            ),
                        )
                        .hint(Text::new(
                            format!("أضف `{key}:` تحت `contact:` في site.yaml، أو احذفها من هذه القائمة"),
                            format!("add `{key}:` under `contact:` in site.yaml, or remove it from this list"),
                        )),
                    );
                } else {
                    contacts.extend(contact_links(site, key));
                }
            }
            let form = meta.form.as_ref().and_then(|id| {
                let found = forms.iter().find(|f| &f.id == id);
                if found.is_none() && !unread.contains(id) {
                    let (l, c) = doc.locate("form", None);
                    problems.push(
                        Diagnostic::error(
                            &doc.file,
                            l,
                            c,
                            Text::new(
                                format!("النموذج {id:?} غير موجود"),
                                format!("form {id:?} does not exist"),
                            ),
                        )
                        .hint(Text::new(
                            format!("اكتب اسم ملف من forms/ دون .yaml: {}", form_ids(forms)),
                            format!("name a file of forms/ without .yaml: {}", form_ids(forms)),
                        )),
                    );
                }
                found.map(FormLink::to)
            });
            let hours = meta.hours.or_else(|| {
                let in_hours = contacts
                    .iter()
                    .any(|c| c.key != "social" && c.key != "map_url");
                in_hours.then(|| site.contact.hours.clone()).flatten()
            });
            let link = meta.url.as_deref().map(|u| ContactLink::web("الرابط", u));
            let html = markdown::to_html(&doc.body, &mut anchors);
            channels.push(Channel {
                id,
                title: meta.title,
                kind: meta.kind,
                contacts,
                hours,
                form,
                link,
                html,
                doc,
            });
        }
        ChannelDirectory {
            title,
            description,
            intro_html,
            channels,
        }
    }
}
