//! The whole timeline laid out before its items are loaded (SPEC V4, V5): every day gets a place
//! in one tall *virtual* column from the per-day counts alone, and the months whose items have
//! arrived are laid out exactly from their sizes.
//!
//! On a PC the photos flow as **justified lines**, as Google Photos and Immich show them: each
//! photo keeps its aspect ratio, a line is scaled until it fills the width, and consecutive days
//! share a line (each with its date over its first photo) instead of each day opening a half
//! empty row. A photo not loaded yet counts as 4:3; its month is laid out again when it arrives
//! (the grid keeps the place in view). Phones keep the square four-column grid, a day per block.
//!
//! Only the loaded months are walked photo by photo; a stretch of not-yet-loaded photos becomes a
//! *run* of identical lines in one [`Line`], so a million-item ROOM costs its days, not its items.
//!
//! A million photos make that column ~25–30 million px tall, more than browsers let an element
//! be (Chromium ~33.5M, Firefox ~17.9M). The scroll container therefore holds a spacer of at most
//! [`MAX_SPACER`] px and the grid maps between the two: ordinary scrolling moves the virtual
//! position 1:1 (so the wheel, touch and keys feel native), jumps map proportionally, and the two
//! are re-aligned whenever scrolling pauses.

use std::collections::HashMap;

use hako_protocol::{Badge, Timeline};

/// Tallest spacer we make; safe in every current browser.
pub const MAX_SPACER: f64 = 4_000_000.0;
pub const GAP: f64 = 2.0;
/// Between two days sharing a line, so each day's photos read as a group under its date.
pub const DAY_GAP: f64 = 12.0;
pub const HEADER: f64 = 44.0;
/// Extra height above the first day of a save-status group (`sort=status`).
pub const SECTION: f64 = 40.0;
/// Below this width: the phone's square grid.
pub const PHONE_WIDTH: f64 = 600.0;
/// The height a justified line aims at before it is scaled to the width.
pub const TARGET_HEIGHT: f64 = 180.0;
/// A photo whose size is not known yet (not loaded, or not measured) counts as this.
pub const DEFAULT_ASPECT: f64 = 4.0 / 3.0;
/// The last line of a group is not stretched; a line of a few panoramas is not either beyond this.
const MAX_STRETCH: f64 = 1.5;

#[derive(Clone, Debug, PartialEq)]
pub struct DayBlock {
    pub month: usize,
    pub year: i32,
    pub month_number: u8,
    pub day: u8,
    pub count: u32,
    /// Index of the day's first item within its month (items come newest first).
    pub first: u32,
    /// Virtual y of the line holding the day's first item (its date band).
    pub top: f64,
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

/// One photo's place in a line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tile {
    pub day: usize,
    /// Index within the day.
    pub index: u32,
    pub x: f64,
    pub width: f64,
}

/// A day's date over its first photo in a line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Label {
    pub day: usize,
    pub x: f64,
    /// Up to the next label or the line's end.
    pub width: f64,
}

/// A line of photos, or `repeat` identical lines of one day's not-yet-loaded photos.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub top: f64,
    /// Height of the date band over the photos: 0 when no day starts here.
    pub band: f64,
    /// Height of the photos.
    pub height: f64,
    pub repeat: u32,
    /// Of the first line; line `r` of a run shows the photos `r × tiles.len()` further on.
    pub tiles: Vec<Tile>,
    pub labels: Vec<Label>,
    /// The save-status group the line opens (`sort=status`), over its band.
    pub section: Option<Badge>,
}

impl Line {
    /// From the top of one line of the run to the next.
    pub fn pitch(&self) -> f64 {
        self.band + self.height + GAP
    }

    fn bottom(&self) -> f64 {
        self.top + self.pitch() * f64::from(self.repeat)
    }

    /// The photos of line `r` of the run.
    pub fn tiles_of(&self, r: u32) -> impl Iterator<Item = Tile> + '_ {
        let shift = r * self.tiles.len() as u32;
        self.tiles.iter().map(move |t| Tile {
            index: t.index + shift,
            ..*t
        })
    }
}

