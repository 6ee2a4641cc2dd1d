//! The site the service answers for, embedded when it is built (see `build.rs`): its identity, its
//! form definitions and its templates. Parsed once at start by the shared `forms` crate, so the
//! service validates against exactly the definitions the site was rendered from.

use std::collections::BTreeMap;

use forms::{FormDef, SiteConfig, SourceError};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The parsed site: `site.yaml`, every form by id, the follow-up form and the templates.
#[derive(Debug, Clone)]
pub struct Content {
    /// What the service uses of `site.yaml` (`SiteConfig::for_service`): its answers show no
    /// contact detail, so changing one needs no new deployment of the service.
    pub site: SiteConfig,
    pub forms: BTreeMap<String, FormDef>,
    /// The follow-up form (`forms::FormDef::track()`).
    pub track: FormDef,
    /// Every file of the templates folder: (name, text).
    pub templates: Vec<(String, String)>,
}

impl Content {
    /// Parses the embedded site; every problem is returned with its `file:line:column`.
    pub fn embedded() -> Result<Content, Vec<SourceError>> {
        let mut errors = Vec::new();
        let site = SiteConfig::from_yaml("site.yaml", embedded::SITE_YAML)
            .map_err(|e| errors.extend(e))
            .ok();
        let mut forms = BTreeMap::new();
        let notifications = site.as_ref().and_then(|s| s.notifications.as_ref());
        for (id, file, text) in embedded::FORMS {
            match FormDef::from_yaml(id, file, text) {
                Ok(def) => {
                    errors.extend(forms::notify::check_form(notifications, &def, file, text));
                    forms.insert(id.to_string(), def);
                }
                Err(e) => errors.extend(e),
            }
        }
        match site {
            Some(site) if errors.is_empty() => Ok(Content {
                site: site.for_service(),
                forms,
                track: FormDef::track(),
                templates: embedded::TEMPLATES
                    .iter()
                    .map(|(n, t)| (n.to_string(), t.to_string()))
                    .collect(),
            }),
            _ => Err(errors),
        }
    }

    /// The folder the site was embedded from.
    pub fn source_dir() -> &'static str {
        embedded::SITE_DIR
    }

    /// The form with this id.
    pub fn form(&self, id: &str) -> Option<&FormDef> {
        self.forms.get(id)
    }

    /// The invitation to the survey of each form that has one, by form id
    /// ([`forms::invite::survey_invite`]; relative to the site).
    pub fn survey_invites(&self) -> BTreeMap<String, String> {
        self.forms
            .values()
            .filter_map(|f| {
                let url = forms::invite::survey_invite(self.forms.values(), f)?;
                Some((f.id.clone(), url))
            })
            .collect()
    }

    /// The template file with this name, if the templates folder has it.
    pub fn template(&self, name: &str) -> Option<&str> {
        self.templates
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_site_parses() {
        let c = Content::embedded().unwrap_or_else(|errs| {
            panic!(
                "{}",
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(
            !c.forms.is_empty(),
            "no form embedded from {}",
            Content::source_dir()
        );
        for (id, form) in &c.forms {
            assert_eq!(&form.id, id);
            if form.trackable {
                assert!(form.contact_fields().next().is_some(), "{id}");
            }
        }
    }
}
