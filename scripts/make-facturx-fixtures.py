#!/usr/bin/env python3
"""Generate the sent-invoice fixtures of tests/fixtures/invoices.

The Factur-X PDFs are made by tools independent of relance: fpdf2 draws a
plain invoice PDF and the `factur-x` package (Akretion) embeds the CII XML
sources kept next to them, checking them against the official XSD. The .eml
files wrap those PDFs as a mail client would send them.

Usage (from the repository root):
    python3 -m venv .venv-fx && .venv-fx/bin/pip install factur-x fpdf2
    .venv-fx/bin/python scripts/make-facturx-fixtures.py
"""

import datetime
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path

import facturx
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "invoices"
FIXED = datetime.datetime(2026, 2, 13, 10, 0, 0, tzinfo=datetime.timezone.utc)
USER = "Claire Dupont <claire@atelier-dupont.example.fr>"


def plain_pdf(title, lines):
    """A one-page invoice as a human reads it (no embedded data)."""
    pdf = FPDF()
    pdf.set_creation_date(FIXED)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def facturx_pdf(title, lines, xml_name):
    """Embed the XML source with the factur-x package (XSD-checked)."""
    xml = (OUT / xml_name).read_bytes()
    pdf = facturx.generate_from_binary(
        plain_pdf(title, lines),
        xml,
        flavor="factur-x",
        check_xsd=True,
        lang="fr-FR",
    )
    (OUT / xml_name.replace(".xml", ".pdf")).write_bytes(pdf)
    return pdf


