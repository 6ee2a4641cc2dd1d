//! The association's identity and display settings (`site.yaml`), used by the site's pages and
//! by the service's answers, which share one base layout.

use serde::{Deserialize, Serialize};

use crate::digits::Digits;
use crate::privacy::Privacy;
use crate::source::{SourceError, Text, locate_key};

/// Which calendars dates are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Calendar {
    Gregorian,
    Hijri,
    #[default]
    Both,
}

/// A social-media account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Social {
    pub name: String,
    pub url: String,
}

/// The association's contact details. Every value is optional: a site shows what it has.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub phone: Option<String>,
    pub whatsapp: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub map_url: Option<String>,
    pub hours: Option<String>,
    #[serde(default)]
    pub social: Vec<Social>,
}

impl Contact {
    /// The keys a channel may name in its `contacts` list.
    pub const KEYS: [&'static str; 6] =
        ["phone", "whatsapp", "email", "address", "map_url", "social"];

    /// Every value given, in the order of the keys (accounts by their address), for the check of
    /// placeholders.
    pub fn values(&self) -> Vec<&str> {
        [
            &self.phone,
            &self.whatsapp,
            &self.email,
            &self.address,
            &self.map_url,
            &self.hours,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(self.social.iter().map(|s| s.url.as_str()))
        .collect()
    }

    /// Whether the key names a contact detail this site has.
    pub fn has(&self, key: &str) -> bool {
        match key {
            "phone" => self.phone.is_some(),
            "whatsapp" => self.whatsapp.is_some(),
            "email" => self.email.is_some(),
            "address" => self.address.is_some(),
            "map_url" => self.map_url.is_some(),
            "social" => !self.social.is_empty(),
            _ => false,
        }
    }
}

/// One entry of the main menu.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    pub title: String,
    pub path: String,
}

/// One of the things people come to the site for, shown first on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HomeAction {
    pub title: String,
    /// A page of the site, such as `/forms/request/` (checked like the menu's paths).
    pub path: String,
    /// One short line under the title.
    pub text: Option<String>,
}

/// The home page's opening (`home:` in `site.yaml`); every key is optional.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Home {
    /// The sentence under the association's name; `description` when absent.
    pub intro: Option<String>,
    /// The primary actions, in order; the site's forms and the follow-up when empty.
    #[serde(default)]
    pub actions: Vec<HomeAction>,
}

/// `admin:` in `site.yaml`: the GitHub repository the browser editor at `/admin/` commits to
/// (through pull requests), and its branch. Without it the site has no `/admin/`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Admin {
    /// `owner/name` of the repository on GitHub.
    pub repo: String,
    /// The branch pull requests go to and the site is published from.
    #[serde(default = "default_branch")]
    pub branch: String,
    /// The content folder's place in the repository (`content`, `examples/qana/content`).
    #[serde(default = "default_folder")]
    pub folder: String,
}

fn default_branch() -> String {
    "main".to_string()
}

fn default_folder() -> String {
    "content".to_string()
}

impl Admin {
    /// Problems with the repository's or the branch's name, at their place in `text`.
    fn check(&self, file: &str, text: &str) -> Vec<SourceError> {
        let mut errors = Vec::new();
        let owner_ok = |o: &str| {
            !o.is_empty()
                && o.len() <= 39
                && !o.starts_with('-')
                && o.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        let name_ok = |n: &str| {
            !n.is_empty()
                && n.len() <= 100
                && n != "."
                && n != ".."
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let repo_ok =
            matches!(self.repo.split_once('/'), Some((o, n)) if owner_ok(o) && name_ok(n));
        if !repo_ok {
            let (l, c) = locate_key(text, "repo", Some("admin:"));
            errors.push(SourceError::new(
                file,
                l,
                c,
                Text::new(
                    format!(
                        "admin.repo {:?} ليس اسم مستودع على GitHub: يُكتب «المالك/الاسم»، مثل aman-org/site",
                        self.repo
                    ),
                    format!(
                        "admin.repo {:?} is not a GitHub repository: write owner/name, such as aman-org/site",
                        self.repo
                    ),
                ),
            ));
        }
        let b = &self.branch;
        let branch_ok = !b.is_empty()
            && !b.starts_with(['-', '/', '.'])
            && !b.ends_with(['/', '.'])
            && !b.contains("..")
            && !b.ends_with(".lock")
            && !b
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c));
        if !branch_ok {
            let (l, c) = locate_key(text, "branch", Some("admin:"));
            errors.push(SourceError::new(
                file,
                l,
                c,
                Text::new(
                    format!(
                        "admin.branch {b:?} ليس اسم فرع صالحًا في Git (بلا مسافات ولا .. ولا ~^:?*[\\)"
                    ),
                    format!("admin.branch {b:?} is not a valid Git branch name (no spaces, .., or ~^:?*[\\)"),
                ),
            ));
        }
        let f = &self.folder;
        let folder_ok = !f.is_empty()
            && !f.starts_with('/')
            && !f.contains('\\')
            && f.split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        if !folder_ok {
            let (l, c) = locate_key(text, "folder", Some("admin:"));
            errors.push(SourceError::new(
                file,
                l,
                c,
                Text::new(
                    format!(
                        "admin.folder {f:?} يُكتب مسار مجلد المحتوى داخل المستودع، مثل content أو examples/qana/content"
                    ),
                    format!(
                        "admin.folder {f:?} must be the content folder's path inside the repository, such as content or examples/qana/content"
                    ),
                ),
            ));
        }
        errors
    }
}

