//! `/phones`: the account's ROOMs and their phones (SPEC V18): name (rename), OS and model,
//! the phone's storage, last backup, counts and sizes per kind, and Reset ROOM.

use hako_protocol::{DeviceOs, RoomSummary};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{self, ClientError},
    components::{dialog::Dialog, form::ErrorMessage, shell::TopBar},
    i18n::{COMMON, PHONES, format_size, japan_date_time, use_i18n, use_texts},
};

#[component]
pub fn Phones() -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&PHONES);
    let version = RwSignal::new(0u32);
    let rooms = LocalResource::new(move || {
        version.track();
        async move {
            let mut out = Vec::new();
            for room in hako_protocol::ROOMS {
                out.push(api::phones::room_summary(room).await?);
            }
            Ok::<_, ClientError>(out)
        }
    });
    view! {
        <div class="app-frame" data-testid="phones-page">
            <TopBar title=move || texts().phones_title/>
            <main class="tab-page page-phones">
                {move || match rooms.get() {
                    None => view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any(),
                    Some(Err(_)) => view! { <p class="list-note" role="alert">{move || common().network_error}</p> }.into_any(),
                    Some(Ok(rooms)) => rooms.into_iter().map(|room| view! { <RoomCard room=room version=version/> }).collect_view().into_any(),
                }}
            </main>
        </div>
    }
}

#[component]
fn RoomCard(room: RoomSummary, version: RwSignal<u32>) -> impl IntoView {
    let common = use_texts(&COMMON);
    let lang = use_i18n().lang;
    let texts = use_texts(&PHONES);
    let number = room.room;
    let name = room.phone.as_ref().map(|p| p.name.clone());
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(name.clone().unwrap_or_default());
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<ClientError>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        spawn_local(async move {
            match api::phones::rename_phone(number, draft.get_untracked()).await {
                Ok(()) => {
                    editing.set(false);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let reset = move |_| {
        busy.set(true);
        spawn_local(async move {
            match api::phones::reset_room(number).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
            confirming.set(false);
        });
    };
    let dismiss = Callback::new(move |()| {
        if !busy.get_untracked() {
            confirming.set(false);
        }
    });
    let os = room.phone.as_ref().map(|p| {
        let os = match p.os {
            DeviceOs::Android => "Android",
            DeviceOs::Ios => "iOS",
        };
        format!("{os} · {}", p.model)
    });
    let storage = room.phone_free_bytes.zip(room.phone_total_bytes);
    let phone_name = StoredValue::new(name.clone().unwrap_or_default());
    view! {
        <section class="room-card" data-testid="room-card" data-room=number>
            <header class="room-head">
                <span class="room-number">{format!("ROOM {number}")}</span>
                {match name.clone() {
                    None => view! { <h2 class="room-name muted" data-testid="room-name">{move || common().room_empty}</h2> }.into_any(),
                    Some(n) => view! {
                        <Show when=move || editing.get()
                            fallback=move || view! {
                                <h2 class="room-name" data-testid="room-name">{n.clone()}</h2>
                                <button type="button" class="btn link" data-testid="rename-phone"
                                    on:click=move |_| editing.set(true)>{move || texts().rename}</button>
                            }>
                            <form class="rename" on:submit=save>
                                <input type="text" maxlength="40" data-testid="rename-input" aria-label=move || texts().phone_name
                                    prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))/>
                                <button type="submit" class="btn ghost" data-testid="rename-save" disabled=move || busy.get()>{move || texts().save}</button>
                            </form>
                        </Show>
                    }.into_any(),
                }}
            </header>
            <ErrorMessage error=error testid="room-error"/>
            {os.map(|os| view! { <p class="room-meta">{os}</p> })}
            <dl class="room-facts">
                {storage.map(|(free, total)| view! {
                    <dt>{move || texts().phone_storage}</dt>
                    <dd>{move || texts().storage_free.replace("{free}", &format_size(free).replace(' ', "\u{a0}")).replace("{total}", &format_size(total).replace(' ', "\u{a0}"))}</dd>
                })}
                <dt>{move || texts().last_backup}</dt>
                <dd data-testid="last-backup">{
                    let last = room.last_backup.clone();
                    move || last.as_deref().map_or_else(|| "—".to_owned(), |at| japan_date_time(lang.get(), at))
                }</dd>
                <dt>{move || texts().stored_total}</dt>
                <dd data-testid="stored-total">{format_size(room.stored_bytes)}</dd>
            </dl>
            <table class="kinds">
                <tbody>
                    {room.kinds.into_iter().map(|k| view! {
                        <tr data-testid="kind-row">
                            <th scope="row">{move || common().kind(k.kind)}</th>
                            <td>{k.count}</td>
                            <td>{format_size(k.bytes)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {name.is_some().then(|| view! {
                <button type="button" class="btn ghost danger" data-testid="reset-room"
                    on:click=move |_| confirming.set(true)>{move || texts().reset_room}</button>
            })}
            <Show when=move || confirming.get()>
                <Dialog on_close=dismiss class="dialog" backdrop="dialog-backdrop" role="alertdialog"
                    labelledby="reset-title" testid="confirm-reset">
                    <h2 id="reset-title">{move || phone_name.with_value(|name| {
                        texts().reset_room_title.replace("{room}", &number.to_string()).replace("{name}", name)
                    })}</h2>
                    <p>{move || texts().reset_body}</p>
                    <div class="dialog-actions">
                        <button type="button" class="btn ghost" data-testid="confirm-reset-cancel" disabled=move || busy.get()
                            on:click=move |_| confirming.set(false)>{move || common().cancel}</button>
                        <button type="button" class="btn danger-solid" data-testid="confirm-reset-ok" disabled=move || busy.get()
                            on:click=reset>{move || texts().reset_confirm}</button>
                    </div>
                </Dialog>
            </Show>
        </section>
    }
}
