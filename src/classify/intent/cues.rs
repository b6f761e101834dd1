//! The phrase patterns of each intent, over normalised text (lowercase, no
//! diacritics, straight apostrophes). They name families of wording — verbs,
//! their auxiliaries and objects — rather than whole sentences, so unseen
//! phrasings of the same idea still match. Compiled once.

use std::sync::LazyLock;

use regex::Regex;

use regex::RegexSet;

use crate::classify::norm::{pattern as re, pattern_set};

/// Sentence-level cues, in the order of [`SENTENCE_CUES`].
#[derive(Debug, Clone, Copy)]
pub enum Cue {
    Partial,
    AskedItem,
    Request,
    MissingInvoice,
    Topic,
    ConfirmReceipt,
    Arrival,
    PayFuture,
    ReportBack,
    Absence,
    Commit,
}

/// Every sentence-level cue as one set: a sentence is scanned once.
pub static SENTENCE_CUES: LazyLock<RegexSet> = LazyLock::new(|| {
    pattern_set(
        [
            &PARTIAL,
            &ASKED_ITEM,
            &REQUEST,
            &MISSING_INVOICE,
            &TOPIC,
            &CONFIRM_RECEIPT,
            &ARRIVAL,
            &PAY_FUTURE,
            &REPORT_BACK,
            &ABSENCE,
            &COMMIT,
        ]
        .map(|r| r.as_str()),
    )
});

/// Clause-level cues, in the order of [`CLAUSE_CUES`].
#[derive(Debug, Clone, Copy)]
pub enum ClauseCue {
    Conditional,
    DisputeNegative,
    Dispute,
    DisputeCancel,
    Rest,
    Partial,
    Negation,
}

/// Every clause-level cue as one set.
pub static CLAUSE_CUES: LazyLock<RegexSet> = LazyLock::new(|| {
    pattern_set(
        [
            &CONDITIONAL,
            &DISPUTE_NEGATIVE,
            &DISPUTE,
            &DISPUTE_CANCEL,
            &REST,
            &PARTIAL,
            &NEGATION,
        ]
        .map(|r| r.as_str()),
    )
});

/// Money moving nouns, French and English, with common misspellings.
const MONEY: &str = r"(?:virements?|vir+ments?|paiements?|paiments?|paiemments?|reglements?|versements?|transferts?|transfers?|cheques?|checks?|fonds|funds|sommes?|payments?|payements?|paymnets?|wires?|remittances?|money|prelevements?|acomptes?|instal+ments?|deposits?|bacs|chaps|ach|faster\s+payments?|bank\s+transfers?)";

/// The PAID patterns as a set: one pass tells which of them match.
pub static PAID_SET: LazyLock<regex::RegexSet> =
    LazyLock::new(|| crate::classify::norm::pattern_set(PAID.iter().map(Regex::as_str)));

