//! Localized texts that tell Amazon's pages apart, as data: one row per phrase, with the
//! marketplaces (country codes of [`crate::MARKETPLACES`]) that use it and where it comes from.
//!
//! Language-independent markers (element ids, form actions, links) are read first, in
//! [`super::scan`]; these texts are the second line, for pages that lack them. Phrases are matched
//! folded ([`super::text::fold`]: lower case, `’` as `'`), each in one place of the page
//! ([`Marker`] says which), so a phrase that is common elsewhere on a product page
//! ("No disponible" in a related-items carousel) cannot decide alone.
//!
//! Sources: `domain` = ../shared/notes/domain.md ("Live checks": link checkers' issue trackers and
//! scrapers' lists); `page` = seen in a saved page; `unverified` = written for this table from the
//! language, not yet seen on a page. Users can correct these; a wrong or missing phrase makes a
//! check say less (`error`, "not recognized"), never "broken" on its own.

/// What a phrase shows, and so where it is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// The robot check (captcha) page. Looked for in the start of a page that is not a
    /// product page.
    RobotCheck,
    /// The missing-page page ("Dogs of Amazon"). Same place.
    NotFound,
    /// Amazon's "Something went wrong" error page (its dogs are not a missing page). Same place.
    ErrorPage,
    /// Nothing to buy. Looked for only in the text of the `#availability` block.
    Unavailable,
}

/// One localized text.
#[derive(Debug)]
pub struct Phrase {
    pub marker: Marker,
    /// BCP 47 language, `*` for text that is the same in every language.
    pub lang: &'static str,
    /// Already folded: lower case, `'` for apostrophes.
    pub text: &'static str,
    /// Country codes of the marketplaces that use it.
    pub markets: &'static [&'static str],
    /// `domain`, `page` or `unverified` (see the module docs).
    pub source: &'static str,
}

const EN: &[&str] = &["US", "GB", "CA", "AU", "SG", "IN", "IE", "AE", "SA", "EG"];
const ES: &[&str] = &["ES", "MX"];
const FR: &[&str] = &["FR", "BE"];
const NL: &[&str] = &["NL", "BE"];
const AR: &[&str] = &["AE", "SA", "EG"];
const ALL: &[&str] = &[
    "AE", "AU", "BE", "BR", "CA", "DE", "EG", "ES", "FR", "GB", "IE", "IN", "IT", "JP", "MX", "NL",
    "PL", "SA", "SE", "SG", "TR", "US",
];

macro_rules! phrase {
    ($marker:ident, $lang:literal, $text:literal, $markets:expr, $source:literal) => {
        Phrase {
            marker: Marker::$marker,
            lang: $lang,
            text: $text,
            markets: $markets,
            source: $source,
        }
    };
}

/// Every phrase, grouped by marker.
#[rustfmt::skip]
pub static PHRASES: &[Phrase] = &[
    phrase!(RobotCheck, "*",  "api-services-support@amazon.com",                              ALL,    "domain"),
    phrase!(RobotCheck, "en", "enter the characters you see below",                           EN,     "domain"),
    phrase!(RobotCheck, "en", "click the button below to continue shopping",                  EN,     "domain"),
    phrase!(RobotCheck, "en", "sorry, we just need to make sure you're not a robot",          EN,     "unverified"),
    phrase!(RobotCheck, "de", "geben sie die unten angezeigten zeichen ein",                  &["DE"], "domain"),
    phrase!(RobotCheck, "fr", "entrez les caractères que vous voyez ci-dessous",              FR,     "domain"),
    phrase!(RobotCheck, "it", "inserisci i caratteri visualizzati nello spazio sottostante",  &["IT"], "domain"),
    phrase!(RobotCheck, "es", "introduzca los caracteres que ve a continuación",              ES,     "domain"),
    phrase!(RobotCheck, "es", "ingresa los caracteres que ves a continuación",                &["MX"], "unverified"),
    phrase!(RobotCheck, "nl", "voer de karakters in die u hieronder ziet",                    NL,     "domain"),
    phrase!(RobotCheck, "pt", "digite os caracteres que você vê abaixo",                      &["BR"], "unverified"),
    phrase!(RobotCheck, "sv", "ange tecknen du ser nedan",                                    &["SE"], "unverified"),
    phrase!(RobotCheck, "pl", "wprowadź znaki widoczne poniżej",                              &["PL"], "unverified"),
    phrase!(RobotCheck, "tr", "aşağıda gördüğünüz karakterleri girin",                        &["TR"], "unverified"),
    phrase!(RobotCheck, "ja", "表示されている文字を入力してください",                             &["JP"], "unverified"),
    phrase!(RobotCheck, "ar", "أدخل الأحرف التي تراها أدناه",                                    AR,     "unverified"),

    phrase!(NotFound,   "en", "we couldn't find that page",                                   EN,     "domain"),
    phrase!(NotFound,   "en", "the web address you entered is not a functioning page on our site", EN, "unverified"),
    phrase!(NotFound,   "ja", "入力されたurlは、当サイトのページとは一致しません",                   &["JP"], "unverified"),

    phrase!(ErrorPage,  "en", "something went wrong",                                         EN,     "domain"),

    phrase!(Unavailable, "en", "currently unavailable",                                       EN,     "domain"),
    phrase!(Unavailable, "en", "we don't know when or if this item will be back in stock",    EN,     "domain"),
    phrase!(Unavailable, "de", "derzeit nicht verfügbar",                                     &["DE"], "domain"),
    phrase!(Unavailable, "fr", "actuellement indisponible",                                   FR,     "domain"),
    phrase!(Unavailable, "es", "no disponible",                                               ES,     "domain"),
    phrase!(Unavailable, "it", "attualmente non disponibile",                                 &["IT"], "domain"),
    phrase!(Unavailable, "nl", "tijdelijk niet op voorraad",                                  NL,     "domain"),
    phrase!(Unavailable, "nl", "momenteel niet verkrijgbaar",                                 NL,     "unverified"),
    phrase!(Unavailable, "ja", "現在在庫切れです",                                                &["JP"], "domain"),
    phrase!(Unavailable, "ja", "一時的に在庫切れ",                                                &["JP"], "domain"),
    phrase!(Unavailable, "pt", "não disponível",                                              &["BR"], "unverified"),
    phrase!(Unavailable, "sv", "för närvarande inte tillgänglig",                             &["SE"], "unverified"),
    phrase!(Unavailable, "pl", "obecnie niedostępny",                                         &["PL"], "unverified"),
    phrase!(Unavailable, "tr", "şu anda mevcut değil",                                        &["TR"], "unverified"),
    phrase!(Unavailable, "ar", "غير متوفر حالي",                                                 AR,     "unverified"), // حاليًا and حاليا
];

/// The first phrase for `marker` that occurs in `folded` (text already [`super::text::fold`]ed).
pub fn find(marker: Marker, folded: &str) -> Option<&'static Phrase> {
    PHRASES
        .iter()
        .filter(|p| p.marker == marker)
        .find(|p| folded.contains(p.text))
}
