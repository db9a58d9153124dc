//! Work on a million rows split across the machine's cores: the filter's checks and the column
//! sort's passes both wait on memory more than on arithmetic, so a second core nearly halves
//! them. Each part runs on a scoped thread; where no thread can be started, this thread runs
//! that part itself, so the result never depends on threads being available.

use std::sync::{Mutex, PoisonError};

/// At most this many threads work on one step.
const MAX_THREADS: usize = 4;

/// The threads one step may be split across: the cores, up to [`MAX_THREADS`], asked once
/// (the answer reads files under /sys).
pub(super) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(MAX_THREADS)
    })
}

/// `work` on each of `parts`, the first on this thread and each other on a thread of its own;
/// the results in the parts' order. A part whose thread cannot be started is worked on here
/// once the others are under way. A panic in a part is a bug: it carries on in this thread as
/// if the part had run here.
pub(super) fn side_by_side<P: Send, T: Send>(
    parts: Vec<P>,
    work: impl Fn(P) -> T + Sync,
) -> Vec<T> {
    if parts.len() < 2 {
        return parts.into_iter().map(work).collect();
    }
    // A part stays reachable from here until its thread takes it, so it is not lost with a
    // thread that never started.
    let slots: Vec<Mutex<Option<P>>> = parts.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let take = |slot: &Mutex<Option<P>>| slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    let run = |slot: &Mutex<Option<P>>| take(slot).map(&work);
    std::thread::scope(|scope| {
        let others: Vec<_> = slots[1..]
            .iter()
            .map(|slot| {
                std::thread::Builder::new()
                    .name("pail-rows".into())
                    .spawn_scoped(scope, || run(slot))
                    .ok()
            })
            .collect();
        let mut results: Vec<T> = run(&slots[0]).into_iter().collect();
        for (slot, thread) in slots[1..].iter().zip(others) {
            let done = match thread.map(|t| t.join()) {
                Some(Ok(done)) => done,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => None,
            };
            results.extend(done.or_else(|| run(slot)));
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_is_worked_on_once_and_the_results_keep_the_parts_order() {
        for count in 0..7 {
            let parts: Vec<Vec<u32>> = (0..count).map(|p| (0..=p).collect()).collect();
            let sums = side_by_side(parts, |part| part.iter().sum::<u32>());
            let expected: Vec<u32> = (0..count).map(|p| p * (p + 1) / 2).collect();
            assert_eq!(sums, expected, "{count} parts");
        }
    }

    #[test]
    fn parts_may_be_disjoint_pieces_of_one_buffer() {
        let mut buffer = vec![0u8; 10];
        let parts: Vec<(u8, &mut [u8])> =
            buffer.chunks_mut(3).zip(1..).map(|(c, i)| (i, c)).collect();
        side_by_side(parts, |(i, chunk)| chunk.fill(i));
        assert_eq!(buffer, [1, 1, 1, 2, 2, 2, 3, 3, 3, 4]);
    }
}