/// Says a payment was made: done, sent, executed, remitted.
pub static PAID: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    let aux_fr = r"(?:(?:a|ont|est|sont|vient|viennent|avons|ai)\s+)?(?:(?:bien|deja|enfin|d'etre|ete|aujourd'hui|hier|ce\s+matin|tout\s+juste)\s+){0,3}";
    let done_fr = r"(?:ef+ectue|efectue|emis|passe|fait|envoye|parti|execute|realise|lance|ordonne|transmis|initie|expedie|poste|debite|vire|verse|traite|programme|planifie)e?s?";
    let spec = r"(?:\s+(?:de|du|d'un\s+montant\s+de|pour|correspondant|relatif|concernant|sur)\b[^;]{0,40}?)?";
    let adv = r"(?:(?:now|just|already|today|finally|actually|also|all|successfully)\s+)*";
    let adv_fr = r"(?:(?:bien|deja|enfin|aujourd'hui|ce\s+matin|hier|egalement|donc|finalement|tout\s+juste)\s+)*";
    vec![
        re(&format!(
            r"\b{MONEY}(?:\s+\w+)?{spec}\s+{aux_fr}{done_fr}\b"
        )),
        re(&format!(
            r"\b(?:(?:avons|ai|a|ont|avions|on\s+a)\s+{adv_fr}(?:procede\s+(?:au|a\s+la)|ef+ectue|efectue|fait|emis|passe|lance|envoye|adresse|remis|transmis|expedie|poste|ordonne|initie|execute)|(?:venons|viens|vient|viennent)\s+de\s+{adv_fr}(?:proceder\s+(?:au|a\s+la)|ef+ectuer|faire|emettre|passer|lancer|envoyer|adresser|remettre|transmettre|expedier|poster|ordonner|initier|executer))\s+(?:[^.;]{{0,30}}?\s)?(?:le\s+|la\s+|un\s+|une\s+|notre\s+|votre\s+|les\s+|l')?(?:(?:premier|second|dernier|deuxieme)\s+)?{MONEY}"
        )),
        re(
            r"\b(?:(?:avons|ai|a|ont|avions|on\s+a)\s+(?:(?:bien|deja|enfin|aujourd'hui|ce\s+matin|hier|donc|finalement|tout\s+juste|integralement)\s+)*(?:regle|paye|vire|verse|solde|acquitte)|(?:venons|viens|vient|viennent)\s+de\s+(?:regler|payer|virer|verser|solder))\b",
        ),
        re(
            r"\b(?:factures?|montant|somme|solde|note|echeance|tout)\b[^.,;]{0,30}?\s+(?:(?:a|ont)\s+(?:deja\s+|bien\s+)?ete|est|sont|est\s+bien|sont\s+bien|est\s+deja)\s+(?:(?:bien|deja|integralement|totalement|entierement)\s+)*(?:reglee?s?|payee?s?|soldee?s?|acquittee?s?)\b",
        ),
        re(
            r"\b(?:reglee?s?|payee?s?|soldees?|acquittee?s?)\s+(?:ce\s+jour|aujourd'hui|ce\s+matin|hier|par\s+virement|par\s+cheque|integralement|en\s+totalite)",
        ),
        re(
            r"\bc'?est\s+(?:bien\s+|deja\s+|desormais\s+)?(?:regle|paye|solde|fait)\b|\ble\s+necessaire\s+a\s+(?:bien\s+)?ete\s+fait\b|\b(?:ai|avons|a)\s+(?:bien\s+|deja\s+)?fait\s+le\s+necessaire\b",
        ),
        re(
            r"\b(?:avis|ordre|preuve|justificatif|confirmation|copie|attestation|bordereau)\s+(?:de\s+|du\s+|d')(?:virement|paiement|reglement|versement)",
        ),
        re(r"\b(?:deja|bien)\s+(?:reglee?s?|payee?s?|viree?s?)\b"),
        re(&format!(
            r"\b{MONEY}\b[^;]{{0,40}}?\b(?:has|have|was|were|is|are|got|went)\s+{adv}(?:been\s+)?{adv}(?:sent|made|processed|issued|released|initiated|completed|done|paid|executed|submitted|transferred|wired|posted|mailed|out|through|settled|remitted|dispatched|actioned|scheduled|transmitted)\b"
        )),
        re(
            r"\b(?:cheque|check|payment)\s+(?:is|was|has\s+been)\s+(?:put\s+)?in\s+the\s+(?:mail|post)\b",
        ),
        re(&format!(
            r"\b(?:we|i|we've|i've|weve|ive|they|accounts|finance|our\s+\w+\s+team|the\s+\w+\s+team)\s+(?:have\s+|has\s+|had\s+|did\s+)?{adv}(?:paid|settled|remitted|wired|payed|cleared)\b"
        )),
        re(&format!(
            r"\b(?:we|i|we've|i've|weve|ive|they|accounts|finance|our\s+\w+\s+team|the\s+\w+\s+team)\s+(?:have\s+|has\s+|had\s+|did\s+)?{adv}(?:sent|made|processed|transferred|issued|released|initiated|posted|mailed|submitted|scheduled|arranged|completed|executed|put\s+through|sent\s+out|sent\s+over|sent\s+across)\s+(?:you\s+)?(?:(?:the|a|your|our|full|it|half|part|partial|first|second|final|bank|wire|bacs|ach|of)\s+){{0,4}}(?:{MONEY}|amount|balance|sum|\$|£|€|\d)"
        )),
        re(
            r"\b(?:invoices?|bill|balance|amount|account|it|this|that)\b[^.;]{0,30}?\b(?:has\s+been|have\s+been|was|were|is|are|has\s+now\s+been|is\s+now)\s+(?:now\s+|already\s+|fully\s+|also\s+)*(?:paid|settled|cleared)\b",
        ),
        re(
            r"\b(?:paid|settled)\s+(?:today|this\s+morning|yesterday|in\s+full|on\s+\w+|last\s+\w+|via|by\s+bank|by\s+transfer|by\s+cheque|by\s+check|online|earlier)",
        ),
        re(
            r"\b(?:already|fully|now|just)\s+(?:been\s+)?(?:paid|settled)\b|^(?:invoice\s+)?(?:paid|settled)\b|\bpaid\s*[.!]*$|\b(?:paid|settled)\s+(?:it|this|that|this\s+one|the\s+invoice|your\s+invoice|in\s+full)\b",
        ),
        re(
            r"\b(?:remittance\s+advice|proof\s+of\s+payment|payment\s+confirmation|payment\s+advice|confirmation\s+of\s+payment|payment\s+receipt|transfer\s+confirmation|swift\s+copy|mt103|remittance\s+attached|pop\s+attached)\b",
        ),
        re(
            r"\b(?:payment|transfer|wire|cheque|check)\s+(?:sent|made|done|processed|completed|issued|initiated|executed)\b",
        ),
    ]
});