/// `site.yaml`: the association and how its site is shown.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub name: String,
    pub short_name: String,
    pub description: String,
    /// The published address, without a trailing `/`.
    pub base_url: String,
    /// Where forms post: `{forms_url}/forms/{id}` and `{forms_url}/track`.
    #[serde(default = "default_forms_url")]
    pub forms_url: String,
    #[serde(default)]
    pub digits: Digits,
    #[serde(default)]
    pub calendar: Calendar,
    #[serde(default)]
    pub contact: Contact,
    /// True while the contact details are placeholders; the site then says so.
    #[serde(default)]
    pub example_values: bool,
    #[serde(default)]
    pub nav: Vec<NavItem>,
    /// What the privacy notice needs besides the forms (`None` when `site.yaml` has no `privacy:`).
    #[serde(default)]
    pub privacy: Option<Privacy>,
    #[serde(default)]
    pub home: Home,
    /// The challenge provider for the forms with `captcha: true` (none by default).
    #[serde(default)]
    pub captcha: Option<crate::captcha::Captcha>,
    /// The e-mails' sender and the staff's addresses (`None`: no e-mail is sent).
    #[serde(default)]
    pub notifications: Option<crate::notify::Notifications>,
    /// The browser editor at `/admin/` (`None`: the site has none).
    #[serde(default)]
    pub admin: Option<Admin>,
}

fn default_forms_url() -> String {
    "/api".to_string()
}

impl SiteConfig {
    /// Parses and checks `site.yaml`; `file` names it in errors.
    pub fn from_yaml(file: &str, text: &str) -> Result<Self, Vec<SourceError>> {
        let mut site: SiteConfig =
            serde_norway::from_str(text).map_err(|e| vec![SourceError::from_yaml(file, &e, 0)])?;
        let mut errors = Vec::new();
        site.base_url = site.base_url.trim_end_matches('/').to_string();
        site.forms_url = site.forms_url.trim_end_matches('/').to_string();
        if !(site.base_url.starts_with("https://") || site.base_url.starts_with("http://")) {
            let (l, c) = locate_key(text, "base_url", None);
            errors.push(SourceError::new(
                file,
                l,
                c,
                Text::new(
                    "يُكتب base_url عنوانًا كاملًا، مثل https://example.org",
                    "base_url must be a full address such as https://example.org",
                ),
            ));
        }
        let paths = site.nav.iter().map(|n| ("menu", &n.path));
        let actions = site.home.actions.iter().map(|a| ("home action", &a.path));
        for (what, path) in paths.chain(actions) {
            if !path.starts_with('/') {
                let (l, c) = locate_key(text, "path", Some(path));
                errors.push(SourceError::new(
                    file,
                    l,
                    c,
                    Text::new(
                        format!(
                            "مسار {} {path:?} يبدأ بالشرطة المائلة /",
                            if what == "menu" {
                                "القائمة"
                            } else {
                                "إجراء الصفحة الرئيسية"
                            }
                        ),
                        format!("{what} path {path:?} must start with /"),
                    ),
                ));
            }
        }
        if let Some(n) = &site.notifications {
            errors.extend(n.check(file, text));
        }
        if let Some(a) = &site.admin {
            errors.extend(a.check(file, text));
        }
        if errors.is_empty() {
            Ok(site)
        } else {
            Err(errors)
        }
    }

    /// The address a form posts to.
    pub fn form_action(&self, form_id: &str) -> String {
        format!("{}/forms/{form_id}", self.forms_url)
    }

    /// The address the follow-up form posts to.
    pub fn track_action(&self) -> String {
        format!("{}/track", self.forms_url)
    }

