//! Message templates: the built-in French and English sets (embedded in the
//! binary), the user's overrides file by file, the filters that format money,
//! dates and plurals, and rendering into a subject and a body.
//!
//! Everything is checked at load: a syntax error, or a variable the context
//! does not have, is an error naming the file and line, so a typo is caught
//! at start-up and never at send time.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

use crate::compose::{Error, builtin, filters, format, sample};
use crate::domain::Language;

/// One template file, built-in or the user's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub language: Language,
    /// Name without language or extension: `step1`, `_macros`.
    pub name: String,
    /// Where it came from, for error messages (a path, or `built-in`).
    pub origin: String,
    pub text: String,
}

/// A rendered message: subject line and body text, typography applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// The compiled templates of both languages.
#[derive(Debug)]
pub struct Templates {
    fr: Environment<'static>,
    en: Environment<'static>,
    /// (language, name) -> origin, to name files in errors.
    origins: BTreeMap<(Language, String), String>,
}

impl Templates {
    /// The built-in set only.
    pub fn builtin() -> Result<Templates, Error> {
        Templates::load(Vec::new())
    }

    /// The built-in set with `overrides` replacing built-in files of the
    /// same language and name (or adding new ones, e.g. a gentler `step1`
    /// variant named in a client's ladder). Every template is compiled and
    /// rendered against sample contexts before this returns.
    pub fn load(overrides: Vec<TemplateSource>) -> Result<Templates, Error> {
        let mut sources: BTreeMap<(Language, String), TemplateSource> = builtin::sources()
            .into_iter()
            .map(|s| ((s.language, s.name.clone()), s))
            .collect();
        for s in overrides {
            sources.insert((s.language, s.name.clone()), s);
        }
        let mut templates = Templates {
            fr: environment(Language::Fr),
            en: environment(Language::En),
            origins: BTreeMap::new(),
        };
        for ((lang, name), source) in sources {
            let env = templates.env_mut(lang);
            env.add_template_owned(name.clone(), source.text.clone())
                .map_err(|e| template_error(&source.origin, &e))?;
            templates.origins.insert((lang, name), source.origin);
        }
        templates.validate()?;
        Ok(templates)
    }

    fn env(&self, lang: Language) -> &Environment<'static> {
        match lang {
            Language::Fr => &self.fr,
            Language::En => &self.en,
        }
    }

    fn env_mut(&mut self, lang: Language) -> &mut Environment<'static> {
        match lang {
            Language::Fr => &mut self.fr,
            Language::En => &mut self.en,
        }
    }

    /// Whether a template of that name exists in `lang`.
    pub fn has(&self, lang: Language, name: &str) -> bool {
        self.origins.contains_key(&(lang, name.to_string()))
    }

    fn origin(&self, lang: Language, name: &str) -> String {
        self.origins
            .get(&(lang, name.to_string()))
            .cloned()
            .unwrap_or_else(|| format!("{}/{name}.j2", lang.as_str()))
    }

    /// Renders template `name` of `lang` against `ctx`. The first line must
    /// be `Subject: …`; the rest, after tidying, is the body.
    pub fn render<C: Serialize>(
        &self,
        lang: Language,
        name: &str,
        ctx: &C,
    ) -> Result<Rendered, Error> {
        let origin = self.origin(lang, name);
        let tmpl = self
            .env(lang)
            .get_template(name)
            .map_err(|_| Error::MissingTemplate {
                language: lang.as_str(),
                name: name.to_string(),
            })?;
        let text = tmpl.render(ctx).map_err(|e| template_error(&origin, &e))?;
        split_subject(&text, lang).ok_or(Error::NoSubject { origin })
    }

    /// Compiles-and-renders every non-partial template against the sample
    /// contexts of its kind, and checks each variable it names exists there.
    fn validate(&self) -> Result<(), Error> {
        for ((lang, name), origin) in &self.origins {
            if name.starts_with('_') {
                continue;
            }
            let samples = sample::contexts_for(name, *lang);
            let tmpl = self
                .env(*lang)
                .get_template(name)
                .map_err(|e| template_error(origin, &e))?;
            if let Some(first) = samples.first() {
                check_variables(origin, &tmpl, first)?;
            }
            for ctx in &samples {
                self.render(*lang, name, ctx)?;
            }
        }
        Ok(())
    }
}

fn environment(lang: Language) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Plain-text mail: nothing to escape.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    filters::register(&mut env, lang);
    env
}

/// Globals that are functions, not context variables.
const GLOBAL_FUNCTIONS: &[&str] = &["range", "dict", "namespace", "debug"];

/// Reports the first variable path the template reads that the sample
/// context lacks; branches a sample does not take are covered this way.
fn check_variables(
    origin: &str,
    tmpl: &minijinja::Template<'_, '_>,
    sample: &Value,
) -> Result<(), Error> {
    let mut names: Vec<String> = tmpl.undeclared_variables(true).into_iter().collect();
    names.sort();
    for path in names {
        let mut parts = path.split('.');
        let head = parts.next().unwrap_or_default();
        if GLOBAL_FUNCTIONS.contains(&head) {
            continue;
        }
        let mut value = sample.get_attr(head).unwrap_or(Value::UNDEFINED);
        for part in parts {
            if value.is_undefined() || value.is_none() {
                break;
            }
            value = value.get_attr(part).unwrap_or(Value::UNDEFINED);
        }
        if value.is_undefined() {
            let source = tmpl.source();
            let line = source
                .find(path.as_str())
                .map(|at| source[..at].matches('\n').count() + 1);
            return Err(Error::Template {
                origin: origin.to_string(),
                line,
                message: format!("unknown variable '{path}'"),
            });
        }
    }
    Ok(())
}

fn template_error(origin: &str, e: &minijinja::Error) -> Error {
    let message = match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    };
    Error::Template {
        origin: origin.to_string(),
        line: e.line(),
        message,
    }
}

/// Splits rendered text into the `Subject:` line and a tidied body.
fn split_subject(text: &str, lang: Language) -> Option<Rendered> {
    let text = text.trim_start_matches(['\n', '\r']);
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let subject = first.strip_prefix("Subject:")?.trim().to_string();
    let body = format::tidy(rest);
    Some(match lang {
        Language::Fr => Rendered {
            subject: format::french_typography(&subject),
            body: format::french_typography(&body),
        },
        Language::En => Rendered { subject, body },
    })
}

#[cfg(test)]
mod tests;