/// Bare participles ("facture réglée", "payée le 3"): paid, unless a future
/// date in the clause makes them a plan ("réglée le 20" written on the 5th).
pub static PAID_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:la\s+|votre\s+|the\s+|your\s+)?(?:factures?|invoices?|f-?\d[\w-]*)\s+(?:n°\s*\S+\s+|\S*\d\S*\s+)?(?:reglee?s?|payee?s?|soldees?|acquittee?s?|paid|settled)\b|\b(?:reglee?s?|payee?s?|soldees?|acquittee?s?|paid|settled)\s+(?:le|on)\s+\d|(?:^|\s-\s)\s*(?:just\s+|already\s+|deja\s+)?(?:paid|transferred|wired|sent|vire|paye|regle|verse|envoye)\s+(?:\S+\s+)?(?:\d|€|£|\$|today|now|yesterday|this\s+morning|ce\s+matin|hier|aujourd'hui|ce\s+jour)",
    )
});

/// A deadline right after a participle makes it a plan: "virement fait
/// d'ici la fin du mois", "paid by Friday".
pub static DEADLINE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:d'ici|avant\s+(?:le|la|ce|cette|fin|demain|lundi|mardi|mercredi|jeudi|vendredi)|sous\s+(?:\d|huitaine|quinzaine|\w+\s+jours)|au\s+plus\s+tard|before\s+(?:the|end|\d|next|this|tomorrow|\w+day)|within|no\s+later\s+than|by\s+(?:the\s+end|end|the\s+\d|\d|tomorrow|tonight|next|this|\w+day|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|close|eod|cob))\b",
    )
});

/// A scheduling verb: paid only when no future date follows in the clause.
pub static SCHEDULED: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:programme|planifie|scheduled|ordonne|set\s+up)e?s?\b"));

/// Negation within a clause.
pub static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bne\b|\bn'|\bpas\b|\bjamais\b|\baucune?\b|\bnot\b|n't\b|\bnever\b|\bnon\b|\bno\s+longer\b|\bunable\b|\bimpossible\b|\bcannot\b|\bfailed\s+to\b|\b(?:didnt|havent|hasnt|wasnt|isnt|dont|doesnt|cant|wont|werent|arent)\b|\byet\s+to\b|\bnothing\b|\brien\b",
    )
});

/// A condition or hypothesis: "si vous avez déjà réglé", "if you have paid".
pub static CONDITIONAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:et\s+|and\s+)?(?:si|s'il|if|unless|sauf|au\s+cas\s+ou|in\s+case|whether|once|des\s+que|as\s+soon\s+as|when|lorsque|quand)\b|\b(?:si|s'il|if|unless|au\s+cas\s+ou|in\s+case|whether)\s+(?:vous|you|nous|we|le|la|the|it|ce|cela|ca|this)\b|\b(?:des\s+que|as\s+soon\s+as|once|lorsque|quand|when|apres\s+que|after)\s+(?:le|la|les|l'|the|it|we|nous|vous|you|i|je|our|notre|votre|your|this|that|ce|cela|ca|payment|paiement|virement)\b",
    )
});

