//! How much of a batch is on its way at once, for `pail cp` and the window's Transfers queue
//! alike: files admitted by count and by size (many small files together, a few large ones),
//! and the parts or ranges of one large file, more of them when the server is far away. The
//! count of files at once halves when the server asks to slow down, and grows back as files go
//! through (`throttle::Pace`).
//!
//! Why: where the server is 20–80 ms away, a small file costs a round trip whatever its size,
//! so only many at once fill the link; a large file's parts each wait out round trips too, so
//! the parts in flight grow with the round trip measured on the file's first request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::throttle::Pace;
use super::transfer::{BatchPlace, TransferControl};

/// Large files at once unless the person sets otherwise (the window's Transfers setting).
pub(crate) const LARGE_FILES_AT_ONCE: usize = 4;

/// Threads for file work (reads, writes, fsync) of a runtime that transfers. Tokio's default
/// (512) lets a busy batch start dozens, and each thread's malloc arena keeps what it once
/// held: a batch of 200 files of 5 MiB peaked at 176 MB instead of 50.
pub(crate) const FILE_THREADS: usize = 16;

const KIB: u64 = 1024;
/// What one file weighs at most: a file this large or larger counts as one "large file".
const LARGE_FILE: u64 = 32 * 1024 * KIB;
/// What one file weighs at least: a tiny file still holds a request, a connection, buffers.
const SMALLEST_WEIGHT: u64 = 256 * KIB;
/// Files of any size at once, per large file allowed: 16 small files in place of each.
const FILES_PER_LARGE: usize = 16;

/// Admits files by count and by weight (their size between [`SMALLEST_WEIGHT`] and
/// [`LARGE_FILE`]): `large_at_once` large files, or up to 16 times as many small ones.
#[derive(Debug, Clone)]
pub(crate) struct FileSlots {
    count: Arc<Semaphore>,
    /// Weight in KiB.
    weight: Arc<Semaphore>,
    large_at_once: Arc<std::sync::atomic::AtomicUsize>,
    /// The count as throttling allows; `count` holds as many permits, once those owed are paid.
    paced: Arc<Mutex<Paced>>,
    /// Files waiting aside to send a throttled request again: no new file starts meanwhile.
    aside: Arc<Aside>,
}

/// The count of files waiting aside, and a wake for files waiting to start once it is 0.
#[derive(Debug, Default)]
struct Aside {
    count: std::sync::atomic::AtomicUsize,
    none: tokio::sync::Notify,
}

impl Aside {
    fn came_back(&self) {
        if self.count.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            self.none.notify_waiters();
        }
    }

    /// Waits until no file is aside.
    async fn none_left(&self) {
        loop {
            let none = self.none.notified();
            if self.count.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                return;
            }
            none.await;
        }
    }
}

#[derive(Debug)]
struct Paced {
    pace: Pace,
    /// Count permits taken back while files held them: forgotten as those files end.
    owed: usize,
}

impl Paced {
    /// Moves `count`'s permits from `before` files at once to what the pace allows now.
    fn follow(&mut self, count: &Semaphore, before: usize) {
        let now = self.pace.now();
        if now < before {
            let take = before - now;
            self.owed += take - count.forget_permits(take);
        } else {
            let give = now - before;
            let paid = give.min(self.owed);
            self.owed -= paid;
            count.add_permits(give - paid);
        }
    }
}

/// A file's place in the batch; the next file may start once it is dropped. Dropped, it tells
/// the pace whether the server asked the file's requests to slow down.
#[derive(Debug)]
pub(crate) struct FileSlot {
    place: Arc<CountPlace>,
    _weight: OwnedSemaphorePermit,
}

/// The count's part of a file's place: given up while the file waits to send a throttled
/// request again, and taken again after ([`BatchPlace`]).
#[derive(Debug)]
struct CountPlace {
    count: Arc<Semaphore>,
    paced: Arc<Mutex<Paced>>,
    aside: Arc<Aside>,
    held: Mutex<Held>,
    control: Mutex<Option<TransferControl>>,
}

