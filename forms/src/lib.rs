//! What the site (`site-gen`) and the form service (`form-fn`) both need to know, defined once:
//! the form definitions of `content/forms/*.yaml`, the association's identity of `content/site.yaml`,
//! and how the values of a submission are normalised and validated.
//!
//! No I/O beyond reading a definition, no AWS. HTML only behind the `render` feature: the Tera
//! setup, filters and base layout context that the site and the service share.

pub mod captcha;
pub mod dates;
pub mod definition;
pub mod digits;
pub mod invite;
pub mod normalise;
pub mod notify;
pub mod placeholder;
pub mod plural;
pub mod privacy;
#[cfg(feature = "render")]
pub mod render;
pub mod report;
pub mod response;
pub mod site;
pub mod source;
pub mod status;
pub mod validate;

pub use definition::{Choice, Field, FieldType, FormDef, FormKind, Messages};
pub use digits::Digits;
pub use notify::{Notifications, Notify};
pub use privacy::{Privacy, Recipient, Region, RightsContact};
pub use response::{Response, ResponseKind};
pub use site::{Admin, Calendar, Contact, Home, HomeAction, NavItem, SiteConfig};
pub use source::{Lang, SourceError, Text};
pub use status::Status;
pub use validate::{FieldError, Refusal, Submission, Value, validate};
