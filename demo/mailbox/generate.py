#!/usr/bin/env python3
# Generator of the built-in sample mailbox replayed by `relance demo`.
#
# Requirements:  pip install factur-x fpdf2
# Usage (from the repository root):  python3 demo/mailbox/generate.py
#
# Deterministic: fixed Message-IDs, dates, MIME boundaries and PDF timestamps,
# no randomness; re-running it rewrites byte-identical files.  It writes
# sent/*.eml, inbox/*.eml and manifest.toml next to this script (README.md is
# maintained by hand).  Every .eml uses CRLF line endings.
#
# Story (French calendar; step 1 = due + 2 business days, step 2 = due + 8
# business days, step 3 = call task at due + 15 days, step 4 = due + 20 days):
#
#   Librairie des Canuts  F-2025-0183  1 872,00 EUR  due 2026-01-05  (Factur-X)
#       step 1 (07/01) to marc.lefevre@ bounces the same day; the billing
#       address compta@ is in the Factur-X XML (buyer URI); compta@ answers
#       "je transmets" on 12/01 (other), then "virement émis ce jour" on 27/01.
#   Studio Lumière SARL   F-2025-0191  2 880,00 EUR  due 2026-01-09
#                         F-2026-0002    660,00 EUR  due 2026-02-04
#       after step 2 (21/01): "Nous réglerons le 15." (22/01 -> 2026-02-15),
#       not kept; after the call (18/02): "en fin de mois" (19/02 ->
#       2026-02-28); kept: "virement effectué ce matin" on 27/02.
#       Outlook, HTML only, Windows-1252.
#   Traiteur Morel        F-2025-0193  1 740,00 EUR  due 2026-01-12
#       Claire writes herself on 20/01 "je vous relance de vive voix demain"
#       (manual contact, postpones step 2 due 22/01); after the call the
#       client pays 600,00 EUR and promises the rest "fin février" (partial).
#   Boulangerie Martin    F-2025-0196  1 250,00 EUR  due 2026-01-15
#       after step 1 (19/01): "Virement effectué ce matin." on 21/01 (paid).
#   Brightline Ltd        INV-2026-007   £980.50     due 2026-01-20  (English)
#       after step 1 (22/01): asks to confirm bank details on 23/01
#       (question); Claire answers the same afternoon (manual contact);
#       30/01 "Payment will be made next Friday." (-> 2026-02-06); remittance
#       advice on 06/02 without thread headers (paid, matched by number).
#   Garage Petit          F-2025-0199  3 600,00 EUR  due 2026-01-21 (30 days)
#       after step 1 (23/01): "la prestation n'a pas été livrée complètement,
#       nous contestons le montant" on 26/01 (dispute).
#   Cabinet Roche         F-2026-0003  2 160,00 EUR  due 2026-02-10
#       silent through steps 1-3; step 4 (02/03) gets an out-of-office reply
#       "absente du 2 au 16 mars inclus" (ooo, back 2026-03-17).
#   Plus a newsletter and a design-tool notification to ignore.

import base64
import datetime as _dt
import email.utils
import hashlib
import html
import quopri
import sys
import uuid
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
import facturx
import facturx.facturx as _fxmod

HERE = Path(__file__).resolve().parent
CRLF = "\r\n"

CET = _dt.timezone(_dt.timedelta(hours=1))
UTC = _dt.timezone.utc

CLAIRE = ("Claire Dupont", "claire@atelier-dupont.example.fr")
IBAN = "FR76 3000 6000 0112 3456 7890 189"
BIC = "AGRIFRPPXXX"
SIRET = "912 345 678 00017"
VAT_ID = "FR12912345678"

SIG_FR = (
    "-- \n"
    "Claire Dupont – Atelier Dupont\n"
    "Design graphique · 12 rue des Capucins, 69001 Lyon\n"
    "04 78 28 00 00 · claire@atelier-dupont.example.fr\n"
)
SIG_EN = (
    "-- \n"
    "Claire Dupont – Atelier Dupont\n"
    "Graphic design studio · 12 rue des Capucins, 69001 Lyon, France\n"
    "+33 4 78 28 00 00 · claire@atelier-dupont.example.fr\n"
)


# --------------------------------------------------------------------------
# Small deterministic helpers
# --------------------------------------------------------------------------

def h(seed, n=16):
    """Deterministic hex string derived from a seed."""
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def tb_msgid(seed):
    """Thunderbird-style Message-ID on Claire's domain."""
    u = uuid.uuid5(uuid.NAMESPACE_URL, "relance-demo/" + seed)
    return f"<{u}@atelier-dupont.example.fr>"


def gmail_msgid(seed):
    s = base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()
    s = s.replace("/", "_").replace("=", "")[:40]
    return f"<CA{s}@mail.gmail.com>"


def outlook_msgid(seed, host="PAXP193MB1874"):
    return f"<{host}{h(seed, 24).upper()}@{host}.EURP193.PROD.OUTLOOK.COM>"


_WD = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MO = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
       "Nov", "Dec"]


def date_header(d, pad_day=False):
    """RFC 5322 date: "Fri, 5 Dec 2025 10:14:32 +0100" (locale independent)."""
    off = d.utcoffset()
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    mins = abs(mins)
    day = f"{d.day:2d}" if pad_day else str(d.day)
    return (f"{_WD[d.weekday()]}, {day} {_MO[d.month - 1]} {d.year} "
            f"{d:%H:%M:%S} {sign}{mins // 60:02d}{mins % 60:02d}")


def utc_iso(d):
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_Q_SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")


def _q_words(text, charset):
    """Encode text as one or more RFC 2047 Q encoded-words (each <= 75 chars)."""
    label = charset
    codec = {"UTF-8": "utf-8", "utf-8": "utf-8"}.get(charset, charset)
    words, cur = [], ""
    prefix = f"=?{label}?Q?"
    for ch in text:
        piece = "".join("_" if b == 0x20 else (chr(b) if b in _Q_SAFE else f"={b:02X}")
                        for b in ch.encode(codec))
        if len(prefix) + len(cur) + len(piece) + 2 > 75:
            words.append(prefix + cur + "?=")
            cur = ""
        cur += piece
    words.append(prefix + cur + "?=")
    return words


def enc_header(value, charset="UTF-8"):
    """Header text with RFC 2047 encoded-words only around the non-ASCII words,
    as Thunderbird and Outlook do (runs of non-ASCII words share one word)."""
    tokens = value.split(" ")
    out, run = [], []

    def flush():
        if run:
            out.extend(_q_words(" ".join(run), charset))
            run.clear()

    for i, t in enumerate(tokens):
        if t.isascii() and not ("=?" in t):
            flush()
            out.append(t)
        else:
            if run:
                pass
            run.append(t)
    flush()
    # adjacent encoded-words: whitespace between them is dropped by decoders,
    # so a run was encoded with its inner spaces; join everything with spaces.
    return " ".join(out)


def fold(name, value, limit=78):
    """Fold a header line at spaces so that lines stay under `limit` chars."""
    line = f"{name}: {value}"
    if len(line) <= limit or "\r\n" in value or " " not in value:
        return line
    parts = line.split(" ")
    lines, cur = [], parts[0]
    for p in parts[1:]:
        if len(cur) + 1 + len(p) > limit and cur.strip():
            lines.append(cur)
            cur = " " + p
        else:
            cur += " " + p
    lines.append(cur)
    return CRLF.join(lines)


def addr(name, mail, charset="utf-8"):
    if not name:
        return mail
    try:
        name.encode("ascii")
        if any(c in name for c in ',.;:()<>@"'):
            return f'"{name}" <{mail}>'
        return f"{name} <{mail}>"
    except UnicodeEncodeError:
        return f"{' '.join(_q_words(name, 'UTF-8'))} <{mail}>"


def addrs(lst):
    return ", ".join(addr(n, m) for n, m in lst)


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", CRLF)


def qp(text, charset="utf-8"):
    raw = text.replace("\r\n", "\n").encode(charset)
    out = quopri.encodestring(raw, quotetabs=False).decode("ascii")
    return crlf(out)


def b64(data):
    return crlf(base64.encodebytes(data).decode("ascii"))


def headers_block(hdrs):
    lines = []
    for k, v in hdrs:
        lines.append(fold(k, v))
    return CRLF.join(lines) + CRLF


def leaf(ctype, body, cte, extra=()):
    """A MIME leaf: returns text (str) with headers, blank line, body."""
    hdrs = [("Content-Type", ctype), ("Content-Transfer-Encoding", cte)]
    hdrs.extend(extra)
    body = body if body.endswith(CRLF) else body + CRLF
    return headers_block(hdrs) + CRLF + body


def text_leaf(text, charset="utf-8", cte="quoted-printable", subtype="plain",
              params="", extra=()):
    ctype = f"text/{subtype}; charset={charset}{params}"
    charset = charset.strip('"')
    if cte == "quoted-printable":
        body = qp(text, charset)
    elif cte == "base64":
        body = b64(crlf(text).encode(charset))  # canonical CRLF form
    else:  # 8bit / 7bit
        body = crlf(text)
    return leaf(ctype, body, cte, extra)


def multipart(subtype, boundary, parts, preamble=None, params=""):
    ctype = f'multipart/{subtype}; boundary="{boundary}"{params}'
    out = ""
    if preamble:
        out += preamble + CRLF
    for p in parts:
        out += f"--{boundary}{CRLF}{p}"
    out += f"--{boundary}--{CRLF}"
    return ctype, out


def pdf_leaf(data, filename):
    try:
        filename.encode("ascii")
        name_params = f'; name="{filename}"'
        disp = f'attachment; filename="{filename}"'
    except UnicodeEncodeError:
        from urllib.parse import quote
        q = quote(filename, safe="")
        name_params = f'; name="{" ".join(_q_words(filename, "UTF-8"))}"'
        disp = f"attachment;{CRLF} filename*=UTF-8''{q}"
    return leaf("application/pdf" + name_params, b64(data), "base64",
                [("Content-Disposition", disp)])


