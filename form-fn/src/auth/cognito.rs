//! Sign-in through the Cognito user pool's API, on the service's own Arabic pages: the password
//! (`USER_PASSWORD_AUTH`), then whichever challenge the pool asks for (a first-time password
//! change, an authenticator app's code, or setting up the app), and the manager's calls on staff
//! accounts (invite, disable, enable, list). Every token the pool returns is verified in full
//! ([`super::token`]) before anyone is signed in.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType, DeliveryMediumType,
};

use super::token::{TokenUse, Verifier};
use super::{Role, StaffMember};

/// Where a sign-in stands after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Signed in.
    Done(StaffMember),
    /// The first sign-in of an invited account: a new password is needed.
    NewPassword { session: String },
    /// The code of the authenticator app is needed.
    Mfa { session: String },
    /// The account has no authenticator app yet: add this key to one, then give its code.
    MfaSetup { session: String, secret: String },
}

/// Why a step failed, as the sign-in page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// Wrong e-mail or password, or an account that is disabled (not told apart).
    Credentials,
    /// A wrong or stale code.
    Code,
    /// A new password the pool's policy refuses.
    Policy,
    /// The sign-in took too long: start again.
    Expired,
    /// The account is in no staff group.
    NoRole,
    /// A token did not verify: never expected from the pool itself.
    Token(super::token::Refused),
    /// Cognito could not be reached or refused for another reason (its error code).
    Unavailable(String),
}

/// The user pool and its app client.
pub struct Cognito {
    client: Client,
    pool_id: String,
    client_id: String,
    verifier: Verifier,
}

fn error_code<E: ProvideErrorMetadata>(
    e: &aws_sdk_cognitoidentityprovider::error::SdkError<E>,
) -> String {
    e.as_service_error()
        .and_then(|s| s.code())
        .unwrap_or("unreachable")
        .to_string()
}

fn sign_in_error(code: String) -> SignInError {
    match code.as_str() {
        "NotAuthorizedException"
        | "UserNotFoundException"
        | "PasswordResetRequiredException"
        | "UserNotConfirmedException" => SignInError::Credentials,
        "CodeMismatchException" | "EnableSoftwareTokenMFAException" | "ExpiredCodeException" => {
            SignInError::Code
        }
        "InvalidPasswordException" => SignInError::Policy,
        "ResourceNotFoundException" => SignInError::Expired,
        _ => SignInError::Unavailable(code),
    }
}

impl Cognito {
    /// The pool `pool_id` (its region is the id's prefix) and app client `client_id`, reached at
    /// `endpoint` when given (a test server) and else at AWS.
    pub async fn new(pool_id: &str, client_id: &str, endpoint: Option<&str>) -> Cognito {
        let region = pool_id.split('_').next().unwrap_or("us-east-1").to_string();
        let mut loader =
            crate::https::sdk_defaults().region(aws_config::Region::new(region.clone()));
        if let Some(url) = endpoint {
            loader = loader.endpoint_url(url);
            if crate::table::is_loopback(url) {
                loader = loader.credentials_provider(
                    aws_sdk_cognitoidentityprovider::config::Credentials::new(
                        "local", "local", None, None, "local",
                    ),
                );
            }
        }
        Cognito {
            client: Client::new(&loader.load().await),
            pool_id: pool_id.to_string(),
            client_id: client_id.to_string(),
            verifier: Verifier::new(&region, pool_id, client_id, endpoint),
        }
    }

    /// The verifier of this pool's tokens.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The first step: e-mail and password.
    pub async fn password(&self, username: &str, password: &str) -> Result<Step, SignInError> {
        let out = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(&self.client_id)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .map_err(|e| sign_in_error(error_code(&e)))?;
        self.next(
            out.challenge_name(),
            out.session(),
            out.authentication_result(),
        )
        .await
    }

    /// Answers the challenge `name` with `answers` (besides the user name).
    async fn respond(
        &self,
        name: ChallengeNameType,
        session: &str,
        username: &str,
        answers: &[(&str, &str)],
    ) -> Result<Step, SignInError> {
        let mut req = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(name)
            .session(session)
            .challenge_responses("USERNAME", username);
        for (k, v) in answers {
            req = req.challenge_responses(*k, *v);
        }
        let out = req
            .send()
            .await
            .map_err(|e| sign_in_error(error_code(&e)))?;
        self.next(
            out.challenge_name(),
            out.session(),
            out.authentication_result(),
        )
        .await
    }

    /// A first-time password change.
    pub async fn new_password(
        &self,
        session: &str,
        username: &str,
        password: &str,
    ) -> Result<Step, SignInError> {
        self.respond(
            ChallengeNameType::NewPasswordRequired,
            session,
            username,
            &[("NEW_PASSWORD", password)],
        )
        .await
    }

    /// The authenticator app's code.
    pub async fn mfa(
        &self,
        session: &str,
        username: &str,
        code: &str,
    ) -> Result<Step, SignInError> {
        self.respond(
            ChallengeNameType::SoftwareTokenMfa,
            session,
            username,
            &[("SOFTWARE_TOKEN_MFA_CODE", code)],
        )
        .await
    }

