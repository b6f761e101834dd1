//! The formal notice (step 5) as a printable A4 PDF for registered mail.
//!
//! The wording comes from the `notice_letter` template like every other
//! message; this module lays it out (wrapping, tables, page breaks) and
//! writes the PDF with lopdf, embedding subset DejaVu Sans fonts. Pure: the
//! daemon writes the returned bytes to its state directory.

mod font;
mod layout;

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, StringFormat, dictionary};

use crate::compose::context::case_context;
use crate::compose::input::CaseInput;
use crate::compose::{Error, Templates};
use font::{Subset, Weight};
use layout::{Draw, Layout, PAGE_H, PAGE_W};

/// Renders the formal-notice letter of `case` as PDF bytes.
pub fn render_notice_pdf(templates: &Templates, case: &CaseInput) -> Result<Vec<u8>, Error> {
    let mut ctx = case_context(case, None);
    ctx.step = 5;
    let letter = templates.render(case.language, "notice_letter", &ctx)?;
    let pages = Layout::new()?.run(&letter.body);
    let mut doc = Document::with_version("1.7");
    let mut regular = Subset::new(Weight::Regular)?;
    let mut bold = Subset::new(Weight::Bold)?;
    let contents = page_contents(&pages, &mut regular, &mut bold)?;
    let f1 = regular.embed(&mut doc)?;
    let f2 = bold.embed(&mut doc)?;
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { Weight::Regular.resource() => f1, Weight::Bold.resource() => f2 },
    });
    let pages_id = doc.new_object_id();
    let mut kids = Vec::with_capacity(contents.len());
    for content in contents {
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
            "Contents" => content_id,
            "Resources" => resources,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = i64::try_from(kids.len()).unwrap_or(1);
    let pages_dict = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count };
    doc.objects.insert(pages_id, Object::Dictionary(pages_dict));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(dictionary! {
        "Title" => Object::String(utf16_text(&letter.subject), StringFormat::Hexadecimal),
        "Author" => Object::String(utf16_text(&case.sender.company), StringFormat::Hexadecimal),
        "Producer" => Object::string_literal("relance"),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| Error::Build(format!("pdf: {e}")))?;
    Ok(out)
}

/// Encodes each page's drawings (plus "n/N" at the foot of multi-page
/// letters) as a content stream, recording the glyphs each font needs.
fn page_contents(
    pages: &[Vec<Draw>],
    regular: &mut Subset,
    bold: &mut Subset,
) -> Result<Vec<Vec<u8>>, Error> {
    let count = pages.len();
    let mut contents = Vec::with_capacity(count);
    for (n, page) in pages.iter().enumerate() {
        let mut ops = Vec::new();
        for draw in page {
            draw_ops(draw, regular, bold, &mut ops);
        }
        if count > 1 {
            let footer = Draw::Text {
                weight: Weight::Regular,
                size: 8.0,
                x: PAGE_W / 2.0 - 8.0,
                y: 40.0,
                text: format!("{}/{count}", n + 1),
            };
            draw_ops(&footer, regular, bold, &mut ops);
        }
        let content = Content { operations: ops }
            .encode()
            .map_err(|e| Error::Build(format!("pdf content: {e}")))?;
        contents.push(content);
    }
    Ok(contents)
}

/// A PDF text string in UTF-16BE with its byte-order mark (document info).
fn utf16_text(s: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

fn draw_ops(draw: &Draw, regular: &mut Subset, bold: &mut Subset, ops: &mut Vec<Operation>) {
    match draw {
        Draw::Text {
            weight,
            size,
            x,
            y,
            text,
        } => {
            let font = match weight {
                Weight::Regular => &mut *regular,
                Weight::Bold => &mut *bold,
            };
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new(
                "Tf",
                vec![Object::Name(weight.resource().into()), (*size).into()],
            ));
            ops.push(Operation::new("Td", vec![(*x).into(), (*y).into()]));
            ops.push(Operation::new("Tj", vec![font.encode(text)]));
            ops.push(Operation::new("ET", vec![]));
        }
        Draw::Rule { x1, x2, y } => {
            ops.push(Operation::new("w", vec![0.6.into()]));
            ops.push(Operation::new("m", vec![(*x1).into(), (*y).into()]));
            ops.push(Operation::new("l", vec![(*x2).into(), (*y).into()]));
            ops.push(Operation::new("S", vec![]));
        }
    }
}

#[cfg(test)]
mod tests;
