//! `/`: the library behind sign-in (SPEC V3–V15). The URL holds the ROOM, the tab, the filter
//! and the open item (`/?room=2&tab=photos&filter=videos&item=41`), so reload and the back
//! button work.

mod actions;
mod first_run;
mod grid;
mod layout;
mod rail;
mod store;
mod tabs;
mod viewer;

use std::collections::HashSet;

use hako_protocol::{Badge, Lang, RoomSlot, Rooms, Timeline, TimelineFilter, TimelineSort};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query},
};
use serde::{Deserialize, Serialize};

use crate::{
    api,
    components::{icons::*, shell::TopBar},
    i18n::{COMMON, LIBRARY, LibraryTexts, use_i18n, use_texts},
    query::{from_name, lenient, query_params, with_query},
};
use actions::SelectionBar;
use first_run::FirstRun;
use grid::PhotoGrid;
use store::TimelineStore;
use tabs::{CalendarTab, CallsTab, ContactsTab, DocumentsTab, MusicTab, Player, PlayerBar};
use viewer::PhotoViewer;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Tab {
    Photos,
    Music,
    Documents,
    Contacts,
    Calendar,
    Calls,
}

impl Tab {
    const ALL: [Tab; 6] = [
        Self::Photos,
        Self::Music,
        Self::Documents,
        Self::Contacts,
        Self::Calendar,
        Self::Calls,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Photos => "photos",
            Self::Music => "music",
            Self::Documents => "documents",
            Self::Contacts => "contacts",
            Self::Calendar => "calendar",
            Self::Calls => "calls",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        let kinds = COMMON.get(lang);
        match self {
            Self::Photos => LIBRARY.get(lang).tab_photos,
            Self::Music => kinds.kind_music,
            Self::Documents => kinds.kind_documents,
            Self::Contacts => kinds.kind_contacts,
            Self::Calendar => kinds.kind_calendar,
            Self::Calls => kinds.kind_calls,
        }
    }

    fn icon(self) -> AnyView {
        match self {
            Self::Photos => view! { <PhotosIcon/> }.into_any(),
            Self::Music => view! { <MusicIcon/> }.into_any(),
            Self::Documents => view! { <DocumentIcon/> }.into_any(),
            Self::Contacts => view! { <ContactsIcon/> }.into_any(),
            Self::Calendar => view! { <CalendarIcon/> }.into_any(),
            Self::Calls => view! { <CallIcon/> }.into_any(),
        }
    }
}

/// A list tab's page: it scrolls on its own, so it takes focus and the keyboard scrolls it too.
fn tab_page(tab: Tab, content: impl IntoView + 'static) -> AnyView {
    let i18n = use_i18n();
    view! {
        <div class="tab-page" tabindex="0" role="region" aria-label=move || tab.label(i18n.lang.get())>
            {content}
        </div>
    }
    .into_any()
}

/// `m:ss`, or `h:mm:ss` from an hour on.
pub fn format_duration(ms: u64) -> String {
    let secs = ms / 1000;
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

pub fn badge_text(t: &LibraryTexts, badge: Badge) -> &'static str {
    match badge {
        Badge::PhoneAndCloud => t.badge_phone_and_cloud,
        Badge::CloudOnly => t.badge_cloud_only,
        Badge::Excluded => t.badge_excluded,
    }
}

/// The library's URL: `/?room=2&tab=photos&filter=videos&sort=status&item=41`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct LibraryQuery {
    /// As typed, so a wrong value (`?room=9`, `?room=x`) is named, never read as ROOM 1.
    #[serde(default, deserialize_with = "lenient")]
    room: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    tab: Option<Tab>,
    #[serde(default, deserialize_with = "lenient")]
    filter: Option<TimelineFilter>,
    #[serde(default, deserialize_with = "lenient")]
    sort: Option<TimelineSort>,
    #[serde(default, deserialize_with = "lenient")]
    item: Option<i64>,
}

query_params!(LibraryQuery);

/// What the library's parts share: the selection, the open item and the URL.
#[derive(Clone, Copy)]
pub struct LibraryCtx {
    pub selection: RwSignal<HashSet<i64>>,
    /// The last item clicked: shift-click selects from here.
    anchor: RwSignal<Option<i64>>,
    /// Bumped after deletions: the timeline is fetched again, the place kept.
    version: RwSignal<u32>,
    /// Where the grid stood, so a refreshed timeline opens at the same place.
    pub saved_top: StoredValue<f64>,
    query: Memo<LibraryQuery>,
    /// Goes to the library with this query; `true` replaces the history entry.
    go: Callback<(LibraryQuery, bool)>,
    /// The viewer was opened by a click here, so closing it is a step back in history.
    opened_here: StoredValue<bool>,
}

