//! Japanese first, English when the browser prefers it or the user switches (SPEC X1).
//!
//! Texts are split by area, one struct per area with a field per text, so a missing
//! translation does not compile. A new area (a console of its own) adds its own struct and
//! `Bilingual` static, in a file here or in its own folder; nothing central lists them.

mod account;
mod app_data;
mod auth;
mod common;
mod corp;
mod format;
mod guide;
mod library;
mod phones;

use hako_protocol::Lang;
use leptos::prelude::*;

pub use account::ACCOUNT;
pub use app_data::{APP_DATA, AppDataTexts};
pub use auth::AUTH;
pub use common::{COMMON, CommonTexts};
pub use corp::{CORP, CorpTexts};
pub use format::{date_time, day_heading, format_size, japan_date_time, japan_time, month_label};
pub use guide::GUIDE;
pub use library::{LIBRARY, LibraryTexts};
pub use phones::PHONES;

const STORAGE_KEY: &str = "hako.lang";

/// One area's texts in both languages.
pub struct Bilingual<T: 'static> {
    pub ja: T,
    pub en: T,
}

impl<T> Bilingual<T> {
    pub fn get(&'static self, lang: Lang) -> &'static T {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// One area's texts in the current language; call it inside a reactive closure
/// (`move || texts().title`) so the page follows the language switch.
pub fn use_texts<T: Sync>(
    texts: &'static Bilingual<T>,
) -> impl Fn() -> &'static T + Copy + Send + Sync + 'static {
    let lang = use_i18n().lang;
    move || texts.get(lang.get())
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// Stored choice, else the browser's first preference (English if it starts with `en`), else Japanese.
    pub fn detect() -> Self {
        let stored = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let lang = match stored.as_deref() {
            Some("en") => Lang::En,
            Some("ja") => Lang::Ja,
            _ => {
                let preferred = window().navigator().language().unwrap_or_default();
                if preferred.to_ascii_lowercase().starts_with("en") {
                    Lang::En
                } else {
                    Lang::Ja
                }
            }
        };
        let i18n = Self {
            lang: RwSignal::new(lang),
        };
        Effect::new(move |_| {
            let code = match i18n.lang.get() {
                Lang::Ja => "ja",
                Lang::En => "en",
            };
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", code);
            }
        });
        i18n
    }

    pub fn toggle(&self) {
        let next = match self.lang.get_untracked() {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        };
        self.lang.set(next);
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(STORAGE_KEY, if next == Lang::En { "en" } else { "ja" });
        }
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}
