//! Inline SVG icons (nothing fetched from elsewhere). Decorative: the control around an
//! icon carries the accessible label.

use leptos::prelude::*;

#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo-mark" viewBox="0 0 64 64" aria-hidden="true">
            <rect width="64" height="64" rx="14" fill="currentColor"/>
            <path d="M16 26 32 18l16 8v18l-16 8-16-8zM16 26l16 8 16-8M32 34v18"
                fill="none" stroke="#fff" stroke-width="4" stroke-linejoin="round"/>
        </svg>
    }
}

#[component]
pub fn PersonIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
            <circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="2"/>
            <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
        </svg>
    }
}

#[component]
pub fn GlobeIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.8"/>
            <path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z"
                fill="none" stroke="currentColor" stroke-width="1.8"/>
        </svg>
    }
}

#[component]
pub fn PhotosIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 48 48" width="72" height="72" aria-hidden="true">
            <rect x="6" y="10" width="36" height="28" rx="4" fill="none" stroke="currentColor" stroke-width="2.5"/>
            <circle cx="17" cy="20" r="3.5" fill="currentColor"/>
            <path d="M8 34l10-10 7 7 5-5 10 10" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linejoin="round"/>
        </svg>
    }
}

#[component]
pub fn MailIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 48 48" width="56" height="56" aria-hidden="true">
            <rect x="6" y="11" width="36" height="26" rx="4" fill="none" stroke="currentColor" stroke-width="2.5"/>
            <path d="M8 14l16 12 16-12" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linejoin="round"/>
        </svg>
    }
}

#[component]
pub fn CheckIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 48 48" width="64" height="64" aria-hidden="true">
            <circle cx="24" cy="24" r="20" fill="currentColor"/>
            <path d="M15 24.5l6 6 12-13" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}