impl LibraryCtx {
    /// Toggles one item, or with `range` adds everything from the last clicked item to it.
    pub fn select(&self, store: TimelineStore, id: i64, range: bool) {
        let from = self.anchor.get_untracked().and_then(|a| store.position(a));
        match (range, from, store.position(id)) {
            (true, Some(a), Some(b)) => {
                let ids = store.ids_between(a.min(b), a.max(b));
                self.selection.update(|s| s.extend(ids));
            }
            _ => self.selection.update(|s| {
                if !s.remove(&id) {
                    s.insert(id);
                }
            }),
        }
        self.anchor.set(Some(id));
    }

    /// Changes the URL's query; `replace` keeps the history entry.
    fn change(&self, replace: bool, change: impl FnOnce(&mut LibraryQuery)) {
        let mut query = self.query.get_untracked();
        change(&mut query);
        self.go.run((query, replace));
    }

    pub fn open_item(&self, id: i64) {
        self.opened_here.set_value(true);
        self.change(false, |q| q.item = Some(id));
    }

    /// Another item in the open viewer (previous/next): no new history entry.
    pub fn show_item(&self, id: i64) {
        self.change(true, |q| q.item = Some(id));
    }

    pub fn close_item(&self) {
        if self.opened_here.get_value() {
            self.opened_here.set_value(false);
            let _ = window().history().and_then(|h| h.back());
        } else {
            self.change(true, |q| q.item = None);
        }
    }

    /// Items are gone from the server: forget them and lay the timeline out again.
    pub fn deleted(&self, ids: &[i64]) {
        self.selection.update(|s| {
            for id in ids {
                s.remove(id);
            }
        });
        self.version.update(|v| *v += 1);
    }
}

/// A ROOM is used when a phone holds it or it still has files.
fn used(slot: &RoomSlot) -> bool {
    slot.item_count > 0 || slot.phone.is_some()
}

/// The first ROOM with a phone or files.
fn first_used(rooms: &Rooms) -> Option<u8> {
    rooms.rooms.iter().find(|s| used(s)).map(|s| s.room)
}

/// The ROOM in the URL (`?room=2`) if the account has it, else the first with a phone or files.
fn chosen_room(rooms: &Rooms, asked: Option<&str>) -> u8 {
    asked
        .and_then(|a| a.trim().parse::<u8>().ok())
        .filter(|r| rooms.rooms.iter().any(|slot| slot.room == *r))
        .or_else(|| first_used(rooms))
        .unwrap_or(1)
}

/// What is wrong with the `room` in the URL, if anything.
#[derive(Clone, Debug, PartialEq)]
enum RoomProblem {
    /// The account has this ROOM, but no phone and no backups in it.
    Unused(u8),
    /// The account has no such ROOM (`?room=4`, `?room=x`): the value as typed.
    Missing(String),
}

fn room_problem(rooms: &Rooms, asked: Option<&str>) -> Option<RoomProblem> {
    let asked = asked?;
    let slot = asked
        .trim()
        .parse::<u8>()
        .ok()
        .and_then(|r| rooms.rooms.iter().find(|s| s.room == r));
    match slot {
        None => Some(RoomProblem::Missing(asked.chars().take(12).collect())),
        Some(s) if !used(s) => Some(RoomProblem::Unused(s.room)),
        Some(_) => None,
    }
}