/// One element the grid renders: line `repeat` of `lines[line]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Block {
    pub line: usize,
    pub repeat: u32,
    pub top: f64,
    /// The same for the same photos in the same place, so the grid keeps (and does not rebuild)
    /// what it has rendered across scrolling and across a relayout that left the line alone.
    pub key: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The phone's square grid (`false`: justified lines).
    pub square: bool,
    pub width: f64,
    pub days: Vec<DayBlock>,
    pub months: Vec<MonthBlock>,
    pub lines: Vec<Line>,
    /// Virtual height of everything.
    pub height: f64,
}

/// The sizes known so far: for each loaded month, the aspect ratio (width / height) of its
/// first items, in timeline order; `None` for an item not measured yet.
pub type Known = HashMap<usize, Vec<Option<f64>>>;

impl Layout {
    pub fn new(timeline: &Timeline, width: f64, known: &Known) -> Self {
        let square = width < PHONE_WIDTH;
        let mut builder = Builder::new(width, square);
        let mut months = Vec::with_capacity(timeline.months.len());
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
                top: 0.0,
                first_day: builder.days.len(),
            });
            let aspects = known.get(&index).map_or(&[][..], Vec::as_slice);
            let mut first = 0;
            let mut section = (month.status != group).then_some(month.status).flatten();
            group = month.status;
            for day in &month.days {
                builder.day(
                    DayBlock {
                        month: index,
                        year,
                        month_number: number,
                        day: day.day,
                        count: day.count,
                        first,
                        top: 0.0,
                        section: section.take(),
                    },
                    aspects.get(first as usize..).unwrap_or(&[]),
                );
                first += day.count;
            }
        }
        builder.close(false);
        for month in &mut months {
            month.top = builder
                .days
                .get(month.first_day)
                .map_or(builder.top, |d| d.top);
        }
        Self {
            square,
            width,
            days: builder.days,
            months,
            lines: builder.lines,
            height: builder.top,
        }
    }

    /// The line (index) holding virtual y (the last one past the end).
    pub fn line_at(&self, y: f64) -> usize {
        self.lines.partition_point(|l| l.top <= y).saturating_sub(1)
    }

    /// The date to keep in sight at virtual y: the day of the first photo of the line there,
    /// or `None` while that line's own date band is in view.
    pub fn sticky_day(&self, y: f64) -> Option<usize> {
        let line = self.lines.get(self.line_at(y))?;
        let r = ((y - line.top) / line.pitch())
            .floor()
            .clamp(0.0, f64::from(line.repeat - 1));
        let offset = y - line.top - r * line.pitch();
        (line.band == 0.0 || offset > line.band / 2.0)
            .then(|| line.tiles.first().map(|t| t.day))
            .flatten()
    }

    /// The month whose block holds virtual y.
    pub fn month_at(&self, y: f64) -> usize {
        self.months
            .partition_point(|m| m.top <= y)
            .saturating_sub(1)
    }

    /// The month a year older (`older`) or newer than month `from`: the first one at least
    /// twelve calendar months away, or the end of the timeline (months run newest first).
    pub fn month_a_year_from(&self, from: usize, older: bool) -> usize {
        let value = |m: &MonthBlock| m.year * 12 + i32::from(m.number);
        let Some(now) = self.months.get(from).map(value) else {
            return 0;
        };
        if older {
            let at = self.months.partition_point(|m| value(m) > now - 12);
            at.min(self.months.len() - 1)
        } else {
            self.months
                .partition_point(|m| value(m) >= now + 12)
                .saturating_sub(1)
        }
    }

    /// The lines that intersect `from..to`, top to bottom.
    pub fn blocks(&self, from: f64, to: f64) -> Vec<Block> {
        let mut out = Vec::new();
        for (index, line) in self.lines.iter().enumerate().skip(self.line_at(from)) {
            if line.top >= to {
                break;
            }
            let pitch = line.pitch();
            let first = (((from - line.top) / pitch).floor().max(0.0) as u32).min(line.repeat);
            for repeat in first..line.repeat {
                let top = line.top + f64::from(repeat) * pitch;
                if top >= to {
                    break;
                }
                let first = line.tiles_of(repeat).next();
                let key = [
                    top.to_bits(),
                    line.height.to_bits(),
                    line.band.to_bits(),
                    line.tiles.len() as u64,
                    first.map_or(0, |t| (t.day as u64) << 32 | u64::from(t.index)),
                ]
                .iter()
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, v| {
                    (h ^ v).wrapping_mul(0x0100_0000_01b3)
                });
                out.push(Block {
                    line: index,
                    repeat,
                    top,
                    key,
                });
            }
        }
        out
    }

    #[cfg(test)]
    /// How much of the width the photos of each line cover (gaps count as covered), runs
    /// counted once per line: 1.0 for a perfectly justified timeline.
    pub fn fill(&self) -> f64 {
        let (mut covered, mut lines) = (0.0, 0.0);
        for line in &self.lines {
            let right = line.tiles.last().map_or(0.0, |t| t.x + t.width);
            covered += right / self.width * f64::from(line.repeat);
            lines += f64::from(line.repeat);
        }
        if lines > 0.0 { covered / lines } else { 1.0 }
    }
}

