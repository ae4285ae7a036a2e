//! The photo and video grid (SPEC V4–V8): the whole library laid out from its counts, only the
//! rows near the viewport in the DOM, months loaded as they come near, and the scroll-date rail.

use std::time::Duration;

use hako_protocol::{Badge, ItemKind, TimelineItem};
use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;

use super::{
    LibraryCtx,
    layout::{Block, DayBlock, HEADER, Layout, ScrollSpace},
    rail::ScrollRail,
    store::TimelineStore,
};
use crate::{
    components::{
        icons::{CloudIcon, ExcludedIcon, PhoneIcon, PlayIcon, TickIcon},
        keys,
    },
    i18n::{LIBRARY, date_time, day_heading, use_i18n, use_texts},
};

/// How long the rail stays after scrolling stops, and when the spacer is re-aligned.
const RAIL_LINGER: Duration = Duration::from_millis(1500);
const SETTLE: Duration = Duration::from_millis(150);
/// Months are fetched only once the view rests this long (not while flinging or dragging).
const LOAD_DELAY: Duration = Duration::from_millis(60);
/// Thumbnails start loading once the view rests this long. Requests cannot be taken back from
/// the browser's six connections, so rows that only fly past must not queue any.
const THUMBNAIL_DELAY: Duration = Duration::from_millis(120);

/// Whether the grid is at rest (thumbnails may load).
#[derive(Clone, Copy)]
struct AtRest(RwSignal<bool>);

/// Scroll position: `virtual_top` in the laid-out column; `offset` = virtual − spacer position,
/// constant while scrolling normally so the browser scrolls rendered rows natively.
#[derive(Clone, Copy)]
struct Position {
    virtual_top: RwSignal<f64>,
    offset: RwSignal<f64>,
    last_scroll: StoredValue<f64>,
    /// A scroll position we set ourselves: its scroll event is not a user move.
    expected: StoredValue<Option<i32>>,
}

