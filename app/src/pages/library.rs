//! `/`: the library behind sign-in. Empty until phones can back up (SPEC V3–V15 come next).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{
    auth::use_auth,
    components::{icons::PhotosIcon, shell::TopBar},
    i18n::use_i18n,
};

#[component]
pub fn Library() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if auth.checked.get() && auth.me.with(Option::is_none) {
            navigate("/signin", Default::default());
        }
    });
    view! {
        <Show when=move || auth.me.with(Option::is_some)
            fallback=move || view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }>
            <div class="library" data-testid="library-page">
                <TopBar title=|t| t.library_title/>
                <main class="library-main">
                    <div class="empty" data-testid="library-empty">
                        <PhotosIcon/>
                        <h2>{move || i18n.t().library_empty_title}</h2>
                        <p>{move || i18n.t().library_empty_body}</p>
                    </div>
                </main>
            </div>
        </Show>
    }
}