#[derive(Debug)]
struct Held {
    permit: Option<OwnedSemaphorePermit>,
    /// The pace's round when the file was admitted (or took its place again).
    round: u64,
    /// The file's throttles by then: only later ones count against that round.
    throttles: u64,
    /// The file has ended: a place taken now would never be given back.
    ended: bool,
    /// The file waits aside (counted in [`Aside`]).
    aside: bool,
}

impl CountPlace {
    /// Gives the count's permit back (or forgets it, when the pace took permits back), telling
    /// the pace whether the file was throttled since it took its place.
    fn release(&self, throttled: Option<bool>) {
        let Some((permit, round)) = self
            .held
            .lock()
            .ok()
            .and_then(|mut h| Some((h.permit.take()?, h.round)))
        else {
            return;
        };
        let Ok(mut paced) = self.paced.lock() else {
            return;
        };
        if let Some(throttled) = throttled {
            let before = paced.pace.now();
            paced.pace.file_ended(round, throttled);
            paced.follow(&self.count, before);
        }
        if paced.owed > 0 {
            paced.owed -= 1;
            permit.forget();
        }
    }

    /// What the control says of the file now: throttled since it took its place, or `None`
    /// once it was cancelled or when nobody watches it.
    fn throttled_since(&self) -> Option<bool> {
        let control = self.control.lock().ok()?.clone()?;
        let since = self.held.lock().map_or(0, |h| h.throttles);
        (!control.is_cancelled()).then(|| control.throttles() > since)
    }
}

impl CountPlace {
    /// The file is no longer aside (it took its place again, or ended).
    fn back(&self) {
        let was_aside = self
            .held
            .lock()
            .is_ok_and(|mut h| std::mem::take(&mut h.aside));
        if was_aside {
            self.aside.came_back();
        }
    }
}

impl BatchPlace for CountPlace {
    fn give_up(&self) {
        if let Ok(mut held) = self.held.lock()
            && held.permit.is_some()
            && !held.aside
        {
            held.aside = true;
            self.aside
                .count
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        self.release(self.throttled_since().map(|_| true));
    }

    fn take_again(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            let Ok(permit) = self.count.clone().acquire_owned().await else {
                return;
            };
            let round = self.paced.lock().map_or(0, |p| p.pace.round());
            let throttles = self
                .control
                .lock()
                .ok()
                .and_then(|c| c.as_ref().map(TransferControl::throttles))
                .unwrap_or(0);
            if let Ok(mut held) = self.held.lock()
                && !held.ended
            {
                *held = Held {
                    permit: Some(permit),
                    round,
                    throttles,
                    ended: false,
                    aside: held.aside,
                };
            }
            self.back();
        })
    }
}

impl FileSlot {
    /// Watches `control`, the file's, for throttles; the file gives up its place through it
    /// while a throttled request waits.
    pub(crate) fn watching(self, control: &TransferControl) -> Self {
        if let Ok(mut watched) = self.place.control.lock() {
            *watched = Some(control.clone());
        }
        control.hold_place(self.place.clone());
        self
    }
}

impl Drop for FileSlot {
    fn drop(&mut self) {
        self.place.release(self.place.throttled_since());
        if let Ok(mut held) = self.place.held.lock() {
            held.ended = true;
        }
        self.place.back();
        // The control may outlive the batch (the window keeps it); the two no longer hold
        // each other.
        if let Ok(mut watched) = self.place.control.lock() {
            watched.take();
        }
    }
}

impl FileSlots {
    pub(crate) fn new(large_at_once: usize) -> Self {
        let large = large_at_once.max(1);
        let paced = Paced {
            pace: Pace::new(large * FILES_PER_LARGE),
            owed: 0,
        };
        Self {
            count: Arc::new(Semaphore::new(large * FILES_PER_LARGE)),
            weight: Arc::new(Semaphore::new(large * (LARGE_FILE / KIB) as usize)),
            large_at_once: Arc::new(large.into()),
            paced: Arc::new(Mutex::new(paced)),
            aside: Arc::default(),
        }
    }

