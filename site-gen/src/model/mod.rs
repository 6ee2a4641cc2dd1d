//! The checked domain model of a site: what the templates receive. Every raw file is read once
//! into these types (unknown or missing keys and wrong types are errors with their place), so
//! templates never see an unchecked map.

pub mod changes;
pub mod channel;
pub mod eligibility;
pub mod history;
pub mod listing;
pub mod page;
pub mod policy;
pub mod privacy;
pub mod report;

use forms::{FormDef, SiteConfig};
use serde::Serialize;

pub use channel::{Channel, ChannelDirectory};
pub use eligibility::{Category, EligibilityGuide};
pub use history::PolicyHistory;
pub use page::Page;
pub use policy::{Approval, Policy, Role, Section};
pub use privacy::PrivacyNotice;

/// A whole site, checked.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub config: SiteConfig,
    pub policy: Policy,
    pub channels: ChannelDirectory,
    /// `None` when the site has no `eligibility/` folder: no page and no link to one.
    pub eligibility: Option<EligibilityGuide>,
    /// The forms, in the order of the menu, then by file name.
    pub forms: Vec<FormDef>,
    pub pages: Vec<Page>,
    /// The privacy notice, made from `site.yaml` and the forms.
    pub privacy: PrivacyNotice,
    /// The archived versions of the policy and what changed between them.
    pub history: PolicyHistory,
    /// The public periodic reports (`data/reports/`), oldest first.
    pub reports: report::Reports,
    /// Every piece of Markdown but the generic pages' bodies (see `pages`), with where it was
    /// written, for the link check.
    #[serde(skip)]
    pub sources: Vec<MarkdownSource>,
    /// `site.yaml`: its name as the user sees it, and its text, for problems found later.
    #[serde(skip)]
    pub config_file: (String, String),
}

impl Site {
    /// The form with this id.
    pub fn form(&self, id: &str) -> Option<&FormDef> {
        self.forms.iter().find(|f| f.id == id)
    }
}

/// A form named by a channel or a category, as the templates link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormLink {
    pub id: String,
    pub title: String,
    pub path: String,
}

impl FormLink {
    /// The link to `form`'s page.
    pub fn to(form: &FormDef) -> Self {
        FormLink {
            id: form.id.clone(),
            title: form.title.clone(),
            path: form_path(&form.id),
        }
    }
}

/// The path of a form's page.
pub fn form_path(id: &str) -> String {
    format!("/forms/{id}/")
}

/// Where a piece of Markdown was written: a file's body, or a value in YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The body of a Markdown file, starting on this line.
    Body { first_line: usize },
    /// A YAML value; links in it are reported at its key.
    Value { line: usize, column: usize },
}

/// A piece of Markdown and the page it is shown on (for links relative to that page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownSource {
    pub file: String,
    pub origin: Origin,
    pub text: String,
    pub page: String,
}
