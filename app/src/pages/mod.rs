mod account;
mod app_data;
mod corp;
mod guide;
mod library;
mod phones;
mod reset;
mod signin;
mod signup;

pub use account::Account;
pub use app_data::AppData;
pub use corp::{
    CorpAdmins, CorpAppDownload, CorpFrame, CorpHistory, CorpHistoryDetail, CorpImport, CorpMenu,
    CorpNotice, CorpPermissions,
};
pub use guide::Guide;
pub use library::Library;
pub use phones::Phones;
pub use reset::PasswordReset;
pub use signin::SignIn;
pub use signup::{SignUp, SignupDone, SignupDraft, SignupVerify};

use hako_protocol::{ErrorBody, ErrorCode};
use leptos::prelude::*;

use crate::{
    api::ClientError,
    i18n::{COMMON, use_texts},
};

/// A rule the page checked itself, shown like the server's answer would be.
fn local_error(code: ErrorCode) -> ClientError {
    ClientError::Api(ErrorBody::new(code))
}

#[component]
pub fn Loading() -> impl IntoView {
    let common = use_texts(&COMMON);
    view! { <p class="loading" role="status">{move || common().loading}</p> }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let common = use_texts(&COMMON);
    crate::components::shell::use_title(move || Some(common().not_found.to_owned()));
    view! {
        <main class="auth-main">
            <section class="card" data-testid="not-found">
                <h1>{move || common().not_found}</h1>
                <a class="btn primary" href="/">{move || common().go_home}</a>
            </section>
        </main>
    }
}