def message(hdrs, ctype, body, cte=None):
    """Top-level message: hdrs is a list of (name, value)."""
    all_h = list(hdrs) + [("MIME-Version", "1.0"), ("Content-Type", ctype)]
    if cte:
        all_h.append(("Content-Transfer-Encoding", cte))
    return (headers_block(all_h) + CRLF + body).encode("utf-8")


def quote_text(text, prefix="> "):
    out = []
    for line in text.replace("\r\n", "\n").rstrip("\n").split("\n"):
        out.append((prefix + line).rstrip() if line else prefix.rstrip())
    return "\n".join(out) + "\n"


FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FR_DAYS_ABBR = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
             "août", "septembre", "octobre", "novembre", "décembre"]
FR_MONTHS_ABBR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.",
                  "août", "sept.", "oct.", "nov.", "déc."]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December"]


def gmail_fr_attr(d, who):
    return (f"Le {FR_DAYS_ABBR[d.weekday()]} {d.day} {FR_MONTHS_ABBR[d.month - 1]} "
            f"{d.year} à {d:%H:%M}, {who} a écrit :")


def iphone_fr_attr(d, who):
    return f"Le {d.day} {FR_MONTHS_ABBR[d.month - 1]} {d.year} à {d:%H:%M}, {who} a écrit :"


def tb_fr_attr(d, name):
    return f"Le {d:%d/%m/%Y} à {d:%H:%M}, {name} a écrit :"


def gmail_en_attr(d, who):
    return f"On {d:%a}, {d.day} {d:%b} {d.year} at {d:%H:%M}, {who} wrote:"


def tb_en_attr(d, name):
    return f"On {d:%d/%m/%Y} {d:%H:%M}, {name} wrote:"


def outlook_fr_header(d, frm, to, subject, cc=None):
    lines = [
        f"De : {frm}",
        f"Envoyé : {FR_DAYS[d.weekday()]} {d.day} {FR_MONTHS[d.month - 1]} {d.year} {d:%H:%M}",
        f"À : {to}",
    ]
    if cc:
        lines.append(f"Cc : {cc}")
    lines.append(f"Objet : {subject}")
    return lines


# --------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------

def fr_money(x, sep=" "):
    x = Decimal(x).quantize(Decimal("0.01"))
    units, cents = f"{x:.2f}".split(".")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return sep.join(groups) + "," + cents


def en_money(x):
    return f"{Decimal(x).quantize(Decimal('0.01')):,.2f}"


# --------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------

D = Decimal


class Invoice:
    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.ht = sum((q * p for _, q, p in self.lines), D("0")).quantize(D("0.01"))
        self.vat = (self.ht * self.vat_rate).quantize(D("0.01"))
        self.ttc = self.ht + self.vat
        self.msgid = tb_msgid("invoice/" + self.number)
        self.subject = (f"Invoice {self.number} – Atelier Dupont" if self.lang == "en"
                        else f"Facture {self.number} – Atelier Dupont")


INVOICES = {
    "canuts": Invoice(
        number="F-2025-0183", lang="fr", currency="EUR", factur_x=True,
        client="Librairie des Canuts SARL",
        client_addr=["5 rue d'Austerlitz", "69004 Lyon", "France"],
        client_siren="823456789", client_vat="FR44823456789",
        contact=("Marc Lefèvre", "marc.lefevre@librairie-canuts.example.fr"),
        billing_email="compta@librairie-canuts.example.fr",
        to=[("Marc Lefèvre", "marc.lefevre@librairie-canuts.example.fr")], cc=[],
        issued=_dt.datetime(2025, 12, 5, 10, 14, 32, tzinfo=CET),
        due=_dt.date(2026, 1, 5), delivered=_dt.date(2025, 11, 28),
        terms="Échéance le 05/01/2026, paiement par virement.",
        lines=[("Charte graphique du catalogue des fêtes", D("1"), D("960.00")),
               ("Mise en page du catalogue (32 pages)", D("1"), D("600.00"))],
        vat_rate=D("0.20"), pdf_name="F-2025-0183.pdf",
    ),
    "lumiere1": Invoice(
        number="F-2025-0191", lang="fr", currency="EUR", factur_x=False,
        client="Studio Lumière SARL",
        client_addr=["27 quai Saint-Vincent", "69001 Lyon", "France"],
        contact=("Sophie Garnier", "sophie.garnier@studio-lumiere.example.fr"),
        to=[("Sophie Garnier", "sophie.garnier@studio-lumiere.example.fr")], cc=[],
        issued=_dt.datetime(2025, 12, 10, 10, 2, 47, tzinfo=CET),
        due=_dt.date(2026, 1, 9),
        terms="Payable à 30 jours, soit le 09/01/2026, par virement.",
        lines=[("Refonte du site vitrine – maquettes et intégration graphique", D("1"), D("1800.00")),
               ("Déclinaison des supports de communication (flyers, réseaux sociaux)", D("1"), D("600.00"))],
        vat_rate=D("0.20"), pdf_name="F-2025-0191.pdf",
    ),
    "morel": Invoice(
        number="F-2025-0193", lang="fr", currency="EUR", factur_x=False,
        client="Traiteur Morel",
        client_addr=["48 cours Émile-Zola", "69100 Villeurbanne", "France"],
        contact=("Thomas Morel", "thomas@traiteur-morel.example.fr"),
        to=[("Thomas Morel", "thomas@traiteur-morel.example.fr")], cc=[],
        issued=_dt.datetime(2025, 12, 12, 16, 37, 5, tzinfo=CET),
        due=_dt.date(2026, 1, 12),
        terms="Échéance : 12/01/2026, par virement.",
        lines=[("Carte d'hiver et menus – conception graphique", D("1"), D("1100.00")),
               ("Déclinaisons impression (chevalets, cartes de table)", D("1"), D("350.00"))],
        vat_rate=D("0.20"), pdf_name="F-2025-0193.pdf",
    ),
    "martin": Invoice(
        number="F-2025-0196", lang="fr", currency="EUR", factur_x=False,
        client="Boulangerie Martin",
        client_addr=["14 rue Ney", "69006 Lyon", "France"],
        contact=("Nathalie Martin", "compta@boulangerie-martin.example.fr"),
        to=[("Boulangerie Martin", "compta@boulangerie-martin.example.fr")], cc=[],
        issued=_dt.datetime(2025, 12, 16, 11, 2, 18, tzinfo=CET),
        due=_dt.date(2026, 1, 15),
        terms="Échéance le 15/01/2026, paiement par virement.",
        lines=[("Visuels des sachets et boîtes à gâteaux (3 formats)", D("1"), D("1041.67"))],
        vat_rate=D("0.20"), pdf_name="F-2025-0196.pdf",
    ),
    "garage": Invoice(
        number="F-2025-0199", lang="fr", currency="EUR", factur_x=False,
        client="Garage Petit",
        client_addr=["112 route de Vienne", "69008 Lyon", "France"],
        contact=("Julien Petit", "contact@garage-petit.example.fr"),
        to=[("Garage Petit", "contact@garage-petit.example.fr")], cc=[],
        issued=_dt.datetime(2025, 12, 22, 10, 15, 40, tzinfo=CET),
        due=None,  # stated only as "payable sous 30 jours" -> 2026-01-21
        terms="Payable sous 30 jours à compter de la date de facture, par virement.",
        lines=[("Création du logo du garage", D("1"), D("1200.00")),
               ("Cartes de visite et papeterie", D("1"), D("450.00")),
               ("Marquage de la camionnette (fichiers d'impression)", D("1"), D("1350.00"))],
        vat_rate=D("0.20"), pdf_name="F-2025-0199.pdf",
    ),
    "lumiere2": Invoice(
        number="F-2026-0002", lang="fr", currency="EUR", factur_x=False,
        client="Studio Lumière SARL",
        client_addr=["27 quai Saint-Vincent", "69001 Lyon", "France"],
        contact=("Sophie Garnier", "sophie.garnier@studio-lumiere.example.fr"),
        to=[("Sophie Garnier", "sophie.garnier@studio-lumiere.example.fr")], cc=[],
        issued=_dt.datetime(2026, 1, 5, 10, 31, 9, tzinfo=CET),
        due=_dt.date(2026, 2, 4),
        terms="Échéance le 04/02/2026, par virement.",
        lines=[("Retouches de la plaquette tarifaire (aller-retour de décembre)", D("1"), D("550.00"))],
        vat_rate=D("0.20"), pdf_name="F-2026-0002.pdf",
    ),
    "brightline": Invoice(
        number="INV-2026-007", lang="en", currency="GBP", factur_x=False,
        client="Brightline Ltd",
        client_addr=["Unit 4, 21 Hoxton Square", "London N1 6NN", "United Kingdom"],
        contact=("Oliver Hughes", "oliver.hughes@brightline.example.co.uk"),
        to=[("Oliver Hughes", "oliver.hughes@brightline.example.co.uk")],
        cc=[("Brightline Accounts Payable", "accounts@brightline.example.co.uk")],
        issued=_dt.datetime(2026, 1, 6, 9, 12, 26, tzinfo=CET),
        due=_dt.date(2026, 1, 20),
        terms="Due date: 20 January 2026. Payment by bank transfer.",
        lines=[("Packaging illustrations – Spring range (4 designs)", D("4"), D("220.00")),
               ("Print-ready artwork files and colour proofs", D("1"), D("100.50"))],
        vat_rate=D("0"), pdf_name="INV-2026-007.pdf",
    ),
    "roche": Invoice(
        number="F-2026-0003", lang="fr", currency="EUR", factur_x=False,
        client="Cabinet Roche – Avocats",
        client_addr=["3 place des Célestins", "69002 Lyon", "France"],
        contact=("Hélène Roche", "h.roche@cabinet-roche.example.fr"),
        to=[("Maître Hélène Roche", "h.roche@cabinet-roche.example.fr")], cc=[],
        issued=_dt.datetime(2026, 1, 9, 14, 48, 51, tzinfo=CET),
        due=_dt.date(2026, 2, 10),
        terms="Date d'échéance : 10 février 2026, par virement.",
        lines=[("Conception du rapport annuel 2025 (24 pages)", D("1"), D("1500.00")),
               ("Cartes de vœux du cabinet", D("1"), D("300.00"))],
        vat_rate=D("0.20"),
        pdf_name="Facture F-2026-0003 – Cabinet Roche.pdf",  # RFC 2231 file name
    ),
}
assert INVOICES["martin"].ttc == D("1250.00")
assert INVOICES["brightline"].ttc == D("980.50")


