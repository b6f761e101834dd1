//! Aligned plain-text tables for the readable output of `status`, `show` and
//! `simulate`. Widths count characters, not bytes, so French amounts with
//! their (narrow) no-break spaces line up.

/// Renders `rows` under `headers`, two spaces between columns; a column
/// marked in `right` is right-aligned (amounts, counts). Trailing spaces are
/// trimmed so the output diffs cleanly; line breaks inside a cell (an
/// evidence span, a reason) become spaces so each row stays one line.
pub(super) fn render(headers: &[&str], right: &[bool], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| c.replace(['\r', '\n'], " ")).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.chars().count();
            match widths.get_mut(i) {
                Some(width) => *width = (*width).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut out = String::new();
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    line(&mut out, &header, &widths, right);
    for row in &rows {
        line(&mut out, row, &widths, right);
    }
    out
}

fn line(out: &mut String, cells: &[String], widths: &[usize], right: &[bool]) {
    let mut text = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            text.push_str("  ");
        }
        let pad = widths
            .get(i)
            .copied()
            .unwrap_or(0)
            .saturating_sub(cell.chars().count());
        let fill = " ".repeat(pad);
        if right.get(i).copied().unwrap_or(false) {
            text.push_str(&fill);
            text.push_str(cell);
        } else {
            text.push_str(cell);
            text.push_str(&fill);
        }
    }
    out.push_str(text.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_on_characters_and_numbers_go_right() {
        let rows = vec![
            vec!["F-1".to_string(), "1\u{202f}250,00\u{a0}€".to_string()],
            vec!["F-10".to_string(), "40,00\u{a0}€".to_string()],
        ];
        let text = render(&["N", "DUE"], &[false, true], &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], format!("N{}DUE", " ".repeat(12)));
        assert_eq!(lines[1], "F-1   1\u{202f}250,00\u{a0}€");
        assert_eq!(lines[2], format!("F-10{}40,00\u{a0}€", " ".repeat(5)));
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert_eq!(widths, [16, 16, 16]);
    }

    #[test]
    fn trailing_spaces_are_trimmed_and_extra_cells_kept() {
        let rows = vec![vec!["a".to_string(), String::new(), "x".to_string()]];
        let text = render(&["LONG", "B"], &[], &rows);
        assert_eq!(text, format!("LONG  B\na{}x\n", " ".repeat(8)));
        let rows = vec![vec!["nous réglerons\r\nle 15".to_string()]];
        assert_eq!(render(&["E"], &[], &rows), "E\nnous réglerons  le 15\n");
    }
}