/// Places photos into lines one by one, as a person reading the timeline meets them.
struct Builder {
    width: f64,
    square: bool,
    /// The phone's tile side, or the justified lines' target height.
    target: f64,
    /// Photos in a full line of not-yet-loaded photos.
    uniform: usize,
    top: f64,
    days: Vec<DayBlock>,
    lines: Vec<Line>,
    /// The line being filled: (day, index, aspect) of each photo and where each day starts.
    pending: Vec<(usize, u32, f64)>,
    gaps: f64,
    starts: Vec<usize>,
    section: Option<Badge>,
}

impl Builder {
    fn new(width: f64, square: bool) -> Self {
        let columns = 4.0;
        let target = if square {
            ((width - GAP * (columns - 1.0)) / columns).max(1.0)
        } else {
            TARGET_HEIGHT
        };
        let mut builder = Self {
            width: width.max(1.0),
            square,
            target,
            uniform: 1,
            top: 0.0,
            days: Vec::new(),
            lines: Vec::new(),
            pending: Vec::new(),
            gaps: 0.0,
            starts: Vec::new(),
            section: None,
        };
        builder.uniform = if square {
            4
        } else {
            // As the greedy rule below would fill a line of unknown photos.
            let mut n = 1;
            loop {
                let (sum, gaps) = (n as f64 * DEFAULT_ASPECT, GAP * (n - 1) as f64);
                match builder.closes_before(sum, DEFAULT_ASPECT, gaps, GAP) {
                    None => n += 1,
                    Some(true) => break n,
                    Some(false) => break n + 1,
                }
            }
        };
        builder
    }

    fn day(&mut self, day: DayBlock, known: &[Option<f64>]) {
        if self.square || day.section.is_some() {
            self.close(false);
        }
        if day.section.is_some() {
            self.section = day.section;
        }
        let index = self.days.len();
        let count = day.count;
        self.days.push(day);
        let mut i = 0;
        while i < count {
            let aspect = match known.get(i as usize) {
                Some(a) => a.unwrap_or(DEFAULT_ASPECT),
                None => {
                    // The rest of the day is not loaded: whole lines of it in one run, from
                    // a line that holds nothing else (or only the day's previous such photo).
                    let start = match self.pending.as_slice() {
                        [] => Some(i),
                        [(d, at, a)] if *d == index && *at + 1 == i && *a == DEFAULT_ASPECT => {
                            Some(*at)
                        }
                        _ => None,
                    };
                    if let Some(start) = start.filter(|&s| s > 0)
                        && (count - start) as usize > self.uniform
                    {
                        let repeat = ((count - start) as usize - 1) / self.uniform;
                        self.pending.clear();
                        self.gaps = 0.0;
                        self.run(index, start, repeat as u32);
                        i = start + (repeat * self.uniform) as u32;
                        continue;
                    }
                    DEFAULT_ASPECT
                }
            };
            self.place(index, i, aspect);
            i += 1;
        }
    }

