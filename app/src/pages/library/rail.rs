//! The scroll-date rail (SPEC V5): at the right edge while scrolling; dragging it (mouse, pen or
//! touch) moves through the whole library with a 「2023年8月」 label under the pointer; year marks
//! along it; a slider for the keyboard (arrows = a month, Page Up/Down = a year, Home/End).

use leptos::{ev, html, prelude::*};

use super::layout::Layout;
use crate::i18n::{LIBRARY, month_label, use_i18n, use_texts};

const THUMB: f64 = 44.0;
/// Year labels closer than this are skipped.
const YEAR_SPACING: f64 = 18.0;

#[component]
pub fn ScrollRail(
    layout: Memo<Option<Layout>>,
    virtual_top: Signal<f64>,
    max_virtual: Signal<f64>,
    active: Signal<bool>,
    on_seek: Callback<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts(&LIBRARY);
    let rail = NodeRef::<html::Div>::new();
    let dragging = RwSignal::new(false);
    let rail_height = RwSignal::new(0.0);
    let track = move || (rail_height.get() - THUMB).max(1.0);
    let fraction = move || {
        let max = max_virtual.get();
        if max > 0.0 {
            (virtual_top.get() / max).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    // A month chosen by key stays named while the view stays where the key put it: months that
    // start in the same line share a place, so the place alone cannot tell them apart.
    let chosen = RwSignal::new(None::<(usize, f64)>);
    let month_index = move || {
        let y = virtual_top.get();
        if let Some((index, at)) = chosen.get()
            && at == y
        {
            return index;
        }
        let at_end = y >= max_virtual.get() - 1.0;
        layout.with(|l| {
            l.as_ref().map_or(0, |l| match () {
                _ if y <= 0.0 => 0,
                // At the very end the oldest month is in view, even below the top line.
                _ if at_end => l.months.len().saturating_sub(1),
                _ => l.month_at(y + 1.0),
            })
        })
    };
    let label = move || {
        let index = month_index();
        layout.with(|l| {
            l.as_ref()
                .and_then(|l| l.months.get(index))
                .map(|m| month_label(i18n.lang.get(), m.year, m.number))
                .unwrap_or_default()
        })
    };
    let seek_to_pointer = move |client_y: i32| {
        let Some(el) = rail.get_untracked() else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        rail_height.set(rect.height());
        let f = ((f64::from(client_y) - rect.top() - THUMB / 2.0)
            / (rect.height() - THUMB).max(1.0))
        .clamp(0.0, 1.0);
        on_seek.run(f * max_virtual.get_untracked());
    };
    let measure = move || {
        if let Some(el) = rail.get_untracked() {
            rail_height.set(f64::from(el.client_height()));
        }
    };
    Effect::new(move |_| {
        if rail.get().is_some() {
            measure();
        }
    });
    let _resize = window_event_listener(ev::resize, move |_| measure());

    let on_down = move |ev: ev::PointerEvent| {
        ev.prevent_default();
        if let Some(el) = rail.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        dragging.set(true);
        seek_to_pointer(ev.client_y());
    };
    let on_move = move |ev: ev::PointerEvent| {
        if dragging.get_untracked() {
            seek_to_pointer(ev.client_y());
        }
    };
    let on_up = move |_: ev::PointerEvent| dragging.set(false);
    let go_to_month = move |pick: &dyn Fn(&Layout, usize) -> usize| {
        let now = untrack(month_index);
        let target = layout.with_untracked(|l| {
            let l = l.as_ref()?;
            let target = pick(l, now);
            Some((target, l.months.get(target)?.top))
        });
        if let Some((target, top)) = target {
            on_seek.run(top);
            chosen.set(Some((target, virtual_top.get_untracked())));
        }
    };
    let step_months = move |step: i64| {
        go_to_month(&|l, now| (now as i64 + step).clamp(0, l.months.len() as i64 - 1) as usize);
    };
    let step_year = move |older: bool| go_to_month(&|l, now| l.month_a_year_from(now, older));
    let on_key = move |ev: ev::KeyboardEvent| {
        match ev.key().as_str() {
            "ArrowDown" | "ArrowRight" => step_months(1),
            "ArrowUp" | "ArrowLeft" => step_months(-1),
            "PageDown" => step_year(true),
            "PageUp" => step_year(false),
            "Home" => on_seek.run(0.0),
            "End" => on_seek.run(max_virtual.get_untracked()),
            _ => return,
        }
        ev.prevent_default();
    };
    // The newest month of each year, placed where the thumb would stand for it.
    let years = move || {
        let max = max_virtual.get().max(1.0);
        let track = track();
        let mut last = f64::NEG_INFINITY;
        let mut marks = Vec::new();
        layout.with(|l| {
            if let Some(l) = l {
                for (i, m) in l.months.iter().enumerate() {
                    if i > 0 && l.months[i - 1].year == m.year {
                        continue;
                    }
                    let y = (m.top / max).min(1.0) * track + THUMB / 2.0;
                    if y - last >= YEAR_SPACING {
                        marks.push((m.year, y));
                        last = y;
                    }
                }
            }
        });
        marks
    };
    view! {
        <div class="rail" class:active=move || active.get() || dragging.get() class:dragging=move || dragging.get()
            node_ref=rail data-testid="scroll-rail"
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up>
            <div class="rail-years" aria-hidden="true">
                {move || years().into_iter().map(|(year, y)| view! {
                    <span class="rail-year" style:top=format!("{y}px")>{year}</span>
                }).collect_view()}
            </div>
            <div class="rail-thumb" id="date-rail" role="slider" tabindex="0" data-testid="scroll-rail-thumb" aria-keyshortcuts="d"
                aria-label=move || texts().rail_label
                aria-orientation="vertical"
                aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=move || format!("{:.0}", fraction() * 100.0)
                aria-valuetext=label
                style:transform=move || format!("translateY({}px)", fraction() * track())
                on:keydown=on_key>
                <span class="rail-label" data-testid="scroll-rail-label">{label}</span>
            </div>
        </div>
    }
}
