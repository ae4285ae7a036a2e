//! `/guide`: headings of the guide and FAQ (the steps and answers live with the page).

use super::Bilingual;

pub struct GuideTexts {
    pub guide_faq: &'static str,
    pub guide_how_to: &'static str,
    pub guide_title: &'static str,
}

pub static GUIDE: Bilingual<GuideTexts> = Bilingual {
    ja: GuideTexts {
        guide_faq: "よくある質問",
        guide_how_to: "はじめかた",
        guide_title: "使い方ガイド",
    },
    en: GuideTexts {
        guide_faq: "Questions and answers",
        guide_how_to: "Getting started",
        guide_title: "Guide",
    },
};