/// A future or modal auxiliary before a participle: "sera payé", "will be
/// paid", "should be sent".
pub static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:will|shall|going\s+to|gonna|would|should|could|can|must|need\s+to|needs\s+to|to\s+be|sera|seront|serons|serai|va|vont|allons|vais|devrait|devraient|pourra|pourrons|pourrait|doit|doivent|prevu|prevue|prevoyons|expect|hope|hoping|espere|esperons|plan|planned|planning)\b|'ll\b",
    )
});

/// Part of the amount: paid in part, an instalment, a deposit.
pub static PARTIAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:towards|a\s+valoir\s+sur|une\s+partie|en\s+partie|partiel\w*|partially|partial|acompte|(?:premier|1er)\s+(?:versement|virement|paiement|reglement|cheque)|first\s+(?:transfer|cheque|check|wire)|premiere\s+partie|premiere\s+tranche|part\s+of|portion\s+of|first\s+(?:instal+ment|payment|part|tranche)|down\s+payment|la\s+moitie|half\s+(?:of\s+)?(?:the|it|your|now)|50\s?%|\d+\s?%\s+(?:of|de|du)|en\s+(?:deux|2|trois|3|plusieurs)\s+fois|in\s+(?:two|2|three|3)\s+(?:instal+ments|payments|parts))\b|(?:\d|€|£|\$|\beur|\beuros?|\bgbp|\busd)\s+(?:sur|of|out\s+of)\s+(?:les\s+|the\s+)?(?:€|\$|£)?\s?\d[\d\s.,]*\s?(?:€|eur|euros?|\$|£|gbp|usd)?\s*(?:dus|du|due|owed|outstanding|total|restants?)?",
    )
});

/// The rest still to come: "le solde suivra", "the balance by Friday".
pub static REST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:le\s+solde|le\s+reste|le\s+restant|la\s+difference|the\s+balance|the\s+remainder|the\s+rest|remaining|reste\s+a\s+payer|restant\s+du|second\s+(?:versement|payment|instal+ment)|deuxieme\s+(?:versement|partie)|remaining\s+amount)\b",
    )
});

/// Paying itself, for a same-day date that must sit next to it ("le
/// virement part aujourd'hui", not "je transmets aujourd'hui").
pub static PAY_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:{MONEY}|pa[yi]\w*|regl\w*|vir\w*|vers\w*|settl\w*|remit\w*|wire\w*)"
    ))
});

/// Something still to come: "suivra", "will follow", "later".
pub static LATER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:suivr\w*|follow\w*|later|plus\s+tard|ulterieurement|prochainement|soon|bientot|next)\b",
    )
});

/// Money, invoices and paying: what makes a dated sentence a promise.
pub static TOPIC: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:{MONEY}|pa[yi]\w*|regl\w*|regle\w*|vir\w*|vers\w*|solde\w*|factures?|invoices?|bills?|balance|amount|montant|settle\w*|remit\w*|compta\w*|accounts?|echeance|due|reglons|payons|traite|lcr|€|£|\$)"
    ))
});

/// A commitment or planning verb.
pub static COMMIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:\w+(?:erons|erai|irons|irai)|ferons|ferai|sera|seront|partira|partiront|part|interviendra|prevu|prevue|programme|planifie|compte|comptons|pensons|devrait|devraient|pourrons|pourra|ok\s+pour|d'accord\s+pour|entendu\s+pour|note\s+pour|will|shall|going\s+to|'ll|plan|planned|scheduled|expect|intend|aim|should|promise|commit|by|d'ici|avant|au\s+plus\s+tard|no\s+later\s+than|before|ok|d'accord|okay|fine)\b",
    )
});

/// Being away: a human "je suis en congés jusqu'au 20" is no payment date.
pub static ABSENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:absente?s?|absence|conges?|vacances|en\s+deplacement|away|holiday|vacation|out\s+of\s+(?:the\s+)?office|on\s+leave|on\s+\w+\s+leave|annual\s+leave|off\s+until|fermee?s?|fermeture|closed|closure|shut)\b",
    )
});

