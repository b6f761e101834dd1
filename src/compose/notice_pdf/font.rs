//! The embedded DejaVu Sans fonts: measuring text for layout, and writing
//! each one into the PDF as a subset Type 0 (CID, Identity-H) font with a
//! ToUnicode map, so accents print everywhere and text can be copied and
//! extracted.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::compose::Error;

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Which of the two faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    fn data(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        }
    }

    /// Resource name in page content (`/F1`, `/F2`).
    pub(super) fn resource(self) -> &'static str {
        match self {
            Weight::Regular => "F1",
            Weight::Bold => "F2",
        }
    }

    fn base_name(self) -> &'static str {
        match self {
            Weight::Regular => "RLNCAA+DejaVuSans",
            Weight::Bold => "RLNCAB+DejaVuSans-Bold",
        }
    }
}

/// A parsed face, for measuring.
pub(super) struct Metrics {
    face: Face<'static>,
}

impl Metrics {
    pub(super) fn new(weight: Weight) -> Result<Metrics, Error> {
        let face = Face::parse(weight.data(), 0)
            .map_err(|e| Error::Build(format!("embedded font: {e}")))?;
        Ok(Metrics { face })
    }

    /// The glyph for `c`; characters the font lacks print as a space.
    fn glyph(&self, c: char) -> GlyphId {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index(' '))
            .unwrap_or(GlyphId(0))
    }

    fn units(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// Advance width of `gid` in thousandths of the font size.
    fn advance(&self, gid: GlyphId) -> f32 {
        let adv = self.face.glyph_hor_advance(gid).unwrap_or(0);
        f32::from(adv) * 1000.0 / self.units()
    }

    /// Width of `text` at `size` points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }
}

/// Glyphs used by one face in the document, renumbered for the subset.
pub(super) struct Subset {
    metrics: Metrics,
    weight: Weight,
    remapper: GlyphRemapper,
    /// New glyph id -> the character it shows (for ToUnicode).
    chars: BTreeMap<u16, char>,
}

impl Subset {
    pub(super) fn new(weight: Weight) -> Result<Subset, Error> {
        Ok(Subset {
            metrics: Metrics::new(weight)?,
            weight,
            remapper: GlyphRemapper::new(),
            chars: BTreeMap::new(),
        })
    }

    /// The PDF string (two-byte codes of the subset's glyphs) for `text`.
    pub(super) fn encode(&mut self, text: &str) -> Object {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let new = self.remapper.remap(self.metrics.glyph(c).0);
            self.chars.entry(new).or_insert(c);
            bytes.extend_from_slice(&new.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }

    /// Writes the font objects; returns the Type 0 font's id.
    pub(super) fn embed(&self, doc: &mut Document) -> Result<ObjectId, Error> {
        let data = subsetter::subset(self.weight.data(), 0, &self.remapper)
            .map_err(|e| Error::Build(format!("font subset: {e}")))?;
        let len = i64::try_from(data.len()).unwrap_or(i64::MAX);
        let file_id = doc.add_object(Stream::new(dictionary! { "Length1" => len }, data));
        let face = &self.metrics.face;
        let scale = 1000.0 / self.metrics.units();
        let bbox = face.global_bounding_box();
        let num = |v: i16| Object::Real(f32::from(v) * scale);
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(self.weight.base_name().into()),
            "Flags" => 32,
            "FontBBox" => vec![num(bbox.x_min), num(bbox.y_min), num(bbox.x_max), num(bbox.y_max)],
            "ItalicAngle" => 0,
            "Ascent" => num(face.ascender()),
            "Descent" => num(face.descender()),
            "CapHeight" => num(face.capital_height().unwrap_or(face.ascender())),
            "StemV" => if self.weight == Weight::Bold { 120 } else { 80 },
            "FontFile2" => file_id,
        });
        let widths: Vec<Object> = self
            .remapper
            .remapped_gids()
            .map(|old| Object::Real(self.metrics.advance(GlyphId(old))))
            .collect();
        let cid_font = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => Object::Name(self.weight.base_name().into()),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "W" => vec![Object::Integer(0), Object::Array(widths)],
            "CIDToGIDMap" => "Identity",
        });
        let to_unicode = doc.add_object(Stream::new(Dictionary::new(), self.to_unicode()));
        Ok(doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => Object::Name(self.weight.base_name().into()),
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(cid_font)],
            "ToUnicode" => to_unicode,
        }))
    }

    fn to_unicode(&self) -> Vec<u8> {
        let mut out = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let entries: Vec<(&u16, &char)> = self.chars.iter().collect();
        for chunk in entries.chunks(100) {
            out.push_str(&format!("{} beginbfchar\n", chunk.len()));
            for (gid, c) in chunk {
                let mut units = [0u16; 2];
                let hex: String = c
                    .encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                out.push_str(&format!("<{gid:04X}> <{hex}>\n"));
            }
            out.push_str("endbfchar\n");
        }
        out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        out.into_bytes()
    }
}
