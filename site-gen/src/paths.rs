//! The addresses every built site has, whatever its content: named once here for the modules that
//! write those files (`render`) and those that point at them (`editor`).

/// The path of the accessibility statement.
pub const ACCESSIBILITY_PATH: &str = "/accessibility/";

/// The favicon's file name in `templates/`, published at `/favicon.svg`.
pub const FAVICON_FILE: &str = "favicon.svg";

/// Where the browser editor is served (a site with `admin:` in `site.yaml`).
pub const ADMIN_PATH: &str = "/admin/";
