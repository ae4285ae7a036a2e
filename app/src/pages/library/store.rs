//! The items of a timeline's months, loaded page by page when the grid nears them and cancelled
//! when it moves away (SPEC V4). Shared by the grid, the photo view and the selection.

use std::collections::HashMap;

use hako_protocol::{Timeline, TimelineFilter, TimelineItem};
use leptos::{prelude::*, task::spawn_local};
use web_sys::AbortController;

use super::layout::Known;
use crate::api;

/// Months kept in memory beyond those in view; a million-item ROOM never loads it all.
const KEPT_MONTHS: usize = 24;

#[derive(Default)]
struct MonthLoad {
    /// Where the next page starts; `None` before the first page.
    cursor: Option<String>,
    complete: bool,
    /// Set while a load runs; aborting it cancels the request in flight.
    running: Option<AbortController>,
}

#[derive(Clone, Copy)]
pub struct TimelineStore {
    pub room: u8,
    pub filter: TimelineFilter,
    pub timeline: StoredValue<Timeline>,
    items: RwSignal<HashMap<usize, Vec<TimelineItem>>>,
    loads: StoredValue<HashMap<usize, MonthLoad>>,
}

impl TimelineStore {
    pub fn new(room: u8, filter: TimelineFilter, timeline: Timeline) -> Self {
        Self {
            room,
            filter,
            timeline: StoredValue::new(timeline),
            items: RwSignal::new(HashMap::new()),
            loads: StoredValue::new(HashMap::new()),
        }
    }

    /// The `index`-th item (newest first) of a month, once its page has arrived (reactive).
    pub fn item(&self, month: usize, index: u32) -> Option<TimelineItem> {
        self.items
            .with(|m| m.get(&month).and_then(|v| v.get(index as usize).cloned()))
    }

    /// The aspect ratios of the loaded items, month by month (reactive: the grid lays a month
    /// out exactly once its items arrive).
    pub fn known(&self) -> Known {
        self.items.with(|m| {
            m.iter()
                .map(|(&month, items)| {
                    let aspects = items.iter().map(|i| match (i.width, i.height) {
                        (Some(w), Some(h)) if w > 0 && h > 0 => Some(f64::from(w) / f64::from(h)),
                        _ => None,
                    });
                    (month, aspects.collect())
                })
                .collect()
        })
    }

    /// Where an item sits: (month, index), if loaded.
    pub fn position(&self, id: i64) -> Option<(usize, u32)> {
        self.items.with(|m| {
            m.iter().find_map(|(month, items)| {
                items
                    .iter()
                    .position(|i| i.id == id)
                    .map(|index| (*month, index as u32))
            })
        })
    }

    /// Loaded item ids from one (month, index) to another, both included, in timeline order.
    pub fn ids_between(&self, from: (usize, u32), to: (usize, u32)) -> Vec<i64> {
        self.items.with_untracked(|m| {
            (from.0..=to.0)
                .filter_map(|month| m.get(&month).map(|items| (month, items)))
                .flat_map(|(month, items)| {
                    let start = if month == from.0 { from.1 as usize } else { 0 };
                    let end = if month == to.0 {
                        to.1 as usize + 1
                    } else {
                        items.len()
                    };
                    items[start.min(items.len())..end.min(items.len())]
                        .iter()
                        .map(|i| i.id)
                })
                .collect()
        })
    }

    pub fn month_count(&self) -> usize {
        self.timeline.with_value(|t| t.months.len())
    }

    fn is_complete(&self, month: usize) -> bool {
        self.loads
            .with_value(|l| l.get(&month).is_some_and(|m| m.complete))
    }

    /// The item before or after `id` in timeline order, loading the neighbouring month when
    /// the step crosses into it (reactive: answers once that month has arrived).
    pub fn neighbour(&self, id: i64, forward: bool) -> Option<TimelineItem> {
        let (month, index) = self.position(id)?;
        if forward {
            if let Some(next) = self.item(month, index + 1) {
                return Some(next);
            }
            if !self.is_complete(month) || month + 1 >= self.month_count() {
                return None;
            }
            self.want(&[month, month + 1]);
            self.item(month + 1, 0)
        } else if index > 0 {
            self.item(month, index - 1)
        } else if month > 0 {
            self.want(&[month - 1, month]);
            let count = self.timeline.with_value(|t| t.months[month - 1].count);
            // The previous month's last item arrives with its last page.
            self.item(month - 1, count.saturating_sub(1))
        } else {
            None
        }
    }

    /// Loads the given months (if not yet loaded), cancels loads of any others, and forgets
    /// the months furthest away once more than [`KEPT_MONTHS`] are held.
    pub fn want(&self, months: &[usize]) {
        let store = *self;
        self.loads.update_value(|loads| {
            for (month, load) in loads.iter_mut() {
                if !months.contains(month)
                    && let Some(running) = load.running.take()
                {
                    running.abort();
                }
            }
        });
        for &month in months {
            let start = self.loads.try_update_value(|loads| {
                let load = loads.entry(month).or_default();
                if load.complete || load.running.is_some() {
                    return None;
                }
                let controller = AbortController::new().ok()?;
                load.running = Some(controller.clone());
                Some((controller, load.cursor.clone()))
            });
            if let Some(Some((controller, cursor))) = start {
                spawn_local(store.load(month, controller, cursor));
            }
        }
        let held = self.items.with_untracked(HashMap::len);
        if held > KEPT_MONTHS + months.len() {
            let centre = months.first().copied().unwrap_or(0);
            self.items.update(|items| {
                let mut far: Vec<usize> = items
                    .keys()
                    .copied()
                    .filter(|m| !months.contains(m))
                    .collect();
                far.sort_by_key(|m| std::cmp::Reverse(m.abs_diff(centre)));
                for month in far.into_iter().take(held - KEPT_MONTHS - months.len()) {
                    items.remove(&month);
                    self.loads.update_value(|l| {
                        l.remove(&month);
                    });
                }
            });
        }
    }

    async fn load(self, month: usize, controller: AbortController, mut cursor: Option<String>) {
        let Some((key, status)) = self
            .timeline
            .with_value(|t| t.months.get(month).map(|m| (m.month.clone(), m.status)))
        else {
            return;
        };
        let signal = controller.signal();
        loop {
            let page = api::library::month_page(
                self.room,
                &key,
                self.filter,
                status,
                cursor.as_deref(),
                &signal,
            )
            .await;
            // A month forgotten or aborted meanwhile keeps nothing from this answer.
            let current = self.loads.with_value(|l| {
                l.get(&month)
                    .and_then(|m| m.running.as_ref())
                    .is_some_and(|r| r == &controller)
            });
            let Ok(page) = page else { break };
            if !current || signal.aborted() {
                break;
            }
            self.items
                .update(|m| m.entry(month).or_default().extend(page.items));
            cursor = page.next_cursor;
            let done = cursor.is_none();
            self.loads.update_value(|l| {
                let load = l.entry(month).or_default();
                load.cursor.clone_from(&cursor);
                load.complete = done;
            });
            if done {
                break;
            }
        }
        self.loads.update_value(|l| {
            if let Some(load) = l.get_mut(&month)
                && load.running.as_ref() == Some(&controller)
            {
                load.running = None;
            }
        });
    }
}
