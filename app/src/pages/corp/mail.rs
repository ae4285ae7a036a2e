//! The two mail menus, one page: アプリダウンロード依頼メール送信 (SPEC C7: each chosen line gets
//! the link to the app its phone needs; 4G feature phones need none and are skipped) and
//! サインインコード通知 (SPEC C8: each line gets a one-time sign-in code no admin sees). Both
//! choose lines with the selector, ask 「…送信します。よろしいですか？ 対象回線: N件」, then show
//! the reception number. The question is [`ConfirmMail`], which the history's メール再送 asks
//! too.

use hako_protocol::{LineSelection, Menu};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

use super::{
    Handoff,
    selector::{ActionBar, LineList, Selection},
};
use crate::{
    api::{self, ClientError},
    components::{dialog::Dialog, form::ErrorMessage},
    i18n::{COMMON, CORP, CorpTexts, use_texts},
};

#[component]
pub fn CorpAppDownload() -> impl IntoView {
    view! { <MailPage menu=Menu::AppDownload/> }
}

#[component]
pub fn CorpNotice() -> impl IntoView {
    view! { <MailPage menu=Menu::PasswordNotice/> }
}

/// The page's own words: title, what it does, the send button.
struct Words {
    title: fn(&CorpTexts) -> &'static str,
    send: fn(&CorpTexts) -> &'static str,
    testid: &'static str,
}

fn words(menu: Menu) -> Words {
    match menu {
        Menu::AppDownload => Words {
            title: |t| t.app_download,
            send: |t| t.app_send,
            testid: "corp-app-download",
        },
        Menu::PasswordNotice | Menu::PermissionChange => Words {
            title: |t| t.notice,
            send: |t| t.send,
            testid: "corp-notice",
        },
    }
}

#[component]
fn MailPage(menu: Menu) -> impl IntoView {
    let texts = use_texts(&CORP);
    let Words {
        title,
        send,
        testid,
    } = words(menu);
    // Lines a 完了 screen handed over come chosen.
    let handoff = expect_context::<Handoff>();
    let selection = Selection::new(handoff.0.get_untracked());
    handoff.0.set(Vec::new());
    let asking = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);
    let ask = move |_| {
        if selection.ready() {
            asking.set(true);
        }
    };
    let sent = Callback::new(move |reception| done.set(Some(reception)));
    let title_id = format!("{testid}-title");
    let labelledby = title_id.clone();
    view! {
        <section class="corp-card corp-flow" aria-labelledby=labelledby data-testid=testid>
            <h2 id=title_id>{move || title(texts())}</h2>
            {move || match done.get() {
                Some(reception) => view! { <MailDone menu=menu reception=reception selection=selection/> }.into_any(),
                None => view! {
                    <Explain menu=menu/>
                    <LineList selection=selection purpose=menu/>
                    <ActionBar selection=selection>
                        <a class="btn ghost" href="/corp" data-testid="corp-back">{move || texts().back}</a>
                        <button type="button" class="btn primary corp-go" data-testid="corp-mail-send" on:click=ask>
                            {move || send(texts())}
                        </button>
                    </ActionBar>
                }
                .into_any(),
            }}
        </section>
        <Show when=move || asking.get()>
            <ConfirmMail menu=menu resend_of=None line_ids=selection.line_ids() asking=asking on_sent=sent/>
        </Show>
    }
}

/// What the menu sends to whom, in the seed's words.
#[component]
fn Explain(menu: Menu) -> impl IntoView {
    let texts = use_texts(&CORP);
    match menu {
        Menu::AppDownload => view! {
            <p class="corp-lead">{move || texts().app_lead}</p>
            <p class="corp-lead">{move || texts().app_kinds}</p>
            <p class="corp-private" data-testid="corp-app-feature-phone">{move || texts().app_feature_phone}</p>
        }
        .into_any(),
        Menu::PasswordNotice | Menu::PermissionChange => view! {
            <p class="corp-lead">{move || texts().notice_lead}</p>
            <p class="corp-lead">{move || texts().notice_how}</p>
            <p class="corp-private" data-testid="corp-notice-private">{move || texts().notice_private}</p>
        }
        .into_any(),
    }
}

