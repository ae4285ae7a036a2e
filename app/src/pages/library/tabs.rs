//! The library's other tabs (SPEC V3, V12–V14): music with a player that keeps playing while
//! browsing, documents, contacts with search, calendar events by date, and call history.

use hako_protocol::{BackupKind, CallDirection, Contact, Track, paths};
use leptos::{ev, html, prelude::*};

use super::format_duration;
use crate::{
    api,
    components::{
        icons::{DownloadIcon, PlayIcon},
        keys,
    },
    i18n::{COMMON, LIBRARY, date_time, day_heading, format_size, use_i18n, use_texts},
    text::{fold_for_search, format_phone_number, romaji_to_katakana},
};

/// The song playing; the `<audio>` element lives above the tabs, so it keeps playing.
#[derive(Clone, Copy)]
pub struct Player(pub RwSignal<Option<Track>>);

#[component]
pub fn PlayerBar() -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let Player(track) = expect_context::<Player>();
    view! {
        {move || track.get().map(|t| view! {
            <div class="player" data-testid="music-player" aria-label=move || texts().player_label role="region">
                <div class="player-text">
                    <strong data-testid="music-player-title">{t.title.clone()}</strong>
                    <span>{t.artist.clone().unwrap_or_default()}</span>
                </div>
                <audio controls autoplay src=t.stream_url.clone() data-testid="music-audio"></audio>
            </div>
        })}
    }
}

/// Loading, the rows, or an explanation when there is nothing.
fn list_state<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    resource: LocalResource<Result<T, api::ClientError>>,
    is_empty: impl Fn(&T) -> bool + Copy + Send + Sync + 'static,
    rows: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let common = use_texts(&COMMON);
    let texts = use_texts(&LIBRARY);
    move || match resource.get() {
        None => {
            view! { <p class="list-note" role="status">{move || common().loading}</p> }.into_any()
        }
        Some(Err(_)) => {
            view! { <p class="list-note" role="alert">{move || common().network_error}</p> }
                .into_any()
        }
        Some(Ok(data)) if is_empty(&data) => {
            view! { <p class="list-note" data-testid="tab-empty">{move || texts().tab_empty}</p> }
                .into_any()
        }
        Some(Ok(data)) => rows(data).into_any(),
    }
}