def renamed_cii_pdf(title, lines, xml_name, embedded_name):
    """A PDF carrying the CII under an unusual name and without an AF array,
    as some invoicing tools produce: found by its root element only."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf(title, lines))))
    writer.add_attachment(embedded_name, (OUT / xml_name).read_bytes())
    out = io.BytesIO()
    writer.write(out)
    (OUT / "facturx-renamed-xml.pdf").write_bytes(out.getvalue())
    return out.getvalue()


def mail(
    name,
    subject,
    to,
    body,
    date,
    msgid,
    attachments=(),
    cc=None,
    crlf=False,
    extra=None,
):
    msg = EmailMessage()
    msg["From"] = USER
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = msgid
    for key, value in (extra or {}).items():
        msg[key] = value
    msg.set_content(body, cte="quoted-printable")
    for filename, data in attachments:
        msg.add_attachment(
            data, maintype="application", subtype="pdf", filename=filename
        )
    if msg.is_multipart():
        msg.set_boundary("=_relance_fixture_" + name.replace(".", "_"))
    policy = email.policy.SMTP if crlf else email.policy.default
    (OUT / name).write_bytes(msg.as_bytes(policy=policy))


def main():
    nnbsp = "\u202f"
    f42 = plain_pdf(
        "Facture F-2026-0042",
        ["Atelier Dupont", "Refonte du site", "Montant TTC : 1 250,00 EUR"],
    )
    mail(
        "invoice-fr-regex.eml",
        "Facture F-2026-0042",
        "Marc Leroy <marc.leroy@client-a.example.fr>",
        "Bonjour Marc,\n\n"
        "Veuillez trouver ci-joint la facture n° F-2026-0042 relative à la "
        "refonte du site.\n\n"
        f"Montant : 1{nnbsp}250,00\u00a0€ TTC\n"
        "Échéance le 15/03/2026\n\n"
        "Bien cordialement,\nClaire Dupont\nAtelier Dupont\n",
        "Fri, 13 Feb 2026 10:12:00 +0100",
        "<f42.1@atelier-dupont.example.fr>",
        [("Facture_F-2026-0042.pdf", f42)],
        cc="Compta Client A <compta@client-a.example.fr>, " + USER,
    )

    inv1234 = plain_pdf("Invoice #1234", ["Total: GBP 980.50"])
    mail(
        "invoice-en-regex.eml",
        "Invoice #1234",
        "Accounts <accounts@acme.example.co.uk>",
        "Hello,\n\nPlease find attached invoice #1234 for February.\n\n"
        "Total: £980.50\nDue date: March 15, 2026\n\n"
        "Kind regards,\nClaire\n",
        "Mon, 16 Feb 2026 09:30:00 +0000",
        "<inv1234@atelier-dupont.example.fr>",
        [("invoice-1234.pdf", inv1234)],
        crlf=True,
        extra={
            "In-Reply-To": "<po-88@acme.example.co.uk>",
            "References": "<brief-1@acme.example.co.uk> <po-88@acme.example.co.uk>",
            "Thread-Topic": "Invoice #1234",
            "Thread-Index": "AdyfGk3W7n5mQ0u9R0e1xq2YbQ==",
        },
    )

    fx50 = facturx_pdf(
        "Facture F-2026-0050",
        ["Atelier Dupont", "Total TTC : 1 440,00 EUR", "Acompte : 240,00 EUR"],
        "facturx-en16931.xml",
    )
    mail(
        "facturx-en16931.eml",
        "Facture F-2026-0050 - Atelier Dupont",
        "factures@boulangerie-martin.example.fr",
        "Bonjour,\n\nVoici la facture F-2026-0050.\n"
        "Total TTC 1 440,00 €, acompte déduit.\n\nCordialement,\nClaire\n",
        "Fri, 13 Feb 2026 11:00:00 +0100",
        "<f50@atelier-dupont.example.fr>",
        [("Facture_F-2026-0050.pdf", fx50)],
    )

    fx51 = facturx_pdf(
        "Facture F-2026-0051", ["Garage Lefèvre", "Total : 780,00 EUR"], "facturx-minimum.xml"
    )
    mail(
        "facturx-minimum.eml",
        "Votre facture",
        "Garage Lefèvre <contact@garage-lefevre.example.fr>",
        "Bonjour,\n\nCi-joint notre facture.\n\nCordialement,\nClaire\n",
        "Fri, 20 Feb 2026 16:45:00 +0100",
        "<f51@atelier-dupont.example.fr>",
        [("F-2026-0051.pdf", fx51)],
        cc=USER,
    )

    avoir = facturx_pdf(
        "Avoir A-2026-0003", ["Remise sur F-2026-0050", "Total : 120,00 EUR"],
        "facturx-credit-note.xml",
    )
    mail(
        "credit-note-facturx.eml",
        "Avoir A-2026-0003 sur facture F-2026-0050",
        "factures@boulangerie-martin.example.fr",
        "Bonjour,\n\nComme convenu, voici l'avoir A-2026-0003.\n"
        "Montant : 120,00 € TTC\n\nClaire\n",
        "Sun, 01 Mar 2026 18:00:00 +0100",
        "<a3@atelier-dupont.example.fr>",
        [("Avoir_A-2026-0003.pdf", avoir)],
    )

    renamed = renamed_cii_pdf(
        "Facture F-2026-0050", ["Total : 1 440,00 EUR"], "facturx-en16931.xml",
        "donnees-facture.xml",
    )
    mail(
        "facturx-renamed-xml.eml",
        "Invoice",
        "factures@boulangerie-martin.example.fr",
        "Hello,\n\nThe invoice is attached.\n\nClaire\n",
        "Fri, 13 Feb 2026 11:05:00 +0100",
        "<f50b@atelier-dupont.example.fr>",
        [("export.pdf", renamed)],
    )

    # A Factur-X PDF cut short and scribbled over, as a bad relay might leave it.
    broken = fx50[: len(fx50) * 3 // 5] + b"\x00garbage\xff" * 8
    mail(
        "facturx-broken.eml",
        "Facture n° 2026-042",
        "Compta <compta@client-b.example.fr>",
        "Bonjour,\n\nFacture n° 2026-042 ci-jointe.\n\n"
        "Net à payer : 1.250,00 €\nÀ régler avant le 15 mars 2026.\n\nClaire\n",
        "Thu, 12 Feb 2026 08:00:00 +0100",
        "<f2026-042@atelier-dupont.example.fr>",
        [("Facture_2026-042.pdf", broken)],
    )

    devis = plain_pdf("Devis D-2026-007", ["Montant : 3 000,00 EUR HT"])
    mail(
        "quote-devis.eml",
        "Devis D-2026-007",
        "marc.leroy@client-a.example.fr",
        "Bonjour Marc,\n\nVoici le devis D-2026-007 pour la maintenance.\n"
        "Montant : 3 000,00 € HT\nValable 30 jours.\n\nClaire\n",
        "Tue, 10 Feb 2026 14:00:00 +0100",
        "<devis7@atelier-dupont.example.fr>",
        [("Devis_D-2026-007.pdf", devis)],
    )

    mail(
        "reminder-rappel.eml",
        "Re: Facture F-2026-0042",
        "marc.leroy@client-a.example.fr",
        "[Rappel] Bonjour Marc,\n\nSauf erreur de notre part, la facture "
        "F-2026-0042 d'un montant de 1 250,00 € TTC, échue le 15/03/2026, "
        "reste impayée.\n\nClaire\n",
        "Wed, 25 Mar 2026 09:05:00 +0100",
        "<rappel42@atelier-dupont.example.fr>",
        [("Facture_F-2026-0042.pdf", f42)],
        extra={
            "In-Reply-To": "<f42.1@atelier-dupont.example.fr>",
            "References": "<f42.1@atelier-dupont.example.fr>",
        },
    )

    mail(
        "ordinary-mail.eml",
        "Point projet",
        "marc.leroy@client-a.example.fr",
        "Bonjour Marc,\n\nLa mise en ligne est prévue lundi. Je vous enverrai "
        "la facture la semaine prochaine.\n\nClaire\n",
        "Mon, 09 Feb 2026 17:20:00 +0100",
        "<projet@atelier-dupont.example.fr>",
    )


if __name__ == "__main__":
    main()
