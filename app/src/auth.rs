//! Who is signed in, shared through context. Pages read it; sign-in and sign-out write it.

use hako_protocol::Me;
use leptos::{prelude::*, task::spawn_local};

use crate::{api, query::with_query};

#[derive(Clone, Copy)]
pub struct Auth {
    pub me: RwSignal<Option<Me>>,
    /// False until the first `/api/v1/me` answer, so pages do not flash the wrong state.
    pub checked: RwSignal<bool>,
}

impl Auth {
    pub fn load() -> Self {
        let auth = Self {
            me: RwSignal::new(None),
            checked: RwSignal::new(false),
        };
        spawn_local(async move {
            auth.me.set(api::accounts::me().await.ok());
            auth.checked.set(true);
        });
        auth
    }

    pub fn signed_in(&self, me: Me) {
        self.me.set(Some(me));
        self.checked.set(true);
    }

    pub async fn sign_out(&self) {
        // Even if the server cannot be reached, this browser forgets the account.
        let _ = api::accounts::signout().await;
        self.me.set(None);
    }
}

/// Where the sign-in guard sends a signed-out visitor: `/signin`, with the page they asked
/// for as `?next=` (`/signin?next=%2F%3Fitem%3D298`) unless it was the library's top.
pub fn signin_path() -> String {
    let location = window().location();
    let asked = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    match safe_next(&asked) {
        Some(next) if next != "/" => with_query("/signin".to_owned(), &[("next", next)]),
        _ => "/signin".to_owned(),
    }
}

/// A `next` the sign-in page may go to: a path of this site behind the guard, never another
/// site (`//evil.example`, `/\\evil.example`) and never the sign-in pages themselves.
pub fn safe_next(next: &str) -> Option<&str> {
    // Browsers drop tabs and newlines from URLs ("/\t/evil" is "//evil"): none allowed.
    let own_path = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    let auth_page = ["/signin", "/signup", "/password-reset"]
        .iter()
        .any(|page| next.starts_with(page));
    (own_path && !auth_page).then_some(next)
}

/// A Google/Apple sign-in leaves the site and comes back to `/` (or `/signup/done`): the
/// page asked for waits in this tab's session storage meanwhile.
const NEXT_KEY: &str = "hako.next";

fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Keeps `next` for after a provider's sign-in (only a path [`safe_next`] allows; the
/// library's top is where the provider sends the browser anyway).
pub fn remember_next(next: &str) {
    let next = safe_next(next).filter(|next| *next != "/");
    if let (Some(next), Some(storage)) = (next, session_storage()) {
        let _ = storage.set_item(NEXT_KEY, next);
    }
}

/// The page kept by [`remember_next`], once: reading it forgets it.
pub fn take_next() -> Option<String> {
    let storage = session_storage()?;
    let next = storage.get_item(NEXT_KEY).ok().flatten()?;
    let _ = storage.remove_item(NEXT_KEY);
    safe_next(&next).map(str::to_owned)
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_of_this_site_and_never_another_site() {
        assert_eq!(safe_next("/?item=298"), Some("/?item=298"));
        assert_eq!(safe_next("/phones"), Some("/phones"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "https://evil.example",
            "/signin?next=/",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