#[component]
pub fn PhotoGrid(store: TimelineStore) -> impl IntoView {
    let ctx = expect_context::<LibraryCtx>();
    let texts = use_texts(&LIBRARY);
    let scroller = NodeRef::<html::Div>::new();
    let width = RwSignal::new(0.0);
    let viewport = RwSignal::new(0.0);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            width.set(f64::from(el.client_width()));
            viewport.set(f64::from(el.client_height()));
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let _resize = window_event_listener(ev::resize, move |_| measure());

    let layout: Memo<Option<Layout>> = Memo::new(move |_| {
        let w = width.get();
        let known = store.known();
        (w > 0.0).then(|| store.timeline.with_value(|t| Layout::new(t, w, &known)))
    });
    let space = Memo::new(move |_| {
        layout.with(|l| {
            l.as_ref()
                .map(|l| ScrollSpace::new(l.height, viewport.get()))
        })
    });
    let max_virtual = Signal::derive(move || {
        layout.with(|l| {
            l.as_ref()
                .map_or(0.0, |l| (l.height - viewport.get()).max(0.0))
        })
    });
    let position = Position {
        virtual_top: RwSignal::new(0.0),
        offset: RwSignal::new(0.0),
        last_scroll: StoredValue::new(0.0),
        expected: StoredValue::new(None),
    };
    let active = RwSignal::new(false);
    let at_rest = RwSignal::new(true);
    provide_context(AtRest(at_rest));
    let rest_timer = StoredValue::new(None::<TimeoutHandle>);
    let linger = StoredValue::new(None::<TimeoutHandle>);
    let settle = StoredValue::new(None::<TimeoutHandle>);

    // Puts the view at virtual y: the spacer goes to the matching place and rows are
    // positioned relative to it.
    let jump = move |y: f64| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let Some(space) = space.get_untracked() else {
            return;
        };
        let y = y.clamp(0.0, max_virtual.get_untracked());
        let target = (y / space.scale).round() as i32;
        if el.scroll_top() != target {
            position.expected.set_value(Some(target));
            el.set_scroll_top(target);
        }
        let actual = f64::from(el.scroll_top());
        position.last_scroll.set_value(actual);
        position.virtual_top.set(y);
        position.offset.set(y - actual);
        ctx.saved_top.set_value(y);
    };

    let on_scroll = move |_| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let Some(space) = space.get_untracked() else {
            return;
        };
        let top = el.scroll_top();
        if position.expected.get_value() == Some(top) {
            position.expected.set_value(None);
            return;
        }
        let now = f64::from(top);
        let delta = now - position.last_scroll.get_value();
        position.last_scroll.set_value(now);
        let max = max_virtual.get_untracked();
        let max_scroll = f64::from(el.scroll_height() - el.client_height());
        let y = if space.scale <= 1.0 {
            now
        } else if delta.abs() > viewport.get_untracked() * 1.5 {
            now * space.scale
        } else if now <= 0.0 {
            0.0
        } else if now >= max_scroll - 1.0 {
            max
        } else {
            (position.virtual_top.get_untracked() + delta).clamp(0.0, max)
        };
        position.virtual_top.set(y);
        ctx.saved_top.set_value(y);
        let offset = y - now;
        if position.offset.get_untracked() != offset {
            position.offset.set(offset);
        }
        active.set(true);
        if at_rest.get_untracked() {
            at_rest.set(false);
        }
        if let Some(h) = rest_timer.get_value() {
            h.clear();
        }
        rest_timer
            .set_value(set_timeout_with_handle(move || at_rest.set(true), THUMBNAIL_DELAY).ok());
        if let Some(h) = linger.get_value() {
            h.clear();
        }
        linger.set_value(set_timeout_with_handle(move || active.set(false), RAIL_LINGER).ok());
        if space.scale > 1.0 {
            if let Some(h) = settle.get_value() {
                h.clear();
            }
            let realign = move || jump(position.virtual_top.get_untracked());
            settle.set_value(set_timeout_with_handle(realign, SETTLE).ok());
        }
    };

    // Open where the grid stood before (a refreshed timeline), and keep the day in view where
    // it is when the layout changes: a month's sizes arriving above it, or a new width.
    Effect::new(move |previous: Option<Option<Vec<f64>>>| {
        let tops: Option<Vec<f64>> =
            layout.with(|l| l.as_ref().map(|l| l.days.iter().map(|d| d.top).collect()));
        let Some(tops) = tops else {
            return previous.flatten();
        };
        match previous.flatten() {
            Some(old) if old.len() == tops.len() => {
                let y = position.virtual_top.get_untracked();
                let day = old.partition_point(|&top| top <= y).saturating_sub(1);
                if let (Some(was), Some(now)) = (old.get(day), tops.get(day)) {
                    jump(y - was + now);
                }
            }
            _ => jump(ctx.saved_top.get_value()),
        }
        Some(tops)
    });

    let blocks = Memo::new(move |_| {
        let y = position.virtual_top.get();
        let vh = viewport.get();
        layout.with(|l| {
            l.as_ref()
                .map(|l| l.blocks(y - vh, y + 2.0 * vh))
                .unwrap_or_default()
        })
    });
    // The months in view; a change loads them after the view rests.
    let months_in_view = Memo::new(move |_| {
        let y = position.virtual_top.get();
        let vh = viewport.get();
        layout.with(|l| {
            l.as_ref().map_or_else(Vec::new, |l| {
                let (first, last) = (l.month_at(y - vh / 2.0), l.month_at(y + vh * 1.5));
                (first..=last).collect::<Vec<_>>()
            })
        })
    });
    let load_timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let months = months_in_view.get();
        if let Some(h) = load_timer.get_value() {
            h.clear();
        }
        load_timer.set_value(set_timeout_with_handle(move || store.want(&months), LOAD_DELAY).ok());
    });

    // The keyboard: the grid is one Tab stop; arrows move between its photos and day checks,
    // X selects, D (or the skip link) goes to the rail — not 2 Tab stops per photo before it.
    let last_focused = StoredValue::new(None::<web_sys::HtmlElement>);
    let on_focus = move |ev: ev::FocusEvent| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        // Tabbing into the grid lands on the photo it left, or the first one in view.
        let target_is_grid = ev.target().is_some_and(|t| t == ****el);
        if target_is_grid {
            let again = last_focused.get_value().filter(|e| e.is_connected());
            if let Some(tile) = again.or_else(|| first_in_view(&el)) {
                let _ = tile.focus();
            }
        }
    };
    let on_key = move |ev: ev::KeyboardEvent| {
        let (Some(el), Some(from)) = (
            scroller.get_untracked(),
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()),
        ) else {
            return;
        };
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || !from.matches(MOVABLE).unwrap_or(false)
        {
            return;
        }
        let key = ev.key();
        if key.eq_ignore_ascii_case("x") {
            if let Some(check) = from
                .parent_element()
                .and_then(|tile| tile.query_selector(".tile-check").ok().flatten())
                .and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok())
            {
                check.click();
            }
        } else if let Some(to) = neighbour(&el, &from, &key) {
            last_focused.set_value(Some(to.clone()));
            let _ = to.focus();
        } else {
            return;
        }
        ev.prevent_default();
    };
    let _shortcut = window_event_listener(ev::keydown, move |ev| {
        if ev.key().eq_ignore_ascii_case("d")
            && !keys::meant_for_a_control(&ev)
            && !(ev.ctrl_key() || ev.meta_key() || ev.alt_key())
            && ctx.query.with_untracked(|q| q.item.is_none())
        {
            focus_rail();
            ev.prevent_default();
        }
    });

    // Styles go through the CSSOM (`style:`), which the strict CSP allows; style attributes it would block.
    let spacer_height = move || format!("{}px", space.get().map_or(0.0, |s| s.spacer));
    view! {
        <div class="grid-frame">
            <a class="skip-link" href="#date-rail" data-testid="skip-to-rail"
                on:click=move |ev| { ev.prevent_default(); focus_rail(); }>{move || texts().skip_to_rail}</a>
            <p id="grid-keys" class="visually-hidden">{move || texts().grid_keys}</p>
            <div class="scroller" node_ref=scroller on:scroll=on_scroll data-testid="timeline" tabindex="0"
                role="region" aria-label=move || texts().grid_label aria-describedby="grid-keys"
                on:focus=on_focus on:keydown=on_key>
                <div class="spacer" style:height=spacer_height>
                    <For each=move || blocks.get() key=|b| b.key let:block>
                        <GridLine block=block layout=layout offset=position.offset store=store/>
                    </For>
                </div>
            </div>
            <StickyDate layout=layout virtual_top=position.virtual_top.into()/>
            <ScrollRail layout=layout virtual_top=position.virtual_top.into() max_virtual=max_virtual
                active=active.into() on_seek=Callback::new(jump)/>
        </div>
    }
}

