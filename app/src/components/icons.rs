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

/// A 24 px stroked icon from one SVG path.
#[component]
fn StrokeIcon(path: &'static str, #[prop(default = 24)] size: u32) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width=size height=size aria-hidden="true">
            <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

#[component]
pub fn TickIcon() -> impl IntoView {
    view! { <StrokeIcon path="M5 12.5l4.5 4.5L19 7.5" size=18/> }
}

#[component]
pub fn CloudIcon() -> impl IntoView {
    view! { <StrokeIcon path="M7 18h10a4 4 0 0 0 .5-8 6 6 0 0 0-11.4 1.6A3.3 3.3 0 0 0 7 18z" size=14/> }
}

#[component]
pub fn PhoneIcon() -> impl IntoView {
    view! { <StrokeIcon path="M8 3h8a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM11 18h2" size=14/> }
}

#[component]
pub fn ExcludedIcon() -> impl IntoView {
    view! { <StrokeIcon path="M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM5.6 5.6l12.8 12.8" size=14/> }
}

#[component]
pub fn PlayIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path d="M8 5v14l11-7z" fill="currentColor"/></svg>
    }
}

#[component]
pub fn ChevronIcon() -> impl IntoView {
    view! { <StrokeIcon path="M9 5l7 7-7 7" size=28/> }
}

#[component]
pub fn CloseIcon() -> impl IntoView {
    view! { <StrokeIcon path="M6 6l12 12M18 6L6 18"/> }
}

#[component]
pub fn DownloadIcon() -> impl IntoView {
    view! { <StrokeIcon path="M12 4v11M7 10.5l5 5 5-5M5 20h14"/> }
}

#[component]
pub fn InfoIcon() -> impl IntoView {
    view! { <StrokeIcon path="M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 11v6M12 7.5v.01"/> }
}

#[component]
pub fn TrashIcon() -> impl IntoView {
    view! { <StrokeIcon path="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6"/> }
}

#[component]
pub fn MusicIcon() -> impl IntoView {
    view! { <StrokeIcon path="M9 18V5l11-2v13M9 18a3 3 0 1 1-6 0 3 3 0 0 1 6 0zM20 16a3 3 0 1 1-6 0 3 3 0 0 1 6 0z"/> }
}

#[component]
pub fn DocumentIcon() -> impl IntoView {
    view! { <StrokeIcon path="M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6"/> }
}

#[component]
pub fn ContactsIcon() -> impl IntoView {
    view! { <StrokeIcon path="M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21c0-3.9 3.1-6 7-6s7 2.1 7 6M17 3.5a4 4 0 0 1 0 7.5M22 21c0-3-1.8-5-4.5-5.7"/> }
}

#[component]
pub fn CalendarIcon() -> impl IntoView {
    view! { <StrokeIcon path="M4 6h16v15H4zM4 10h16M8 3v5M16 3v5"/> }
}

#[component]
pub fn CallIcon() -> impl IntoView {
    view! { <StrokeIcon path="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z"/> }
}