/// Reporting back rather than paying: "je reviens vers vous la semaine
/// prochaine", "I'll let you know on Friday".
pub static REPORT_BACK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:reviens|reviendrai|revenons|reviendrons|revenir)\s+vers\b|\bget\s+back\s+to\b|\bkeep\s+you\s+(?:posted|updated|informed)\b|\blet\s+you\s+know\b|\b(?:vous\s+)?(?:rappel\w*|appel\w*|call)\b|\btiens?\s+au\s+courant\b|\btiendrai\s+au\s+courant\b|\bfaire\s+un\s+point\b|\bmeeting\b|\breunion\b|\brdv\b|\brendez-vous\b|\bfollow\s+up\b|\brecontact\w*\b|\bconfirm\w*\b|\bsera\s+(?:validee?|examinee?|traitee?|verifiee?)\b|\bwill\s+be\s+(?:approved|reviewed|checked|processed|signed)\b|\bpour\s+validation\b|\bfor\s+approval\b|\blook\s+into\b|\ben\s+parler\b|\bdiscuss\b",
    )
});

/// A payment verb in the future: makes a report-back sentence a promise
/// after all ("je vous confirme que nous réglerons le 15").
pub static PAY_FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:reglerons|reglerai|reglera|payerons|payerai|paierons|paierai|paiera|payera|virerons|virerai|verserons|verserai|partira|partiront|procederons|procederai|effectuerons|effectuerai|ferons\s+le\s+virement|ferai\s+le\s+virement)\b|\b(?:will|shall|'ll|going\s+to|plan\s+to|expect\s+to|intend\s+to)\s+(?:\w+\s+)?(?:pay|settle|transfer|wire|remit|send|make|process|release|issue|clear)\b|\b{MONEY}\b[^.]{{0,30}}\b(?:will|sera|should|devrait|partira|interviendra|part)\b|\b(?:will|sera|seront)\s+(?:be\s+)?(?:paid|settled|sent|made|processed|regle|reglee|paye|payee|vire|viree|effectue|effectuee)"
    ))
});

/// The payment arriving, after a paid statement: no new promise.
pub static ARRIVAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:recevoir|recevrez|recevez|receive|received|receiving|arrive\w*|reach\w*|credite\w*|credited|appara\w*|appear\w*|visible|parvenir|parviendra|sur\s+votre\s+compte|in\s+your\s+account|on\s+your\s+account|show\s+up|land\w*|date\s+de\s+valeur|value\s+date|cleared\s+funds)\b|\b(?:to|should|will|would|funds)\s+clear(?:\s*$|\s*[.,;!]|\s+(?:by|on|in|within|tomorrow|today|soon|overnight|shortly|next|before)\b)",
    )
});

/// Reference to a document by its date: "votre facture du 3 mars".
pub static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\b(?:factures?|invoices?|courriers?|e?-?mails?|messages?|relances?|reminders?|lettres?|letters?|devis|quotes?|commandes?|orders?|bons?|avoirs?|notes?|releves?|statements?|appels?|calls?|echanges?|conversation|rendez-vous|rdv|visite|intervention|livraison|delivery)\b[^,;:]{0,30}?\s(?:du|of)|\bdated|\bdatee\s+du|\ben\s+date\s+du|\bsent\s+on|\bissued\s+on|\bemise\s+le|\benvoyee?\s+le|\brecue?\s+le|\breceived\s+on|\brelance\s+du|\bmail\s+du|\bmessage\s+du|\bemail\s+of|\bmessage\s+of|\bdepuis\s+le|\bsince|\bsince\s+the)\s*$",
    )
});

