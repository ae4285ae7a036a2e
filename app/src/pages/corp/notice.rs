//! サインインコード通知 (SPEC C8): the number list (the same selector as the permission
//! change), a confirmation naming how many lines, then the reception number. Hako mails each
//! line a one-time sign-in code; no admin sees the codes, and the page says so.

use hako_protocol::LineSelection;
use leptos::{prelude::*, task::spawn_local};

use super::{
    NoticeHandoff,
    selector::{ActionBar, LineList, Selection},
};
use crate::{
    api::{self, ClientError},
    components::{dialog::Dialog, form::ErrorMessage},
    i18n::{COMMON, CORP, use_texts},
};

#[component]
pub fn CorpNotice() -> impl IntoView {
    let texts = use_texts(&CORP);
    // Lines the permission change's 完了 screen handed over come chosen.
    let handoff = expect_context::<NoticeHandoff>();
    let selection = Selection::new(handoff.0.get_untracked());
    handoff.0.set(Vec::new());
    let asking = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);
    let ask = move |_| {
        if selection.ready() {
            asking.set(true);
        }
    };
    view! {
        <section class="corp-card corp-flow" aria-labelledby="corp-notice-title" data-testid="corp-notice">
            <h2 id="corp-notice-title">{move || texts().notice}</h2>
            {move || match done.get() {
                Some(reception) => view! { <NoticeDone reception=reception/> }.into_any(),
                None => view! {
                    <p class="corp-lead">{move || texts().notice_lead}</p>
                    <p class="corp-lead">{move || texts().notice_how}</p>
                    <p class="corp-private" data-testid="corp-notice-private">{move || texts().notice_private}</p>
                    <LineList selection=selection/>
                    <ActionBar selection=selection>
                        <a class="btn ghost" href="/corp" data-testid="corp-back">{move || texts().back}</a>
                        <button type="button" class="btn primary corp-go" data-testid="corp-notice-send" on:click=ask>
                            {move || texts().send}
                        </button>
                    </ActionBar>
                }
                .into_any(),
            }}
        </section>
        <Show when=move || asking.get()>
            <ConfirmSend selection=selection asking=asking done=done/>
        </Show>
    }
}

/// 「…送信します。よろしいですか？ 対象回線: N件」.
#[component]
fn ConfirmSend(
    selection: Selection,
    asking: RwSignal<bool>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ClientError>);
    let key = StoredValue::new(api::corp::idempotency_key());
    let count = selection.count();
    let send = move |_| {
        busy.set(true);
        error.set(None);
        let chosen = LineSelection {
            line_ids: selection.line_ids(),
        };
        spawn_local(async move {
            match api::corp::password_notice(&chosen, &key.get_value()).await {
                Ok(reception) => {
                    asking.set(false);
                    done.set(Some(reception.reception_number));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let dismiss = Callback::new(move |()| {
        if !busy.get_untracked() {
            asking.set(false);
        }
    });
    view! {
        <Dialog on_close=dismiss class="dialog" backdrop="dialog-backdrop" role="alertdialog"
            labelledby="corp-send-title" testid="corp-notice-confirm">
            <h2 id="corp-send-title">{move || texts().send_question}</h2>
            <p data-testid="corp-notice-confirm-count">{move || texts().send_count.replace("{n}", &count.to_string())}</p>
            <p class="corp-hint">{move || texts().notice_private}</p>
            <ErrorMessage error=error testid="corp-notice-error"/>
            <div class="dialog-actions">
                <button type="button" class="btn ghost" data-testid="corp-notice-cancel" disabled=move || busy.get()
                    on:click=move |_| asking.set(false)>{move || common().cancel}</button>
                <button type="button" class="btn primary corp-go" data-testid="corp-notice-ok" disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string() on:click=send>{move || texts().ok}</button>
            </div>
        </Dialog>
    }
}

#[component]
fn NoticeDone(reception: String) -> impl IntoView {
    let texts = use_texts(&CORP);
    let detail = format!("/corp/history/{reception}");
    view! {
        <div class="corp-done" data-testid="corp-done" role="status">
            <p class="corp-done-title" data-testid="corp-done-message">{move || texts().done_received}</p>
            <p class="corp-reception">
                <span>{move || texts().reception_number}</span>
                <strong data-testid="corp-reception-number">{reception}</strong>
            </p>
            <p>{move || texts().notice_done}</p>
            <p><a href=detail data-testid="corp-done-history">{move || texts().done_history_link}</a></p>
        </div>
        <div class="corp-actions">
            <a class="btn primary corp-go" href="/corp" data-testid="corp-done-ok">{move || texts().ok}</a>
        </div>
    }
}
