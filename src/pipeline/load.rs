//! Start-up loading: the built-in templates overridden file by file by the
//! user's template directory (`<dir>/fr/*.j2`, `<dir>/en/*.j2`). Every
//! template is compiled and test-rendered here, so a typo stops start-up
//! with the file and line instead of failing a send weeks later.

use std::path::Path;

use anyhow::Context;

use crate::compose::{TemplateSource, Templates};
use crate::config;
use crate::domain::Language;

/// The compiled templates; `dir` overrides the built-in ones.
pub(super) fn templates(dir: Option<&Path>) -> anyhow::Result<Templates> {
    let overrides = match dir {
        Some(dir) => read_dir(dir).map_err(|e| config::Error::Template(format!("{e:#}")))?,
        None => Vec::new(),
    };
    // A bad template is a configuration error: exit 78, no restart loop.
    Ok(Templates::load(overrides).map_err(|e| config::Error::Template(e.to_string()))?)
}

/// Every `<dir>/<lang>/<name>.j2`, sorted so errors come in a stable order.
/// A missing language folder is fine: the built-in set covers it.
fn read_dir(dir: &Path) -> anyhow::Result<Vec<TemplateSource>> {
    let mut sources = Vec::new();
    for language in [Language::Fr, Language::En] {
        let sub = dir.join(language.as_str());
        if !sub.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&sub)
            .with_context(|| format!("cannot list templates in '{}'", sub.display()))?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry =
                entry.with_context(|| format!("cannot list templates in '{}'", sub.display()))?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "j2") {
                paths.push(path);
            }
        }
        paths.sort();
        for path in paths {
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read template '{}'", path.display()))?;
            sources.push(TemplateSource {
                language,
                name: name.to_string(),
                origin: path.display().to_string(),
                text,
            });
        }
    }
    Ok(sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_overrides_one_file_and_a_bad_one_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let fr = dir.path().join("fr");
        std::fs::create_dir(&fr).unwrap();
        std::fs::write(fr.join("step1.j2"), "Subject: Rappel\nBonjour,\n\nMerci.\n").unwrap();
        std::fs::write(fr.join("notes.txt"), "not a template").unwrap();
        assert!(templates(Some(dir.path())).is_ok());

        std::fs::write(fr.join("step2.j2"), "Subject: x\nline two\n{% if %}\n").unwrap();
        let err = format!("{:#}", templates(Some(dir.path())).unwrap_err());
        assert!(err.contains("step2.j2:3"), "{err}");
    }

    #[test]
    fn without_a_directory_the_builtin_set_loads() {
        let t = templates(None).unwrap();
        assert!(t.has(Language::En, "step1"));
    }
}
