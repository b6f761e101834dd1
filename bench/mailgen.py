"""Realistic messages for the bench mailboxes: invoices the user sent (French
or English, a ~30 KB PDF attached), client replies threaded to them in every
reading class, and unrelated mail (newsletters, notifications, personal).

Pure functions of a seeded random.Random: the same seed gives the same bytes.
"""

import base64
import random
import unicodedata
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime, formataddr

OWNER = "claire@atelier-dupont.test"
OWNER_NAME = "Claire Dupont"
# The instant the mailbox is "as of"; every message is older.
NOW = datetime(2026, 6, 15, 8, 0, tzinfo=timezone.utc)

FIRST_NAMES = ["Marie", "Jean", "Sophie", "Luc", "Emma", "Paul", "Chloé", "Hugo", "Anna", "Tom"]
LAST_NAMES = ["Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Smith", "Jones", "Brown"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def make_pdf(size=30_000):
    """One small valid PDF (one page naming an invoice), padded to `size`
    bytes with an unreferenced stream, as invoicing tools' PDFs carry fonts."""
    text = b"BT /F1 14 Tf 72 760 Td (Facture - Atelier Dupont) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pad_rng = random.Random(30)
    padding = bytes(pad_rng.getrandbits(8) for _ in range(max(0, size - 900)))
    objects.append(b"<< /Length %d >>\nstream\n" % len(padding) + padding + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def b64_lines(data):
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def hdr(value):
    """An RFC 2047 encoded header value when it is not plain ASCII."""
    try:
        value.encode("ascii")
        return value
    except UnicodeEncodeError:
        return Header(value, "utf-8").encode()


def money(cents, lang):
    euros, rest = divmod(cents, 100)
    if lang == "fr":
        grouped = f"{euros:,}".replace(",", "\u202f")
        return f"{grouped},{rest:02d} €"
    return f"€{euros:,}.{rest:02d}"


def day(d, lang):
    return d.strftime("%d/%m/%Y") if lang == "fr" else f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"


def local_part(name):
    """An address-safe, ASCII spelling of a first or last name."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def addr(name, address):
    """A mailbox with its display name RFC 2047 encoded when needed."""
    return formataddr((name, address), charset="utf-8")


def headers(fields):
    return "".join(f"{name}: {value}\n" for name, value in fields if value is not None)


class Invoice:
    """What a reply needs to know about the invoice it answers."""

    def __init__(self, n, rng, clients):
        self.n = n
        self.lang = "fr" if rng.random() < 0.6 else "en"
        self.client = rng.choice(clients)
        self.number = f"F-2026-{n:05d}" if self.lang == "fr" else f"INV-2026-{n:05d}"
        self.date = NOW - timedelta(days=rng.uniform(2, 180), minutes=rng.randint(0, 600))
        self.due = (self.date + timedelta(days=30)).date()
        self.cents = rng.randint(15_000, 1_500_000)
        self.message_id = f"<inv-{n}.{rng.getrandbits(40):x}@atelier-dupont.test>"
        if self.lang == "fr":
            self.subject = f"Facture {self.number} — Atelier Dupont"
        else:
            self.subject = f"Invoice {self.number} from Atelier Dupont"

    def body(self):
        amount, due = money(self.cents, self.lang), day(self.due, self.lang)
        if self.lang == "fr":
            return (f"Bonjour,\n\nVeuillez trouver ci-joint la facture {self.number} d'un montant "
                    f"de {amount} TTC,\npayable au plus tard le {due} par virement.\n\n"
                    f"IBAN : FR76 3000 6000 0112 3456 7890 189\n\nBien cordialement,\n\n"
                    f"{OWNER_NAME}\nAtelier Dupont — design graphique\n")
        return (f"Hello,\n\nPlease find attached invoice {self.number} for {amount},\n"
                f"due on {due}, payable by bank transfer.\n\n"
                f"IBAN: FR76 3000 6000 0112 3456 7890 189\n\nKind regards,\n\n{OWNER_NAME}\n")


def invoice_message(inv, pdf_b64):
    boundary = f"=_inv_{inv.n}"
    name = f"Facture_{inv.number}.pdf" if inv.lang == "fr" else f"Invoice_{inv.number}.pdf"
    head = headers([
        ("From", addr(OWNER_NAME, OWNER)), ("To", inv.client[1]),
        ("Subject", hdr(inv.subject)), ("Date", format_datetime(inv.date)),
        ("Message-ID", inv.message_id), ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ])
    return (f"{head}\n--{boundary}\nContent-Type: text/plain; charset=utf-8\n"
            f"Content-Transfer-Encoding: 8bit\n\n{inv.body()}\n--{boundary}\n"
            f"Content-Type: application/pdf; name=\"{name}\"\nContent-Transfer-Encoding: base64\n"
            f"Content-Disposition: attachment; filename=\"{name}\"\n\n{pdf_b64}\n"
            f"--{boundary}--\n").encode("utf-8")


REPLIES = {
    "promise": ("Nous procéderons au règlement le {d}.", "We will pay on {d}."),
    "paid": ("Le virement a été effectué ce matin.", "The transfer was made this morning."),
    "partial": ("Nous avons réglé un acompte de 500,00 € ce jour, le solde suivra fin du mois.",
                "We paid €500.00 today; the rest will follow at the end of the month."),
    "dispute": ("Nous contestons cette facture : la prestation n'a pas été livrée en entier.",
                "We dispute this invoice: the work was not delivered in full."),
    "question": ("Pourriez-vous nous renvoyer la facture avec notre numéro de bon de commande ?",
                 "Could you send the invoice again with our purchase order number?"),
    "other": ("Merci, bien reçu.", "Thanks, received."),
    "ooo": ("Je suis absente du bureau jusqu'au {d} inclus, avec un accès limité à mes mails.",
            "I am out of the office until {d} with limited access to email."),
}
REPLY_WEIGHTS = {"promise": 25, "paid": 20, "partial": 5, "dispute": 5, "question": 10,
                 "other": 15, "ooo": 20}


def reply_message(inv, k, rng, cls=None):
    """The k-th reply of the client to `inv`, threaded and quoting it; its
    class drawn from REPLY_WEIGHTS unless `cls` is given."""
    cls = cls or rng.choices(list(REPLY_WEIGHTS), weights=list(REPLY_WEIGHTS.values()))[0]
    date = min(inv.date + timedelta(days=rng.uniform(0.2, 45)), NOW - timedelta(hours=1))
    when = (date + timedelta(days=rng.randint(3, 25))).date()
    fr = inv.lang == "fr"
    d = f"{when.day} {MONTHS_FR[when.month - 1]}" if fr else f"{MONTHS_EN[when.month - 1]} {when.day}"
    text = REPLIES[cls][0 if fr else 1].format(d=d)
    name, address = inv.client
    greeting = "Bonjour,\n\n" if fr else "Hello,\n\n"
    sign = f"\n\nCordialement,\n{name}\n" if fr else f"\n\nBest regards,\n{name}\n"
    intro = (f"Le {inv.date.day} {MONTHS_FR[inv.date.month - 1]} {inv.date.year}, "
             f"{OWNER_NAME} <{OWNER}> a écrit :") if fr else (
        f"On {format_datetime(inv.date)}, {OWNER_NAME} <{OWNER}> wrote:")
    quoted = "\n".join("> " + line for line in inv.body().splitlines())
    plain = f"{greeting}{text}{sign}\n{intro}\n{quoted}\n"
    auto = cls == "ooo"
    head = headers([
        ("From", addr(name, address)), ("To", addr(OWNER_NAME, OWNER)),
        ("Subject", hdr(("Réponse automatique : " if fr else "Automatic reply: ") + inv.subject
                        if auto else "Re: " + inv.subject)),
        ("Date", format_datetime(date)),
        ("Message-ID", f"<re-{inv.n}-{k}.{rng.getrandbits(40):x}@{address.split('@')[1]}>"),
        ("In-Reply-To", inv.message_id), ("References", inv.message_id),
        ("Auto-Submitted", "auto-replied" if auto else None),
        ("X-Autoreply", "yes" if auto else None), ("MIME-Version", "1.0"),
    ])
    if rng.random() < 0.25:
        return html_alternative(head, plain, f"re{inv.n}x{k}")
    return (head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            + plain).encode("utf-8")


def html_alternative(head, plain, tag, filler=0):
    """multipart/alternative as webmails send it; `filler` adds newsletter bulk."""
    paragraphs = "".join(f"<p>{line}</p>" for line in plain.splitlines() if line)
    bulk = "<table><tr><td style=\"padding:8px;font-family:Arial\">Offre du moment</td></tr></table>"
    html = f"<html><body>{paragraphs}{bulk * filler}</body></html>"
    boundary = f"=_alt_{tag}"
    return (head + f'Content-Type: multipart/alternative; boundary="{boundary}"\n\n'
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n"
            f"Content-Transfer-Encoding: 8bit\n\n{plain}\n--{boundary}\n"
            f"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            f"{html}\n--{boundary}--\n").encode("utf-8")


NEWSLETTERS = [("Les Echos Entrepreneurs", "newsletter@lesechos.test", "Votre lettre du {d}"),
               ("Figma", "no-reply@figma.test", "What's new in Figma this month"),
               ("Malt", "news@malt.test", "5 missions qui pourraient vous intéresser"),
               ("URSSAF", "ne-pas-repondre@urssaf.test", "Votre échéance de cotisations")]
NOTIFICATIONS = [("GitHub", "notifications@github.test", "[atelier/site] New issue #{n}"),
                 ("Qonto", "notifications@qonto.test", "Virement reçu de {n} €"),
                 ("La Poste", "suivi@laposte.test", "Votre colis 8R{n} est en cours de livraison"),
                 ("Google Calendar", "calendar@google.test", "Invitation : point projet #{n}")]


def unrelated_inbox(n, rng):
    """A newsletter (HTML, bulk), a notification or a personal message."""
    date = NOW - timedelta(days=rng.uniform(0.1, 200))
    kind = rng.random()
    if kind < 0.4:
        name, address, subject = rng.choice(NEWSLETTERS)
        fields = [("List-Unsubscribe", f"<mailto:unsubscribe@{address.split('@')[1]}>"),
                  ("Precedence", "bulk")]
        plain = "Bonjour,\n\nDécouvrez notre sélection de la semaine.\n" * rng.randint(2, 8)
        filler = rng.randint(20, 120)
    elif kind < 0.8:
        name, address, subject = rng.choice(NOTIFICATIONS)
        fields, filler = [("Auto-Submitted", "auto-generated")], 0
        plain = f"Notification {n}.\n\nPour plus de détails, connectez-vous à votre espace.\n"
    else:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name, address = f"{first} {last}", f"{local_part(first)}.{local_part(last)}@perso.test"
        subject, fields, filler = rng.choice(["Déjeuner jeudi ?", "Photos du week-end",
                                              "Re: apéro", "Quick question"]), [], 0
        plain = f"Salut Claire,\n\nTu es dispo la semaine prochaine ?\n\n{first}\n"
    head = headers([("From", addr(name, address)), ("To", OWNER),
                    ("Subject", hdr(subject.format(d=date.strftime("%d/%m"), n=n))),
                    ("Date", format_datetime(date)),
                    ("Message-ID", f"<u{n}.{rng.getrandbits(40):x}@{address.split('@')[1]}>")]
                   + fields + [("MIME-Version", "1.0")])
    if filler:
        return html_alternative(head, plain, f"u{n}", filler)
    return (head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            + plain).encode("utf-8")


def unrelated_sent(n, rng):
    """The user's own everyday mail: quotes, answers to friends."""
    date = NOW - timedelta(days=rng.uniform(0.1, 200))
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    subject = rng.choice(["Devis D-2026-%03d" % (n % 1000), "Re: Déjeuner jeudi ?",
                          "Maquettes v2", "Re: Quick question"])
    head = headers([("From", addr(OWNER_NAME, OWNER)),
                    ("To", f"{local_part(first)}.{local_part(last)}@perso.test"),
                    ("Subject", hdr(subject)), ("Date", format_datetime(date)),
                    ("Message-ID", f"<s{n}.{rng.getrandbits(40):x}@atelier-dupont.test>"),
                    ("MIME-Version", "1.0")])
    body = f"Bonjour {first},\n\nVoici les éléments dont nous avons parlé.\n\nClaire\n"
    return (head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            + body).encode("utf-8")
