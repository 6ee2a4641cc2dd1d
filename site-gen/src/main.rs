//! The `site-gen` command: `build`, `check`, `archive` and `serve` (see `site-gen --help`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use forms::Lang;
use forms::plural::{ArabicNoun, Case, count_noun};
use site_gen::diagnostic::{Diagnostics, under_github_actions};
use site_gen::render::Mode;
use site_gen::serve::{ServeOptions, serve};
use site_gen::service_digest::service_digest;
use site_gen::{Config, Overrides, build, check};

/// Builds the association's Arabic policy site from its content folder.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The language of the problems listed: Arabic for the association's staff, English for
    /// developers. The environment variable SITE_GEN_LANG=en does the same.
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Ar,
    En,
}

/// The language asked for: `--lang`, else `SITE_GEN_LANG`, else Arabic.
fn lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Ar) => Lang::Ar,
        Some(LangArg::En) => Lang::En,
        None => std::env::var("SITE_GEN_LANG")
            .ok()
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default(),
    }
}

const ERRORS: ArabicNoun = ArabicNoun {
    one: "خطأ واحد",
    two: "خطآن",
    two_oblique: "خطأين",
    plural: "أخطاء",
    accusative: "خطأً",
    genitive: "خطأ",
};

const WARNINGS: ArabicNoun = ArabicNoun {
    one: "تنبيه واحد",
    two: "تنبيهان",
    two_oblique: "تنبيهين",
    plural: "تنبيهات",
    accusative: "تنبيهًا",
    genitive: "تنبيه",
};

/// "3 error(s), 1 warning(s)" in `lang`.
fn counts(lang: Lang, errors: usize, warnings: usize) -> String {
    match lang {
        Lang::Ar => format!(
            "{}، {}",
            count_noun(
                errors as u64,
                &ERRORS,
                Case::Nominative,
                forms::Digits::Western
            ),
            count_noun(
                warnings as u64,
                &WARNINGS,
                Case::Nominative,
                forms::Digits::Western
            )
        ),
        Lang::En => format!("{errors} error(s), {warnings} warning(s)"),
    }
}

#[derive(clap::Args)]
struct SiteArgs {
    /// The content folder.
    #[arg(long, default_value = "content")]
    site: PathBuf,
    /// The templates folder (default: the `templates/` beside the content folder or above it).
    #[arg(long)]
    templates: Option<PathBuf>,
    /// The built browser editor, for a site with `admin:` (default: the `admin/dist/` beside the
    /// content folder or above it; without one, /admin/ says the pipeline publishes the editor).
    #[arg(long)]
    editor: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Builds the site into the output folder, replacing it only when the whole build succeeded.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// The output folder.
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// The published address, replacing site.yaml's `base_url`.
        #[arg(long)]
        base_url: Option<String>,
        /// Where forms post, replacing site.yaml's `forms_url`.
        #[arg(long)]
        forms_url: Option<String>,
    },
    /// Checks the content and templates without writing anything; lists every problem.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Files the current version of the policy into policy/archive/{version}/ before it is
    /// edited, so that it stays published; refuses when that version is filed with another text.
    Archive {
        /// The content folder.
        #[arg(long, default_value = "content")]
        site: PathBuf,
    },
    /// Prints the digest of what the form service embeds from this site (its forms, templates
    /// and what it uses of site.yaml): the deployment compares it with the deployed service's to
    /// decide between publishing the site and deploying the service too.
    ServiceDigest {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Builds and serves a preview on 127.0.0.1, rebuilding and reloading on every change.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The local form service that /api/… is passed on to.
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        api: String,
    },
}

fn config(args: SiteArgs, overrides: Overrides) -> Config {
    Config {
        site: args.site,
        templates: args.templates,
        overrides,
        today: None,
        editor: args.editor,
    }
}

/// Prints every problem for the person reading the terminal and, under GitHub Actions, as
/// workflow commands too (annotations on the lines of a pull request).
/// Prints the problems in `lang` and, under GitHub Actions, as annotations too.
fn report(diagnostics: &Diagnostics, lang: Lang) {
    eprint!("{}", diagnostics.text(lang));
    if under_github_actions() {
        print!("{}", diagnostics.github_annotations(lang));
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = lang(cli.lang);
    match cli.command {
        Command::Build {
            site,
            out,
            base_url,
            forms_url,
        } => {
            let config = config(
                site,
                Overrides {
                    base_url,
                    forms_url,
                },
            );
            let (result, diagnostics) = build(&config, &out, Mode::default());
            report(&diagnostics, lang);
            let (errors, warnings) = diagnostics.counts();
            match result {
                Ok(b) => {
                    match lang {
                        Lang::Ar => println!(
                            "بُني الموقع في {}: {} ({} ملف) في {} ملّي ثانية؛ {}",
                            out.display(),
                            count_noun(
                                b.pages as u64,
                                &forms::plural::PAGES,
                                Case::Nominative,
                                forms::Digits::Western
                            ),
                            b.files,
                            b.elapsed.as_millis(),
                            count_noun(
                                warnings as u64,
                                &WARNINGS,
                                Case::Nominative,
                                forms::Digits::Western
                            )
                        ),
                        Lang::En => println!(
                            "built {} pages ({} files) into {} in {} ms; {warnings} warning(s)",
                            b.pages,
                            b.files,
                            out.display(),
                            b.elapsed.as_millis()
                        ),
                    }
                    ExitCode::SUCCESS
                }
                Err(()) => {
                    match lang {
                        Lang::Ar => eprintln!(
                            "لم يُبنَ الموقع: {}؛ وبقي {} على حاله",
                            counts(lang, errors, warnings),
                            out.display()
                        ),
                        Lang::En => eprintln!(
                            "not built: {}; {} was left as it was",
                            counts(lang, errors, warnings),
                            out.display()
                        ),
                    }
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { site } => {
            let checked = check(&config(site, Overrides::default()), Mode::default());
            let d = checked.diagnostics;
            report(&d, lang);
            let (errors, warnings) = d.counts();
            println!("{}", counts(lang, errors, warnings));
            if d.has_errors() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Archive { site } => match site_gen::archive::archive(&site) {
            Ok(filed) => {
                println!("{}", filed.message());
                ExitCode::SUCCESS
            }
            Err(refused) => {
                eprintln!("{}", refused.message());
                ExitCode::FAILURE
            }
        },
        Command::ServiceDigest { site } => {
            match service_digest(&config(site, Overrides::default())) {
                Ok(digest) => {
                    println!("{digest}");
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    report(&d, lang);
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve { site, port, api } => {
            match serve(
                config(site, Overrides::default()),
                ServeOptions { port, api, lang },
            ) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