    /// `Some(true)` if a line of `sum` aspect (with `gaps`) must close before a photo of
    /// `aspect` joins it, `Some(false)` if it closes right after it joins, `None` if it has room.
    fn closes_before(&self, sum: f64, aspect: f64, gaps: f64, gap: f64) -> Option<bool> {
        if self.square {
            return (sum >= 4.0).then_some(true);
        }
        if (sum + aspect) * self.target + gaps + gap <= self.width {
            return None;
        }
        if sum == 0.0 {
            return Some(false);
        }
        // Whichever height is closer to the target, as a ratio.
        let with = ((self.width - gaps - gap) / (sum + aspect)).min(self.target * MAX_STRETCH);
        let without = (self.width - gaps) / sum;
        Some(without / self.target <= self.target / with)
    }

    fn place(&mut self, day: usize, index: u32, aspect: f64) {
        let aspect = if self.square {
            1.0
        } else {
            aspect.clamp(0.2, 6.0)
        };
        let starts = index == 0;
        let gap = match (self.pending.is_empty(), starts) {
            (true, _) => 0.0,
            (false, true) => DAY_GAP,
            (false, false) => GAP,
        };
        let sum: f64 = self.pending.iter().map(|p| p.2).sum();
        match self.closes_before(sum, aspect, self.gaps, gap) {
            Some(true) => {
                self.close(true);
                self.push(day, index, aspect, 0.0);
            }
            Some(false) => {
                self.push(day, index, aspect, gap);
                self.close(true);
            }
            None => self.push(day, index, aspect, gap),
        }
        if self.square && self.pending.len() == 4 {
            self.close(false);
        }
    }

    fn push(&mut self, day: usize, index: u32, aspect: f64, gap: f64) {
        if index == 0 {
            self.starts.push(self.pending.len());
        }
        self.gaps += gap;
        self.pending.push((day, index, aspect));
    }

    /// Ends the line being filled; `justify` scales it to the width.
    fn close(&mut self, justify: bool) {
        if self.pending.is_empty() {
            return;
        }
        let sum: f64 = self.pending.iter().map(|p| p.2).sum();
        let height = if self.square {
            self.target
        } else if justify {
            ((self.width - self.gaps) / sum).min(self.target * MAX_STRETCH)
        } else {
            self.target
        };
        let mut tiles = Vec::with_capacity(self.pending.len());
        let mut x = 0.0;
        for (n, &(day, index, aspect)) in self.pending.iter().enumerate() {
            if n > 0 {
                x += if self.starts.contains(&n) {
                    DAY_GAP
                } else {
                    GAP
                };
            }
            let width = if self.square {
                self.target
            } else {
                aspect * height
            };
            tiles.push(Tile {
                day,
                index,
                x,
                width,
            });
            x += width;
        }
        let labels: Vec<Label> = self
            .starts
            .iter()
            .enumerate()
            .map(|(n, &at)| {
                let end = self
                    .starts
                    .get(n + 1)
                    .map_or(self.width, |&next| tiles[next].x - DAY_GAP);
                Label {
                    day: tiles[at].day,
                    x: tiles[at].x,
                    width: end - tiles[at].x,
                }
            })
            .collect();
        for label in &labels {
            self.days[label.day].top = self.top;
        }
        let section = self.section.take();
        let band = match (labels.is_empty(), section.is_some()) {
            (true, _) => 0.0,
            (false, false) => HEADER,
            (false, true) => HEADER + SECTION,
        };
        self.push_line(Line {
            top: self.top,
            band,
            height,
            repeat: 1,
            tiles,
            labels,
            section,
        });
        self.pending.clear();
        self.starts.clear();
        self.gaps = 0.0;
    }