    /// Waits until a file of `size` bytes may start; `None` once the slots are closed.
    pub(crate) async fn admit(&self, size: u64) -> Option<FileSlot> {
        let weight = size.clamp(SMALLEST_WEIGHT, LARGE_FILE) / KIB;
        // Files the server throttled go again first, at the batch's pace: a new file started
        // while they wait would only be refused beside them.
        self.aside.none_left().await;
        let count = self.count.clone().acquire_owned().await.ok()?;
        let weight = self
            .weight
            .clone()
            .acquire_many_owned(weight as u32)
            .await
            .ok()?;
        let round = self.paced.lock().map_or(0, |p| p.pace.round());
        let place = CountPlace {
            count: self.count.clone(),
            paced: self.paced.clone(),
            held: Mutex::new(Held {
                permit: Some(count),
                round,
                throttles: 0,
                ended: false,
                aside: false,
            }),
            aside: self.aside.clone(),
            control: Mutex::new(None),
        };
        Some(FileSlot {
            place: Arc::new(place),
            _weight: weight,
        })
    }

    /// The Transfers setting changed: `large` large files at once from now on (files running
    /// finish; fewer start until the batch is within the new limit).
    pub(crate) fn set_large_at_once(&self, large: usize) {
        use std::sync::atomic::Ordering;
        let large = large.max(1);
        let before = self.large_at_once.swap(large, Ordering::Relaxed);
        let per_large = (LARGE_FILE / KIB) as usize;
        if let Ok(mut paced) = self.paced.lock() {
            let now = paced.pace.now();
            paced.pace.set_most(large * FILES_PER_LARGE);
            paced.follow(&self.count, now);
        }
        if large > before {
            self.weight.add_permits((large - before) * per_large);
        } else {
            // Permits held by running files come back later; forget what is free now, and
            // the rest as it returns (forget_permits takes no more than is free).
            let mut weight = (before - large) * per_large;
            weight -= self.weight.forget_permits(weight);
            if weight > 0 {
                let weights = self.weight.clone();
                tokio::spawn(async move {
                    if let Ok(p) = weights.acquire_many_owned(weight as u32).await {
                        p.forget();
                    }
                });
            }
        }
    }
}

/// Parts (uploads) or ranges (downloads) of one large file in flight, for the round trip its
/// first request took: `at_least` on a near server, one more for every `every` of round trip,
/// at most 24 (for uploads, a link 80 ms away each way has its parts' round trips covered). Downloads take
/// one more every 2.5 ms: at one every 5 ms a 1 GiB download 20 ms away ran at 83% of its rate
/// 0 ms away (16 ranges, each held to what one connection's window moves in a round trip);
/// uploads, bound by the disk and the server beside them here, showed no gain from more.
pub(crate) fn parts_in_flight(round_trip: Duration, at_least: usize, every: Duration) -> usize {
    let extra = (round_trip.as_micros() / every.as_micros().max(1)) as usize;
    (at_least + extra).clamp(at_least, 24.max(at_least))
}

/// How a large object is split into ranges to fetch: ranges of `part` bytes, except that when
/// there are more of them than go at once, the first `staggered` (one for each range in flight)
/// grow from `part / staggered` to `part`. Ranges that share a link evenly and start together
/// also end together, and each then waits a round trip for its next range's first byte: the
/// link idles once per wave. Staggered first ranges end one after another, and so do the
/// ranges that follow them, so a round trip is waited out by one range while the others move.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RangePlan {
    size: u64,
    part: u64,
    staggered: u64,
}

impl RangePlan {
    /// Ranges of `size` bytes for `in_flight` ranges at once.
    pub(crate) fn new(size: u64, part: u64, in_flight: usize) -> Self {
        let part = part.max(1);
        let in_flight = in_flight as u64;
        let staggered = if size.div_ceil(part) > in_flight && in_flight > 1 {
            in_flight
        } else {
            0
        };
        Self {
            size,
            part,
            staggered,
        }
    }

    /// Where range `i` starts, before it is held within the object.
    fn start_unclamped(&self, i: u64) -> u64 {
        let n = self.staggered;
        if i <= n {
            // The first ranges grow by part / n: range k holds (k + 1) of those.
            self.part.saturating_mul(i * (i + 1) / 2) / n.max(1)
        } else {
            self.start_unclamped(n)
                .saturating_add((i - n).saturating_mul(self.part))
        }
    }

