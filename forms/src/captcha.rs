//! The optional spam check beside the honeypot: a challenge from Cloudflare Turnstile or hCaptcha,
//! shown on the forms that ask for it (`captcha: true` in the form definition) and verified by the
//! service with the provider before anything is stored. Off unless `site.yaml` names a provider.
//!
//! What both sides need is here: the provider's script, the name of the field its widget posts,
//! its verify address, and the hosts the pages' content policy must allow.

use serde::{Deserialize, Serialize};

/// A challenge provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Turnstile,
    Hcaptcha,
}

impl Provider {
    /// The provider's widget script, loaded only on a form that asks for the check (Arabic UI).
    pub fn script(self) -> &'static str {
        match self {
            Provider::Turnstile => "https://challenges.cloudflare.com/turnstile/v0/api.js",
            Provider::Hcaptcha => "https://js.hcaptcha.com/1/api.js?hl=ar",
        }
    }

    /// The CSS class of the element the script turns into the widget.
    pub fn widget_class(self) -> &'static str {
        match self {
            Provider::Turnstile => "cf-turnstile",
            Provider::Hcaptcha => "h-captcha",
        }
    }

    /// The field the widget adds to the form, holding the token to verify.
    pub fn response_field(self) -> &'static str {
        match self {
            Provider::Turnstile => "cf-turnstile-response",
            Provider::Hcaptcha => "h-captcha-response",
        }
    }

    /// The provider's server-side verify address.
    pub fn verify_url(self) -> &'static str {
        match self {
            Provider::Turnstile => "https://challenges.cloudflare.com/turnstile/v0/siteverify",
            Provider::Hcaptcha => "https://api.hcaptcha.com/siteverify",
        }
    }

    /// The origins the content policy must allow for scripts and frames on a form with the check.
    pub fn csp_origins(self) -> &'static str {
        match self {
            Provider::Turnstile => "https://challenges.cloudflare.com",
            Provider::Hcaptcha => "https://hcaptcha.com https://*.hcaptcha.com",
        }
    }

    /// `base` (a content policy whose `script-src` and `style-src` are `'self'`) opened to the
    /// provider: its script, its frame, its calls, and (hCaptcha) its styles.
    pub fn content_policy(self, base: &str) -> String {
        let o = self.csp_origins();
        let mut policy = base.replacen("script-src 'self'", &format!("script-src 'self' {o}"), 1);
        if self == Provider::Hcaptcha {
            policy = policy.replacen("style-src 'self'", &format!("style-src 'self' {o}"), 1);
        }
        format!("{policy}; frame-src {o}; connect-src 'self' {o}")
    }
}

/// `captcha:` in `site.yaml`: the provider and the site key it gave the association (public; the
/// secret key is the service's `FORMS_CAPTCHA_SECRET`, never in the content).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Captcha {
    pub provider: Provider,
    pub site_key: String,
}

/// Templates get the provider's facts with it: `script`, `widget_class`, `response_field`.
impl Serialize for Captcha {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Captcha", 5)?;
        st.serialize_field("provider", &self.provider)?;
        st.serialize_field("site_key", &self.site_key)?;
        st.serialize_field("script", self.provider.script())?;
        st.serialize_field("widget_class", self.provider.widget_class())?;
        st.serialize_field("response_field", self.provider.response_field())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_posts_its_own_field_to_its_own_verify_address() {
        assert_eq!(
            Provider::Turnstile.response_field(),
            "cf-turnstile-response"
        );
        assert_eq!(Provider::Hcaptcha.response_field(), "h-captcha-response");
        assert!(Provider::Turnstile.verify_url().ends_with("/siteverify"));
        assert!(Provider::Hcaptcha.verify_url().ends_with("/siteverify"));
        let c: Captcha = serde_norway::from_str(
            "provider: hcaptcha\nsite_key: 10000000-ffff-ffff-ffff-000000000001\n",
        )
        .unwrap();
        assert_eq!(c.provider, Provider::Hcaptcha);
        assert!(serde_norway::from_str::<Captcha>("provider: recaptcha\nsite_key: x\n").is_err());
    }

    #[test]
    fn the_content_policy_opens_to_the_provider_only_where_needed() {
        let base = "default-src 'self'; script-src 'self'; style-src 'self'";
        assert_eq!(
            Provider::Turnstile.content_policy(base),
            "default-src 'self'; script-src 'self' https://challenges.cloudflare.com; style-src 'self'; \
             frame-src https://challenges.cloudflare.com; connect-src 'self' https://challenges.cloudflare.com"
        );
        let h = Provider::Hcaptcha.content_policy(base);
        assert!(h.contains("style-src 'self' https://hcaptcha.com https://*.hcaptcha.com"));
        assert!(h.contains("frame-src https://hcaptcha.com"));
    }
}
