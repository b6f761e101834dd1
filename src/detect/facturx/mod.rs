//! Factur-X / ZUGFeRD: finding the structured invoice XML embedded in a PDF
//! (the catalog's EmbeddedFiles name tree and its AF array) with lopdf, and
//! handing it to [`cii`]. An embedded file counts by its root element, not
//! its name. Broken PDFs are expected: every failure is `None`, bounded in
//! depth and size, and a panic inside the PDF parser is contained.

pub mod cii;

use std::collections::HashSet;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, Object, ObjectId};

pub use cii::CiiInvoice;

/// Name-tree depth beyond which a PDF is treated as hostile.
const MAX_DEPTH: usize = 16;
/// Embedded files examined per PDF.
const MAX_FILES: usize = 32;
/// Largest embedded XML read, decompressed (a real CII is tens of KiB).
const MAX_XML: usize = 16 * 1024 * 1024;
/// Largest stream in another encoding handed to lopdf's unbounded decoders.
const MAX_OTHER: usize = 256 * 1024;

/// The CII invoice embedded in `pdf`, if any.
pub fn from_pdf(pdf: &[u8]) -> Option<CiiInvoice> {
    embedded_xml(pdf)
        .into_iter()
        .find_map(|xml| cii::parse(&xml))
}

/// Every embedded file whose root element is `CrossIndustryInvoice`,
/// well-known names first.
pub fn embedded_xml(pdf: &[u8]) -> Vec<Vec<u8>> {
    // lopdf is a general PDF parser fed with mail from anyone: keep one of its
    // bugs from taking the daemon down with this message.
    catch_unwind(AssertUnwindSafe(|| embedded_xml_inner(pdf))).unwrap_or_default()
}

/// Whether `pdf` can hold an embedded file at all. A file specification
/// reaches its stream through an `/EF` entry (and the catalog's name tree is
/// `/EmbeddedFiles`); dictionaries are plain text unless packed into an
/// object stream. Most invoices embed nothing, and this scan costs a
/// fraction of parsing every object of the PDF.
fn may_embed_files(pdf: &[u8]) -> bool {
    [b"/EF".as_slice(), b"/ObjStm"]
        .iter()
        .any(|name| memchr::memmem::find(pdf, name).is_some())
}

fn embedded_xml_inner(pdf: &[u8]) -> Vec<Vec<u8>> {
    if !may_embed_files(pdf) {
        return Vec::new();
    }
    let Ok(doc) = Document::load_mem(pdf) else {
        return Vec::new();
    };
    let Ok(catalog) = doc.catalog() else {
        return Vec::new();
    };
    let mut specs = Vec::new();
    if let Ok(tree) = catalog
        .get_deref(b"Names", &doc)
        .and_then(Object::as_dict)
        .and_then(|names| names.get_deref(b"EmbeddedFiles", &doc))
        .and_then(Object::as_dict)
    {
        let mut seen = HashSet::new();
        collect_name_tree(&doc, tree, 0, &mut seen, &mut specs);
    }
    if let Ok(af) = catalog.get_deref(b"AF", &doc).and_then(Object::as_array) {
        specs.extend(
            af.iter()
                .filter_map(|o| doc.dereference(o).ok())
                .filter_map(|(_, o)| o.as_dict().ok()),
        );
    }
    let mut files: Vec<(bool, Vec<u8>)> = Vec::new();
    let mut streams_seen = HashSet::new();
    for spec in specs.into_iter().take(MAX_FILES) {
        let Some((id, content)) = file_content(&doc, spec) else {
            continue;
        };
        if !streams_seen.insert(id) || !cii::is_cii(&content) {
            continue;
        }
        files.push((well_known_name(spec), content));
    }
    files.sort_by_key(|(known, _)| !known);
    files.into_iter().map(|(_, content)| content).collect()
}