/// What the arrow keys move between in the grid.
const MOVABLE: &str = ".tile-open, .day-check";

fn focus_rail() {
    if let Some(thumb) = document()
        .get_element_by_id("date-rail")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = thumb.focus();
    }
}

fn movable(grid: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = grid.query_selector_all(MOVABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

fn first_in_view(grid: &web_sys::HtmlElement) -> Option<web_sys::HtmlElement> {
    let top = grid.get_bounding_client_rect().top();
    movable(grid)
        .into_iter()
        .find(|e| e.get_bounding_client_rect().top() >= top - 1.0)
}

/// The photo or day check a key moves to from `from`: reading order for ← →, the nearest line
/// above or below (and in it the closest to the same x) for ↑ ↓.
fn neighbour(
    grid: &web_sys::HtmlElement,
    from: &web_sys::HtmlElement,
    key: &str,
) -> Option<web_sys::HtmlElement> {
    let all = movable(grid);
    let at = all.iter().position(|e| e == from)?;
    match key {
        "ArrowRight" => all.get(at + 1).cloned(),
        "ArrowLeft" => all.get(at.checked_sub(1)?).cloned(),
        "Home" => all.first().cloned(),
        "End" => all.last().cloned(),
        "ArrowDown" | "ArrowUp" => {
            let down = key == "ArrowDown";
            let here = from.get_bounding_client_rect();
            let x = here.left() + here.width() / 2.0;
            let beyond: Vec<_> = all
                .iter()
                .map(|e| (e, e.get_bounding_client_rect()))
                .filter(|(_, r)| {
                    if down {
                        r.top() >= here.bottom() - 1.0
                    } else {
                        r.bottom() <= here.top() + 1.0
                    }
                })
                .collect();
            let line = beyond.iter().map(|(_, r)| r.top()).reduce(if down {
                f64::min
            } else {
                f64::max
            })?;
            beyond
                .into_iter()
                .filter(|(_, r)| (r.top() - line).abs() < 1.0)
                .min_by(|(_, a), (_, b)| {
                    let d = |r: &web_sys::DomRect| (r.left() + r.width() / 2.0 - x).abs();
                    d(a).total_cmp(&d(b))
                })
                .map(|(e, _)| e.clone())
        }
        _ => None,
    }
}

/// The date of the photos at the top, kept in sight once their date band has scrolled away.
#[component]
fn StickyDate(layout: Memo<Option<Layout>>, virtual_top: Signal<f64>) -> impl IntoView {
    let i18n = use_i18n();
    let day = Memo::new(move |_| {
        let y = virtual_top.get();
        layout.with(|l| {
            l.as_ref()
                .and_then(|l| l.days.get(l.sticky_day(y)?))
                .map(|d| (d.year, d.month_number, d.day))
        })
    });
    view! {
        // Drawn from an attribute, so the day's own heading stays the only text with its date.
        <div class="sticky-date" class:shown=move || day.get().is_some() aria-hidden="true" data-testid="sticky-date"
            data-date=move || day.get().map(|(y, m, d)| day_heading(i18n.lang.get(), y, m, d))>
        </div>
    }
}

/// One line of the grid: the date band of the days starting in it, then its photos, each at
/// its place from the layout.
#[component]
fn GridLine(
    block: Block,
    layout: Memo<Option<Layout>>,
    offset: RwSignal<f64>,
    store: TimelineStore,
) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let Some((line, days)) = layout.with_untracked(|l| {
        l.as_ref().and_then(|l| {
            let line = l.lines.get(block.line)?.clone();
            let days: Vec<DayBlock> = line
                .labels
                .iter()
                .map(|label| l.days[label.day].clone())
                .collect();
            Some((line, days))
        })
    }) else {
        return ().into_any();
    };
    let day_of = |day: usize| {
        layout.with_untracked(|l| l.as_ref().map(|l| (l.days[day].month, l.days[day].first)))
    };
    let top = move || format!("{}px", block.top - offset.get());
    let px = |v: f64| format!("{v}px");
    let band = if block.repeat == 0 { line.band } else { 0.0 };
    let tiles = line
        .tiles_of(block.repeat)
        .filter_map(|tile| {
            let (month, first) = day_of(tile.day)?;
            Some(view! {
                <div class="slot" style:left=px(tile.x) style:top=px(band) style:width=px(tile.width) style:height=px(line.height)>
                    <Tile store=store month=month index=first + tile.index/>
                </div>
            })
        })
        .collect_view();
    let labels = (block.repeat == 0).then(|| {
        line.labels
            .iter()
            .zip(days)
            .map(|(label, day)| view! {
                <div class="day-label" style:left=px(label.x) style:top=px(band - HEADER) style:width=px(label.width)>
                    <DayHeader store=store month=day.month first=day.first count=day.count
                        year=day.year month_number=day.month_number day=day.day/>
                </div>
            })
            .collect_view()
    });
    let section = line.section.filter(|_| block.repeat == 0).map(|status| view! {
        <h2 class="status-section" data-testid="status-section">{move || super::badge_text(texts(), status)}</h2>
    });
    view! {
        <div class="block grid-line" style:top=top style:height=px(band + line.height)>
            {section}
            {labels}
            {tiles}
        </div>
    }
    .into_any()
}

#[component]
fn DayHeader(
    store: TimelineStore,
    month: usize,
    first: u32,
    count: u32,
    year: i32,
    month_number: u8,
    day: u8,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts(&LIBRARY);
    let ctx = expect_context::<LibraryCtx>();
    let ids = move || -> Vec<i64> {
        (first..first + count)
            .filter_map(|i| store.item(month, i).map(|item| item.id))
            .collect()
    };
    let all_selected = move || {
        let ids = ids();
        !ids.is_empty() && ctx.selection.with(|s| ids.iter().all(|id| s.contains(id)))
    };
    let toggle_day = move |_| {
        let ids = ids();
        let select = !all_selected();
        ctx.selection.update(|s| {
            for id in ids {
                if select {
                    s.insert(id);
                } else {
                    s.remove(&id);
                }
            }
        });
    };
    view! {
        <div class="day-heading-row">
            <button type="button" class="day-check" data-testid="select-day" tabindex="-1"
                disabled=move || ids().len() < count as usize
                aria-pressed=move || all_selected().to_string()
                aria-label=move || format!("{} {}", day_heading(i18n.lang.get(), year, month_number, day), texts().select_day)
                on:click=toggle_day>
                <TickIcon/>
            </button>
            <h2 class="day-heading" data-testid="day-heading">{move || day_heading(i18n.lang.get(), year, month_number, day)}</h2>
        </div>
    }
}

#[component]
fn Tile(store: TimelineStore, month: usize, index: u32) -> impl IntoView {
    let item = Memo::new(move |_| store.item(month, index));
    move || match item.get() {
        Some(item) => view! { <LoadedTile item=item store=store/> }.into_any(),
        // A placeholder keeps the item's place while its page loads.
        None => view! { <div class="tile loading-tile" data-testid="tile-placeholder"></div> }
            .into_any(),
    }
}

#[component]
fn LoadedTile(item: TimelineItem, store: TimelineStore) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let i18n = use_i18n();
    let ctx = expect_context::<LibraryCtx>();
    let id = item.id;
    let selected = move || ctx.selection.with(|s| s.contains(&id));
    let badge = item.badge.as_str();
    let duration = item.duration_ms.map(super::format_duration);
    let is_video = item.kind == ItemKind::Video;
    let toggle = move |ev: ev::MouseEvent| {
        ctx.select(store, id, ev.shift_key());
    };
    let open = move |ev: ev::MouseEvent| {
        if ctx.selection.with(|s| !s.is_empty()) {
            ctx.select(store, id, ev.shift_key());
        } else {
            ctx.open_item(id);
        }
    };
    // A tile gets its picture once the grid has rested while it was shown, and keeps it.
    let at_rest = expect_context::<AtRest>().0;
    let show_picture =
        Memo::new(move |shown: Option<&bool>| shown.copied().unwrap_or(false) || at_rest.get());
    let label = move || {
        let t = texts();
        let what = if is_video { t.video_alt } else { t.photo_alt };
        format!("{what} {}", date_time(i18n.lang.get(), &item.taken))
    };
    view! {
        <div class="tile" class:selected=selected data-testid="timeline-item" data-id=id data-badge=badge>
            <button type="button" class="tile-open" data-testid="open-item" tabindex="-1" aria-label=label.clone() on:click=open>
                {match item.thumbnail_url {
                    Some(url) => view! {
                        <Show when=move || show_picture.get()>
                            <img src=url.clone() alt="" decoding="async" draggable="false"/>
                        </Show>
                    }.into_any(),
                    None => view! { <span class="no-thumb">{move || texts().no_thumbnail}</span> }.into_any(),
                }}
            </button>
            <button type="button" class="tile-check" data-testid="select-item" tabindex="-1"
                aria-pressed=move || selected().to_string()
                aria-label=move || format!("{} {}", label(), texts().select_item)
                on:click=toggle>
                <TickIcon/>
            </button>
            <span class="badge" title=move || super::badge_text(texts(), item.badge)>
                {match item.badge {
                    Badge::PhoneAndCloud => view! { <PhoneIcon/> }.into_any(),
                    Badge::CloudOnly => view! { <CloudIcon/> }.into_any(),
                    Badge::Excluded => view! { <ExcludedIcon/> }.into_any(),
                }}
            </span>
            {is_video.then(|| view! { <span class="duration"><PlayIcon/>{duration.clone()}</span> })}
        </div>
    }
}
