//! `/`: the library behind sign-in: the photos and videos of one ROOM, newest first, grouped
//! by day (SPEC V4, V7, V15). First slice: months load as the page nears them; the
//! virtualized grid and the scroll-date rail of issue 4 are still to come.

use hako_protocol::{Badge, Rooms, TimelineItem, TimelineMonth};
use leptos::{ev, prelude::*};
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    api,
    auth::use_auth,
    components::{icons::PhotosIcon, shell::TopBar},
    i18n::{day_heading, use_i18n},
};

/// Months rendered at first and added each time the page nears its end.
const MONTHS_STEP: usize = 3;

#[component]
pub fn Library() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if auth.checked.get() && auth.me.with(Option::is_none) {
            navigate("/signin", Default::default());
        }
    });
    view! {
        <Show when=move || auth.me.with(Option::is_some)
            fallback=move || view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }>
            <div class="library" data-testid="library-page">
                <TopBar title=|t| t.library_title/>
                <main class="library-main">
                    <RoomLibrary/>
                </main>
            </div>
        </Show>
    }
}

/// The ROOM in the URL (`?room=2`), else the first with a phone or files.
fn chosen_room(rooms: &Rooms, asked: Option<u8>) -> u8 {
    asked
        .filter(|r| rooms.rooms.iter().any(|slot| slot.room == *r))
        .or_else(|| {
            rooms
                .rooms
                .iter()
                .find(|s| s.item_count > 0 || s.phone.is_some())
                .map(|s| s.room)
        })
        .unwrap_or(1)
}

#[component]
fn RoomLibrary() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let rooms = LocalResource::new(api::rooms);
    let asked =
        Memo::new(move |_| query.with(|q| q.get("room").and_then(|r| r.parse::<u8>().ok())));
    let room = Memo::new(move |_| {
        rooms
            .get()
            .and_then(Result::ok)
            .map(|r| chosen_room(&r, asked.get()))
    });
    let timeline = LocalResource::new(move || async move {
        match room.get() {
            Some(room) => api::timeline(room).await.ok(),
            None => None,
        }
    });
    let shown = RwSignal::new(MONTHS_STEP);
    let _more = window_event_listener(ev::scroll, move |_| {
        let window = window();
        let scrolled = window.scroll_y().unwrap_or(0.0)
            + window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
        let height = document()
            .body()
            .map_or(0.0, |b| f64::from(b.scroll_height()));
        if scrolled > height - 1500.0 {
            shown.update(|n| *n += MONTHS_STEP);
        }
    });
    let switch_room = move |ev: ev::Event| {
        let value = event_target_value(&ev);
        shown.set(MONTHS_STEP);
        navigate(&format!("/?room={value}"), Default::default());
    };
    view! {
        {move || rooms.get().and_then(Result::ok).filter(|r| r.rooms.iter().filter(|s| s.phone.is_some()).count() > 1).map(|r| {
            let current = room.get();
            view! {
                <label class="room-switch">
                    <span>{move || i18n.t().room_label}</span>
                    <select data-testid="room-switch" on:change=switch_room.clone()>
                        {r.rooms.into_iter().map(|slot| {
                            let name = slot.phone.map(|p| p.name).unwrap_or_else(|| i18n.t().room_empty.to_owned());
                            view! { <option value=slot.room.to_string() selected=current == Some(slot.room)>{format!("ROOM {} · {name}", slot.room)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
        })}
        {move || match timeline.get() {
            None => view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any(),
            Some(Some(timeline)) if timeline.total > 0 => {
                let room = room.get().unwrap_or(1);
                let months = timeline.months;
                view! {
                    <div class="timeline" data-testid="timeline">
                        {move || months.iter().take(shown.get()).cloned().map(|month| view! { <MonthSection room=room month=month/> }).collect_view()}
                    </div>
                }.into_any()
            }
            Some(_) => view! {
                <div class="empty" data-testid="library-empty">
                    <PhotosIcon/>
                    <h2>{move || i18n.t().library_empty_title}</h2>
                    <p>{move || i18n.t().library_empty_body}</p>
                </div>
            }.into_any(),
        }}
    }
}

#[component]
fn MonthSection(room: u8, month: TimelineMonth) -> impl IntoView {
    let key = month.month.clone();
    let items = LocalResource::new(move || {
        let key = key.clone();
        async move {
            api::month(room, &key)
                .await
                .map(|p| p.items)
                .unwrap_or_default()
        }
    });
    let year: i32 = month.month[..4].parse().unwrap_or(1970);
    let month_number: u8 = month.month[5..].parse().unwrap_or(1);
    view! {
        <section class="month" data-testid="timeline-month" data-month=month.month.clone()>
            {month.days.into_iter().map(|day| {
                let prefix = format!("{}-{:02}", month.month, day.day);
                view! { <DayGroup year=year month=month_number day=day.day count=day.count prefix=prefix items=items/> }
            }).collect_view()}
        </section>
    }
}

#[component]
fn DayGroup(
    year: i32,
    month: u8,
    day: u8,
    count: u32,
    prefix: String,
    items: LocalResource<Vec<TimelineItem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 class="day-heading" data-testid="day-heading">{move || day_heading(i18n.lang.get(), year, month, day)}</h2>
        <div class="grid">
            {move || match items.get() {
                Some(all) => all.into_iter().filter(|item| item.taken.starts_with(&prefix)).map(|item| view! { <Tile item=item/> }).collect_view().into_any(),
                // Placeholders keep the day's place while its items load.
                None => (0..count).map(|_| view! { <div class="tile loading-tile"></div> }).collect_view().into_any(),
            }}
        </div>
    }
}

#[component]
fn Tile(item: TimelineItem) -> impl IntoView {
    let i18n = use_i18n();
    let duration = item
        .duration_ms
        .map(|ms| format!("{}:{:02}", ms / 60_000, (ms / 1000) % 60));
    let badge = match item.badge {
        Badge::PhoneAndCloud => "phone_and_cloud",
        Badge::CloudOnly => "cloud_only",
        Badge::Excluded => "excluded",
    };
    view! {
        <div class="tile" data-testid="timeline-item" data-badge=badge>
            {match item.thumbnail_url {
                Some(url) => view! { <img src=url alt=move || i18n.t().photo_alt loading="lazy" decoding="async"/> }.into_any(),
                None => view! { <div class="no-thumb">{move || i18n.t().no_thumbnail}</div> }.into_any(),
            }}
            {duration.map(|d| view! { <span class="duration">{d}</span> })}
        </div>
    }
}