    /// What the form service uses of the site: all but what only the site's own pages show (the
    /// contact details and their example notice, the home page, the privacy notice's facts). The
    /// service renders its answers with this, and the deploy decides from it whether the service
    /// must be rebuilt: a new phone number republishes the site without redeploying the service.
    pub fn for_service(&self) -> SiteConfig {
        SiteConfig {
            contact: Contact::default(),
            example_values: false,
            home: Home::default(),
            privacy: None,
            admin: None,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "name: جمعية\nshort_name: ج\ndescription: d\nbase_url: https://x.example.org/\ndigits: arabic-indic\n";

    #[test]
    fn the_service_keeps_what_its_answers_need_and_none_of_what_only_the_site_shows() {
        let text = format!(
            "{GOOD}example_values: true\ncontact:\n  phone: \"+966 11 000 0000\"\nhome:\n  intro: أهلًا\nnav:\n  - {{ title: السياسة, path: /policy/ }}\n"
        );
        let site = SiteConfig::from_yaml("site.yaml", &text).unwrap();
        let service = site.for_service();
        assert_eq!(service.contact, Contact::default());
        assert!(!service.example_values);
        assert_eq!(service.home, Home::default());
        assert_eq!(
            (service.name.as_str(), service.digits, &service.nav),
            (site.name.as_str(), site.digits, &site.nav)
        );
        assert_eq!(service.form_action("request"), site.form_action("request"));
    }

    #[test]
    fn the_editor_s_repository_and_branch_are_checked_where_they_are_written() {
        let text = format!("{GOOD}admin:\n  repo: aman-org/policy-site\n");
        let site = SiteConfig::from_yaml("site.yaml", &text).unwrap();
        let admin = site.admin.clone().unwrap();
        assert_eq!(
            (admin.repo.as_str(), admin.branch.as_str()),
            ("aman-org/policy-site", "main")
        );
        assert_eq!(
            site.for_service().admin,
            None,
            "the service has no use for it"
        );
        let text =
            format!("{GOOD}admin:\n  repo: https://github.com/aman-org\n  branch: my branch\n");
        let errs = SiteConfig::from_yaml("site.yaml", &text).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (7, 3), "{}", errs[0]);
        assert!(errs[0].message.en.contains("owner/name"), "{}", errs[0]);
        assert!(errs[0].message.ar.contains("المالك/الاسم"), "{}", errs[0]);
        assert_eq!((errs[1].line, errs[1].column), (8, 3), "{}", errs[1]);
        assert!(errs[1].message.en.contains("branch"), "{}", errs[1]);
        let text = format!("{GOOD}admin:\n  repo: a/b\n  folder: ../content\n");
        let errs = SiteConfig::from_yaml("site.yaml", &text).unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (8, 3), "{}", errs[0]);
        assert!(errs[0].message.en.contains("content folder"), "{}", errs[0]);
        let text = format!("{GOOD}admin:\n  repository: a/b\n");
        let errs = SiteConfig::from_yaml("site.yaml", &text).unwrap_err();
        assert!(errs[0].message.en.contains("repository"), "{}", errs[0]);
    }

    #[test]
    fn parses_a_minimal_site() {
        let s = SiteConfig::from_yaml("site.yaml", GOOD).unwrap();
        assert_eq!(s.base_url, "https://x.example.org");
        assert_eq!(s.digits, Digits::ArabicIndic);
        assert_eq!(s.calendar, Calendar::Both);
        assert_eq!(s.form_action("request"), "/api/forms/request");
    }

    #[test]
    fn an_unknown_key_is_reported_where_it_is() {
        let text = format!("{GOOD}colour: red\n");
        let errs = SiteConfig::from_yaml("site.yaml", &text).unwrap_err();
        assert_eq!((errs[0].line, errs[0].column), (6, 1), "{}", errs[0]);
        assert!(errs[0].message.en.contains("colour"), "{}", errs[0]);
    }

    #[test]
    fn home_actions_are_read_and_their_paths_start_with_a_slash() {
        let text = format!(
            "{GOOD}home:\n  intro: ابدأ هنا\n  actions:\n    - {{ title: طلب, path: /forms/request/ }}\n    - {{ title: متابعة, path: track/ }}\n"
        );
        let errs = SiteConfig::from_yaml("site.yaml", &text).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, 10, "{}", errs[0]);
        assert!(
            errs[0].message.en.contains("home action path \"track/\""),
            "{}",
            errs[0]
        );
        let good = SiteConfig::from_yaml("site.yaml", &text.replace("track/", "/track/")).unwrap();
        assert_eq!(good.home.intro.as_deref(), Some("ابدأ هنا"));
        assert_eq!(good.home.actions[1].path, "/track/");
    }

    #[test]
    fn a_wrong_digit_setting_says_what_is_allowed() {
        let text = GOOD.replace("arabic-indic", "roman");
        let errs = SiteConfig::from_yaml("site.yaml", &text).unwrap_err();
        assert_eq!(errs[0].line, 5);
        assert!(errs[0].message.ar.contains("western"), "{}", errs[0]);
    }
}