/// Contesting words that a negation cancels ("nous ne contestons pas").
pub static DISPUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bcontest\w*|\blitig\w*|\bdesaccord\b|\bdisagree\w*|\bdisput\w*|\berreur\s+(?:sur|dans|de)\s+(?:\w+\s+)?(?:facture|montant|facturation|prix|tarif|quantite|taux|nombre|calcul|tva)|\b(?:is|are|est|sont)\s+(?:wrong|incorrect\w*|inaccurate|errone\w*|faux|fausse|inexact\w*)\b|\b(?:facture|montant|prix|tarif|invoice|amount|price|rate|total|quantite|quantity|hours|heures|figures?|chiffres?)\s+(?:est\s+|is\s+|sont\s+|are\s+|appears\s+|seems\s+|semble\s+|looks\s+)?(?:faux|fausse|wrong|incorrect\w*|errone\w*|inexact\w*)|\b(?:incorrect|inexact|erronee?)s?\s+(?:invoice|amount|price|rate|total|billing|facture|montant|prix|tarif|facturation)|\b(?:superieur|plus\s+eleve)e?s?\s+(?:au|a\s+(?:notre|votre|celui\s+du))\s+(?:devis|commande|prix|tarif|montant|bon)|\b(?:higher|more)\s+than\s+(?:the|our|your|what\s+we)\s+(?:quote|quoted|estimate|agreed|ordered|po)|\bwrong\s+(?:amount|invoice|price|rate|total|figure|hours)\b|\bovercharg\w*|\bsurfactur\w*|\btrop\s+(?:eleve|cher|facture)\w*|\bdouble\s+factur\w*|\bfactur\w*\s+(?:deux\s+fois|en\s+double|a\s+tort)|\bdeja\s+ete\s+factur\w*|\b(?:billed|charged|invoiced)\s+(?:twice|double|for\s+work|for\s+hours)|\bduplicate\s+(?:invoice|charge|billing)\b|\bdoublon\b|\bfacture\s+rectificative\b|\b(?:rectifier|corriger|refaire|annuler)\s+(?:la|votre|cette)\s+facture\b|\b(?:amended|revised|corrected)\s+invoice\b|\b(?:cancel|withdraw|void|reissue|re-issue)\s+(?:the|this|your)\s+invoice\b|\bduplicate\b|\bonly\s+(?:worked|delivered|did|received|ordered|used|agreed)\b|\bn'avez\s+(?:travaille|realise|livre|fait)\s+que\b|\b(?:un|d'un|votre|cet|emettre\s+un|etablir\s+un|faire\s+un)\s+avoir\b|\bcredit\s+(?:note|memo)\b|\brefund\w*|\brembourse\w*|\breclamation\b|\bcomplaint\b|\bmalfacon\w*|\bdefectu\w*|\bdefective\b|\bfaulty\b|\bunsatisf\w*|\binsatisf\w*|\bdispute\b|\bchallenge\s+(?:the|this)\s+invoice\b|\bquery\s+(?:on|with|regarding)\s+(?:the|this)\s+invoice\b|\bretenue\s+sur\b|\bdeduct\w*|\bdedui\w*|\bpenalit\w*\s+(?:que\s+)?(?:nous\s+)?(?:appliquons|appliquerons|deduisons)",
    )
});

/// What cancels a contesting word: a negation, "sans", "without".
pub static DISPUTE_CANCEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bsans\b|\bwithout\b|\bno\b|\bnot\b|\bpas\b|\bne\b|\bn'|n't\b|\bnever\b|\bjamais\b|\baucune?\b",
    )
});

