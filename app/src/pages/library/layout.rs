//! The whole timeline laid out from its per-day counts alone (SPEC V4, V5): every day's header
//! and rows get a place in one tall *virtual* column before any item is loaded.
//!
//! A million photos make that column ~25–30 million px tall, more than browsers let an element
//! be (Chromium ~33.5M, Firefox ~17.9M). The scroll container therefore holds a spacer of at most
//! [`MAX_SPACER`] px and the grid maps between the two: ordinary scrolling moves the virtual
//! position 1:1 (so the wheel, touch and keys feel native), jumps map proportionally, and the two
//! are re-aligned whenever scrolling pauses.

use hako_protocol::{Badge, Timeline};

/// Tallest spacer we make; safe in every current browser.
pub const MAX_SPACER: f64 = 4_000_000.0;
pub const GAP: f64 = 2.0;
pub const HEADER: f64 = 44.0;
/// Extra height above the first day of a save-status group (`sort=status`).
pub const SECTION: f64 = 40.0;

#[derive(Clone, Debug, PartialEq)]
pub struct DayBlock {
    pub month: usize,
    pub year: i32,
    pub month_number: u8,
    pub day: u8,
    pub count: u32,
    /// Index of the day's first item within its month (items come newest first).
    pub first: u32,
    /// Virtual y of the day's header.
    pub top: f64,
    /// Height of the header: taller when it opens a save-status group.
    pub header: f64,
    /// The save-status group this day opens (`sort=status`).
    pub section: Option<Badge>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MonthBlock {
    /// `YYYY-MM`.
    pub key: String,
    pub year: i32,
    pub number: u8,
    pub top: f64,
    pub first_day: usize,
}

/// One element the grid would render: a day's header or one of its rows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Block {
    pub day: usize,
    /// `None` for the header.
    pub row: Option<u32>,
    pub top: f64,
}

impl Block {
    /// Stable across scrolling, so the grid keeps (and does not rebuild) rendered elements.
    pub fn key(&self) -> u64 {
        ((self.day as u64) << 24) | self.row.map_or(0, |r| u64::from(r) + 1)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub columns: u32,
    /// Width of one tile, gap excluded.
    pub tile: f64,
    pub days: Vec<DayBlock>,
    pub months: Vec<MonthBlock>,
    /// Virtual height of everything.
    pub height: f64,
}

/// Columns for a width: four on phones, about 180 px tiles on wider screens.
pub fn columns_for(width: f64) -> u32 {
    if width < 600.0 {
        4
    } else {
        ((width / 180.0).round() as u32).max(4)
    }
}

impl Layout {
    pub fn new(timeline: &Timeline, width: f64) -> Self {
        let columns = columns_for(width);
        let tile = ((width - GAP * f64::from(columns - 1)) / f64::from(columns)).max(1.0);
        let row = tile + GAP;
        let mut days = Vec::new();
        let mut months = Vec::with_capacity(timeline.months.len());
        let mut top = 0.0;
        let mut group = None;
        for (index, month) in timeline.months.iter().enumerate() {
            let year = month
                .month
                .get(..4)
                .and_then(|y| y.parse().ok())
                .unwrap_or(1970);
            let number = month
                .month
                .get(5..7)
                .and_then(|m| m.parse().ok())
                .unwrap_or(1);
            months.push(MonthBlock {
                key: month.month.clone(),
                year,
                number,
                top,
                first_day: days.len(),
            });
            let mut first = 0;
            let mut section = (month.status != group).then_some(month.status).flatten();
            group = month.status;
            for day in &month.days {
                let header = if section.is_some() {
                    HEADER + SECTION
                } else {
                    HEADER
                };
                days.push(DayBlock {
                    month: index,
                    year,
                    month_number: number,
                    day: day.day,
                    count: day.count,
                    first,
                    top,
                    header,
                    section: section.take(),
                });
                first += day.count;
                top += header + f64::from(day.count.div_ceil(columns)) * row;
            }
        }
        Self {
            columns,
            tile,
            days,
            months,
            height: top,
        }
    }

    pub fn row_height(&self) -> f64 {
        self.tile + GAP
    }

    /// The day whose block holds virtual y (the last day for y past the end).
    pub fn day_at(&self, y: f64) -> usize {
        self.days.partition_point(|d| d.top <= y).saturating_sub(1)
    }

    /// The month whose block holds virtual y.
    pub fn month_at(&self, y: f64) -> usize {
        self.months
            .partition_point(|m| m.top <= y)
            .saturating_sub(1)
    }

    /// Headers and rows that intersect `from..to`, top to bottom.
    pub fn blocks(&self, from: f64, to: f64) -> Vec<Block> {
        let mut out = Vec::new();
        let row_height = self.row_height();
        for (index, day) in self.days.iter().enumerate().skip(self.day_at(from)) {
            if day.top >= to {
                break;
            }
            if day.top + day.header > from {
                out.push(Block {
                    day: index,
                    row: None,
                    top: day.top,
                });
            }
            let rows_top = day.top + day.header;
            let rows = day.count.div_ceil(self.columns);
            let first = (((from - rows_top) / row_height).floor().max(0.0) as u32).min(rows);
            for row in first..rows {
                let top = rows_top + f64::from(row) * row_height;
                if top >= to {
                    break;
                }
                out.push(Block {
                    day: index,
                    row: Some(row),
                    top,
                });
            }
        }
        out
    }
}

/// How the spacer's scroll range stands for the virtual height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScrollSpace {
    pub spacer: f64,
    /// Virtual px per spacer px when jumping (1 when everything fits).
    pub scale: f64,
}

impl ScrollSpace {
    pub fn new(virtual_height: f64, viewport: f64) -> Self {
        let spacer = virtual_height.min(MAX_SPACER);
        let scale = if virtual_height > spacer {
            (virtual_height - viewport).max(1.0) / (spacer - viewport).max(1.0)
        } else {
            1.0
        };
        Self { spacer, scale }
    }
}
