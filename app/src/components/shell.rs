//! Page frames: the centred card of the sign-in pages and the bar above the library.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{
    dialog::Dialog,
    icons::{GlobeIcon, Logo, PersonIcon},
};
use crate::{
    api,
    auth::use_auth,
    i18n::{COMMON, CORP, use_i18n, use_texts},
};

/// Names the browser tab after the page: 「ライブラリ – Hako」, "Contacts – Hako". `None`
/// leaves the title to someone else (the photo view names its photo).
pub fn use_title(name: impl Fn() -> Option<String> + 'static) {
    Effect::new(move |_| {
        if let Some(name) = name() {
            let name = name.trim();
            let title = if name.is_empty() {
                "Hako".to_owned()
            } else {
                format!("{name} – Hako")
            };
            document().set_title(&title);
        }
    });
}

#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let common = use_texts(&COMMON);
    view! {
        <button type="button" class="btn ghost lang-switch" data-testid="lang-switch"
            aria-label=move || common().lang_switch_label
            on:click=move |_| i18n.toggle()>
            <GlobeIcon/>
            <span>{move || common().lang_switch}</span>
        </button>
    }
}

/// The frame of sign-in, sign-up and reset pages: brand, one card, the language switch.
#[component]
pub fn AuthCard(#[prop(into)] title: TextProp, children: Children) -> impl IntoView {
    let common = use_texts(&COMMON);
    let name = title.clone();
    use_title(move || Some(name.get().to_string()));
    view! {
        <div class="auth-page">
            <header class="auth-header">
                <a href="/" class="brand" aria-label="Hako"><Logo/><span class="brand-name">"Hako"</span></a>
                <LangSwitch/>
            </header>
            <main class="auth-main">
                <section class="card" aria-labelledby="page-title">
                    <h1 id="page-title">{move || title.get()}</h1>
                    {children()}
                </section>
                <p class="tagline">{move || common().tagline}</p>
            </main>
        </div>
    }
}

/// The account menu behind the person icon (SPEC V16): account information, phones, app data,
/// the company console for its admins, the guide and sign-out.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let common = use_texts(&COMMON);
    let auth = use_auth();
    let navigate = use_navigate();
    let corp = use_texts(&CORP);
    let open = RwSignal::new(false);
    // 「法人管理」 only for an admin of a company: the server says (200, else 403).
    let admin = LocalResource::new(move || {
        let signed_in = auth.me.with(Option::is_some);
        async move { signed_in && api::corp::me().await.is_ok() }
    });
    let sign_out = Action::new_local(move |()| {
        let navigate = navigate.clone();
        async move {
            auth.sign_out().await;
            open.set(false);
            navigate("/signin", Default::default());
        }
    });
    view! {
        <div class="account-menu">
            <button type="button" class="icon-btn" data-testid="account-menu-button"
                aria-label=move || common().account_menu
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <PersonIcon/>
            </button>
            <Show when=move || open.get()>
                <Dialog on_close=Callback::new(move |()| open.set(false)) class="menu" backdrop="menu-backdrop"
                    role="menu" testid="account-menu">
                    <p class="menu-email" data-testid="account-menu-email">
                        {move || auth.me.get().map(|me| me.email).unwrap_or_default()}
                    </p>
                    <a role="menuitem" class="menu-item" href="/account" data-testid="account-link">{move || common().account_title}</a>
                    <a role="menuitem" class="menu-item" href="/phones" data-testid="phones-link">{move || common().phones_menu}</a>
                    <a role="menuitem" class="menu-item" href="/app-data" data-testid="app-data-link">{move || common().app_data_title}</a>
                    <Show when=move || admin.get().unwrap_or(false)>
                        <a role="menuitem" class="menu-item" href="/corp" data-testid="corp-link">{move || corp().title}</a>
                    </Show>
                    <a role="menuitem" class="menu-item" href="/guide" data-testid="guide-link">{move || common().guide_menu}</a>
                    <button type="button" role="menuitem" class="menu-item" data-testid="signout-button"
                        disabled=move || sign_out.pending().get()
                        on:click=move |_| { sign_out.dispatch(()); }>
                        {move || common().sign_out}
                    </button>
                </Dialog>
            </Show>
        </div>
    }
}

/// The bar above a signed-in page. `tab_title` names the browser tab when the heading does
/// not say enough (the library's tab, the photo view: `None` leaves it to the viewer).
#[component]
pub fn TopBar(
    #[prop(into)] title: TextProp,
    #[prop(optional, into)] tab_title: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let name = title.clone();
    use_title(move || match tab_title {
        Some(tab_title) => tab_title.get(),
        None => Some(name.get().to_string()),
    });
    view! {
        <header class="topbar">
            <a href="/" class="brand" aria-label="Hako"><Logo/><span class="brand-name">"Hako"</span></a>
            <h1 class="topbar-title">{move || title.get()}</h1>
            <div class="topbar-actions">
                <LangSwitch/>
                <AccountMenu/>
            </div>
        </header>
    }
}