#[component]
pub fn MusicTab(room: u8) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let Player(playing) = expect_context::<Player>();
    let tracks = LocalResource::new(move || api::library::music(room));
    list_state(tracks, Vec::is_empty, move |tracks: Vec<Track>| {
        view! {
            <ul class="list" data-testid="music-list">
                {tracks.into_iter().map(|track| {
                    let id = track.id;
                    let is_playing = move || playing.with(|p| p.as_ref().is_some_and(|p| p.id == id));
                    let meta = [track.artist.clone(), track.album.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                    let duration = track.duration_ms.map(format_duration).unwrap_or_default();
                    view! {
                        <li class="list-row" class:playing=is_playing data-testid="music-track">
                            <button type="button" class="row-main" data-testid="music-play"
                                on:click=move |_| playing.set(Some(track.clone()))>
                                <span class="row-icon"><PlayIcon/></span>
                                // Named by what it shows, 「再生」 first for screen readers.
                                <span class="visually-hidden">{move || texts().play}</span>
                                <span class="row-text">
                                    <strong data-testid="music-title">{track.title.clone()}</strong>
                                    <small>{meta}</small>
                                </span>
                                <span class="row-side">{duration}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
pub fn DocumentsTab(room: u8) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let i18n = use_i18n();
    let documents = LocalResource::new(move || api::library::documents(room));
    list_state(
        documents,
        Vec::is_empty,
        move |documents: Vec<hako_protocol::Document>| {
            view! {
                <ul class="list" data-testid="document-list">
                    {documents.into_iter().map(|doc| {
                        let kind = doc.name.rsplit_once('.').map(|(_, e)| e.to_ascii_uppercase()).unwrap_or_default();
                        view! {
                            <li class="list-row" data-testid="document">
                                <div class="row-main">
                                    <span class="row-icon doc-kind">{kind}</span>
                                    <span class="row-text">
                                        {match doc.view_url.clone() {
                                            Some(url) => view! { <a href=url target="_blank" rel="noopener" data-testid="document-open"><strong>{doc.name.clone()}</strong></a> }.into_any(),
                                            None => view! { <strong>{doc.name.clone()}</strong> }.into_any(),
                                        }}
                                        <small>{move || format!("{} · {}", date_time(i18n.lang.get(), &doc.created), format_size(doc.size))}</small>
                                    </span>
                                    <a class="icon-btn" data-testid="document-download" href=paths::item_original(doc.id)
                                        download=doc.name.clone() aria-label=move || texts().download><DownloadIcon/></a>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        },
    )
}

/// A contact's fields as a search compares them (`text::fold_for_search`).
fn search_fields(contact: &Contact) -> Vec<String> {
    std::iter::once(&contact.name)
        .chain(contact.reading.as_ref())
        .chain(&contact.phones)
        .chain(&contact.emails)
        .map(|field| fold_for_search(field))
        .collect()
}

/// What the search box asks for: its folded text, and as katakana when it is romaji
/// (「tanaka」 finds the reading タナカ).
fn search_needles(typed: &str) -> Vec<String> {
    let folded = fold_for_search(typed);
    let kana = romaji_to_katakana(&folded);
    std::iter::once(folded).chain(kana).collect()
}

fn matches_search(fields: &[String], needles: &[String]) -> bool {
    needles.iter().any(|needle| {
        needle.is_empty() || fields.iter().any(|field| field.contains(needle.as_str()))
    })
}

/// A plain link to the latest backup of this kind as the phone sent it: contacts.vcf,
/// calendar.ics, call_history.json (the server names it so too).
fn backup_download(
    room: u8,
    kind: BackupKind,
    label: impl Fn() -> &'static str + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <a class="btn ghost backup-download" data-testid=format!("{}-download", kind.as_str())
            href=paths::latest_backup(room, kind) download=kind.file_name()>
            <DownloadIcon/>
            <span>{label}</span>
        </a>
    }
}

#[component]
pub fn ContactsTab(room: u8) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let contacts = LocalResource::new(move || api::library::contacts(room));
    let typed = RwSignal::new(String::new());
    let search = Memo::new(move |_| typed.with(|t| search_needles(t)));
    let input = NodeRef::<html::Input>::new();
    // `/` jumps to the search box (UI.md).
    let _slash = window_event_listener(ev::keydown, move |ev| {
        if ev.key() == "/" && !keys::meant_for_a_control(&ev) {
            ev.prevent_default();
            if let Some(input) = input.get_untracked() {
                let _ = input.focus();
            }
        }
    });
    let has_contacts = move || {
        contacts
            .get()
            .and_then(Result::ok)
            .is_some_and(|c| !c.contacts.is_empty())
    };
    view! {
        <div class="list-tools">
            <input type="search" class="search" node_ref=input data-testid="contacts-search"
                placeholder=move || texts().contacts_search aria-label=move || texts().contacts_search
                on:input=move |ev| typed.set(event_target_value(&ev))/>
            <Show when=has_contacts>
                {backup_download(room, BackupKind::Contacts, move || texts().download_contacts)}
            </Show>
        </div>
        {list_state(contacts, |c| c.contacts.is_empty(), move |list: hako_protocol::ContactList| {
            let fields: Vec<Vec<String>> = list.contacts.iter().map(search_fields).collect();
            let any_shown = Memo::new(move |_| search.with(|s| fields.iter().any(|f| matches_search(f, s))));
            view! {
                <ul class="list" data-testid="contact-list">
                    {list.contacts.into_iter().map(|contact| {
                        let fields = search_fields(&contact);
                        let shown = move || search.with(|s| matches_search(&fields, s));
                        view! {
                            <li class="list-row contact" data-testid="contact" class:hidden=move || !shown()>
                                <div class="row-text">
                                    <strong data-testid="contact-name">{contact.name.clone()}</strong>
                                    {contact.reading.clone().map(|r| view! { <small class="reading">{r}</small> })}
                                    {contact.phones.iter().map(|p| view! { <a href=format!("tel:{p}") class="contact-detail">{format_phone_number(p)}</a> }).collect_view()}
                                    {contact.emails.iter().map(|e| view! { <a href=format!("mailto:{e}") class="contact-detail">{e.clone()}</a> }).collect_view()}
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <Show when=move || !any_shown.get()>
                    <div class="list-note" role="status" data-testid="contacts-no-match">
                        <p>{move || {
                            let (before, after) = texts().contacts_no_match;
                            format!("{before}{}{after}", typed.get().trim())
                        }}</p>
                        <small>{move || texts().contacts_no_match_hint}</small>
                    </div>
                </Show>
            }
        })}
    }
}

/// `YYYY-MM-DD…` → (year, month, day).
fn date_parts(s: &str) -> Option<(i32, u8, u8)> {
    Some((
        s.get(..4)?.parse().ok()?,
        s.get(5..7)?.parse().ok()?,
        s.get(8..10)?.parse().ok()?,
    ))
}

#[component]
pub fn CalendarTab(room: u8) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts(&LIBRARY);
    let events = LocalResource::new(move || api::library::calendar(room));
    let has_events = move || {
        events
            .get()
            .and_then(Result::ok)
            .is_some_and(|e| !e.events.is_empty())
    };
    let list = list_state(
        events,
        |e| e.events.is_empty(),
        move |list: hako_protocol::EventList| {
            let mut previous_day = String::new();
            view! {
                <ul class="list" data-testid="event-list">
                    {list.events.into_iter().map(|event| {
                        let day = event.start.get(..10).unwrap_or_default().to_owned();
                        let heading = (day != previous_day).then(|| date_parts(&day)).flatten().map(|(y, m, d)| view! {
                            <li class="list-heading" data-testid="event-day">{move || day_heading(i18n.lang.get(), y, m, d)}</li>
                        });
                        previous_day = day;
                        let time = if event.all_day {
                            None
                        } else {
                            event.start.get(11..16).map(str::to_owned)
                        };
                        view! {
                            {heading}
                            <li class="list-row" data-testid="event">
                                <span class="row-side time">{match time {
                                    Some(t) => t.into_any(),
                                    None => (move || texts().all_day).into_any(),
                                }}</span>
                                <span class="row-text">
                                    <strong data-testid="event-summary">{event.summary.clone()}</strong>
                                    {event.location.clone().map(|l| view! { <small>{l}</small> })}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        },
    );
    view! {
        <Show when=has_events>
            <div class="list-tools">
                {backup_download(room, BackupKind::Calendar, move || texts().download_calendar)}
            </div>
        </Show>
        {list}
    }
}

#[component]
pub fn CallsTab(room: u8) -> impl IntoView {
    let texts = use_texts(&LIBRARY);
    let i18n = use_i18n();
    let calls = LocalResource::new(move || api::library::calls(room));
    let has_calls = move || {
        calls
            .get()
            .and_then(Result::ok)
            .is_some_and(|c| !c.calls.is_empty())
    };
    let list = list_state(
        calls,
        |c| c.calls.is_empty(),
        move |list: hako_protocol::CallList| {
            view! {
                <ul class="list" data-testid="call-list">
                    {list.calls.into_iter().map(|call| {
                        let direction = call.direction;
                        let arrow = match direction {
                            CallDirection::Incoming => "↙",
                            CallDirection::Outgoing => "↗",
                            CallDirection::Missed => "✕",
                        };
                        // A missed call has no length: its label says 不在着信 already.
                        let duration = (direction != CallDirection::Missed)
                            .then(|| format_duration(call.duration_secs * 1000));
                        let number = format_phone_number(&call.number);
                        // The number under the name; a call without a name shows it once.
                        let (shown_name, number) = match call.name.clone() {
                            Some(name) => (name, Some(number)),
                            None => (number, None),
                        };
                        view! {
                            <li class="list-row" class:missed=direction == CallDirection::Missed data-testid="call">
                                <span class="row-icon call-dir" aria-hidden="true">{arrow}</span>
                                <span class="row-text">
                                    <strong class="nowrap" data-testid="call-name">{shown_name}</strong>
                                    <small>
                                        {move || {
                                            let t = texts();
                                            match direction {
                                                CallDirection::Incoming => t.call_incoming,
                                                CallDirection::Outgoing => t.call_outgoing,
                                                CallDirection::Missed => t.call_missed,
                                            }
                                        }}
                                        // A number never breaks at its hyphens.
                                        {number.map(|n| view! { " · "<span class="nowrap">{n}</span> })}
                                    </small>
                                </span>
                                <span class="row-side">
                                    <span>{move || date_time(i18n.lang.get(), &call.time)}</span>
                                    <small data-testid="call-duration">{duration}</small>
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
        },
    );
    view! {
        <Show when=has_calls>
            <div class="list-tools">
                {backup_download(room, BackupKind::CallHistory, move || texts().download_calls)}
            </div>
        </Show>
        {list}
    }
}
