//! Who a staff member is: signed in through the Cognito user pool ([`cognito`], its tokens
//! verified by [`token`]), or locally through a one-time link printed in the terminal
//! ([`LocalLink`], only in a build with the `local` feature, never the Lambda's), then known by a
//! session ([`session`]). Roles come from the pool's groups.

pub mod cognito;
pub mod jwt_crypto;
pub mod session;
pub mod token;

use serde::Serialize;

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Every case, exports, staff accounts.
    Manager,
    /// Cases assigned to them and unassigned ones.
    Caseworker,
}

impl Role {
    /// The user pool group that gives this role.
    pub fn group(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Caseworker => "caseworker",
        }
    }

    /// The role the groups give (a manager's, when both).
    pub fn of_groups<S: AsRef<str>>(groups: &[S]) -> Option<Role> {
        let has = |g: &str| groups.iter().any(|x| x.as_ref() == g);
        if has("manager") {
            Some(Role::Manager)
        } else if has("caseworker") {
            Some(Role::Caseworker)
        } else {
            None
        }
    }

    /// The role in Arabic.
    pub fn label(self) -> &'static str {
        match self {
            Role::Manager => "مدير",
            Role::Caseworker => "موظف متابعة",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        Role::of_groups(&[s]).ok_or_else(|| format!("no role {s:?}: use caseworker or manager"))
    }
}

/// A signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    /// Cognito's id of the account (`sub`), or `local`.
    pub id: String,
    /// The e-mail address: how the history and assignments name the staff member.
    pub email: String,
    pub role: Role,
}

/// The one-time sign-in link of a service run on a developer's machine: a secret printed in the
/// terminal, good for one sign-in from a loopback address, then replaced by a new one.
#[cfg(feature = "local")]
pub struct LocalLink {
    secret: std::sync::Mutex<String>,
    base: String,
}

#[cfg(feature = "local")]
impl LocalLink {
    /// A link on the service at `base` (`http://127.0.0.1:PORT`) with its first `secret`,
    /// printed at once.
    pub fn new(base: &str, secret: &str) -> LocalLink {
        let link = LocalLink {
            secret: std::sync::Mutex::new(secret.to_string()),
            base: base.trim_end_matches('/').to_string(),
        };
        link.print();
        link
    }

    fn print(&self) {
        let secret = self.secret.lock().expect("not poisoned").clone();
        eprintln!(
            "form-fn: staff sign-in (once, from this machine): {}{}?token={secret}",
            self.base,
            crate::routes::STAFF_LINK
        );
    }

    /// Whether `given` is the current secret; if so it is spent and a new link printed.
    pub fn redeem(&self, given: &str) -> bool {
        let mut secret = self.secret.lock().expect("not poisoned");
        if !session::same_secret(&secret, given) {
            return false;
        }
        *secret = session::random_hex(24);
        drop(secret);
        self.print();
        true
    }

    /// The member a local sign-in makes: a manager named by `FORMS_STAFF` or `local`.
    pub fn member() -> StaffMember {
        StaffMember {
            id: "local".to_string(),
            email: std::env::var("FORMS_STAFF")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "local".to_string()),
            role: Role::Manager,
        }
    }
}
