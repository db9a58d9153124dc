//! An upload's parts copied into one file as they arrive, for the join ([`Early`]): the
//! copier that makes it, and what the join takes of it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{FileId, Parts, Seen, lock, part_path};

/// An upload's parts copied, in order, into one file of the join's own while the upload goes
/// on: a join then has only the parts after them left to append. The copy is made while the
/// link, not the server, is what the upload waits for; without it, 256 MiB took the join 0.13–
/// 0.27 s after the last part, the whole upload waiting.
#[derive(Debug, Default)]
pub(super) struct Early {
    /// The parts the file holds, from part 1, as they were when copied.
    pub(super) held: Vec<Seen>,
    /// A copier owns the file now.
    pub(super) copying: bool,
    /// Nothing more is copied: the join took the file, or a copy failed.
    pub(super) closed: bool,
    /// The upload ended without the file: whoever holds it last removes it.
    pub(super) discard: bool,
}

/// The file an upload's parts are copied into as they arrive ([`Early`]), named so that
/// s3s-fs clears it away when it starts.
pub(super) fn early_file(root: &Path, id: &str) -> PathBuf {
    root.join(format!(".tmp.pail-join-{id}.early.part"))
}

/// Copies an upload's parts into its early file, each once it has arrived and the parts
/// before it are in, until the next has not arrived (the part that brings it starts another).
pub(super) struct Copier {
    pub(super) parts: Arc<Mutex<Parts>>,
    pub(super) root: PathBuf,
    pub(super) id: String,
}

impl Copier {
    pub(super) fn run(self) {
        loop {
            let (seen, offset, number) = {
                let mut parts = lock(&self.parts);
                let Parts {
                    seen,
                    writing,
                    early,
                    ..
                } = &mut *parts;
                let Some(state) = early.get_mut(&self.id) else {
                    return;
                };
                let next = (self.id.clone(), state.held.len() as i32 + 1);
                let part = seen.get(&next).filter(|_| !writing.contains_key(&next));
                match part {
                    Some(seen) if !state.closed => {
                        let offset = state.held.iter().map(|p| p.file.len).sum::<u64>();
                        (*seen, offset, next.1)
                    }
                    _ => return self.stop(&mut parts),
                }
            };
            let copied = self.copy(number, seen, offset);
            let mut parts = lock(&self.parts);
            let key = (self.id.clone(), number);
            // Still the part that arrived, and no write of it began while it was copied.
            let same = parts.seen.get(&key) == Some(&seen) && !parts.writing.contains_key(&key);
            let Some(state) = parts.early.get_mut(&self.id) else {
                return;
            };
            match copied {
                Ok(()) if same => state.held.push(seen),
                _ => state.closed = true,
            }
        }
    }

    /// Part `number`, checked to be the file that arrived, written into the early file at
    /// `offset`.
    fn copy(&self, number: i32, seen: Seen, offset: u64) -> io::Result<()> {
        use std::io::Seek as _;
        let mut part = File::open(part_path(&self.root, &self.id, number))?;
        if FileId::of(&part.metadata()?) != Some(seen.file) {
            return Err(io::Error::other("the part's file changed"));
        }
        let mut early = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(early_file(&self.root, &self.id))?;
        early.set_len(offset)?;
        early.seek(io::SeekFrom::Start(offset))?;
        let copied = io::copy(&mut part, &mut early)?;
        if copied != seen.file.len {
            return Err(io::Error::other("the part's file changed"));
        }
        Ok(())
    }

    /// The copier ends: the file is the join's now, or removed if the upload ended.
    fn stop(&self, parts: &mut Parts) {
        let Some(state) = parts.early.get_mut(&self.id) else {
            return;
        };
        state.copying = false;
        if state.discard {
            let _ = std::fs::remove_file(early_file(&self.root, &self.id));
        }
    }
}

/// How many of `parts`, from the first, the upload's early file holds as they are now; the
/// copier is stopped first (waited for while it copies a part).
pub(super) fn take_early(shared: &Mutex<Parts>, id: &str, parts: &[Seen]) -> usize {
    loop {
        let mut held = lock(shared);
        let Some(state) = held.early.get_mut(id) else {
            return 0;
        };
        // What is left of it stays, closed: a part that arrives late starts no copy.
        state.closed = true;
        if !state.copying {
            return std::mem::take(&mut state.held)
                .iter()
                .zip(parts)
                .take_while(|(copied, now)| copied == now)
                .count();
        }
        drop(held);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