    /// The first code of a newly added authenticator app: verifies it, then finishes the setup.
    pub async fn mfa_setup(
        &self,
        session: &str,
        username: &str,
        code: &str,
    ) -> Result<Step, SignInError> {
        let out = self
            .client
            .verify_software_token()
            .session(session)
            .user_code(code)
            .friendly_device_name("staff")
            .send()
            .await
            .map_err(|e| sign_in_error(error_code(&e)))?;
        let session = out.session().unwrap_or(session).to_string();
        self.respond(ChallengeNameType::MfaSetup, &session, username, &[])
            .await
    }

    async fn next(
        &self,
        challenge: Option<&ChallengeNameType>,
        session: Option<&str>,
        result: Option<&AuthenticationResultType>,
    ) -> Result<Step, SignInError> {
        let session = session.unwrap_or_default().to_string();
        match (challenge, result) {
            (_, Some(tokens)) => self.identify(tokens).await.map(Step::Done),
            (Some(ChallengeNameType::NewPasswordRequired), _) => Ok(Step::NewPassword { session }),
            (Some(ChallengeNameType::SoftwareTokenMfa), _) => Ok(Step::Mfa { session }),
            (Some(ChallengeNameType::MfaSetup), _) => {
                let out = self
                    .client
                    .associate_software_token()
                    .session(&session)
                    .send()
                    .await
                    .map_err(|e| sign_in_error(error_code(&e)))?;
                Ok(Step::MfaSetup {
                    session: out.session().unwrap_or(&session).to_string(),
                    secret: out.secret_code().unwrap_or_default().to_string(),
                })
            }
            (Some(other), _) => Err(SignInError::Unavailable(format!(
                "unsupported challenge {}",
                other.as_str()
            ))),
            (None, None) => Err(SignInError::Unavailable("no tokens".to_string())),
        }
    }

    /// The staff member the pool's tokens name, once both verify.
    async fn identify(
        &self,
        tokens: &AuthenticationResultType,
    ) -> Result<StaffMember, SignInError> {
        let id = self
            .verifier
            .verify(tokens.id_token().unwrap_or_default(), TokenUse::Id)
            .await
            .map_err(SignInError::Token)?;
        let access = self
            .verifier
            .verify(tokens.access_token().unwrap_or_default(), TokenUse::Access)
            .await
            .map_err(SignInError::Token)?;
        if access.sub != id.sub {
            return Err(SignInError::Token(super::token::Refused::Client));
        }
        let role = Role::of_groups(&id.groups).ok_or(SignInError::NoRole)?;
        let email = id
            .email
            .clone()
            .or(id.cognito_username.clone())
            .unwrap_or_else(|| id.sub.clone());
        Ok(StaffMember {
            id: id.sub,
            email,
            role,
        })
    }

    /// Invites `email` as `role`: Cognito e-mails a temporary password, changed at first sign-in.
    pub async fn invite(&self, email: &str, role: Role) -> Result<(), String> {
        self.client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email)
            .user_attributes(
                AttributeType::builder()
                    .name("email")
                    .value(email)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .user_attributes(
                AttributeType::builder()
                    .name("email_verified")
                    .value("true")
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await
            .map_err(|e| error_code(&e))?;
        self.client
            .admin_add_user_to_group()
            .user_pool_id(&self.pool_id)
            .username(email)
            .group_name(role.group())
            .send()
            .await
            .map_err(|e| error_code(&e))?;
        Ok(())
    }

    /// Disables the account `username` and signs it out everywhere (its refresh tokens end).
    pub async fn disable(&self, username: &str) -> Result<(), String> {
        self.client
            .admin_disable_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .map_err(|e| error_code(&e))?;
        self.client
            .admin_user_global_sign_out()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .map_err(|e| error_code(&e))?;
        Ok(())
    }

    /// Enables a disabled account again.
    pub async fn enable(&self, username: &str) -> Result<(), String> {
        self.client
            .admin_enable_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| error_code(&e))
    }

    /// Every staff account: (user name, e-mail, role, enabled, Cognito's id).
    pub async fn staff(&self) -> Result<Vec<Account>, String> {
        let mut out = Vec::new();
        for role in [Role::Manager, Role::Caseworker] {
            let mut next = None;
            loop {
                let page = self
                    .client
                    .list_users_in_group()
                    .user_pool_id(&self.pool_id)
                    .group_name(role.group())
                    .set_next_token(next.take())
                    .send()
                    .await
                    .map_err(|e| error_code(&e))?;
                for u in page.users() {
                    let attr = |name: &str| {
                        u.attributes()
                            .iter()
                            .find(|a| a.name() == name)
                            .and_then(|a| a.value())
                            .map(str::to_string)
                    };
                    let username = u.username().unwrap_or_default().to_string();
                    out.push(Account {
                        email: attr("email").unwrap_or_else(|| username.clone()),
                        id: attr("sub").unwrap_or_default(),
                        username,
                        role,
                        enabled: u.enabled(),
                    });
                }
                match page.next_token() {
                    Some(t) if !t.is_empty() => next = Some(t.to_string()),
                    _ => break,
                }
            }
        }
        out.sort_by(|a, b| a.email.cmp(&b.email));
        Ok(out)
    }
}

/// A staff account as the manager's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub username: String,
    pub email: String,
    pub id: String,
    pub role: Role,
    pub enabled: bool,
}