    /// How many ranges there are.
    pub(crate) fn count(&self) -> u64 {
        // Staggered ranges (if any) hold less than the object, as `new` chose them.
        let first = self.start_unclamped(self.staggered);
        self.staggered + self.size.saturating_sub(first).div_ceil(self.part)
    }

    /// Range `i`: `[start, end)`.
    pub(crate) fn range(&self, i: u64) -> (u64, u64) {
        let start = self.start_unclamped(i).min(self.size);
        let end = self.start_unclamped(i.saturating_add(1)).min(self.size);
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_object_once_the_first_ones_growing() {
        const MIB: u64 = 1024 * 1024;
        for (size, in_flight) in [
            (256 * MIB, 24),
            (1024 * MIB, 8),
            (100 * MIB, 24),
            (8 * MIB * 24 + 1, 24),
            (17 * MIB, 4),
            (5 * MIB + 3, 1),
            (1 << 40, 24),
        ] {
            let plan = RangePlan::new(size, 8 * MIB, in_flight);
            let mut at = 0;
            for i in 0..plan.count() {
                let (start, end) = plan.range(i);
                assert_eq!(start, at, "{size} {in_flight} range {i}");
                assert!(
                    end > start && end - start <= 8 * MIB,
                    "{size} {in_flight} {i}"
                );
                at = end;
            }
            assert_eq!(at, size, "{size} {in_flight}");
        }
        // More ranges than go at once: the first ones end one after another.
        let plan = RangePlan::new(256 * MIB, 8 * MIB, 24);
        let lengths: Vec<u64> = (0..24).map(|i| plan.range(i).1 - plan.range(i).0).collect();
        assert!(lengths.windows(2).all(|w| w[0] < w[1]), "{lengths:?}");
        assert_eq!(plan.range(24).1 - plan.range(24).0, 8 * MIB);
        // No more than go at once: even ranges, all in one wave.
        let plan = RangePlan::new(100 * MIB, 8 * MIB, 24);
        assert_eq!(plan.count(), 13);
        assert_eq!(plan.range(0), (0, 8 * MIB));
    }

    #[tokio::test]
    async fn small_files_go_many_at_once_and_large_ones_a_few() {
        let slots = FileSlots::new(2);
        let mut small = Vec::new();
        while let Ok(Some(slot)) =
            tokio::time::timeout(Duration::from_millis(20), slots.admit(10 * KIB)).await
        {
            small.push(slot);
        }
        assert_eq!(
            small.len(),
            2 * FILES_PER_LARGE,
            "the count bounds tiny files"
        );
        drop(small);
        let mut large = Vec::new();
        while let Ok(Some(slot)) =
            tokio::time::timeout(Duration::from_millis(20), slots.admit(1 << 30)).await
        {
            large.push(slot);
        }
        assert_eq!(large.len(), 2, "the weight bounds large files");
    }

    #[tokio::test]
    async fn a_lower_setting_holds_new_files_until_the_running_ones_end() {
        let slots = FileSlots::new(2);
        let first = slots.admit(1 << 30).await;
        let second = slots.admit(1 << 30).await;
        slots.set_large_at_once(1);
        // The setting takes back what is held as it returns: let it start waiting first.
        tokio::task::yield_now().await;
        drop(first);
        let waited = tokio::time::timeout(Duration::from_millis(50), slots.admit(1 << 30)).await;
        assert!(waited.is_err(), "one large file runs: no other may start");
        drop(second);
        let admitted = tokio::time::timeout(Duration::from_millis(500), slots.admit(1 << 30)).await;
        assert!(matches!(admitted, Ok(Some(_))));
        slots.set_large_at_once(3);
        let more = tokio::time::timeout(Duration::from_millis(500), slots.admit(1 << 30)).await;
        assert!(
            matches!(more, Ok(Some(_))),
            "a higher setting lets more start"
        );
    }

    /// Files admitted until none more may start.
    async fn admit_all(slots: &FileSlots) -> Vec<FileSlot> {
        let mut admitted = Vec::new();
        while let Ok(Some(slot)) =
            tokio::time::timeout(Duration::from_millis(20), slots.admit(10 * KIB)).await
        {
            admitted.push(slot);
        }
        admitted
    }

    /// Files throttled together give up their places while they wait: they come back at the
    /// halved count, not all at once, and a new file waits its turn behind them.
    #[tokio::test]
    async fn throttled_files_wait_aside_and_come_back_at_the_new_count() {
        let slots = FileSlots::new(1);
        let files: Vec<(TransferControl, FileSlot)> = admit_all(&slots)
            .await
            .into_iter()
            .map(|slot| {
                let control = TransferControl::default();
                let slot = slot.watching(&control);
                (control, slot)
            })
            .collect();
        assert_eq!(files.len(), FILES_PER_LARGE);
        let places: Vec<Arc<dyn BatchPlace>> = files
            .iter()
            .map(|(control, _)| {
                control.note_throttle();
                control.place().unwrap()
            })
            .collect();
        for place in &places {
            place.give_up();
        }
        let mut back = 0;
        for place in &places {
            if tokio::time::timeout(Duration::from_millis(20), place.take_again())
                .await
                .is_ok()
            {
                back += 1;
            }
        }
        assert_eq!(back, FILES_PER_LARGE / 2, "back at the halved count");
        assert!(admit_all(&slots).await.is_empty(), "a new file waits");
        drop(files);
    }

    /// No new file starts while a throttled file waits aside, though the count has room: it
    /// would be refused beside it (a burst of refusals started every file of the batch).
    #[tokio::test]
    async fn no_new_file_starts_while_one_waits_aside() {
        let slots = FileSlots::new(1);
        let control = TransferControl::default();
        let slot = slots.admit(10 * KIB).await.unwrap().watching(&control);
        control.note_throttle();
        let place = control.place().unwrap();
        place.give_up();
        let waited = tokio::time::timeout(Duration::from_millis(50), slots.admit(10 * KIB)).await;
        assert!(waited.is_err(), "a new file started while one was aside");
        place.take_again().await;
        let started = tokio::time::timeout(Duration::from_millis(500), slots.admit(10 * KIB)).await;
        assert!(matches!(started, Ok(Some(_))), "and starts once it is back");
        drop(slot);
    }

    #[tokio::test]
    async fn a_throttled_file_halves_the_files_at_once_and_files_through_grow_it_back() {
        let slots = FileSlots::new(1);
        let throttled = TransferControl::default();
        throttled.note_throttle();
        let mut first = admit_all(&slots).await;
        assert_eq!(first.len(), FILES_PER_LARGE);
        // Every file of the round throttled: the count halves once, not once per file.
        let watched: Vec<FileSlot> = first.drain(..).map(|s| s.watching(&throttled)).collect();
        drop(watched);
        let second = admit_all(&slots).await;
        assert_eq!(second.len(), FILES_PER_LARGE / 2);
        let fine = TransferControl::default();
        let mut through: Vec<FileSlot> = second.into_iter().map(|s| s.watching(&fine)).collect();
        through.truncate(0);
        let third = admit_all(&slots).await;
        assert_eq!(
            third.len(),
            FILES_PER_LARGE / 2 + 1,
            "grows back one at a time"
        );
    }

    #[test]
    fn parts_in_flight_grow_with_the_round_trip() {
        let every = Duration::from_millis(5);
        assert_eq!(parts_in_flight(Duration::from_millis(1), 4, every), 4);
        assert_eq!(parts_in_flight(Duration::from_millis(40), 4, every), 12);
        assert_eq!(parts_in_flight(Duration::from_millis(160), 4, every), 24);
        assert_eq!(parts_in_flight(Duration::from_secs(5), 8, every), 24);
        let every = Duration::from_micros(2500);
        assert_eq!(parts_in_flight(Duration::from_millis(40), 8, every), 24);
        assert_eq!(parts_in_flight(Duration::from_millis(20), 8, every), 16);
    }
}