#[component]
pub fn Library() -> impl IntoView {
    let i18n = use_i18n();
    let common = use_texts(&COMMON);
    let texts = use_texts(&LIBRARY);
    let asked = use_query::<LibraryQuery>();
    let query = Memo::new(move |_| asked.get().unwrap_or_default());
    let navigate = use_navigate();
    let go = Callback::new(move |(query, replace): (LibraryQuery, bool)| {
        navigate(
            &with_query("/".to_owned(), &query),
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    });
    let ctx = LibraryCtx {
        selection: RwSignal::new(HashSet::new()),
        anchor: RwSignal::new(None),
        version: RwSignal::new(0),
        saved_top: StoredValue::new(0.0),
        query,
        go,
        opened_here: StoredValue::new(false),
    };
    provide_context(ctx);
    provide_context(Player(RwSignal::new(None)));

    let rooms = LocalResource::new(api::phones::rooms);
    let room = Memo::new(move |_| {
        query.with(|q| {
            rooms
                .get()
                .and_then(Result::ok)
                .map(|r| chosen_room(&r, q.room.as_deref()))
        })
    });
    let problem = Memo::new(move |_| {
        query.with(|q| {
            rooms
                .get()
                .and_then(Result::ok)
                .and_then(|r| room_problem(&r, q.room.as_deref()))
        })
    });
    let tab = Memo::new(move |_| query.with(|q| q.tab).unwrap_or(Tab::Photos));
    let filter = Memo::new(move |_| query.with(|q| q.filter).unwrap_or_default());
    let sort = Memo::new(move |_| query.with(|q| q.sort).unwrap_or_default());
    let open_item = Memo::new(move |_| query.with(|q| q.item));
    // The item the viewer shows: kept while it closes, so it never asks for item 0.
    let viewed_item = Memo::new(move |before: Option<&i64>| {
        open_item.get().or(before.copied()).unwrap_or_default()
    });
    // 「ライブラリ – Hako」, 「連絡先 – Hako」; the photo view names its photo itself.
    let tab_title = Signal::derive(move || {
        let lang = i18n.lang.get();
        match tab.get() {
            Tab::Photos if open_item.get().is_some() => None,
            Tab::Photos => Some(LIBRARY.get(lang).library_title.to_owned()),
            other => Some(other.label(lang).to_owned()),
        }
    });

    // The timeline of the ROOM and filter; fetched again after deletions. The store (and
    // its month cache) is replaced only when an answer arrives, so nothing flashes meanwhile.
    let store = RwSignal::new(None::<TimelineStore>);
    Effect::new(move |_| {
        let (Some(room), filter, sort) = (room.get(), filter.get(), sort.get()) else {
            return;
        };
        ctx.version.track();
        spawn_local(async move {
            let timeline = api::library::timeline(room, filter, sort)
                .await
                .unwrap_or(Timeline {
                    total: 0,
                    months: Vec::new(),
                });
            store.set(Some(TimelineStore::new(room, filter, timeline)));
        });
    });
    Effect::new(
        move |previous: Option<(Option<u8>, TimelineFilter, TimelineSort)>| {
            let now = (room.get(), filter.get(), sort.get());
            if previous.is_some_and(|p| p != now) {
                ctx.selection.update(|s| s.clear());
                ctx.saved_top.set_value(0.0);
            }
            now
        },
    );

    let switch_room = move |ev: leptos::ev::Event| {
        let room = event_target_value(&ev);
        ctx.change(false, |q| q.room = Some(room));
    };
    let switch_filter = move |ev: leptos::ev::Event| {
        let filter = from_name(&event_target_value(&ev));
        ctx.change(false, |q| q.filter = filter);
    };
    let switch_sort = move |ev: leptos::ev::Event| {
        let sort = from_name(&event_target_value(&ev));
        ctx.change(false, |q| q.sort = sort);
    };
    // The ROOM being viewed is always named: 「表示中 ROOM 1 · Pixel 8」, the whole name in its title.
    let room_name = move || {
        let r = rooms.get().and_then(Result::ok)?;
        if problem.get().is_some() {
            return None;
        }
        let current = room.get()?;
        let slot = r.rooms.iter().find(|s| s.room == current)?;
        let name = slot
            .phone
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| common().room_empty.to_owned());
        let full = format!("ROOM {current} · {name}");
        Some(view! {
            <p class="room-viewing" data-testid="room-viewing" title=full.clone()>
                <span class="room-viewing-label">{move || texts().room_viewing}</span>
                <span class="room-viewing-number" data-testid="room-viewing-number">{format!("ROOM {current}")}</span>
                <span class="room-viewing-name" data-testid="room-viewing-name">{name}</span>
            </p>
        })
    };
    let room_picker = move || {
        rooms.get().and_then(Result::ok).filter(|r| r.rooms.iter().filter(|s| used(s)).count() > 1).map(|r| {
            // A bad `room` selects none of them (a blank first choice), never another ROOM.
            let bad = problem.get().is_some();
            let current = if bad { None } else { room.get() };
            view! {
                <label class="picker">
                    <span class="visually-hidden">{move || texts().room_label}</span>
                    <select data-testid="room-switch" on:change=switch_room>
                        {bad.then(|| view! { <option value="" selected disabled>"—"</option> })}
                        {r.rooms.into_iter().map(|slot| {
                            let name = slot.phone.map(|p| p.name).unwrap_or_else(|| common().room_empty.to_owned());
                            view! { <option value=slot.room.to_string() selected=current == Some(slot.room)>{format!("ROOM {} · {name}", slot.room)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            }
        })
    };
    let filter_picker = move || {
        (tab.get() == Tab::Photos).then(|| {
            let current = filter.get();
            view! {
                <label class="picker">
                    <span class="visually-hidden">{move || texts().filter_label}</span>
                    <select data-testid="filter-switch" on:change=switch_filter>
                        {[TimelineFilter::All, TimelineFilter::Photos, TimelineFilter::Videos].into_iter().map(|f| {
                            let label = move || {
                                let t = texts();
                                match f {
                                    TimelineFilter::All => t.filter_all,
                                    TimelineFilter::Photos => t.filter_photos,
                                    TimelineFilter::Videos => t.filter_videos,
                                }
                            };
                            view! { <option value=f.as_str() selected=current == f>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="picker">
                    <span class="visually-hidden">{move || texts().sort_label}</span>
                    <select data-testid="sort-switch" on:change=switch_sort>
                        <option value="date" selected=sort.get() == TimelineSort::Date>{move || texts().sort_date}</option>
                        <option value="status" selected=sort.get() == TimelineSort::Status>{move || texts().sort_status}</option>
                    </select>
                </label>
            }
        })
    };
    let content = move || {
        let Some(room) = room.get() else {
            return view! { <p class="loading" role="status">{move || common().loading}</p> }
                .into_any();
        };
        if let Some(problem) = problem.get() {
            let back = rooms
                .get()
                .and_then(Result::ok)
                .and_then(|r| first_used(&r));
            let (title, body, testid) = match problem {
                RoomProblem::Unused(n) => (
                    texts().room_unused_title.replace("{room}", &n.to_string()),
                    texts().room_unused_body,
                    "room-unused",
                ),
                RoomProblem::Missing(asked) => (
                    texts().room_missing_title.replace("{room}", &asked),
                    texts().room_missing_body,
                    "room-missing",
                ),
            };
            return view! {
                <div class="empty room-problem" role="alert" data-testid=testid>
                    <PhotosIcon/>
                    <h2>{title}</h2>
                    <p>{body}</p>
                    {back.map(|n| {
                        let query = LibraryQuery { room: Some(n.to_string()), ..Default::default() };
                        view! {
                            <a class="btn primary" data-testid="room-back" href=with_query("/".to_owned(), &query)>
                                {texts().room_back.replace("{room}", &n.to_string())}
                            </a>
                        }
                    })}
                </div>
            }
            .into_any();
        }
        match tab.get() {
            Tab::Photos => (move || match store.get() {
                None => view! { <p class="loading" role="status">{move || common().loading}</p> }
                    .into_any(),
                Some(store) if store.timeline.with_value(|t| t.total == 0) => view! {
                    <FirstRun/>
                }
                .into_any(),
                Some(store) => view! {
                    <PhotoGrid store=store/>
                    <Show when=move || open_item.get().is_some()>
                        <PhotoViewer id=viewed_item store=store/>
                    </Show>
                }
                .into_any(),
            })
            .into_any(),
            Tab::Music => tab_page(Tab::Music, view! { <MusicTab room=room/> }),
            Tab::Documents => tab_page(Tab::Documents, view! { <DocumentsTab room=room/> }),
            Tab::Contacts => tab_page(Tab::Contacts, view! { <ContactsTab room=room/> }),
            Tab::Calendar => tab_page(Tab::Calendar, view! { <CalendarTab room=room/> }),
            Tab::Calls => tab_page(Tab::Calls, view! { <CallsTab room=room/> }),
        }
    };
    view! {
        <div class="app-frame" data-testid="library-page">
            <TopBar title=move || texts().library_title tab_title=tab_title/>
            <nav class="tabs" aria-label=move || texts().tabs_label>
                {Tab::ALL.into_iter().map(|t| view! {
                    <button type="button" class="tab" data-testid=format!("tab-{}", t.as_str())
                        aria-current=move || (tab.get() == t).then_some("page")
                        on:click=move |_| ctx.change(false, |q| q.tab = Some(t))>
                        {t.icon()}
                        <span>{move || t.label(i18n.lang.get())}</span>
                    </button>
                }).collect_view()}
            </nav>
            <div class="library-bar">
                {room_name}
                {room_picker}
                {filter_picker}
            </div>
            <main class="library-main">{content}</main>
            <PlayerBar/>
            <Show when=move || ctx.selection.with(|s| !s.is_empty())>
                <SelectionBar/>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rooms() -> Rooms {
        let slot = |room, items| RoomSlot {
            room,
            phone: None,
            item_count: items,
            total_bytes: 0,
        };
        Rooms {
            rooms: vec![slot(1, 0), slot(2, 5), slot(3, 0)],
            this_phone_room: None,
        }
    }

    #[test]
    fn a_used_room_is_shown_as_asked() {
        assert_eq!(chosen_room(&rooms(), Some("2")), 2);
        assert_eq!(room_problem(&rooms(), Some("2")), None);
        assert_eq!(chosen_room(&rooms(), None), 2);
        assert_eq!(room_problem(&rooms(), None), None);
    }

    #[test]
    fn a_bad_room_is_named_never_read_as_another() {
        assert_eq!(
            room_problem(&rooms(), Some("3")),
            Some(RoomProblem::Unused(3))
        );
        for asked in ["4", "0", "x", "300"] {
            assert_eq!(
                room_problem(&rooms(), Some(asked)),
                Some(RoomProblem::Missing(asked.to_owned()))
            );
        }
        assert_eq!(first_used(&rooms()), Some(2));
    }
}
