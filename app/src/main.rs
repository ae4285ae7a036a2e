//! The Hako web viewer: a Leptos single-page app, client-side rendered.

mod api;
mod auth;
mod components;
mod i18n;
mod pages;

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use pages::{
    Account, Guide, Library, NotFound, PasswordReset, Phones, SignIn, SignUp, SignupDone,
    SignupVerify,
};

#[component]
fn App() -> impl IntoView {
    provide_context(i18n::I18n::detect());
    provide_context(auth::Auth::load());
    provide_context(pages::SignupDraft(RwSignal::new(None)));
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Library/>
                <Route path=path!("/signin") view=SignIn/>
                <Route path=path!("/signup") view=SignUp/>
                <Route path=path!("/signup/verify") view=SignupVerify/>
                <Route path=path!("/signup/done") view=SignupDone/>
                <Route path=path!("/password-reset") view=PasswordReset/>
                <Route path=path!("/guide") view=Guide/>
                <Route path=path!("/account") view=Account/>
                <Route path=path!("/phones") view=Phones/>
            </Routes>
        </Router>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
