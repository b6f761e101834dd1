//! Lays the rendered letter out on A4 pages: the line marks of the
//! `notice_letter` template (title, bold line, right-hand block, table row,
//! paragraph) become positioned text, with word wrapping and page breaks.

use crate::compose::notice_pdf::font::{Metrics, Weight};

pub(super) const PAGE_W: f32 = 595.0;
pub(super) const PAGE_H: f32 = 842.0;
const LEFT: f32 = 64.0;
const RIGHT: f32 = PAGE_W - 64.0;
const TOP: f32 = PAGE_H - 60.0;
const BOTTOM: f32 = 72.0;
/// Where the addressee block and the place and date start.
const RIGHT_BLOCK: f32 = 330.0;
const SIZE: f32 = 10.0;
const LEADING: f32 = 14.0;
const TITLE_SIZE: f32 = 15.0;
const CELL_PAD: f32 = 8.0;

/// Something to draw on a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Draw {
    Text {
        weight: Weight,
        size: f32,
        x: f32,
        y: f32,
        text: String,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
    },
}

/// Pages of drawings.
pub(super) struct Layout {
    pub pages: Vec<Vec<Draw>>,
    y: f32,
    regular: Metrics,
    bold: Metrics,
}

impl Layout {
    pub(super) fn new() -> Result<Layout, crate::compose::Error> {
        Ok(Layout {
            pages: vec![Vec::new()],
            y: TOP,
            regular: Metrics::new(Weight::Regular)?,
            bold: Metrics::new(Weight::Bold)?,
        })
    }

    fn metrics(&self, weight: Weight) -> &Metrics {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Moves down by `height`, starting a new page when it does not fit.
    fn advance(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
        self.y -= height;
    }

    fn put(&mut self, weight: Weight, size: f32, x: f32, text: &str) {
        let draw = Draw::Text {
            weight,
            size,
            x,
            y: self.y,
            text: text.to_string(),
        };
        if let Some(page) = self.pages.last_mut() {
            page.push(draw);
        }
    }

    /// Lays out the whole letter, one marked line after another.
    pub(super) fn run(mut self, text: &str) -> Vec<Vec<Draw>> {
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while let Some(line) = lines.get(i) {
            if line.starts_with('|') {
                let end = lines[i..]
                    .iter()
                    .position(|l| !l.starts_with('|'))
                    .map_or(lines.len(), |n| i + n);
                self.table(&lines[i..end]);
                i = end;
                continue;
            }
            self.line(line);
            i += 1;
        }
        self.pages
    }

    fn line(&mut self, line: &str) {
        if line.trim().is_empty() {
            self.advance(LEADING * 0.6);
        } else if let Some(title) = line.strip_prefix("# ") {
            self.advance(LEADING * 0.8);
            self.wrapped(
                title,
                Weight::Bold,
                TITLE_SIZE,
                LEFT,
                RIGHT,
                TITLE_SIZE * 1.4,
            );
            self.advance(LEADING * 0.4);
        } else if let Some(bold) = line.strip_prefix("## ") {
            self.wrapped(bold, Weight::Bold, SIZE, LEFT, RIGHT, LEADING);
        } else if let Some(right) = line.strip_prefix('>') {
            self.wrapped(
                right.trim_start(),
                Weight::Regular,
                SIZE,
                RIGHT_BLOCK,
                RIGHT,
                LEADING,
            );
        } else {
            self.wrapped(line, Weight::Regular, SIZE, LEFT, RIGHT, LEADING);
        }
    }

    /// Word-wraps `text` between `x` and `right`; a line starting with
    /// "- " or "1. " keeps its continuation lines indented under the text.
    fn wrapped(&mut self, text: &str, weight: Weight, size: f32, x: f32, right: f32, leading: f32) {
        let marker = text
            .find(' ')
            .filter(|&n| {
                text.starts_with("- ")
                    || text[..n].ends_with('.')
                        && text[..n].chars().next().is_some_and(|c| c.is_ascii_digit())
            })
            .map_or(0.0, |n| self.metrics(weight).width(&text[..=n], size));
        let mut current = String::new();
        let mut indent = 0.0;
        for word in text.split(' ') {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if !current.is_empty()
                && x + indent + self.metrics(weight).width(&candidate, size) > right
            {
                self.advance(leading);
                self.put(weight, size, x + indent, &current);
                indent = marker;
                current = word.to_string();
            } else {
                current = candidate;
            }
        }
        self.advance(leading);
        self.put(weight, size, x + indent, &current);
    }

    /// A table block: column widths from the widest cell, the first column
    /// left-aligned and the others (figures) right-aligned, a rule under
    /// the header row.
    fn table(&mut self, rows: &[&str]) {
        let cells: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| {
                r.trim()
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect()
            })
            .collect();
        let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0.0f32; columns];
        for (r, row) in cells.iter().enumerate() {
            let weight = if r == 0 {
                Weight::Bold
            } else {
                Weight::Regular
            };
            for (c, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(c) {
                    *w = w.max(self.metrics(weight).width(cell, SIZE - 1.0) + CELL_PAD);
                }
            }
        }
        // Spread the spare width over the columns, or squeeze them to fit.
        let total: f32 = widths.iter().sum();
        let scale = (RIGHT - LEFT) / total.max(1.0);
        let widths: Vec<f32> = widths.iter().map(|w| w * scale.min(1.3)).collect();
        self.advance(LEADING * 0.3);
        for (r, row) in cells.iter().enumerate() {
            let weight = if r == 0 {
                Weight::Bold
            } else {
                Weight::Regular
            };
            self.advance(LEADING);
            let mut x = LEFT;
            for (c, (cell, width)) in row.iter().zip(&widths).enumerate() {
                let cell_w = self.metrics(weight).width(cell, SIZE - 1.0);
                let at = if c == 0 {
                    x
                } else {
                    x + width - CELL_PAD / 2.0 - cell_w
                };
                self.put(weight, SIZE - 1.0, at, cell);
                x += width;
            }
            if r == 0 {
                let rule = Draw::Rule {
                    x1: LEFT,
                    x2: LEFT + widths.iter().sum::<f32>(),
                    y: self.y - 4.0,
                };
                if let Some(page) = self.pages.last_mut() {
                    page.push(rule);
                }
                self.advance(3.0);
            }
        }
        self.advance(LEADING * 0.4);
    }
}
