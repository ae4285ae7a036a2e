//! The Hako web viewer: a Leptos single-page app, client-side rendered.

mod api;
mod auth;
mod components;
mod i18n;
mod pages;
mod query;
mod text;

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::{Outlet, ParentRoute, ProtectedParentRoute, Route, Router, Routes},
    hooks::use_navigate,
    path,
};

use pages::{
    Account, AppData, CorpAdmins, CorpAppDownload, CorpFrame, CorpHistory, CorpHistoryDetail,
    CorpImport, CorpMenu, CorpNotice, CorpPermissions, Guide, Library, Loading, NotFound,
    PasswordReset, Phones, SignIn, SignUp, SignupDone, SignupVerify,
};

/// The pages behind sign-in. Back from a Google/Apple sign-in, the page that was asked for
/// before it (kept by the sign-in page) is opened.
#[component]
fn SignedIn() -> impl IntoView {
    if let Some(next) = auth::take_next() {
        let navigate = use_navigate();
        request_animation_frame(move || {
            navigate(
                &next,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        });
    }
    view! { <Outlet/> }
}

#[component]
fn App() -> impl IntoView {
    provide_context(i18n::I18n::detect());
    let auth = auth::Auth::load();
    provide_context(auth);
    provide_context(pages::SignupDraft(RwSignal::new(None)));
    // The one sign-in guard: `None` until the first `/me` answer. A memo, so the pages behind
    // it are not built again when the account changes (a registered license key).
    let signed_in = Memo::new(move |_| auth.checked.get().then(|| auth.me.with(Option::is_some)));
    view! {
        <Router>
            <Routes fallback=NotFound>
                <ProtectedParentRoute path=path!("")
                    condition=move || signed_in.get() redirect_path=auth::signin_path fallback=Loading
                    view=SignedIn>
                    <Route path=path!("/") view=Library/>
                    <Route path=path!("/account") view=Account/>
                    <Route path=path!("/phones") view=Phones/>
                    <Route path=path!("/app-data") view=AppData/>
                    <ParentRoute path=path!("/corp") view=CorpFrame>
                        <Route path=path!("") view=CorpMenu/>
                        <Route path=path!("permissions") view=CorpPermissions/>
                        <Route path=path!("app-download") view=CorpAppDownload/>
                        <Route path=path!("password-notice") view=CorpNotice/>
                        <Route path=path!("history") view=CorpHistory/>
                        <Route path=path!("history/:reception") view=CorpHistoryDetail/>
                        <Route path=path!("lines/import") view=CorpImport/>
                        <Route path=path!("admins") view=CorpAdmins/>
                    </ParentRoute>
                </ProtectedParentRoute>
                <Route path=path!("/signin") view=SignIn/>
                <Route path=path!("/signup") view=SignUp/>
                <Route path=path!("/signup/verify") view=SignupVerify/>
                <Route path=path!("/signup/done") view=SignupDone/>
                <Route path=path!("/password-reset") view=PasswordReset/>
                <Route path=path!("/guide") view=Guide/>
            </Routes>
        </Router>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    // index.html's start screen has been painted (Trunk.toml starts the app after the first
    // paint); the app takes over.
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}
