use super::*;
use crate::compose::sample;
use crate::domain::Language;

fn render(lang: Language) -> Vec<u8> {
    let templates = Templates::builtin().unwrap();
    render_notice_pdf(&templates, &sample::case(lang)).unwrap()
}

/// Text of the PDF: pdftotext (poppler) when installed, else lopdf's own
/// extractor; narrow and plain no-break spaces become spaces.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let via_poppler = (|| {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().join("notice.pdf");
        std::fs::write(&path, pdf).ok()?;
        let out = std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    })();
    let text = via_poppler.unwrap_or_else(|| {
        let doc = Document::load_mem(pdf).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        doc.extract_text(&pages).unwrap()
    });
    text.replace(['\u{202f}', '\u{a0}'], " ")
}

#[test]
fn notice_is_a4_with_embedded_fonts_and_the_required_wording() {
    let pdf = render(Language::Fr);
    let doc = Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    assert!(!pages.is_empty());
    for id in pages.values() {
        let page = doc.get_dictionary(*id).unwrap();
        let media: Vec<f32> = page
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_float().unwrap())
            .collect();
        assert_eq!(media, vec![0.0, 0.0, 595.0, 842.0]);
    }
    let embedded = doc
        .objects
        .values()
        .filter(|o| o.as_dict().is_ok_and(|d| d.get(b"FontFile2").is_ok()));
    assert_eq!(embedded.count(), 2, "both faces embedded");
    let text = pdf_text(&pdf);
    let lower = text.to_lowercase();
    for want in [
        "mise en demeure",
        "lettre recommandée avec accusé de réception",
        "fait à lyon, le 2 avril 2026",
        "échéance",
        "injonction de payer",
        "1 250,00 €",
        "1 630,00 €",
        "indemnité",
        "12,15 %",
        "boulangerie martin sarl",
        "15 jours",
    ] {
        assert!(lower.contains(want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn english_notice_says_formal_notice() {
    let text = pdf_text(&render(Language::En)).to_lowercase();
    for want in [
        "formal notice",
        "recorded delivery",
        "£1,250.00",
        "court proceedings",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn long_letters_break_across_pages() {
    let templates = Templates::builtin().unwrap();
    let mut case = sample::case(Language::Fr);
    let template = case.invoices[0].clone();
    for n in 0..60 {
        let mut inv = template.clone();
        inv.id = crate::domain::InvoiceId(100 + n);
        inv.number = crate::domain::InvoiceNumber(format!("F-2026-{:04}", 100 + n));
        case.invoices.push(inv);
    }
    let pdf = render_notice_pdf(&templates, &case).unwrap();
    let doc = Document::load_mem(&pdf).unwrap();
    assert!(doc.get_pages().len() >= 2);
    assert!(pdf_text(&pdf).contains("F-2026-0159"));
}
