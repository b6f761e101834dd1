//! Configuration errors, each pointing at `file:line:column` when the TOML
//! text gives a place, so a bad value can be fixed without guessing.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// Everything that can be wrong with a configuration file or a secret it
/// names. The CLI maps any of these to exit status 78 (EX_CONFIG).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{}: cannot read the configuration: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A syntax, type or value error at a known place in the file.
    #[error("{}:{line}:{column}: {message}", path.display())]
    At {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value is wrong but the parser gave no place for it.
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    /// A message template (built-in, or from the templates directory) does
    /// not compile or names an unknown variable; the message names the file
    /// and line.
    #[error("invalid message template: {0}")]
    Template(String),
    /// A secret named by the configuration could not be obtained.
    #[error("{origin}: {message}")]
    Secret { origin: String, message: String },
}

/// The source text with its path, to turn byte spans into places.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub path: &'a Path,
}

impl Source<'_> {
    /// `path:line:column` of a byte offset; line and column count from 1 and
    /// the column counts characters, as editors do.
    pub fn place(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// `path:line:column` as text, for messages built outside [`Error`].
    pub fn origin(&self, span: &Range<usize>) -> String {
        let (line, column) = self.place(span.start);
        format!("{}:{line}:{column}", self.path.display())
    }

    /// An error at the start of `span`.
    pub fn error(&self, span: &Range<usize>, message: impl Into<String>) -> Error {
        let (line, column) = self.place(span.start);
        Error::At {
            path: self.path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }

    /// An error with no place in the file.
    pub fn file_error(&self, message: impl Into<String>) -> Error {
        Error::File {
            path: self.path.to_path_buf(),
            message: message.into(),
        }
    }

    /// Rewords a serde/TOML error in the file's vocabulary (keys, not
    /// fields) and places it.
    pub fn toml_error(&self, err: &toml::de::Error) -> Error {
        let mut message = err
            .message()
            .trim()
            .replace("unknown field", "unknown key")
            .replace("missing field", "missing key")
            .replace('`', "'");
        match err.span() {
            Some(span) => {
                // For a missing key the span is the table header: name it.
                let header = self.text.get(span.clone()).unwrap_or("");
                let header = header.lines().next().unwrap_or("").trim();
                if message.starts_with("missing key") && header.starts_with('[') {
                    message = format!("{message} in {header}");
                }
                self.error(&span, message)
            }
            None => self.file_error(message),
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