/// Contesting wordings that carry their own negation ("non livré",
/// "ne correspond pas", "won't pay").
pub static DISPUTE_NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bpas\s+(?:ete\s+)?livre\w*|\bnon\s+livre\w*|\bjamais\s+(?:ete\s+)?livre\w*|\bnot\s+(?:been\s+)?(?:delivered|received\s+the\s+(?:goods|work|service|order|deliverables?))|\bnever\s+(?:received|delivered|got)\s+(?:the|your|any)\s+(?:goods|work|service|product|deliverables?|order|items?|parcel|delivery)|\b(?:n'avons|n'ai)\s+jamais\s+recu\s+(?:la|les|le)\s+(?:marchandise|commande|livraison|prestation|materiel|produit|colis)|\bne\s+correspond\w*\s+(?:pas|plus|en\s+rien)|\bpas\s+(?:celui|celle|ce)\s+(?:qui\s+(?:etait|avait\s+ete|a\s+ete)\s+)?(?:convenu|prevu|indique|accepte)e?\b|(?:\bnot|n't)\s+(?:what|the\s+\w+)\s+(?:we|was|i)\s+(?:agreed|quoted|ordered|asked\s+for|expected|signed\s+off)|\b(?:does\s+not|doesn't|do\s+not|don't)\s+(?:match|correspond|reflect)|\bnon\s+conforme|\bpas\s+conforme|\bnot\s+(?:what\s+we\s+(?:agreed|ordered)|as\s+agreed|as\s+quoted|finished|completed|satisfactory)|\bprestation\s+(?:n'a\s+pas\s+ete|non)\s+(?:realisee|effectuee|terminee|faite|rendue)|\btravail\s+(?:n'est\s+pas|non|pas)\s+(?:termine|conforme|fini|acheve)|\bpas\s+(?:d'accord|satisfait\w*|termine\w*)\b|\bnot\s+(?:agree|satisfied|happy\s+with)\b|\brefus\w*\s+(?:de\s+)?(?:payer|regler|la\s+facture|cette\s+facture)|\brefuse\s+to\s+pay\b|\b(?:will\s+not|won't|shall\s+not)\s+(?:pay|be\s+paying|accept\s+(?:this|the)\s+invoice)\b|\b(?:cannot|can't)\s+accept\s+(?:this|the)\s+invoice\b|\bne\s+(?:payerons|reglerons|paierons|reglerai|payerai)\s+pas\b|\bwithhold\w*\s+(?:the\s+)?payment\b|\bsuspend\w*\s+(?:le\s+|the\s+)?(?:paiement|payment|reglement)\b|\b(?:n'avons|n'ai)\s+jamais\s+(?:commande|valide|signe|accepte)|\bnever\s+(?:ordered|agreed|signed|approved)\b|\b(?:did\s+not|didn't)\s+(?:order|agree|approve|sign)\b|\bnot\s+(?:ordered|authori[sz]ed)\b|\bnon\s+autoris\w*|\bpas\s+commande\b|\bne\s+(?:sommes|suis)\s+pas\s+(?:d'accord|satisfait\w*)\b|\bn'est\s+pas\s+(?:due?|justifiee?|correcte?)\b|\bis\s+not\s+(?:due|correct|owed|justified)\b|\bnot\s+(?:owed|due)\b|\b(?:dois|doit|devons|devez)\s+rien\b|\brien\s+a\s+(?:payer|regler)\b|\b(?:don't|do\s+not|dont|doesn't|does\s+not)\s+owe\b|\bowe\s+(?:you\s+)?nothing\b",
    )
});

/// Things a human must provide: a copy, bank details, a PO number, an
/// address, a contact, a form, a portal upload.
pub static ASKED_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:cop(?:y|ie|ies)|duplicata|double|rib|iban|bic|swift|coordonnees\s+bancaires|bank\s+details|banking\s+details|account\s+details|payment\s+details|sort\s+code|account\s+number|numero\s+de\s+compte|bon\s+de\s+commande|numero\s+de\s+commande|n°\s*de\s+commande|po|p\.o\.?|purchase\s+order|order\s+number|numero\s+d'engagement|numero\s+(?:de\s+)?(?:bon|po|tva|siret|siren)|vat\s+(?:number|no)|tva\s+intra\w*|siret|siren|adresse|address|contrat|contract|devis|quote|quotation|justificatif\w*|bon\s+de\s+livraison|delivery\s+note|proof\s+of\s+delivery|timesheets?|feuilles?\s+de\s+temps|releve\s+d'heures|proces-verbal|pv|w-?9|w-?8\w*|tax\s+form|formulaire|form|fiche\s+fournisseur|vendor\s+(?:form|setup|registration)|supplier\s+(?:form|setup|registration|number)|kbis|attestation\w*|interlocuteur|contact|personne\s+a\s+contacter|chorus|portail|portal|plateforme|platform|pdf|original|facture\s+(?:corrigee|rectifiee|detaillee|originale|au\s+bon\s+nom|a\s+jour)|corrected\s+invoice|updated\s+invoice|revised\s+invoice|raison\s+sociale|au\s+nom\s+de|nouvelle\s+facture|new\s+invoice|another\s+invoice|itemi[sz]ed|detail\w*|breakdown|decompte|releve\s+de\s+compte|statement|reference|numero\s+de\s+facture|invoice\s+number|montant\s+exact|exact\s+amount|en\s+quelle\s+devise|currency|echeancier|payment\s+plan|instal+ments?|delai|extension|rappeler|call\s+(?:me|us)\s+back|phone\s+number|numero\s+de\s+telephone|facture)\b",
    )
});

