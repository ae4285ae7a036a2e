//! One photo or video at a time (SPEC V11, V12): the preview picture (the original on demand),
//! zoom by buttons, wheel and pinch, an info panel, download, delete, previous/next by buttons,
//! arrow keys and swipe, Esc to close (the dialog's). Videos play from the server with seeking (HTTP Range).

use std::collections::HashMap;

use hako_protocol::{ItemInfo, ItemKind, paths};
use leptos::{ev, prelude::*};

use super::{LibraryCtx, actions::ConfirmDelete, format_duration, store::TimelineStore};
use crate::{
    api,
    components::{
        dialog::Dialog,
        icons::{ChevronIcon, CloseIcon, DownloadIcon, InfoIcon, TrashIcon},
        keys,
        shell::use_title,
    },
    i18n::{LIBRARY, date_time, format_size, use_i18n, use_texts},
};

const MAX_ZOOM: f64 = 8.0;
const SWIPE: f64 = 60.0;

/// Formats the browser shows natively; others (HEIC, DNG) only as their preview.
fn shows_natively(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(
        ext.as_deref(),
        Some("jpg" | "jpeg" | "png" | "gif" | "webp" | "bmp")
    )
}

#[component]
pub fn PhotoViewer(#[prop(into)] id: Signal<i64>, store: TimelineStore) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts(&LIBRARY);
    let ctx = expect_context::<LibraryCtx>();
    let info = LocalResource::new(move || api::library::item(id.get()));
    let previous = Memo::new(move |_| store.neighbour(id.get(), false).map(|i| i.id));
    let next = Memo::new(move |_| store.neighbour(id.get(), true).map(|i| i.id));
    let show_info = RwSignal::new(false);
    let original = RwSignal::new(false);
    let zoom = RwSignal::new(1.0_f64);
    let pan = RwSignal::new((0.0_f64, 0.0_f64));
    let confirming = RwSignal::new(false);
    let set_zoom = move |z: f64| {
        let z = z.clamp(1.0, MAX_ZOOM);
        zoom.set(z);
        if z == 1.0 {
            pan.set((0.0, 0.0));
        }
    };
    // Each photo opens unzoomed, from its preview.
    Effect::new(move |_| {
        id.track();
        set_zoom(1.0);
        original.set(false);
    });
    let go = move |target: Option<i64>| {
        if let Some(target) = target {
            ctx.show_item(target);
        }
    };
    let _keys = window_event_listener(ev::keydown, move |ev| {
        if confirming.get_untracked() {
            return;
        }
        // A focused video keeps its own keys: → seeks it, it does not leave it.
        if keys::meant_for_a_control(&ev) {
            return;
        }
        match ev.key().as_str() {
            "ArrowRight" => go(next.get_untracked()),
            "ArrowLeft" => go(previous.get_untracked()),
            "+" | "=" => set_zoom(zoom.get_untracked() * 1.5),
            "-" => set_zoom(zoom.get_untracked() / 1.5),
            "Delete" => confirming.set(true),
            "i" => show_info.update(|s| *s = !*s),
            _ => return,
        }
        ev.prevent_default();
    });

    // Pointers down on the picture: one pans (or swipes), two pinch.
    let pointers = StoredValue::new(HashMap::<i32, (f64, f64)>::new());
    let gesture_start = StoredValue::new((0.0_f64, 0.0_f64, 0.0_f64));
    let on_down = move |ev: ev::PointerEvent| {
        let p = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        pointers.update_value(|m| {
            m.insert(ev.pointer_id(), p);
        });
        let spread = pinch_spread(&pointers.get_value());
        gesture_start.set_value((p.0, p.1, spread.unwrap_or(0.0)));
    };
    let on_move = move |ev: ev::PointerEvent| {
        let p = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let Some(before) = pointers.with_value(|m| m.get(&ev.pointer_id()).copied()) else {
            return;
        };
        pointers.update_value(|m| {
            m.insert(ev.pointer_id(), p);
        });
        if let Some(spread) = pinch_spread(&pointers.get_value()) {
            let (_, _, start) = gesture_start.get_value();
            if start > 0.0 {
                set_zoom(zoom.get_untracked() * spread / start);
                gesture_start.update_value(|g| g.2 = spread);
            }
        } else if zoom.get_untracked() > 1.0 {
            pan.update(|(x, y)| {
                *x += p.0 - before.0;
                *y += p.1 - before.1;
            });
        }
    };
    let on_up = move |ev: ev::PointerEvent| {
        let was_single = pointers.with_value(|m| m.len() == 1);
        pointers.update_value(|m| {
            m.remove(&ev.pointer_id());
        });
        let (x0, y0, _) = gesture_start.get_value();
        let dx = f64::from(ev.client_x()) - x0;
        let dy = f64::from(ev.client_y()) - y0;
        if was_single && zoom.get_untracked() == 1.0 && dx.abs() > SWIPE && dx.abs() > dy.abs() {
            go(if dx < 0.0 {
                next.get_untracked()
            } else {
                previous.get_untracked()
            });
        }
    };
    let on_wheel = move |ev: ev::WheelEvent| {
        ev.prevent_default();
        set_zoom(zoom.get_untracked() * if ev.delta_y() < 0.0 { 1.2 } else { 1.0 / 1.2 });
    };
    let transform = move || {
        let (x, y) = pan.get();
        format!("translate({x}px,{y}px) scale({})", zoom.get())
    };

    let media = move || {
        info.get().map(|answer| match answer {
            Ok(item) if item.kind == ItemKind::Video => view! {
                <video class="viewer-video" data-testid="viewer-video" controls autoplay playsinline preload="metadata"
                    src=paths::item_stream(item.id) poster=item.preview_url.clone()></video>
            }.into_any(),
            Ok(item) => {
                let src = move || if original.get() { Some(item.original_url.clone()) } else { item.preview_url.clone() };
                view! {
                    <div class="viewer-stage" on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_up on:wheel=on_wheel>
                        {move || match src() {
                            Some(src) => view! { <img class="viewer-img" data-testid="viewer-image" src=src alt=move || texts().photo_alt
                                style:transform=transform draggable="false"/> }.into_any(),
                            None => view! { <p class="viewer-none">{move || texts().no_thumbnail}</p> }.into_any(),
                        }}
                    </div>
                }.into_any()
            }
            Err(_) => view! { <p class="viewer-none" role="alert">{move || texts().item_gone}</p> }.into_any(),
        })
    };
    let loaded = move || info.get().and_then(Result::ok);
    // The browser tab names the photo: 「IMG_0001.jpg – Hako」.
    use_title(move || {
        Some(
            loaded()
                .map(|item| item.name)
                .unwrap_or_else(|| texts().viewer_title.to_owned()),
        )
    });
    let on_deleted = move || {
        let after = next.get_untracked().or(previous.get_untracked());
        match after {
            Some(after) => ctx.show_item(after),
            None => ctx.close_item(),
        }
    };
    view! {
        <Dialog on_close=Callback::new(move |()| ctx.close_item()) class="viewer"
            label=move || texts().viewer_label testid="photo-viewer">
            <div class="viewer-bar">
                <button type="button" class="icon-btn" data-testid="photo-viewer-close" aria-label=move || texts().close
                    on:click=move |_| ctx.close_item()><CloseIcon/></button>
                <span class="viewer-title">{move || loaded().map(|i| date_time(i18n.lang.get(), &i.taken))}</span>
                <div class="viewer-actions">
                    <button type="button" class="icon-btn zoom-btn" data-testid="photo-viewer-zoom-out" aria-label=move || texts().zoom_out
                        on:click=move |_| set_zoom(zoom.get_untracked() / 1.5)>"−"</button>
                    <button type="button" class="icon-btn zoom-btn" data-testid="photo-viewer-zoom-in" aria-label=move || texts().zoom_in
                        on:click=move |_| set_zoom(zoom.get_untracked() * 1.5)>"+"</button>
                    <button type="button" class="icon-btn" data-testid="photo-viewer-info" aria-label=move || texts().info
                        aria-pressed=move || show_info.get().to_string()
                        on:click=move |_| show_info.update(|s| *s = !*s)><InfoIcon/></button>
                    {move || loaded().map(|item| view! {
                        <a class="icon-btn" data-testid="photo-viewer-download" href=item.original_url.clone() download=item.name.clone()
                            aria-label=move || texts().download><DownloadIcon/></a>
                    })}
                    <button type="button" class="icon-btn" data-testid="photo-viewer-delete" aria-label=move || texts().delete
                        on:click=move |_| confirming.set(true)><TrashIcon/></button>
                </div>
            </div>
            <div class="viewer-content">
                <div class="viewer-body">
                {media}
                <button type="button" class="viewer-nav prev" data-testid="photo-viewer-prev" aria-label=move || texts().previous
                    disabled=move || previous.get().is_none() on:click=move |_| go(previous.get_untracked())><ChevronIcon/></button>
                <button type="button" class="viewer-nav next" data-testid="photo-viewer-next" aria-label=move || texts().next_item
                    disabled=move || next.get().is_none() on:click=move |_| go(next.get_untracked())><ChevronIcon/></button>
                {move || loaded().filter(|i| i.kind == ItemKind::Photo && shows_natively(&i.name) && !original.get()).map(|_| view! {
                    <button type="button" class="btn ghost viewer-original" data-testid="photo-viewer-original"
                        on:click=move |_| original.set(true)>{move || texts().show_original}</button>
                })}
                </div>
                <Show when=move || show_info.get()>
                    {move || loaded().map(|item| view! { <InfoPanel item=item/> })}
                </Show>
            </div>
            <Show when=move || confirming.get()>
                <ConfirmDelete ids=vec![id.get_untracked()] on_close=Callback::new(move |deleted: bool| {
                    confirming.set(false);
                    if deleted {
                        on_deleted();
                    }
                })/>
            </Show>
        </Dialog>
    }
}

