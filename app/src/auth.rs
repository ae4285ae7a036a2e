//! Who is signed in, shared through context. Pages read it; sign-in and sign-out write it.

use hako_protocol::Me;
use leptos::{prelude::*, task::spawn_local};

use crate::api;

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

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
