//! Property tests: whatever arrives in the Sent folder, detection returns
//! and never panics, including on damaged Factur-X PDFs and XML.

use proptest::prelude::*;

use crate::detect::facturx::{self, cii};
use crate::detect::{Rules, detect};

const PDF: &[u8] = include_bytes!("../../../tests/fixtures/invoices/facturx-en16931.pdf");
const XML: &[u8] = include_bytes!("../../../tests/fixtures/invoices/facturx-en16931.xml");

/// `data` with the bytes at `edits` positions replaced.
fn damaged(data: &[u8], edits: &[(usize, u8)]) -> Vec<u8> {
    let mut out = data.to_vec();
    for &(pos, byte) in edits {
        if let Some(slot) = out.get_mut(pos % data.len().max(1)) {
            *slot = byte;
        }
    }
    out
}

/// The PDF travels as 8-bit binary: no base64 crate needed for the test,
/// and mail-parser must cope with raw bytes anyway.
fn mail_with_pdf(pdf: &[u8]) -> Vec<u8> {
    let mut raw = b"From: c@a.fr\r\nTo: m@b.fr\r\nSubject: Facture F-1\r\n\
        Date: Fri, 13 Feb 2026 10:00:00 +0100\r\n\
        Content-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\n--=_b\r\n\
        Content-Type: text/plain\r\n\r\nMontant : 10 EUR\r\n--=_b\r\n\
        Content-Type: application/pdf; name=\"f.pdf\"\r\n\
        Content-Transfer-Encoding: binary\r\n\r\n"
        .to_vec();
    raw.extend_from_slice(pdf);
    raw.extend_from_slice(b"\r\n--=_b--\r\n");
    raw
}

#[test]
fn intact_pdf_in_binary_mail_is_read() {
    let found = detect(&mail_with_pdf(PDF), &Rules::default());
    assert_eq!(found.map(|i| i.number.0), Some("F-2026-0050".to_string()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = detect(&raw, &Rules::default());
    }

    #[test]
    fn arbitrary_text_mail_never_panics(subject in "\\PC{0,80}", body in "\\PC{0,400}") {
        let raw = format!("From: a@b.fr\r\nTo: c@d.fr\r\nSubject: {subject}\r\n\r\n{body}\r\n");
        let _ = detect(raw.as_bytes(), &Rules::default());
    }

    #[test]
    fn damaged_xml_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..20)) {
        let _ = cii::parse(&damaged(XML, &edits));
    }
}

proptest! {
    // lopdf is slow in debug builds; fewer, bigger cases.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn damaged_pdf_never_panics(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..40),
                                cut in any::<usize>()) {
        let pdf = damaged(PDF, &edits);
        let _ = facturx::from_pdf(&pdf);
        let truncated = pdf.get(..cut % PDF.len()).unwrap_or_default();
        let _ = facturx::from_pdf(truncated);
        let _ = detect(&mail_with_pdf(truncated), &Rules::default());
    }
}
