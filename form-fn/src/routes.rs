//! The service's addresses: each route's pattern, as the router serves it and as the handlers,
//! pages and access log name it. It uses no other module of the service.

/// The submission route.
pub const SUBMIT: &str = "/api/forms/{form}";
/// The follow-up route.
pub const TRACK: &str = "/api/track";
/// The monitoring route.
pub const HEALTH: &str = "/api/health";

/// The inbox: the list of cases. Every page of the staff side starts with this.
pub const STAFF_INBOX: &str = "/api/staff";
/// The sign-in page (GET) and its password step (POST).
pub const STAFF_SIGN_IN: &str = "/api/staff/sign-in";
/// The sign-in's next step: a new password or an authenticator code (POST).
pub const STAFF_CHALLENGE: &str = "/api/staff/sign-in/challenge";
/// The local one-time link (GET, loopback only, `local` builds only).
pub const STAFF_LINK: &str = "/api/staff/sign-in/link";
/// Sign-out (POST).
pub const STAFF_SIGN_OUT: &str = "/api/staff/sign-out";
/// One case (GET), by its tracking code.
pub const STAFF_CASE: &str = "/api/staff/cases/{code}";
/// An action on a case (POST): `status`, `assign`, `note` or `checked`.
pub const STAFF_CASE_ACTION: &str = "/api/staff/cases/{code}/{action}";
/// A manager's correction of one answer of a case: the form (GET, `?field=NAME`) and the
/// correction (POST).
pub const STAFF_CASE_CORRECT: &str = "/api/staff/cases/{code}/correct";
/// The export of the listed cases (GET, managers): `?format=csv|json` and the list's filters.
pub const STAFF_EXPORT: &str = "/api/staff/export";
/// The periodic report (GET, managers): `?period=2026-Q1[&calendar=hijri][&format=csv]`.
pub const STAFF_REPORT: &str = "/api/staff/report";
/// Staff accounts (GET list, managers).
pub const STAFF_ACCOUNTS: &str = "/api/staff/staff";
/// An action on staff accounts (POST, managers): `invite`, `disable` or `enable`.
pub const STAFF_ACCOUNTS_ACTION: &str = "/api/staff/staff/{action}";
/// Data subjects' requests (managers): the search form (GET) and the person's records (POST: the
/// identifier is never in an address).
pub const STAFF_PEOPLE: &str = "/api/staff/people";
/// The export of a person's records (POST, managers): `format=csv|json`.
pub const STAFF_PEOPLE_EXPORT: &str = "/api/staff/people/export";
/// The erasure of a person's records (POST, managers): the confirmation, then the erasure.
pub const STAFF_PEOPLE_ERASE: &str = "/api/staff/people/erase";
/// The surveys that take an interview's answer (GET): straight to the one, or a list.
pub const STAFF_INTERVIEWS: &str = "/api/staff/interviews";
/// A survey's answer given in an interview: the form (GET) and its entry (POST).
pub const STAFF_INTERVIEW: &str = "/api/staff/interviews/{form}";

/// The interview page of the survey `form`.
pub fn interview_path(form: &str) -> String {
    STAFF_INTERVIEW.replace("{form}", form)
}

/// The case page's address.
pub fn case_path(code: &str) -> String {
    STAFF_CASE.replace("{code}", code)
}