/// 「…送信します。よろしいですか？ 対象回線: N件」, then the mail is asked for — a menu's send,
/// or with `resend_of` a メール再送 of that operation's lines; `on_sent` gets the new
/// reception number.
#[component]
pub fn ConfirmMail(
    menu: Menu,
    resend_of: Option<String>,
    line_ids: Vec<i64>,
    asking: RwSignal<bool>,
    on_sent: Callback<String>,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&CORP);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ClientError>);
    // One key for this question however often OK is pressed (a double click, a retry).
    let key = StoredValue::new(api::corp::idempotency_key());
    let count = line_ids.len();
    let chosen = StoredValue::new((resend_of, LineSelection { line_ids }));
    let send = move |_| {
        busy.set(true);
        error.set(None);
        let (resend_of, selection) = chosen.get_value();
        spawn_local(async move {
            match api::corp::mail(menu, resend_of.as_deref(), &selection, &key.get_value()).await {
                Ok(reception) => {
                    asking.set(false);
                    on_sent.run(reception.reception_number);
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
    let hint = move || match menu {
        Menu::AppDownload => texts().app_confirm_hint,
        Menu::PasswordNotice | Menu::PermissionChange => texts().notice_private,
    };
    view! {
        <Dialog on_close=dismiss class="dialog" backdrop="dialog-backdrop" role="alertdialog"
            labelledby="corp-send-title" testid="corp-mail-confirm">
            <h2 id="corp-send-title">{move || texts().mail_question(menu)}</h2>
            <p data-testid="corp-mail-confirm-count">{move || texts().send_count.replace("{n}", &count.to_string())}</p>
            <p class="corp-hint">{hint}</p>
            <ErrorMessage error=error testid="corp-mail-error"/>
            <div class="dialog-actions">
                <button type="button" class="btn ghost" data-testid="corp-mail-cancel" disabled=move || busy.get()
                    on:click=move |_| asking.set(false)>{move || common().cancel}</button>
                <button type="button" class="btn primary corp-go" data-testid="corp-mail-ok" disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string() on:click=send>{move || texts().ok}</button>
            </div>
        </Dialog>
    }
}

/// 受付が完了しました: the reception number and its history; after an app download request,
/// the way on to the notice with the same lines chosen (the seed's パスワード通知 button).
#[component]
fn MailDone(menu: Menu, reception: String, selection: Selection) -> impl IntoView {
    let texts = use_texts(&CORP);
    let handoff = expect_context::<Handoff>();
    let navigate = use_navigate();
    let to_notice = move |_| {
        handoff
            .0
            .set(selection.lines.get_untracked().into_values().collect());
        navigate("/corp/password-notice", Default::default());
    };
    let onward = menu == Menu::AppDownload;
    view! {
        <Received reception=reception title=Signal::derive(move || texts().done_received)
            note=Signal::derive(move || texts().notice_done)/>
        {onward.then(|| view! { <p class="corp-lead">{move || texts().app_done_notice_lead}</p> })}
        <DoneActions onward=onward>
            <button type="button" class="btn primary corp-go" data-testid="corp-done-notice" on:click=to_notice>
                {move || texts().to_notice}
            </button>
        </DoneActions>
    }
}

/// The done screen's way on: with lines to hand over, OK beside the onward buttons
/// (`children`); without, OK alone.
#[component]
pub fn DoneActions(onward: bool, children: Children) -> impl IntoView {
    let texts = use_texts(&CORP);
    let (class, onward) = if onward {
        ("btn ghost corp-outline", Some(children()))
    } else {
        ("btn primary corp-go", None)
    };
    view! {
        <div class="corp-actions">
            <a class=class href="/corp" data-testid="corp-done-ok">{move || texts().ok}</a>
            {onward}
        </div>
    }
}

/// 受付が完了しました (or the resend's words), the reception number, and the link to its 履歴詳細.
#[component]
pub fn Received(
    reception: String,
    #[prop(into)] title: Signal<&'static str>,
    #[prop(into)] note: Signal<&'static str>,
) -> impl IntoView {
    let texts = use_texts(&CORP);
    let detail = format!("/corp/history/{reception}");
    view! {
        <div class="corp-done" data-testid="corp-done" role="status">
            <p class="corp-done-title" data-testid="corp-done-message">{move || title.get()}</p>
            <p class="corp-reception">
                <span>{move || texts().reception_number}</span>
                <strong data-testid="corp-reception-number">{reception}</strong>
            </p>
            <p>{move || note.get()}</p>
            <p><a href=detail data-testid="corp-done-history">{move || texts().done_history_link}</a></p>
        </div>
    }
}