# --------------------------------------------------------------------------
# PDF rendering (fpdf2 core fonts, cp1252: enough for French text, € and £)
# --------------------------------------------------------------------------

def render_pdf(inv):
    en = inv.lang == "en"
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_creation_date(inv.issued.astimezone(UTC))
    pdf.set_producer("Atelier Dupont")
    pdf.set_creator("Atelier Dupont")
    pdf.set_author("Atelier Dupont")
    pdf.set_title(f"{'Invoice' if en else 'Facture'} {inv.number}")
    pdf.set_lang("en-GB" if en else "fr-FR")
    pdf.set_auto_page_break(False)
    pdf.add_page()

    def line(txt, size=9, style="", h_=4.6, align="L"):
        pdf.set_font("Helvetica", style, size)
        pdf.cell(0, h_, txt, new_x="LMARGIN", new_y="NEXT", align=align)

    line("ATELIER DUPONT", 16, "B", 8)
    line("Design graphique" if not en else "Graphic design studio")
    line("12 rue des Capucins, 69001 Lyon, France")
    line("claire@atelier-dupont.example.fr - +33 4 78 28 00 00")
    line(f"SIRET {SIRET} - {'N° TVA' if not en else 'VAT no.'} {VAT_ID}")
    pdf.ln(6)
    pdf.set_x(120)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, inv.client, new_x="LMARGIN", new_y="NEXT")
    for l in inv.client_addr:
        pdf.set_x(120)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 4.6, l, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(120)
    attn = f"Attn: {inv.contact[0]}" if en else f"À l’attention de : {inv.contact[0]}"
    pdf.cell(0, 4.6, attn, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    if en:
        line(f"INVOICE {inv.number}", 14, "B", 7)
        line(f"Invoice date: {inv.issued.day} {EN_MONTHS[inv.issued.month - 1]} {inv.issued.year}")
        line(f"Due date: {inv.due.day} {EN_MONTHS[inv.due.month - 1]} {inv.due.year}")
    else:
        line(f"FACTURE {inv.number}", 14, "B", 7)
        line(f"Date de facture : {inv.issued:%d/%m/%Y}")
        if inv.due:
            line(f"Date d'échéance : {inv.due:%d/%m/%Y}")
        else:
            line("Conditions : payable sous 30 jours")
    pdf.ln(4)
    cur = "£" if inv.currency == "GBP" else "€"

    def money(x):
        return f"{cur}{en_money(x)}" if en else f"{fr_money(x)} {cur}"

    pdf.set_font("Helvetica", "B", 9)
    heads = (["Description", "Qty", "Unit price", "Amount"] if en
             else ["Désignation", "Qté", "P.U. HT", "Total HT"])
    widths = [110, 15, 30, 35]
    for w, t in zip(widths, heads):
        pdf.cell(w, 6, t, border="B", align="L" if t in ("Description", "Désignation") else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for desc, q, p in inv.lines:
        pdf.cell(widths[0], 6, desc)
        pdf.cell(widths[1], 6, f"{q:f}".rstrip("0").rstrip("."), align="R")
        pdf.cell(widths[2], 6, money(p), align="R")
        pdf.cell(widths[3], 6, money(q * p), align="R")
        pdf.ln()
    pdf.ln(3)

    def total(label, val, bold=False):
        pdf.set_font("Helvetica", "B" if bold else "", 10 if bold else 9)
        pdf.cell(155, 6, label, align="R")
        pdf.cell(35, 6, money(val), align="R")
        pdf.ln()

    if en:
        total("Total excl. VAT", inv.ht)
        total("VAT", inv.vat)
        total("Amount due", inv.ttc, True)
        pdf.ln(4)
        line("VAT not applicable, article 259-1 of the French General Tax Code (CGI): "
             "customer liable (reverse charge).", 8)
    else:
        total("Total HT", inv.ht)
        total(f"TVA {int(inv.vat_rate * 100)} %", inv.vat)
        total("Net à payer TTC", inv.ttc, True)
    pdf.ln(4)
    line(inv.terms, 9)
    line(("Bank transfer to: " if en else "Virement : ") + f"IBAN {IBAN} - BIC {BIC}", 9)
    pdf.ln(4)
    if en:
        legal = ("Late payment: interest at three times the French legal interest rate "
                 "and a fixed recovery indemnity of EUR 40 (art. L441-10 French Commercial Code). "
                 "No discount for early payment.")
    else:
        legal = ("En cas de retard de paiement : pénalités au taux de trois fois le taux "
                 "d'intérêt légal et indemnité forfaitaire pour frais de recouvrement de 40 € "
                 "(art. L441-10 et D441-5 du Code de commerce). Pas d'escompte pour paiement anticipé.")
    pdf.set_font("Helvetica", "", 7.5)
    pdf.multi_cell(0, 3.8, legal)
    return bytes(pdf.output())


# --------------------------------------------------------------------------
# Factur-X (EN 16931 profile) for the Librairie des Canuts invoice
# --------------------------------------------------------------------------

def cii_xml(inv):
    def dt(d):
        return f'<udt:DateTimeString format="102">{d:%Y%m%d}</udt:DateTimeString>'

    items = []
    for i, (desc, q, p) in enumerate(inv.lines, 1):
        items.append(f"""
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument>
        <ram:LineID>{i}</ram:LineID>
      </ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct>
        <ram:Name>{html.escape(desc)}</ram:Name>
      </ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice>
          <ram:ChargeAmount>{p:.2f}</ram:ChargeAmount>
        </ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery>
        <ram:BilledQuantity unitCode="C62">{q:.2f}</ram:BilledQuantity>
      </ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax>
          <ram:TypeCode>VAT</ram:TypeCode>
          <ram:CategoryCode>S</ram:CategoryCode>
          <ram:RateApplicablePercent>20.00</ram:RateApplicablePercent>
        </ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation>
          <ram:LineTotalAmount>{q * p:.2f}</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>""")
    street, city = inv.client_addr[0], inv.client_addr[1]
    postcode, cityname = city.split(" ", 1)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{inv.number}</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime>
      {dt(inv.issued)}
    </ram:IssueDateTime>
    <ram:IncludedNote>
      <ram:Content>En cas de retard de paiement : pénalités au taux de trois fois le taux d'intérêt légal et indemnité forfaitaire pour frais de recouvrement de 40 EUR (art. L441-10 et D441-5 du Code de commerce).</ram:Content>
      <ram:SubjectCode>PMT</ram:SubjectCode>
    </ram:IncludedNote>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>{''.join(items)}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>Atelier Dupont</ram:Name>
        <ram:SpecifiedLegalOrganization>
          <ram:ID schemeID="0002">{SIRET.replace(' ', '')[:9]}</ram:ID>
        </ram:SpecifiedLegalOrganization>
        <ram:DefinedTradeContact>
          <ram:PersonName>Claire Dupont</ram:PersonName>
          <ram:TelephoneUniversalCommunication>
            <ram:CompleteNumber>+33 4 78 28 00 00</ram:CompleteNumber>
          </ram:TelephoneUniversalCommunication>
          <ram:EmailURIUniversalCommunication>
            <ram:URIID>{CLAIRE[1]}</ram:URIID>
          </ram:EmailURIUniversalCommunication>
        </ram:DefinedTradeContact>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>69001</ram:PostcodeCode>
          <ram:LineOne>12 rue des Capucins</ram:LineOne>
          <ram:CityName>Lyon</ram:CityName>
          <ram:CountryID>FR</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:URIUniversalCommunication>
          <ram:URIID schemeID="EM">{CLAIRE[1]}</ram:URIID>
        </ram:URIUniversalCommunication>
        <ram:SpecifiedTaxRegistration>
          <ram:ID schemeID="VA">{VAT_ID}</ram:ID>
        </ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>{html.escape(inv.client)}</ram:Name>
        <ram:SpecifiedLegalOrganization>
          <ram:ID schemeID="0002">{inv.client_siren}</ram:ID>
        </ram:SpecifiedLegalOrganization>
        <ram:DefinedTradeContact>
          <ram:PersonName>{inv.contact[0]}</ram:PersonName>
          <ram:EmailURIUniversalCommunication>
            <ram:URIID>{inv.contact[1]}</ram:URIID>
          </ram:EmailURIUniversalCommunication>
        </ram:DefinedTradeContact>
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>{postcode}</ram:PostcodeCode>
          <ram:LineOne>{html.escape(street)}</ram:LineOne>
          <ram:CityName>{cityname}</ram:CityName>
          <ram:CountryID>FR</ram:CountryID>
        </ram:PostalTradeAddress>
        <ram:URIUniversalCommunication>
          <ram:URIID schemeID="EM">{inv.billing_email}</ram:URIID>
        </ram:URIUniversalCommunication>
        <ram:SpecifiedTaxRegistration>
          <ram:ID schemeID="VA">{inv.client_vat}</ram:ID>
        </ram:SpecifiedTaxRegistration>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery>
      <ram:ActualDeliverySupplyChainEvent>
        <ram:OccurrenceDateTime>
          {dt(inv.delivered)}
        </ram:OccurrenceDateTime>
      </ram:ActualDeliverySupplyChainEvent>
    </ram:ApplicableHeaderTradeDelivery>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:PaymentReference>{inv.number}</ram:PaymentReference>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount>
          <ram:IBANID>{IBAN.replace(' ', '')}</ram:IBANID>
        </ram:PayeePartyCreditorFinancialAccount>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount>{inv.vat:.2f}</ram:CalculatedAmount>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>{inv.ht:.2f}</ram:BasisAmount>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:DueDateTypeCode>72</ram:DueDateTypeCode>
        <ram:RateApplicablePercent>20.00</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>
      <ram:SpecifiedTradePaymentTerms>
        <ram:Description>Paiement par virement, échéance le {inv.due:%d/%m/%Y}</ram:Description>
        <ram:DueDateDateTime>
          {dt(inv.due)}
        </ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>{inv.ht:.2f}</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>{inv.ht:.2f}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">{inv.vat:.2f}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{inv.ttc:.2f}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>{inv.ttc:.2f}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
""".encode("utf-8")


class _FixedClock(_dt.datetime):
    """Freezes the factur-x library's timestamps (XMP and PDF dates)."""
    frozen = _dt.datetime(2025, 12, 5, 9, 14, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.frozen if tz else cls.frozen.replace(tzinfo=None)


def make_pdf(inv):
    pdf = render_pdf(inv)
    if not inv.factur_x:
        return pdf
    _FixedClock.frozen = inv.issued.astimezone(UTC)
    saved = _fxmod.datetime
    _fxmod.datetime = _FixedClock
    try:
        out = facturx.generate_from_binary(
            pdf, cii_xml(inv), flavor="factur-x", level="en16931", check_xsd=True,
            pdf_metadata={
                "author": "Atelier Dupont",
                "keywords": "Factur-X, Facture",
                "title": f"Atelier Dupont : facture {inv.number}",
                "subject": f"Facture Factur-X {inv.number} du {inv.issued:%d/%m/%Y} "
                           f"émise par Atelier Dupont",
            },
            lang="fr-FR", xmp_compression=False,
        )
    finally:
        _fxmod.datetime = saved
    # PDF/A-3 is based on PDF 1.7; same length, so no offset changes.
    if out.startswith(b"%PDF-1.4"):
        out = b"%PDF-1.7" + out[8:]
    return out


# --------------------------------------------------------------------------
# Invoice emails (Claire, Thunderbird: multipart/mixed, text/plain 8bit + PDF)
# --------------------------------------------------------------------------

def invoice_body(inv):
    n = inv.number
    if inv is INVOICES["canuts"]:
        return ("Bonjour Marc,\n\n"
                f"Vous trouverez ci-joint la facture {n} du 05/12/2025 : charte\n"
                "graphique et mise en page du catalogue des fêtes (32 pages). Le PDF\n"
                "est au format Factur-X, il s'importe directement dans votre logiciel\n"
                "de comptabilité.\n\n"
                f"Montant : {fr_money(inv.ttc)} € TTC\n"
                "Échéance le 05/01/2026, par virement (RIB sur la facture).\n\n"
                "Merci encore, et bonne fin de préparation des fêtes !\n\n"
                "Claire\n\n" + SIG_FR)
    if inv is INVOICES["lumiere1"]:
        return ("Bonjour Sophie,\n\n"
                f"Je vous prie de trouver ci-joint la facture {n} relative à la\n"
                "refonte du site vitrine et des supports de communication du studio.\n\n"
                f"Net à payer : {fr_money(inv.ttc, chr(0xA0))} EUR TTC "
                f"({fr_money(inv.ht, chr(0xA0))} EUR HT + TVA 20 % {fr_money(inv.vat, chr(0xA0))} EUR)\n"
                "Date de facture : 10/12/2025\n"
                "Conditions : payable à 30 jours, soit le 09/01/2026.\n\n"
                "Bien cordialement,\n"
                "Claire\n\n" + SIG_FR)
    if inv is INVOICES["morel"]:
        return ("Bonjour Thomas,\n\n"
                f"Voici la facture {n} pour la carte d'hiver et les menus\n"
                "(conception et déclinaisons pour l'impression).\n\n"
                f"Net à payer : {fr_money(inv.ttc, chr(0x202F))} € TTC\n"
                "Échéance : 12/01/2026\n\n"
                "Bonne soirée,\n"
                "Claire\n\n" + SIG_FR)
    if inv is INVOICES["martin"]:
        return ("Bonjour Madame Martin,\n\n"
                f"Veuillez trouver ci-joint la facture {n} du 16/12/2025 pour la\n"
                "création des visuels des sachets et boîtes à gâteaux.\n\n"
                f"Montant : {fr_money(inv.ttc)} € TTC\n"
                "Échéance le 15/01/2026, règlement par virement (RIB en bas de facture).\n\n"
                "Merci pour votre confiance, et belles fêtes !\n\n"
                "Claire Dupont\n\n" + SIG_FR)
    if inv is INVOICES["garage"]:
        return ("Bonjour Monsieur Petit,\n\n"
                f"Ci-joint la facture {n} pour la création du logo, des cartes de\n"
                "visite et du marquage de la camionnette du garage.\n\n"
                f"Total TTC : {fr_money(inv.ttc)} € ({fr_money(inv.ht)} € HT, TVA {fr_money(inv.vat)} €)\n"
                "Paiement : payable sous 30 jours à compter de la date de facture, par\n"
                "virement.\n\n"
                "Bonnes fêtes,\n"
                "Claire Dupont\n\n" + SIG_FR)
    if inv is INVOICES["lumiere2"]:
        return ("Bonjour Sophie,\n\n"
                "Meilleurs vœux pour 2026 ! Voici la facture " + n + " pour les\n"
                "retouches de la plaquette tarifaire faites en décembre.\n\n"
                f"Montant : {fr_money(inv.ttc)} € TTC\n"
                "Échéance le 04/02/2026.\n\n"
                "Bien à vous,\n"
                "Claire\n\n" + SIG_FR)
    if inv is INVOICES["brightline"]:
        return ("Hello Oliver,\n\n"
                f"Please find attached invoice {n} for the Spring range packaging\n"
                "illustrations.\n\n"
                "Invoice date: 6 January 2026\n"
                f"Amount due: £{en_money(inv.ttc)}\n"
                "Due date: 20 January 2026\n"
                "Payment by bank transfer to the account shown on the invoice.\n\n"
                "Many thanks, and happy new year!\n\n"
                "Best regards,\n"
                "Claire\n\n" + SIG_EN)
    if inv is INVOICES["roche"]:
        return ("Bonjour Maître,\n\n"
                f"Veuillez trouver ci-joint la facture {n} correspondant à la\n"
                "conception du rapport annuel 2025 et des cartes de vœux du cabinet.\n\n"
                f"Montant TTC : {fr_money(inv.ttc)} €\n"
                "Date d'échéance : 10 février 2026\n\n"
                "Je vous remercie pour votre confiance.\n\n"
                "Bien respectueusement,\n"
                "Claire Dupont\n\n" + SIG_FR)
    raise KeyError(n)


def tb_headers(msgid, date, frm, to, subject, cc=None, in_reply_to=None,
               references=None, lang="fr"):
    hd = [("Message-ID", msgid),
          ("Date", date_header(date))]
    hd.append(("MIME-Version", None))  # placeholder, removed below
    hd.append(("User-Agent", "Mozilla Thunderbird"))
    hd.append(("Content-Language", "fr" if lang == "fr" else "en-GB"))
    hd.append(("To", addrs(to)))
    if cc:
        hd.append(("Cc", addrs(cc)))
    hd.append(("From", addr(*frm)))
    hd.append(("Subject", enc_header(subject)))
    if in_reply_to:
        hd.append(("In-Reply-To", in_reply_to))
    if references:
        hd.append(("References", fold_refs(references)))
    return [x for x in hd if x[1] is not None]


def fold_refs(refs):
    return (CRLF + " ").join(refs)


def build_invoice(inv, key):
    body = invoice_body(inv)
    text = text_leaf(body, "UTF-8", "8bit")
    pdf = make_pdf(inv)
    att = pdf_leaf(pdf, inv.pdf_name)
    ctype, mp = multipart("mixed", f"------------atelier{h('b/' + inv.number, 20)}",
                          [text, att], preamble="This is a multi-part message in MIME format.")
    hd = tb_headers(inv.msgid, inv.issued, CLAIRE, inv.to, inv.subject, cc=inv.cc,
                    lang=inv.lang)
    return message(hd, ctype, mp), pdf


# --------------------------------------------------------------------------
# Client replies
# --------------------------------------------------------------------------

def outlook_html(paragraphs, quote_hdr_lines, quoted_text):
    """Outlook (desktop, French) HTML-only reply."""
    def p(t):
        return f'<p class="MsoNormal">{html.escape(t, False) if t else "&nbsp;"}<o:p></o:p></p>'
    body = "\n".join(p(x) for x in paragraphs)
    qh = "<br>\n".join(
        f"<b>{html.escape(l.split(' : ', 1)[0])}&nbsp;:</b> {html.escape(l.split(' : ', 1)[1])}"
        for l in quote_hdr_lines)
    quoted = "\n".join(p(x) for x in quoted_text.rstrip("\n").split("\n"))
    return f"""<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Windows-1252">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{margin:0cm;font-size:11.0pt;font-family:"Aptos",sans-serif;}}
a:link, span.MsoHyperlink
	{{color:#467886;text-decoration:underline;}}
@page WordSection1
	{{size:612.0pt 792.0pt;margin:70.85pt 70.85pt 70.85pt 70.85pt;}}
div.WordSection1
	{{page:WordSection1;}}
--></style>
</head>
<body lang="FR" link="#467886" vlink="#96607D" style="word-wrap:break-word">
<div class="WordSection1">
{body}
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>&nbsp;</b></p>
<p class="MsoNormal">{qh}<o:p></o:p></p>
</div>
<p class="MsoNormal">&nbsp;<o:p></o:p></p>
{quoted}
</div>
</body>
</html>
"""


def build_outlook_reply(inv, msgid, date, frm, to, subject, paragraphs, seed,
                        cc=None):
    qlines = outlook_fr_header(inv.issued, "Claire Dupont <claire@atelier-dupont.example.fr>",
                               addrs(inv.to), inv.subject)
    body = outlook_html(paragraphs, qlines, invoice_body(inv))
    enc = body.encode("cp1252", "xmlcharrefreplace").decode("cp1252")
    tidx = base64.b64encode(hashlib.sha256(("ti/" + seed).encode()).digest()[:22]).decode()
    hd = [("From", addr(*frm)),
          ("To", addrs(to))]
    if cc:
        hd.append(("Cc", addrs(cc)))
    hd += [("Subject", enc_header(subject, "Windows-1252")),
           ("Thread-Topic", enc_header(inv.subject, "Windows-1252")),
           ("Thread-Index", tidx),
           ("Date", date_header(date)),
           ("Message-ID", msgid),
           ("References", fold_refs([inv.msgid])),
           ("In-Reply-To", inv.msgid),
           ("Accept-Language", "fr-FR, en-US"),
           ("Content-Language", "fr-FR"),
           ("X-MS-Has-Attach", ""),
           ("X-MS-TNEF-Correlator", "")]
    return message(hd, "text/html; charset=\"Windows-1252\"", qp(enc, "cp1252"),
                   "quoted-printable")


def gmail_html_from_text(new_text, attr_line, quoted):
    def para(t):
        return "<br>".join(html.escape(x, False) for x in t.split("\n"))
    blocks = new_text.rstrip("\n").split("\n\n")
    new_html = "".join(f"<div>{para(b)}</div><div><br></div>" for b in blocks)
    qhtml = "<br>\n".join(html.escape(l, False) for l in quoted.rstrip("\n").split("\n"))
    return (f'<div dir="ltr">{new_html}</div><br><div class="gmail_quote gmail_quote_container">'
            f'<div dir="ltr" class="gmail_attr">{html.escape(attr_line)}<br></div>'
            '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;'
            'border-left:1px solid rgb(204,204,204);padding-left:1ex">'
            f"{qhtml}</blockquote></div>\n")


def build_gmail_reply(inv, msgid, date, frm, to, subject, new_text, attr_line,
                      seed, cc=None, in_reply_to=None, references=None,
                      quoted=None):
    quoted = quoted if quoted is not None else invoice_body(inv)
    plain = new_text.rstrip("\n") + "\n\n" + attr_line + "\n\n" + quote_text(quoted)
    htm = gmail_html_from_text(new_text, attr_line, quoted)
    b = f"000000000000{h('gb/' + seed, 16)}"
    ctype, mp = multipart("alternative", b,
                          [text_leaf(plain, "\"UTF-8\"", "quoted-printable"),
                           text_leaf(htm, "\"UTF-8\"", "quoted-printable", "html")])
    hd = [("References", fold_refs(references or [inv.msgid])),
          ("In-Reply-To", in_reply_to or inv.msgid),
          ("From", addr(*frm)),
          ("Date", date_header(date)),
          ("Message-ID", msgid),
          ("Subject", enc_header(subject)),
          ("To", addrs(to))]
    if cc:
        hd.append(("Cc", addrs(cc)))
    return message(hd, ctype, mp)


def build_plain_reply(inv, msgid, date, frm, to, subject, text, seed,
                      extra_headers=(), in_reply_to=None, references=None):
    hd = [("Message-ID", msgid),
          ("Date", date_header(date)),
          ("From", addr(*frm)),
          ("To", addrs(to)),
          ("Subject", enc_header(subject)),
          ("In-Reply-To", in_reply_to or inv.msgid),
          ("References", fold_refs(references or [inv.msgid]))]
    hd += list(extra_headers)
    return message(hd, "text/plain; charset=utf-8; format=flowed", qp(text),
                   "quoted-printable")


# --------------------------------------------------------------------------
# The messages, in chronological order
# --------------------------------------------------------------------------

MESSAGES = []  # dicts: folder, slug, date, arrives, bytes, expect, extra


def add(folder, slug, when, data, expect, arrives=None, **extra):
    MESSAGES.append(dict(folder=folder, slug=slug, date=when, data=data,
                         expect=expect, arrives=arrives or when, extra=extra))


def inv_expect(inv, due=None):
    due = due or inv.due
    return f"invoice {inv.number} {inv.ttc:.2f} {inv.currency} due {due.isoformat()}"


def build_all():
    I = INVOICES
    pdfs = {}

    # ---- invoices (Sent) ------------------------------------------------
    garage_due = (I["garage"].issued + _dt.timedelta(days=30)).date()
    for key, slug in [("canuts", "facture-librairie-canuts-facturx"),
                      ("lumiere1", "facture-studio-lumiere"),
                      ("morel", "facture-traiteur-morel"),
                      ("martin", "facture-boulangerie-martin"),
                      ("garage", "facture-garage-petit"),
                      ("lumiere2", "facture-studio-lumiere-2"),
                      ("brightline", "invoice-brightline"),
                      ("roche", "facture-cabinet-roche")]:
        inv = I[key]
        data, pdf = build_invoice(inv, key)
        pdfs[key] = pdf
        exp = inv_expect(inv, garage_due if key == "garage" else None)
        if inv.factur_x:
            exp += f" (Factur-X EN16931, buyer {inv.billing_email})"
        if key == "garage":
            exp += " (from 'payable sous 30 jours')"
        add("sent", slug, inv.issued, data, exp, kind="invoice",
            invoice=inv.number, client=inv.client.replace(" – Avocats", ""),
            amount=f"{inv.ttc:.2f}", currency=inv.currency,
            due=(garage_due if key == "garage" else inv.due).isoformat())

    # ---- Librairie des Canuts: bounce of step 1, then billing contact ---
    inv = I["canuts"]
    d = _dt.datetime(2026, 1, 7, 17, 41, 3, tzinfo=CET)
    add("inbox", "bounce-librairie-canuts", d, build_bounce(inv, d),
        "bounce marc.lefevre@librairie-canuts.example.fr: retry to billing contact "
        "compta@librairie-canuts.example.fr",
        cls="bounce", invoice=inv.number,
        failed="marc.lefevre@librairie-canuts.example.fr")

    d = _dt.datetime(2026, 1, 12, 9, 36, 22, tzinfo=CET)
    text = ("Bonjour Madame Dupont,\n\n"
            "Marc Lefèvre ne fait plus partie de l'équipe et son adresse a été\n"
            "désactivée : merci d'écrire désormais à compta@librairie-canuts.example.fr.\n\n"
            "J'ai bien reçu votre message et la facture F-2025-0183, je la transmets\n"
            "à notre gérante pour validation.\n\n"
            "Cordialement,\n\n"
            "-- \n"
            "Isabelle Caron\n"
            "Comptabilité – Librairie des Canuts\n"
            "5 rue d'Austerlitz, 69004 Lyon · 04 78 39 00 00\n\n"
            + tb_fr_attr(inv.issued, "Claire Dupont") + "\n"
            + quote_text(invoice_body(inv)))
    add("inbox", "librairie-canuts-je-transmets", d,
        build_plain_reply(inv, tb_msgid("reply/canuts-1").replace("atelier-dupont", "librairie-canuts"),
                          d, ("Librairie des Canuts – Comptabilité", inv.billing_email),
                          [CLAIRE], "Re: " + inv.subject, text, "canuts-1",
                          extra_headers=[("User-Agent", "Mozilla Thunderbird"),
                                         ("Content-Language", "fr")]),
        "other (acknowledgement, no date): postpone by the manual-contact delay; alert",
        arrives=d + _dt.timedelta(seconds=40), cls="other", invoice=inv.number)

    # ---- Studio Lumière: promise "le 15" (Outlook, HTML only) -----------
    inv = I["lumiere1"]
    sophie = ("Sophie Garnier", "sophie.garnier@studio-lumiere.example.fr")
    sig = ["Sophie Garnier", "Gérante – Studio Lumière SARL",
           "27 quai Saint-Vincent, 69001 Lyon", "04 72 00 00 00"]
    d = _dt.datetime(2026, 1, 22, 9, 4, 11, tzinfo=UTC)
    add("inbox", "studio-lumiere-promesse-le-15", d,
        build_outlook_reply(inv, outlook_msgid("lumiere-1"), d, sophie, [CLAIRE],
                            "RE : " + inv.subject,
                            ["Bonjour Claire,", "",
                             "Je suis désolée pour ce retard, nous avons eu un souci de "
                             "trésorerie ces dernières semaines.",
                             "Nous réglerons le 15.", "",
                             "Bien à vous,", ""] + sig, "lumiere-1"),
        "promise 2026-02-15 (\"Nous réglerons le 15.\", written 2026-01-22): pause "
        "until 2026-02-17; not kept",
        arrives=d + _dt.timedelta(seconds=55), cls="promise", date="2026-02-15",
        invoice=inv.number)

    # ---- Traiteur Morel: Claire's own reply, then partial payment -------
    inv = I["morel"]
    d = _dt.datetime(2026, 1, 20, 18, 12, 37, tzinfo=CET)
    manual_id = tb_msgid("manual/morel")
    text = ("Bonjour Thomas,\n\n"
            "Je n'ai pas encore reçu le règlement de la facture F-2025-0193\n"
            "(1 740,00 € TTC, échue le 12/01/2026). Je vous relance de vive voix\n"
            "demain, je vous appelle en fin de matinée.\n\n"
            "Bonne soirée,\n"
            "Claire\n\n" + SIG_FR + "\n"
            + tb_fr_attr(inv.issued, "Claire Dupont") + "\n"
            + quote_text(invoice_body(inv)))
    hd = tb_headers(manual_id, d, CLAIRE, inv.to, "Re: " + inv.subject,
                    in_reply_to=inv.msgid, references=[inv.msgid])
    add("sent", "relance-manuelle-traiteur-morel", d,
        message(hd, "text/plain; charset=UTF-8", crlf(text), "8bit"),
        "manual contact (Claire's own reply in the thread): postpone the next step "
        "(step 2, planned 2026-01-22) by 5 business days",
        cls="manual", invoice=inv.number)

    d = _dt.datetime(2026, 1, 21, 16, 30, 12, tzinfo=CET)
    text = ("Bonjour Claire,\n\n"
            "Merci pour votre appel de ce matin. Comme convenu, nous avons viré\n"
            "600,00 € ce jour. Le solde de 1 140,00 € sera réglé fin février.\n\n"
            "Bonne journée,\n"
            "Thomas Morel\n"
            "Traiteur Morel – 48 cours Émile-Zola, Villeurbanne\n")
    quoted = ("Bonjour Thomas,\n\n"
              "Je n'ai pas encore reçu le règlement de la facture F-2025-0193\n"
              "(1 740,00 € TTC, échue le 12/01/2026). Je vous relance de vive voix\n"
              "demain, je vous appelle en fin de matinée.\n\n"
              "Bonne soirée,\nClaire\n\n" + SIG_FR)
    add("inbox", "traiteur-morel-acompte", d,
        build_gmail_reply(inv, gmail_msgid("morel-1"), d,
                          ("Thomas Morel", "thomas@traiteur-morel.example.fr"),
                          [CLAIRE], "Re: " + inv.subject, text,
                          gmail_fr_attr(_dt.datetime(2026, 1, 20, 18, 12, tzinfo=CET),
                                        "Claire Dupont <claire@atelier-dupont.example.fr>"),
                          "morel-1", in_reply_to=manual_id,
                          references=[inv.msgid, manual_id], quoted=quoted),
        "partial 600.00 EUR paid; rest 1140.00 promised 2026-02-28 (\"fin février\")",
        arrives=d + _dt.timedelta(seconds=30), cls="partial", amount="600.00",
        date="2026-02-28", invoice=inv.number)

    # ---- Boulangerie Martin: paid ----------------------------------------
    inv = I["martin"]
    d = _dt.datetime(2026, 1, 21, 8, 47, 55, tzinfo=CET)
    text = ("Bonjour,\n\n"
            "Virement effectué ce matin.\n\n"
            "Cordialement,\n"
            "Nathalie Martin\n"
            "Boulangerie Martin\n\n"
            + tb_fr_attr(inv.issued, "Claire Dupont") + "\n"
            + quote_text(invoice_body(inv)))
    add("inbox", "boulangerie-martin-virement-effectue", d,
        build_plain_reply(inv, "<8c1e5f0a-2b7d-0d5e-6c3f-b8a1e2d4c7f0@boulangerie-martin.example.fr>",
                          d, ("Nathalie Martin", "compta@boulangerie-martin.example.fr"),
                          [CLAIRE], "Re: " + inv.subject, text, "martin-1",
                          extra_headers=[("User-Agent", "Mozilla Thunderbird"),
                                         ("Content-Language", "fr")]),
        "paid (\"Virement effectué ce matin\"): pause, ask Claire to confirm receipt",
        arrives=d + _dt.timedelta(seconds=20), cls="paid", invoice=inv.number)

    # ---- Brightline: question, Claire's answer, promise, remittance ------
    inv = I["brightline"]
    oliver = ("Oliver Hughes", "oliver.hughes@brightline.example.co.uk")
    ap = ("Brightline Accounts Payable", "accounts@brightline.example.co.uk")
    d = _dt.datetime(2026, 1, 23, 11, 18, 40, tzinfo=UTC)
    q_id = gmail_msgid("brightline-1")
    q_text = ("Hi Claire,\n\n"
              "Thanks for the reminder, and sorry for the delay. Our finance system\n"
              "flagged your account as a new payee, and our fraud-prevention policy\n"
              "requires us to confirm bank details directly with the supplier before\n"
              "releasing a payment. Could you please send us your bank details (IBAN,\n"
              "SWIFT/BIC and the name of the account holder)?\n\n"
              "Kind regards,\n"
              "Oliver\n\n"
              "-- \n"
              "Oliver Hughes\n"
              "Head of Brand | Brightline Ltd\n"
              "Unit 4, 21 Hoxton Square, London N1 6NN | +44 20 7946 0000\n")
    en_attr = gmail_en_attr(_dt.datetime(2026, 1, 6, 9, 12, tzinfo=CET),
                            "Claire Dupont <claire@atelier-dupont.example.fr>")
    add("inbox", "brightline-question-bank-details", d,
        build_gmail_reply(inv, q_id, d, oliver, [CLAIRE], "Re: " + inv.subject,
                          q_text, en_attr, "brightline-1", cc=[ap]),
        "question (asks for bank details): pause, alert Claire",
        arrives=d + _dt.timedelta(seconds=35), cls="question", invoice=inv.number)

    d = _dt.datetime(2026, 1, 23, 15, 20, 8, tzinfo=CET)
    a_id = tb_msgid("manual/brightline")
    text = ("Hello Oliver,\n\n"
            "Of course, here are our bank details:\n\n"
            "Account holder: Claire Dupont EI – Atelier Dupont\n"
            f"IBAN: {IBAN}\n"
            f"SWIFT/BIC: {BIC}\n\n"
            "They are the same as on the invoice. Feel free to call me on\n"
            "+33 4 78 28 00 00 if you would like to confirm them by phone.\n\n"
            "Best regards,\n"
            "Claire\n\n" + SIG_EN + "\n"
            + tb_en_attr(_dt.datetime(2026, 1, 23, 12, 18, tzinfo=CET), "Oliver Hughes")
            + "\n" + quote_text(q_text.split("\n-- \n")[0] + "\n"))
    hd = tb_headers(a_id, d, CLAIRE, [oliver], "Re: " + inv.subject, cc=[ap],
                    in_reply_to=q_id, references=[inv.msgid, q_id], lang="en")
    add("sent", "reply-brightline-bank-details", d,
        message(hd, "text/plain; charset=UTF-8", crlf(text), "8bit"),
        "manual contact (Claire answers the question): postpone the next step by "
        "5 business days", cls="manual", invoice=inv.number)

    # ---- Garage Petit: dispute (iPhone, plain text) ---------------------
    inv = I["garage"]
    d = _dt.datetime(2026, 1, 26, 14, 32, 5, tzinfo=CET)
    text = ("Bonjour,\n\n"
            "Nous avons bien reçu votre relance. La prestation n'a pas été livrée\n"
            "complètement, nous contestons le montant : les fichiers pour le\n"
            "marquage de la camionnette ne nous ont jamais été envoyés, seuls le\n"
            "logo et les cartes de visite ont été livrés. Nous ne réglerons pas\n"
            "3 600 € pour ça. Merci de nous faire parvenir une facture corrigée.\n\n"
            "Julien Petit\n"
            "Garage Petit\n\n"
            "Envoyé de mon iPhone\n\n"
            + "> " + iphone_fr_attr(inv.issued, "Claire Dupont <claire@atelier-dupont.example.fr>")
            + "\n>\n" + quote_text(invoice_body(inv)))
    add("inbox", "garage-petit-contestation", d,
        build_plain_reply(inv, "<5D2B9F4E-1C3A-4E8B-9A7D-3F6E2C1B0A98@garage-petit.example.fr>",
                          d, ("Julien Petit", "julien.petit@garage-petit.example.fr"),
                          [CLAIRE], "Re: " + inv.subject, text, "garage-1",
                          extra_headers=[("X-Mailer", "iPhone Mail (22C152)")]),
        "dispute (\"la prestation n'a pas été livrée complètement, nous contestons "
        "le montant\"; sender in the client's domain): pause, alert Claire",
        arrives=d + _dt.timedelta(seconds=25), cls="dispute", invoice=inv.number)

    # ---- Librairie des Canuts: paid ---------------------------------------
    inv = I["canuts"]
    d = _dt.datetime(2026, 1, 27, 11, 5, 48, tzinfo=CET)
    text = ("Bonjour Madame Dupont,\n\n"
            "Notre gérante a validé la facture F-2025-0183 : le virement de\n"
            "1 872,00 € a été émis ce jour.\n\n"
            "Cordialement,\n\n"
            "-- \n"
            "Isabelle Caron\n"
            "Comptabilité – Librairie des Canuts\n"
            "5 rue d'Austerlitz, 69004 Lyon · 04 78 39 00 00\n\n"
            + tb_fr_attr(inv.issued, "Claire Dupont") + "\n"
            + quote_text(invoice_body(inv)))
    add("inbox", "librairie-canuts-virement-emis", d,
        build_plain_reply(inv, tb_msgid("reply/canuts-2").replace("atelier-dupont", "librairie-canuts"),
                          d, ("Librairie des Canuts – Comptabilité", inv.billing_email),
                          [CLAIRE], "Re: " + inv.subject, text, "canuts-2",
                          extra_headers=[("User-Agent", "Mozilla Thunderbird"),
                                         ("Content-Language", "fr")]),
        "paid (\"le virement ... a été émis ce jour\")",
        arrives=d + _dt.timedelta(seconds=30), cls="paid", invoice=inv.number)

    # ---- Brightline: promise "next Friday" (written on a Friday) -------
    inv = I["brightline"]
    d = _dt.datetime(2026, 1, 30, 10, 40, 27, tzinfo=UTC)
    text = ("Hi Claire,\n\n"
            "Thanks, your details are now confirmed on our side. Payment will be\n"
            "made next Friday.\n\n"
            "Best,\n"
            "Oliver\n")
    add("inbox", "brightline-promise-next-friday", d,
        build_gmail_reply(inv, gmail_msgid("brightline-2"), d, oliver, [CLAIRE],
                          "Re: " + inv.subject, text,
                          gmail_en_attr(_dt.datetime(2026, 1, 23, 14, 20, tzinfo=UTC),
                                        "Claire Dupont <claire@atelier-dupont.example.fr>"),
                          "brightline-2", cc=[ap], in_reply_to=a_id,
                          references=[inv.msgid, q_id, a_id],
                          quoted=("Hello Oliver,\n\nOf course, here are our bank details:\n\n"
                                  "Account holder: Claire Dupont EI – Atelier Dupont\n"
                                  f"IBAN: {IBAN}\nSWIFT/BIC: {BIC}\n\n"
                                  "Best regards,\nClaire\n")),
        "promise 2026-02-06 (\"next Friday\", written on Friday 2026-01-30)",
        arrives=d + _dt.timedelta(seconds=30), cls="promise", date="2026-02-06",
        invoice=inv.number)

    # ---- Notification to ignore (design tool) ------------------------------
    d = _dt.datetime(2026, 2, 5, 14, 12, 0, tzinfo=UTC)
    add("inbox", "notification-maquette-cloud", d, build_notification(d),
        "ignore (automatic notification from an unknown sender, not in a thread)",
        cls="ignore")

    # ---- Brightline remittance advice (no thread headers) ----------------
    d = _dt.datetime(2026, 2, 6, 14, 5, 31, tzinfo=UTC)
    text = ("Dear Supplier,\n\n"
            "Please be advised that the following payment has been sent today by\n"
            "international bank transfer.\n\n"
            "Supplier:        Atelier Dupont\n"
            "Invoice number:  INV-2026-007\n"
            "Invoice date:    06/01/2026\n"
            "Amount paid:     GBP 980.50\n"
            "Payment date:    06/02/2026\n"
            "Our reference:   BL-PAY-20260206-0147\n\n"
            "Funds should reach your account within 1 to 3 business days.\n\n"
            "Kind regards,\n"
            "Accounts Payable\n"
            "Brightline Ltd, Unit 4, 21 Hoxton Square, London N1 6NN\n")
    hd = [("Message-ID", "<20260206140531.BL0147.ap@brightline.example.co.uk>"),
          ("Date", date_header(d)),
          ("From", addr(*ap)),
          ("To", addr(*CLAIRE)),
          ("Subject", "Remittance advice BL-PAY-20260206-0147 - Atelier Dupont")]
    add("inbox", "brightline-remittance-advice", d,
        message(hd, "text/plain; charset=us-ascii", crlf(text), "7bit"),
        "paid (remittance advice; no In-Reply-To: matched by number INV-2026-007 "
        "from a known client address, Cc of the invoice)",
        arrives=d + _dt.timedelta(seconds=45), cls="paid", invoice=inv.number)

    # ---- Studio Lumière: new promise after the call, then paid ----------
    inv = I["lumiere1"]
    d = _dt.datetime(2026, 2, 19, 8, 51, 2, tzinfo=UTC)
    add("inbox", "studio-lumiere-promesse-fin-du-mois", d,
        build_outlook_reply(inv, outlook_msgid("lumiere-2"), d, sophie, [CLAIRE],
                            "RE : " + inv.subject,
                            ["Bonjour Claire,", "",
                             "Suite à votre appel d'hier : toutes mes excuses, le virement "
                             "n'a pas pu partir à la date prévue.",
                             "Nous réglerons les deux factures (F-2025-0191 et F-2026-0002) "
                             "en fin de mois.", "",
                             "Bien à vous,", ""] + sig, "lumiere-2"),
        "promise 2026-02-28 (\"en fin de mois\", written 2026-02-19), covers "
        "F-2025-0191 and F-2026-0002",
        arrives=d + _dt.timedelta(seconds=50), cls="promise", date="2026-02-28",
        invoice=inv.number)

    d = _dt.datetime(2026, 2, 27, 9, 26, 44, tzinfo=UTC)
    add("inbox", "studio-lumiere-virement-effectue", d,
        build_outlook_reply(inv, outlook_msgid("lumiere-3"), d, sophie, [CLAIRE],
                            "RE : " + inv.subject,
                            ["Bonjour Claire,", "",
                             "Le virement de 3 540,00 € a été effectué ce matin pour les "
                             "factures F-2025-0191 et F-2026-0002.",
                             "Encore désolée pour ce retard.", "",
                             "Bien à vous,", ""] + sig, "lumiere-3"),
        "paid (\"Le virement de 3 540,00 € a été effectué ce matin\"): promise kept",
        arrives=d + _dt.timedelta(seconds=40), cls="paid", invoice=inv.number)

    # ---- Cabinet Roche: out-of-office on step 4 ------------------------
    inv = I["roche"]
    d = _dt.datetime(2026, 3, 2, 16, 44, 9, tzinfo=UTC)
    add("inbox", "cabinet-roche-absence", d, build_ooo(inv, d),
        "ooo back 2026-03-17 (\"absente du 2 au 16 mars inclus\"; Auto-Submitted: "
        "auto-replied): postpone the next step to a business day on or after 2026-03-17",
        arrives=d + _dt.timedelta(seconds=5), cls="ooo", date="2026-03-17",
        invoice=inv.number)

    # ---- Newsletter to ignore (inserted at its date) --------------------
    d = _dt.datetime(2026, 1, 13, 6, 30, 0, tzinfo=UTC)
    add("inbox", "newsletter-lettre-du-graphiste", d, build_newsletter(d),
        "ignore (newsletter, List-Id/Precedence: bulk; talks about invoices and "
        "reminders but is from an unknown sender)", cls="ignore")
    return pdfs


def build_bounce(inv, d):
    """Postfix RFC 3464 bounce of the step-1 reminder to marc.lefevre@."""
    qid = "4dC1Xb2K7Qz3vN"
    boundary = f"{qid}.1767804063/smtp.example.fr"
    sent_at = _dt.datetime(2026, 1, 7, 9, 0, 14, tzinfo=CET)
    rcpt = inv.to[0][1]
    notif = (
        "This is the mail system at host smtp.example.fr.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        "For further assistance, please send mail to postmaster.\n\n"
        "If you do so, please include this problem report. You can\n"
        "delete your own text from the attached returned message.\n\n"
        "                   The mail system\n\n"
        f"<{rcpt}>: host mx1.librairie-canuts.example.fr[192.0.2.25]\n"
        f"    said: 550 5.1.1 <{rcpt}>: Recipient address\n"
        "    rejected: User unknown in virtual mailbox table (in reply to RCPT TO\n"
        "    command)\n")
    dsn = (
        "Reporting-MTA: dns; smtp.example.fr\n"
        f"X-Postfix-Queue-ID: {qid}\n"
        f"X-Postfix-Sender: rfc822; {CLAIRE[1]}\n"
        f"Arrival-Date: {email.utils.format_datetime(sent_at).replace(' 0', '  ', 1)} (CET)\n"
        "\n"
        f"Final-Recipient: rfc822; {rcpt}\n"
        f"Original-Recipient: rfc822;{rcpt}\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Remote-MTA: dns; mx1.librairie-canuts.example.fr\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>:\n"
        "    Recipient address rejected: User unknown in virtual mailbox table\n")
    orig = (
        f"Return-Path: <{CLAIRE[1]}>\n"
        "Received: from [192.168.1.20] (lyon-cap.example.fr [198.51.100.7])\n"
        "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
        "\t(No client certificate requested)\n"
        f"\tby smtp.example.fr (Postfix) with ESMTPSA id {qid}\n"
        f"\tfor <{rcpt}>; {email.utils.format_datetime(sent_at).replace(' 0', '  ', 1)} (CET)\n"
        "Message-ID: <relance.20260107T080014Z.f2025-0183.s1@atelier-dupont.example.fr>\n"
        f"Date: {date_header(sent_at)}\n"
        f"From: {addr(*CLAIRE)}\n"
        f"To: {addrs(inv.to)}\n"
        f"Subject: {enc_header('Re: ' + inv.subject)}\n"
        f"In-Reply-To: {inv.msgid}\n"
        f"References: {inv.msgid}\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="relance-s1-f2025-0183"\n')
    parts = [
        leaf("text/plain; charset=us-ascii", crlf(notif), "7bit",
             []).replace("Content-Type", "Content-Description: Notification" + CRLF
                         + "Content-Type", 1),
        headers_block([("Content-Description", "Delivery report"),
                       ("Content-Type", "message/delivery-status")]) + CRLF + crlf(dsn),
        headers_block([("Content-Description", "Undelivered Message Headers"),
                       ("Content-Type", "text/rfc822-headers")]) + CRLF + crlf(orig),
    ]
    ctype, mp = multipart("report", boundary, parts,
                          preamble="This is a MIME-encapsulated message." + CRLF,
                          params="")
    ctype = f'multipart/report; report-type=delivery-status;{CRLF}\tboundary="{boundary}"'
    hd = [("Return-Path", "<>"),
          ("Received", f"by smtp.example.fr (Postfix){CRLF}\tid 7F3A21C0042; "
                       f"{email.utils.format_datetime(d)} (CET)"),
          ("Date", email.utils.format_datetime(d).replace(" 0", "  ", 1) + " (CET)"),
          ("From", "MAILER-DAEMON@smtp.example.fr (Mail Delivery System)"),
          ("Subject", "Undelivered Mail Returned to Sender"),
          ("To", CLAIRE[1]),
          ("Auto-Submitted", "auto-replied"),
          ("Message-Id", "<20260107164103.7F3A21C0042@smtp.example.fr>")]
    return message(hd, ctype, mp)


def build_ooo(inv, d):
    text = ("Bonjour,\n\n"
            "Je suis absente du 2 au 16 mars inclus, sans accès régulier à ma\n"
            "messagerie. Pour toute urgence, vous pouvez joindre le secrétariat du\n"
            "cabinet au 04 78 37 00 00 ou à secretariat@cabinet-roche.example.fr.\n\n"
            "Cordialement,\n\n"
            "Hélène Roche\n"
            "Avocate – Cabinet Roche\n")
    htm = ("<html><head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; "
           "charset=utf-8\">\n</head>\n<body>\n"
           "<div style=\"font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 11pt;\">\n"
           + "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n"
                     for p in text.rstrip("\n").split("\n\n"))
           + "</div>\n</body>\n</html>\n")
    b = f"_000_{h('ooo-b', 32).upper()}PR1P193MB0422EURP_"
    ctype, mp = multipart("alternative", b,
                          [text_leaf(text, "\"utf-8\"", "base64"),
                           text_leaf(htm, "\"utf-8\"", "base64", "html")])
    hd = [("From", addr("Hélène Roche", "h.roche@cabinet-roche.example.fr")),
          ("To", addr(*CLAIRE)),
          ("Subject", enc_header("Réponse automatique : Re: " + inv.subject)),
          ("Thread-Topic", enc_header("Re: " + inv.subject)),
          ("Date", date_header(d)),
          ("Message-ID", outlook_msgid("roche-ooo", "PR1P193MB0422")),
          ("In-Reply-To", inv.msgid),
          ("References", inv.msgid),
          ("Auto-Submitted", "auto-replied"),
          ("X-Auto-Response-Suppress", "All"),
          ("X-MS-Exchange-Inbox-Rules-Loop", "h.roche@cabinet-roche.example.fr"),
          ("Content-Language", "fr-FR"),
          ("X-MS-Has-Attach", "")]
    return message(hd, ctype, mp)


def build_newsletter(d):
    text = ("La Lettre du Graphiste – janvier 2026\n\n"
            "5 façons de vous faire payer plus vite en 2026\n\n"
            "1. Indiquez toujours une date d'échéance précise sur vos factures.\n"
            "2. Relancez dès le lendemain de l'échéance, poliment mais fermement.\n"
            "3. Proposez le virement instantané.\n"
            "4. Mentionnez l'indemnité forfaitaire de 40 € pour frais de recouvrement.\n"
            "5. Ne laissez pas une facture impayée plus de 30 jours sans appel.\n\n"
            "Webinaire « Devis, factures, relances » : jeudi 29 janvier à 12 h 30.\n\n"
            "Vous recevez cette lettre car vous êtes inscrite sur lettre-graphiste.example.com.\n"
            "Se désinscrire : https://lettre-graphiste.example.com/desinscription?u=7a41c9\n")
    htm = ("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
           "<title>La Lettre du Graphiste</title></head><body style=\"margin:0;background:#f4f1ec\">"
           "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"center\">"
           "<table width=\"600\" style=\"background:#ffffff;font-family:Georgia,serif\"><tr><td style=\"padding:24px\">"
           "<h1 style=\"font-size:22px\">5 façons de vous faire payer plus vite en 2026</h1><ol>"
           "<li>Indiquez toujours une date d'échéance précise sur vos factures.</li>"
           "<li>Relancez dès le lendemain de l'échéance, poliment mais fermement.</li>"
           "<li>Proposez le virement instantané.</li>"
           "<li>Mentionnez l'indemnité forfaitaire de 40&nbsp;€ pour frais de recouvrement.</li>"
           "<li>Ne laissez pas une facture impayée plus de 30 jours sans appel.</li></ol>"
           "<p>Webinaire «&nbsp;Devis, factures, relances&nbsp;» : jeudi 29 janvier à 12&nbsp;h&nbsp;30.</p>"
           "<p style=\"font-size:11px;color:#777\"><a href=\"https://lettre-graphiste.example.com/desinscription?u=7a41c9\">"
           "Se désinscrire</a></p></td></tr></table></td></tr></table></body></html>\n")
    b = "----=_Part_48213_1904277123.1768285800000"
    ctype, mp = multipart("alternative", b,
                          [text_leaf(text, "UTF-8", "quoted-printable"),
                           text_leaf(htm, "UTF-8", "quoted-printable", "html")])
    hd = [("Date", date_header(d)),
          ("From", addr("La Lettre du Graphiste", "newsletter@lettre-graphiste.example.com")),
          ("Reply-To", "redaction@lettre-graphiste.example.com"),
          ("To", CLAIRE[1]),
          ("Message-ID", "<1904277123.48213.1768285800000@mailer.lettre-graphiste.example.com>"),
          ("Subject", enc_header("La Lettre du Graphiste – 5 façons de vous faire payer plus vite")),
          ("List-Id", "La Lettre du Graphiste <lettre.lettre-graphiste.example.com>"),
          ("List-Unsubscribe", "<https://lettre-graphiste.example.com/desinscription?u=7a41c9>,"
                               f"{CRLF} <mailto:desinscription@lettre-graphiste.example.com?subject=7a41c9>"),
          ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
          ("Precedence", "bulk")]
    return message(hd, ctype, mp)


def build_notification(d):
    text = ("Oliver Hughes a commenté « Brightline – Spring range v3 » :\n\n"
            "  « Love the new colour for the lemon tin, can we try it on the\n"
            "    tea box too? »\n\n"
            "Répondre dans Maquette Cloud :\n"
            "https://maquette-cloud.example.com/f/9Qx2/brightline-spring-range-v3?c=3381\n\n"
            "Vous recevez cet e-mail parce que vous suivez ce fichier.\n"
            "Gérer les notifications : https://maquette-cloud.example.com/settings/notifications\n")
    htm = ("<html><body style=\"font-family:Helvetica,Arial,sans-serif\">"
           "<p><b>Oliver Hughes</b> a commenté <a href=\"https://maquette-cloud.example.com/f/9Qx2/"
           "brightline-spring-range-v3?c=3381\">« Brightline – Spring range v3 »</a> :</p>"
           "<blockquote>Love the new colour for the lemon tin, can we try it on the tea box too?</blockquote>"
           "<p style=\"color:#888;font-size:12px\">Vous recevez cet e-mail parce que vous suivez ce fichier.</p>"
           "</body></html>\n")
    b = "mc-notify-3381-1770300720"
    ctype, mp = multipart("alternative", b,
                          [text_leaf(text, "utf-8", "quoted-printable"),
                           text_leaf(htm, "utf-8", "quoted-printable", "html")])
    hd = [("Date", date_header(d)),
          ("From", addr("Maquette Cloud", "notifications@maquette-cloud.example.com")),
          ("To", CLAIRE[1]),
          ("Message-ID", "<notify.3381.1770300720@maquette-cloud.example.com>"),
          ("Subject", enc_header("Oliver Hughes a commenté « Brightline – Spring range v3 »")),
          ("Auto-Submitted", "auto-generated"),
          ("X-Auto-Response-Suppress", "All")]
    return message(hd, ctype, mp)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def verify(pdfs):
    """Parse every .eml with the strict policy, decode every part, check the
    thread headers and read the Factur-X XML back."""
    import email
    import email.policy
    import tomllib
    from lxml import etree

    manifest = tomllib.loads((HERE / "manifest.toml").read_text(encoding="utf-8"))
    ids = {}
    for entry in manifest["message"]:
        raw = (HERE / entry["file"]).read_bytes()
        assert b"\n" not in raw.replace(b"\r\n", b""), entry["file"] + ": bare LF"
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
        for name in ("Date", "From", "To", "Subject", "Message-ID"):
            assert msg[name] is not None, f"{entry['file']}: no {name}"
        for name, value in msg.items():
            assert not getattr(value, "defects", ()), (entry["file"], name, value.defects)
        assert not msg.defects, (entry["file"], msg.defects)
        date = email.utils.parsedate_to_datetime(str(msg["Date"]))
        arrives = entry["arrives"]  # tomllib gives an aware datetime
        assert arrives >= date and arrives - date <= _dt.timedelta(minutes=5), entry["file"]
        for part in msg.walk():
            assert not part.defects, (entry["file"], part.defects)
            if part.is_multipart():
                continue
            ctype = part.get_content_type()
            if ctype == "message/delivery-status":
                continue
            content = part.get_content()
            if ctype == "application/pdf":
                assert content.startswith(b"%PDF-"), entry["file"]
                xml_name, xml = facturx.get_facturx_xml_from_pdf(content, check_xsd=True)
                if xml:
                    root = etree.fromstring(xml)
                    ns = {"ram": "urn:un:unece:uncefact:data:standard:"
                                 "ReusableAggregateBusinessInformationEntity:100",
                          "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
                    due = root.findtext(".//ram:DueDateDateTime/udt:DateTimeString", namespaces=ns)
                    em = root.findtext(".//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID",
                                       namespaces=ns)
                    total = root.findtext(".//ram:DuePayableAmount", namespaces=ns)
                    print(f"  Factur-X in {entry['file']}: {xml_name} due {due} "
                          f"buyer {em} amount {total}", file=sys.stderr)
        ids[str(msg["Message-ID"]).strip()] = entry["file"]
    for entry in manifest["message"]:
        msg = email.message_from_bytes((HERE / entry["file"]).read_bytes(),
                                       policy=email.policy.strict)
        irt = msg["In-Reply-To"]
        if irt is not None:
            assert str(irt).strip() in ids, f"{entry['file']}: dangling In-Reply-To"
    print(f"verified {len(manifest['message'])} messages (strict policy)", file=sys.stderr)


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    pdfs = build_all()
    MESSAGES.sort(key=lambda m: (m["arrives"].astimezone(UTC), m["folder"]))
    for folder in ("sent", "inbox"):
        (HERE / folder).mkdir(exist_ok=True)
        for old in (HERE / folder).glob("*.eml"):
            old.unlink()
    out = ["# Sample mailbox replayed by `relance demo` (generated by generate.py; do not edit).",
           "# One [[message]] per file, in delivery order.  `arrives` is the instant",
           "# (UTC) at which the demo delivers the message into its folder; `expect` is",
           "# what relance should make of it.  The optional keys `class`, `date`,",
           "# `amount`, `invoice`, `due`, `currency` restate `expect` for scripts.",
           "",
           "[mailbox]",
           'owner = "claire@atelier-dupont.example.fr"',
           'clock-start = "2026-01-05T00:00:00+01:00"',
           'clock-end = "2026-03-06T23:59:59+01:00"',
           'since = "2025-12-01"',
           'time-zone = "Europe/Paris"',
           ""]
    for i, m in enumerate(MESSAGES, 1):
        name = f"{i:02d}-{m['slug']}.eml"
        m["file"] = f"{m['folder']}/{name}"
        (HERE / m["folder"] / name).write_bytes(m["data"])
        out.append("[[message]]")
        out.append(f"file = {toml_str(m['file'])}")
        out.append(f"folder = {toml_str(m['folder'])}")
        out.append(f"arrives = {utc_iso(m['arrives'])}")
        out.append(f"expect = {toml_str(m['expect'])}")
        ex = m["extra"]
        if "cls" in ex:
            out.append(f"class = {toml_str(ex['cls'])}")
        for k in ("invoice", "client", "amount", "currency", "due", "date", "failed"):
            if k in ex:
                out.append(f"{k} = {toml_str(ex[k])}")
        out.append("")
    (HERE / "manifest.toml").write_text("\n".join(out), encoding="utf-8", newline="\n")
    total = sum(len(m["data"]) for m in MESSAGES)
    print(f"wrote {len(MESSAGES)} messages ({total} bytes) and manifest.toml",
          file=sys.stderr)
    verify(pdfs)


if __name__ == "__main__":
    main()