fn pinch_spread(pointers: &HashMap<i32, (f64, f64)>) -> Option<f64> {
    let mut points = pointers.values();
    match (points.next(), points.next(), points.next()) {
        (Some(a), Some(b), None) => Some((a.0 - b.0).hypot(a.1 - b.1)),
        _ => None,
    }
}

#[component]
fn InfoPanel(item: ItemInfo) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let i18n = use_i18n();
    let size = format_size(item.size);
    let dimensions = item
        .width
        .zip(item.height)
        .map(|(w, h)| format!("{w} × {h}"));
    let duration = item.duration_ms.map(format_duration);
    view! {
        <aside class="viewer-info" data-testid="photo-viewer-info-panel">
            <dl>
                <dt>{move || texts().info_name}</dt><dd data-testid="info-name">{item.name.clone()}</dd>
                <dt>{move || texts().info_taken}</dt><dd>{move || date_time(i18n.lang.get(), &item.taken)}</dd>
                <dt>{move || texts().info_size}</dt><dd>{size}</dd>
                {dimensions.map(|d| view! { <dt>{move || texts().info_dimensions}</dt><dd>{d}</dd> })}
                {item.camera.clone().map(|c| view! { <dt>{move || texts().info_camera}</dt><dd>{c}</dd> })}
                {duration.map(|d| view! { <dt>{move || texts().info_duration}</dt><dd>{d}</dd> })}
            </dl>
        </aside>
    }
}
