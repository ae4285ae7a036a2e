//! Each phone's two app data switches (SPEC P2): use app data backup, and also while abroad.
//! A toggle shows at once and is saved; if the server refuses, it goes back and says why.

use hako_protocol::{AppDataSwitches, ErrorCode, PhoneAppDataSwitches};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{self, ClientError},
    components::form::ErrorMessage,
    i18n::{APP_DATA, AppDataTexts, COMMON, use_texts},
};

#[component]
pub fn PhoneSwitches() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&APP_DATA);
    let version = RwSignal::new(0u32);
    let phones = LocalResource::new(move || {
        version.track();
        api::app_data::phone_switches()
    });
    // A phone that left its ROOM meanwhile: the server only says "not found", so the page
    // says what happened and shows the phones as they are now.
    let gone = RwSignal::new(false);
    let on_gone = Callback::new(move |()| {
        gone.set(true);
        version.update(|v| *v += 1);
    });
    view! {
        <section class="app-data-section" aria-labelledby="app-data-phones">
            <h2 id="app-data-phones">{move || texts().phones_heading}</h2>
            <Show when=move || gone.get()>
                <p class="alert" role="alert" data-testid="app-data-phone-gone">{move || texts().phone_gone}</p>
            </Show>
            {move || match phones.get() {
                None => view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=RwSignal::new(Some(e)) testid="app-data-phones-error"/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="app-data-note" data-testid="app-data-no-phones">{move || texts().no_phones}</p>
                }
                .into_any(),
                Some(Ok(list)) => list.into_iter().map(|phone| view! { <PhoneCard phone=phone on_gone=on_gone/> }).collect_view().into_any(),
            }}
        </section>
    }
}

/// Which of the two switches.
#[derive(Clone, Copy)]
enum Which {
    Use,
    Abroad,
}

impl Which {
    /// In ids and test ids: `app-data-switch-use`, `app-data-switch-abroad`.
    fn name(self) -> &'static str {
        match self {
            Self::Use => "use",
            Self::Abroad => "abroad",
        }
    }

    fn label(self, texts: &AppDataTexts) -> &'static str {
        match self {
            Self::Use => texts.use_label,
            Self::Abroad => texts.abroad_label,
        }
    }

    fn hint(self, texts: &AppDataTexts) -> &'static str {
        match self {
            Self::Use => texts.use_hint,
            Self::Abroad => texts.abroad_hint,
        }
    }

    fn get(self, switches: AppDataSwitches) -> bool {
        match self {
            Self::Use => switches.use_backup,
            Self::Abroad => switches.abroad,
        }
    }

    fn toggled(self, switches: AppDataSwitches) -> AppDataSwitches {
        match self {
            Self::Use => AppDataSwitches {
                use_backup: !switches.use_backup,
                ..switches
            },
            Self::Abroad => AppDataSwitches {
                abroad: !switches.abroad,
                ..switches
            },
        }
    }
}

#[component]
fn PhoneCard(phone: PhoneAppDataSwitches, on_gone: Callback<()>) -> impl IntoView {
    let room = phone.room;
    let switches = RwSignal::new(phone.switches);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ClientError>);
    let toggle = Callback::new(move |which: Which| {
        if busy.get_untracked() {
            return;
        }
        let before = switches.get_untracked();
        let wanted = which.toggled(before);
        switches.set(wanted);
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::app_data::set_switches(room, wanted).await {
                Ok(now) => switches.set(now),
                Err(ClientError::Api(body)) if body.code == ErrorCode::NotFound => on_gone.run(()),
                Err(e) => {
                    switches.set(before);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    });
    view! {
        <div class="app-data-phone" data-testid="app-data-phone" data-room=room>
            <h3 class="app-data-phone-name">
                <span class="room-number">{format!("ROOM {room}")}</span>
                <span data-testid="app-data-phone-name">{phone.phone_name}</span>
            </h3>
            <Switch which=Which::Use room=room switches=switches busy=busy toggle=toggle/>
            <Switch which=Which::Abroad room=room switches=switches busy=busy toggle=toggle/>
            <ErrorMessage error=error testid="app-data-switch-error"/>
        </div>
    }
}

/// One labelled on/off switch. A button with `role="switch"`: Space and Enter toggle it, and a
/// click on its label does too. While a change is being saved it stays focusable but ignores
/// presses (`aria-disabled`), so keyboard focus is not lost.
#[component]
fn Switch(
    which: Which,
    room: u8,
    switches: RwSignal<AppDataSwitches>,
    busy: RwSignal<bool>,
    toggle: Callback<Which>,
) -> impl IntoView {
    let texts = use_texts(&APP_DATA);
    let name = which.name();
    let id = format!("app-data-{name}-{room}");
    let label_id = format!("{id}-label");
    let hint_id = format!("{id}-hint");
    let on = move || which.get(switches.get());
    view! {
        <div class="app-data-switch">
            <div class="app-data-switch-text">
                <label for=id.clone() id=label_id.clone()>{move || which.label(texts())}</label>
                <p id=hint_id.clone()>{move || which.hint(texts())}</p>
            </div>
            <button type="button" role="switch" class="app-data-toggle" id=id data-testid=format!("app-data-switch-{name}")
                aria-checked=move || on().to_string() aria-labelledby=label_id aria-describedby=hint_id
                aria-disabled=move || busy.get().then_some("true")
                on:click=move |_| toggle.run(which)>
                <span class="app-data-toggle-state" aria-hidden="true">{move || if on() { texts().on } else { texts().off }}</span>
                <span class="app-data-toggle-track" aria-hidden="true"><span class="app-data-toggle-thumb"></span></span>
            </button>
        </div>
    }
}
