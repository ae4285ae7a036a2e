//! What can be done to chosen items: the selection bar (SPEC V8), downloads as one file or a
//! streamed ZIP of up to 50 (V9), and deletion after a confirmation (V10).

use hako_protocol::MAX_DOWNLOAD_ITEMS;
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

use super::LibraryCtx;
use crate::{
    api::{self, ClientError},
    components::{
        dialog::Dialog,
        form::ErrorMessage,
        icons::{CloseIcon, DownloadIcon, TrashIcon},
    },
    i18n::{COMMON, LIBRARY, use_texts},
};

/// Hands a URL to the browser's own downloader: it shows progress and nothing is held in the page.
fn start_browser_download(url: &str) {
    let anchor = document()
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(anchor) = anchor {
        anchor.set_href(url);
        anchor.set_download("");
        anchor.click();
    }
}

#[component]
pub fn SelectionBar() -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let ctx = expect_context::<LibraryCtx>();
    let count = move || ctx.selection.with(|s| s.len());
    let error = RwSignal::new(None::<ClientError>);
    let too_many = move || count() > MAX_DOWNLOAD_ITEMS;
    let preparing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let download = move |_| {
        error.set(None);
        if too_many() {
            return;
        }
        let ids: Vec<i64> = ctx.selection.with(|s| s.iter().copied().collect());
        preparing.set(true);
        spawn_local(async move {
            match api::library::download(ids).await {
                Ok(ticket) => start_browser_download(&ticket.url),
                Err(e) => error.set(Some(e)),
            }
            preparing.set(false);
        });
    };
    view! {
        <div class="selection-bar" role="toolbar" data-testid="selection-bar" aria-label=move || texts().selection_label>
            <button type="button" class="icon-btn" data-testid="selection-clear" aria-label=move || texts().clear_selection
                on:click=move |_| ctx.selection.update(|s| s.clear())><CloseIcon/></button>
            <span class="selection-count" data-testid="selection-count">{move || texts().selected_count.replace("{n}", &count().to_string())}</span>
            <div class="selection-actions">
                <button type="button" class="btn ghost" data-testid="selection-download" disabled=move || preparing.get()
                    on:click=download><DownloadIcon/><span>{move || texts().download}</span></button>
                <button type="button" class="btn ghost danger" data-testid="selection-delete"
                    on:click=move |_| confirming.set(true)><TrashIcon/><span>{move || texts().delete}</span></button>
            </div>
            <Show when=too_many>
                <p class="selection-note" role="alert" data-testid="download-too-many">
                    {move || texts().download_too_many.replace("{max}", &MAX_DOWNLOAD_ITEMS.to_string())}
                </p>
            </Show>
            <div class="selection-note"><ErrorMessage error=error testid="download-error"/></div>
            <Show when=move || confirming.get()>
                <ConfirmDelete ids=ctx.selection.with_untracked(|s| s.iter().copied().collect())
                    on_close=Callback::new(move |deleted: bool| {
                        confirming.set(false);
                        if deleted {
                            ctx.selection.update(|s| s.clear());
                        }
                    })/>
            </Show>
        </div>
    }
}

/// Names what goes and what stays (the phone's copies), then deletes one item after another
/// with progress; the grid and counts follow without a reload.
#[component]
pub fn ConfirmDelete(ids: Vec<i64>, on_close: Callback<bool>) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&LIBRARY);
    let ctx = expect_context::<LibraryCtx>();
    let total = ids.len();
    let ids = StoredValue::new(ids);
    let done = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<ClientError>);
    let confirm = move |_| {
        done.set(Some(0));
        error.set(None);
        spawn_local(async move {
            let mut deleted = Vec::new();
            for id in ids.get_value() {
                match api::library::delete_item(id).await {
                    Ok(()) => deleted.push(id),
                    Err(e) => {
                        error.set(Some(e));
                        break;
                    }
                }
                done.set(Some(deleted.len()));
            }
            let all = deleted.len() == total;
            ctx.deleted(&deleted);
            if all {
                on_close.run(true);
            } else {
                done.set(None);
            }
        });
    };
    let busy = move || done.get().is_some();
    let dismiss = Callback::new(move |()| {
        if !busy() {
            on_close.run(false);
        }
    });
    view! {
        <Dialog on_close=dismiss class="dialog" backdrop="dialog-backdrop" role="alertdialog"
            labelledby="delete-title" testid="confirm-delete">
            <h2 id="delete-title">{move || texts().delete_title.replace("{n}", &total.to_string())}</h2>
            <p>{move || texts().delete_body}</p>
            {move || done.get().map(|n| view! {
                <progress data-testid="delete-progress" max=total.to_string() value=n.to_string()></progress>
            })}
            <ErrorMessage error=error testid="delete-error"/>
            <div class="dialog-actions">
                <button type="button" class="btn ghost" autofocus data-testid="confirm-delete-cancel"
                    disabled=busy on:click=move |_| on_close.run(false)>{move || common().cancel}</button>
                <button type="button" class="btn danger-solid" data-testid="confirm-delete-ok" disabled=busy on:click=confirm>
                    <TrashIcon/><span>{move || texts().delete_confirm}</span>
                </button>
            </div>
        </Dialog>
    }
}