/// Walks a name tree (`Names` pairs in leaves, `Kids` in nodes), collecting
/// the file specification dictionaries; `seen` breaks reference cycles.
fn collect_name_tree<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<&'a Dictionary>,
) {
    if depth > MAX_DEPTH || out.len() >= MAX_FILES {
        return;
    }
    if let Ok(names) = node.get_deref(b"Names", doc).and_then(Object::as_array) {
        // Pairs of (name, file specification).
        for value in names.iter().skip(1).step_by(2) {
            if let Ok((_, Object::Dictionary(spec))) = doc.dereference(value) {
                out.push(spec);
            }
        }
    }
    if let Ok(kids) = node.get_deref(b"Kids", doc).and_then(Object::as_array) {
        for kid in kids {
            let Ok((id, Object::Dictionary(child))) = doc.dereference(kid) else {
                continue;
            };
            if id.is_some_and(|id| !seen.insert(id)) {
                continue;
            }
            collect_name_tree(doc, child, depth + 1, seen, out);
        }
    }
}

/// The decompressed bytes of a file specification's embedded stream, with
/// the stream's object id (the same file is usually in both the name tree
/// and the AF array).
fn file_content(doc: &Document, spec: &Dictionary) -> Option<(ObjectId, Vec<u8>)> {
    let ef = spec.get_deref(b"EF", doc).ok()?.as_dict().ok()?;
    let entry = ef.get(b"UF").or_else(|_| ef.get(b"F")).ok()?;
    let (id, object) = doc.dereference(entry).ok()?;
    let stream = object.as_stream().ok()?;
    if stream.content.len() > MAX_XML {
        return None;
    }
    let content = match filter(stream) {
        Filter::None => stream.content.clone(),
        Filter::Flate => inflate_bounded(&stream.content)?,
        // Rare for embedded files; lopdf knows them, unbounded, so only small.
        Filter::Other if stream.content.len() <= MAX_OTHER => stream.decompressed_content().ok()?,
        Filter::Other => return None,
    };
    (content.len() <= MAX_XML).then_some((id.unwrap_or((0, 0)), content))
}

enum Filter {
    None,
    Flate,
    Other,
}

fn filter(stream: &lopdf::Stream) -> Filter {
    let Ok(f) = stream.dict.get(b"Filter") else {
        return Filter::None;
    };
    let single = match f {
        Object::Name(n) => Some(n.as_slice()),
        Object::Array(a) if a.len() == 1 => a.first().and_then(|o| o.as_name().ok()),
        _ => None,
    };
    let predictor = stream.dict.get(b"DecodeParms").is_ok();
    match single {
        Some(b"FlateDecode") if !predictor => Filter::Flate,
        _ => Filter::Other,
    }
}

/// Inflates at most `MAX_XML` bytes: a small attachment must not be able to
/// expand into gigabytes.
fn inflate_bounded(compressed: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let limit = u64::try_from(MAX_XML).ok()?.saturating_add(1);
    flate2::read::ZlibDecoder::new(compressed)
        .take(limit)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() <= MAX_XML).then_some(out)
}

/// The names the Factur-X, ZUGFeRD and XRechnung specifications give the XML.
fn well_known_name(spec: &Dictionary) -> bool {
    let name = |key: &[u8]| {
        spec.get(key)
            .and_then(Object::as_str)
            .ok()
            .map(|s| String::from_utf8_lossy(s).to_lowercase())
    };
    [name(b"UF"), name(b"F")].into_iter().flatten().any(|n| {
        matches!(
            n.as_str(),
            "factur-x.xml" | "zugferd-invoice.xml" | "xrechnung.xml" | "zugferd_invoice.xml"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/invoices")
            .join(name);
        std::fs::read(path).expect("fixture")
    }

    #[test]
    fn the_gate_lets_factur_x_through_and_stops_plain_pdfs() {
        let facturx = fixture("facturx-en16931.pdf");
        assert!(may_embed_files(&facturx));
        assert_eq!(embedded_xml(&facturx).len(), 1);
        let plain = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF";
        assert!(!may_embed_files(plain));
        assert!(embedded_xml(plain).is_empty());
        assert!(may_embed_files(
            b"%PDF-1.5 5 0 obj << /Type /ObjStm /N 3 >>"
        ));
    }
}