/// A request: asks the reader to do or send something.
pub static REQUEST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:pourriez[- ]vous|pouvez[- ]vous|pourrais[- ]tu|peux[- ]tu|merci\s+de\s+(?:bien\s+vouloir\s+)?(?:nous\s+|me\s+)?(?:en\s+|la\s+|le\s+|les\s+)?(?:renvoyer|transmettre|envoyer|communiquer|faire\s+parvenir|indiquer|preciser|confirmer|fournir|rappeler)|je\s+vous\s+prie\s+de|auriez[- ]vous|avez[- ]vous|est-ce\s+que\s+vous|serait-il\s+possible|would\s+it\s+be\s+possible|is\s+it\s+possible|could\s+you|can\s+you|would\s+you|will\s+you|please\s+(?:send|resend|re-send|provide|share|forward|let|advise|confirm\s+(?:the|your|which|who|what|whether)|update|issue|add|include|upload|submit|call)|kindly|may\s+we|can\s+we|could\s+we|do\s+you\s+have|we\s+(?:still\s+)?need|i\s+need|we\s+require|we'd\s+need|we\s+would\s+need|il\s+(?:nous|me)\s+(?:faut|faudrait|manque)|nous\s+(?:aurions|avons)\s+besoin|j'aurais\s+besoin|j'ai\s+besoin|missing|manque|nous\s+manque|envoyez|renvoyez|transmettez|indiquez|precisez|send\s+(?:me|us)|resend|re-send|where\s+(?:do|should|can)|needs?\s+you\s+to|need\s+(?:you|us)\s+to|besoin\s+que\s+vous|fill\s+(?:in|out)|remplir|must\s+be\s+(?:submitted|sent|uploaded|addressed|raised)|doi(?:t|vent)\s+etre\s+(?:deposee?s?|envoyee?s?|adressee?s?|transmise?s?)|must\s+be\s+(?:submitted|sent|uploaded|addressed|raised)|doi(?:t|vent)\s+etre\s+(?:deposee?s?|envoyee?s?|adressee?s?|transmise?s?)|who\s+(?:do|should|can|is)|a\s+qui|to\s+whom|which\s+(?:invoice|account|address)|quel\w*\s+(?:est|sont|adresse|compte|facture|montant|numero|reference))\b",
    )
});

/// "We never received the invoice": a human must send it again.
pub static MISSING_INVOICE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:n'avons|n'ai|n'a)\s+(?:jamais|pas|toujours\s+pas)\s+(?:ete\s+)?recu\w*\s+(?:la|votre|cette|de|aucune|les|vos)\s+(?:facture|factures|copie)|\b(?:never|not)\s+(?:received|got|seen)\s+(?:the|your|this|an|any)\s+invoices?\b|\b(?:didn't|did\s+not|haven't|have\s+not|has\s+not|hasn't)\s+(?:yet\s+)?(?:received|got|seen)\s+(?:the|your|this|an|any)\s+invoices?\b|\bno\s+record\s+of\s+(?:this|the|your|an|any)\s+invoice|\b(?:don't|do\s+not|dont)\s+(?:seem\s+to\s+)?have\s+(?:this|the|your|that)\s+invoice|\b(?:don't|do\s+not|dont)\s+(?:seem\s+to\s+)?have\s+(?:this|the|your|that)\s+invoice|\baucune\s+trace\s+de\s+(?:cette|la|votre)\s+facture|\bfacture\s+(?:introuvable|non\s+recue)|\bcan't\s+find\s+(?:the|this|your)\s+invoice|\bcannot\s+find\s+(?:the|this|your)\s+invoice|\bne\s+(?:trouvons|trouve)\s+pas\s+(?:la|cette|votre)\s+facture",
    )
});

/// Asking whether our side received their payment: part of a paid reply,
/// not a question for a human.
pub static CONFIRM_RECEIPT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:bien\s+)?recu\s+(?:le|notre|mon|ce)\s+(?:virement|paiement|reglement|cheque)|\bconfirm\w*\s+(?:la\s+)?(?:bonne\s+)?(?:reception|receipt)|\b(?:received|receive|got)\s+(?:the|our|my|this)\s+(?:payment|transfer|wire|cheque|check|funds)|\bconfirm\s+(?:that\s+)?(?:you\s+)?(?:have\s+)?(?:received|receipt)|\baccuser\s+reception|\backnowledge\s+receipt",
    )
});

/// The label of a form field whose date records what happened: "Date de
/// règlement", "Payment date", "Exécuté le", "Value date".
pub static RECORD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bdate\b|\b(?:dated|executed|execution|executee?|valeur|value|processed|effectuee?|paid|reglee?|payee?|traitee?|emise?|sent|made)\s*$",
    )
});