    /// `repeat` full lines of not-yet-loaded photos of one day, from its photo `index`.
    fn run(&mut self, day: usize, index: u32, repeat: u32) {
        let n = self.uniform;
        let (height, width) = if self.square {
            (self.target, self.target)
        } else {
            let height = ((self.width - GAP * (n - 1) as f64) / (n as f64 * DEFAULT_ASPECT))
                .min(self.target * MAX_STRETCH);
            (height, height * DEFAULT_ASPECT)
        };
        let tiles = (0..n)
            .map(|k| Tile {
                day,
                index: index + k as u32,
                x: k as f64 * (width + GAP),
                width,
            })
            .collect();
        self.push_line(Line {
            top: self.top,
            band: 0.0,
            height,
            repeat,
            tiles,
            labels: Vec::new(),
            section: None,
        });
    }

    fn push_line(&mut self, line: Line) {
        self.top = line.bottom();
        self.lines.push(line);
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

#[cfg(test)]
mod tests {
    use hako_protocol::{TimelineDay, TimelineMonth};

    use super::*;

    /// Like the demo library: a few photos a day on a few days a month, over years.
    fn timeline(months: usize, days: &[u32]) -> Timeline {
        Timeline {
            total: (months as u64) * days.iter().map(|&c| u64::from(c)).sum::<u64>(),
            months: (0..months)
                .map(|m| TimelineMonth {
                    month: format!("{:04}-{:02}", 2024 - m / 12, 12 - m % 12),
                    status: None,
                    count: days.iter().sum(),
                    days: days
                        .iter()
                        .enumerate()
                        .map(|(d, &count)| TimelineDay {
                            day: 28 - d as u8,
                            count,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn all_tiles(layout: &Layout) -> Vec<(Tile, f64)> {
        layout
            .lines
            .iter()
            .flat_map(|l| {
                (0..l.repeat).flat_map(move |r| l.tiles_of(r).map(move |t| (t, l.height)))
            })
            .collect()
    }

    #[test]
    fn pc_lines_are_filled_and_keep_every_aspect_ratio() {
        let t = timeline(24, &[1, 3, 2, 1]);
        // Portraits, landscapes and a panorama, all loaded.
        let aspects = [0.75, 4.0 / 3.0, 1.0, 16.0 / 9.0, 0.75, 3.5, 4.0 / 3.0];
        let known: Known = (0..24)
            .map(|m| {
                (
                    m,
                    (0..7)
                        .map(|i| Some(aspects[(i + m) % aspects.len()]))
                        .collect(),
                )
            })
            .collect();
        for width in [1280.0, 1920.0] {
            let layout = Layout::new(&t, width, &known);
            assert!(!layout.square);
            assert!(layout.fill() >= 0.95, "{width}: fill {}", layout.fill());
            for line in &layout.lines {
                let right = line.tiles.last().unwrap().x + line.tiles.last().unwrap().width;
                assert!(right <= width + 0.01, "{line:?} overflows");
            }
            // Each known photo's tile has the photo's own ratio.
            let mut checked = 0;
            for (tile, height) in all_tiles(&layout) {
                let day = &layout.days[tile.day];
                let i = (day.first + tile.index) as usize;
                let want = aspects[(i + day.month) % aspects.len()];
                assert!((tile.width / height - want).abs() < 1e-9, "{tile:?}");
                checked += 1;
            }
            assert_eq!(checked, 24 * 7);
        }
    }

    #[test]
    fn days_share_lines_and_every_day_is_labelled_once() {
        let t = timeline(12, &[1, 3, 2, 1]);
        let layout = Layout::new(&t, 1280.0, &Known::new());
        let labels: Vec<usize> = layout
            .lines
            .iter()
            .flat_map(|l| l.labels.iter().map(|l| l.day))
            .collect();
        assert_eq!(labels, (0..layout.days.len()).collect::<Vec<_>>());
        assert!(
            layout.lines.len() < layout.days.len() / 2,
            "{} lines",
            layout.lines.len()
        );
        for (index, day) in layout.days.iter().enumerate() {
            let line = &layout.lines[layout.line_at(day.top)];
            assert!(line.labels.iter().any(|l| l.day == index));
        }
    }

    #[test]
    fn unloaded_stretches_are_runs_that_match_photo_by_photo_placement() {
        let t = timeline(3, &[500, 7, 1]);
        let estimated = Layout::new(&t, 1280.0, &Known::new());
        // The same photos all "known" at the default ratio: walked one by one, no runs.
        let known: Known = (0..3)
            .map(|m| (m, vec![Some(DEFAULT_ASPECT); 508]))
            .collect();
        let walked = Layout::new(&t, 1280.0, &known);
        assert!(estimated.lines.len() < walked.lines.len() / 10);
        assert!((estimated.height - walked.height).abs() < 1e-6);
        let tiles = |l: &Layout| {
            all_tiles(l)
                .iter()
                .map(|(t, _)| (t.day, t.index))
                .collect::<Vec<_>>()
        };
        assert_eq!(tiles(&estimated), tiles(&walked));
        assert_eq!(tiles(&estimated).len(), 3 * 508);
    }

    #[test]
    fn phones_keep_four_squares_and_a_block_per_day() {
        let t = timeline(2, &[5, 1, 9]);
        let layout = Layout::new(&t, 390.0, &Known::new());
        assert!(layout.square);
        let counts: Vec<(usize, usize, u32)> = layout
            .lines
            .iter()
            .map(|l| (l.tiles.len(), l.labels.len(), l.repeat))
            .collect();
        // Day of 5: a labelled 4 and a 1; day of 1; day of 9: a labelled 4, a run, a 1.
        assert_eq!(
            counts,
            [
                (4, 1, 1),
                (1, 0, 1),
                (1, 1, 1),
                (4, 1, 1),
                (4, 0, 1),
                (1, 0, 1)
            ]
            .repeat(2)
        );
        for (tile, height) in all_tiles(&layout) {
            assert_eq!(tile.width, height);
        }
    }

    #[test]
    fn a_page_is_a_calendar_year_however_many_months_have_photos() {
        let mut t = timeline(1, &[1]);
        t.months = ["2024-06", "2020-03", "2020-01", "2019-06", "2019-01"]
            .iter()
            .map(|m| TimelineMonth {
                month: (*m).to_owned(),
                ..t.months[0].clone()
            })
            .collect();
        let layout = Layout::new(&t, 1280.0, &Known::new());
        let key = |i: usize| layout.months[i].key.as_str();
        // From 2019年1月 a year newer is 2020年1月, not the next months with photos.
        assert_eq!(key(layout.month_a_year_from(4, false)), "2020-01");
        assert_eq!(key(layout.month_a_year_from(2, false)), "2024-06");
        assert_eq!(key(layout.month_a_year_from(0, false)), "2024-06");
        assert_eq!(key(layout.month_a_year_from(0, true)), "2020-03");
        assert_eq!(key(layout.month_a_year_from(1, true)), "2019-01");
        assert_eq!(key(layout.month_a_year_from(4, true)), "2019-01");
    }

    #[test]
    fn the_date_in_sight_follows_the_lines() {
        let t = timeline(2, &[1, 1, 30]);
        let layout = Layout::new(&t, 1280.0, &Known::new());
        // At a date band, the band names the days; past it, the first photo's day is named.
        assert_eq!(layout.sticky_day(0.0), None);
        let first = &layout.lines[0];
        assert_eq!(layout.sticky_day(first.band + 1.0), Some(0));
        let second = &layout.lines[1];
        assert_eq!(
            layout.sticky_day(second.top + second.band + 1.0),
            Some(second.tiles[0].day)
        );
        assert_eq!(
            layout.sticky_day(layout.height - 1.0),
            Some(layout.days.len() - 1)
        );
        for (n, month) in layout.months.iter().enumerate() {
            assert_eq!(layout.month_at(month.top + 1.0), n);
        }
    }
}
