//! The MD5s of the bodies the local server is taking, on one thread of their own: bodies that
//! arrive at the same time are hashed together, up to eight in the lanes of `md5_lanes`.
//! A request hands its body's bytes over as they arrive ([`BodyMd5::update`]) and asks for
//! the digest at the end ([`BodyMd5::finish`]); at most [`ROOM`] bytes of one body wait to be
//! hashed, so a body is never held whole.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use bytes::Bytes;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use super::md5_lanes::{BLOCK, START, compress, compress_eight, finish, together};

/// The bytes of one body that may wait to be hashed.
const ROOM: usize = 8 << 20;
/// The blocks one lane takes in a step: the thread looks for new bodies between steps.
const STEP: usize = 256;
/// Fewer bodies than this at once are hashed one by one: two lanes of eight do less than one
/// body hashed alone.
const LANES_WORTH_IT: usize = 3;

enum Message {
    /// Whole blocks of body `id`, and the room they take until hashed.
    Blocks(u64, Bytes, OwnedSemaphorePermit),
    /// Body `id` ends with `tail` (less than a block), `length` bytes in all.
    Finish(u64, Vec<u8>, u64, oneshot::Sender<[u8; 16]>),
    /// Body `id` will not be finished (its request failed).
    Forget(u64),
}

/// The server's hashing thread; it ends when this and every [`BodyMd5`] are dropped.
pub(crate) struct Md5Lanes {
    sender: mpsc::Sender<Message>,
    next: AtomicU64,
}

impl Md5Lanes {
    /// Starts the thread; `None` when the system gives no thread.
    pub(crate) fn start() -> Option<Self> {
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("pail-md5".into())
            .spawn(move || Hasher::default().run(&receiver))
            .ok()?;
        Some(Self {
            sender,
            next: AtomicU64::new(0),
        })
    }

    /// A new body's MD5.
    pub(crate) fn body(&self) -> BodyMd5 {
        BodyMd5 {
            // Without AVX2 this thread would hash every body one after another: each request
            // hashes its own then, on whichever core runs it.
            alone: (!together()).then(md5::Md5::default),
            id: self.next.fetch_add(1, Ordering::Relaxed),
            sender: self.sender.clone(),
            room: Arc::new(Semaphore::new(ROOM)),
            carry: Vec::with_capacity(BLOCK),
            length: 0,
            finished: false,
        }
    }
}

/// One body's MD5, taken as its bytes arrive.
pub(crate) struct BodyMd5 {
    /// Hashed here rather than on the thread.
    alone: Option<md5::Md5>,
    id: u64,
    sender: mpsc::Sender<Message>,
    room: Arc<Semaphore>,
    /// The bytes after the last whole block handed over.
    carry: Vec<u8>,
    length: u64,
    finished: bool,
}

/// The hashing thread is gone (it panicked).
#[derive(Debug)]
pub(crate) struct HashingStopped;

impl BodyMd5 {
    /// Hands `bytes`, the body's next, to the hashing thread; waits while too many of this
    /// body's bytes wait there.
    pub(crate) async fn update(&mut self, mut bytes: Bytes) -> Result<(), HashingStopped> {
        if let Some(alone) = &mut self.alone {
            md5::Digest::update(alone, &bytes);
            return Ok(());
        }
        self.length += bytes.len() as u64;
        if !self.carry.is_empty() {
            let take = (BLOCK - self.carry.len()).min(bytes.len());
            self.carry.extend_from_slice(&bytes.split_to(take));
            if self.carry.len() == BLOCK {
                let block = Bytes::from(std::mem::replace(
                    &mut self.carry,
                    Vec::with_capacity(BLOCK),
                ));
                self.send(block).await?;
            }
        }
        let whole = bytes.len() / BLOCK * BLOCK;
        let rest = bytes.split_off(whole);
        self.carry.extend_from_slice(&rest);
        // In pieces of at most the room, so that no piece waits for more room than there is.
        while !bytes.is_empty() {
            let piece = bytes.split_to(bytes.len().min(ROOM));
            self.send(piece).await?;
        }
        Ok(())
    }

    async fn send(&self, blocks: Bytes) -> Result<(), HashingStopped> {
        let permit = self
            .room
            .clone()
            .acquire_many_owned(blocks.len() as u32)
            .await
            .map_err(|_| HashingStopped)?;
        self.sender
            .send(Message::Blocks(self.id, blocks, permit))
            .map_err(|_| HashingStopped)
    }

    /// The body's MD5, once every byte handed over is hashed.
    pub(crate) async fn finish(mut self) -> Result<[u8; 16], HashingStopped> {
        if let Some(alone) = self.alone.take() {
            self.finished = true;
            return Ok(md5::Digest::finalize(alone).into());
        }
        let (reply, digest) = oneshot::channel();
        let tail = std::mem::take(&mut self.carry);
        self.finished = true;
        self.sender
            .send(Message::Finish(self.id, tail, self.length, reply))
            .map_err(|_| HashingStopped)?;
        digest.await.map_err(|_| HashingStopped)
    }
}

impl Drop for BodyMd5 {
    fn drop(&mut self) {
        if !self.finished && self.alone.is_none() {
            let _ = self.sender.send(Message::Forget(self.id));
        }
    }
}

/// A body on the hashing thread.
struct Body {
    state: [u32; 4],
    waiting: VecDeque<(Bytes, OwnedSemaphorePermit)>,
    in_lane: bool,
    finish: Option<(Vec<u8>, u64, oneshot::Sender<[u8; 16]>)>,
}

/// A body's bytes being hashed, in a lane.
struct Lane {
    id: u64,
    bytes: Bytes,
    at: usize,
    _room: OwnedSemaphorePermit,
}

#[derive(Default)]
struct Hasher {
    bodies: HashMap<u64, Body>,
    /// Bodies with bytes waiting and no lane, in the order they came to wait.
    ready: VecDeque<u64>,
    lanes: [Option<Lane>; 8],
}

impl Hasher {
    fn run(mut self, receiver: &mpsc::Receiver<Message>) {
        loop {
            if self.lanes.iter().all(Option::is_none) && self.ready.is_empty() {
                match receiver.recv() {
                    Ok(message) => self.take(message),
                    Err(_) => return,
                }
            }
            while let Ok(message) = receiver.try_recv() {
                self.take(message);
            }
            self.fill_lanes();
            self.step();
        }
    }

    fn take(&mut self, message: Message) {
        match message {
            Message::Blocks(id, bytes, room) => {
                let body = self.bodies.entry(id).or_insert_with(|| Body {
                    state: START,
                    waiting: VecDeque::new(),
                    in_lane: false,
                    finish: None,
                });
                if body.waiting.is_empty() && !body.in_lane {
                    self.ready.push_back(id);
                }
                body.waiting.push_back((bytes, room));
            }
            Message::Finish(id, tail, length, reply) => {
                let body = self.bodies.entry(id).or_insert_with(|| Body {
                    state: START,
                    waiting: VecDeque::new(),
                    in_lane: false,
                    finish: None,
                });
                body.finish = Some((tail, length, reply));
                self.settle(id);
            }
            Message::Forget(id) => {
                self.bodies.remove(&id);
                self.ready.retain(|&r| r != id);
                for lane in &mut self.lanes {
                    if lane.as_ref().is_some_and(|l| l.id == id) {
                        *lane = None;
                    }
                }
            }
        }
    }

    /// Answers body `id`'s digest when it is asked for and every byte is hashed.
    fn settle(&mut self, id: u64) {
        let done = self
            .bodies
            .get(&id)
            .is_some_and(|b| b.finish.is_some() && b.waiting.is_empty() && !b.in_lane);
        if done
            && let Some(body) = self.bodies.remove(&id)
            && let Some((tail, length, reply)) = body.finish
        {
            let _ = reply.send(finish(body.state, &tail, length));
        }
    }

    fn fill_lanes(&mut self) {
        for lane in &mut self.lanes {
            if lane.is_some() {
                continue;
            }
            let Some(id) = self.ready.pop_front() else {
                return;
            };
            if let Some(body) = self.bodies.get_mut(&id)
                && let Some((bytes, room)) = body.waiting.pop_front()
            {
                body.in_lane = true;
                *lane = Some(Lane {
                    id,
                    bytes,
                    at: 0,
                    _room: room,
                });
            }
        }
    }

    /// Hashes up to [`STEP`] blocks of every lane, then frees the lanes whose bytes are done.
    fn step(&mut self) {
        let busy = self.lanes.iter().flatten().count();
        if busy == 0 {
            return;
        }
        if together() && busy >= LANES_WORTH_IT {
            static IDLE: [u8; STEP * BLOCK] = [0; STEP * BLOCK];
            let blocks = self
                .lanes
                .iter()
                .flatten()
                .map(|l| (l.bytes.len() - l.at) / BLOCK)
                .min()
                .unwrap_or(0)
                .min(STEP);
            let span = blocks * BLOCK;
            let mut states = [START; 8];
            for (state, lane) in states.iter_mut().zip(&self.lanes) {
                if let Some(body) = lane.as_ref().and_then(|l| self.bodies.get(&l.id)) {
                    *state = body.state;
                }
            }
            let inputs: [&[u8]; 8] = std::array::from_fn(|i| match &self.lanes[i] {
                Some(lane) => &lane.bytes[lane.at..lane.at + span],
                None => &IDLE[..span],
            });
            compress_eight(&mut states, inputs);
            // Slot by slot: an empty slot's state is no body's.
            for (state, lane) in states.iter().zip(&mut self.lanes) {
                let Some(lane) = lane else { continue };
                if let Some(body) = self.bodies.get_mut(&lane.id) {
                    body.state = *state;
                }
                lane.at += span;
            }
        } else {
            for lane in self.lanes.iter_mut().flatten() {
                let Some(body) = self.bodies.get_mut(&lane.id) else {
                    continue;
                };
                let span = (lane.bytes.len() - lane.at).min(STEP * BLOCK);
                for block in lane.bytes[lane.at..lane.at + span].chunks_exact(BLOCK) {
                    compress(&mut body.state, block);
                }
                lane.at += span;
            }
        }
        for i in 0..self.lanes.len() {
            let Some(lane) = self.lanes[i].take_if(|l| l.at >= l.bytes.len()) else {
                continue;
            };
            let id = lane.id;
            drop(lane);
            if let Some(body) = self.bodies.get_mut(&id) {
                body.in_lane = false;
                if body.waiting.is_empty() {
                    self.settle(id);
                } else {
                    self.ready.push_back(id);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::md5_lanes::tests::body;
    use md5::Digest;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bodies_arriving_together_in_uneven_pieces_each_get_their_own_md5() {
        let lanes = Arc::new(Md5Lanes::start().unwrap());
        let mut tasks = Vec::new();
        for i in 0..20u64 {
            let lanes = lanes.clone();
            tasks.push(tokio::spawn(async move {
                let bytes = body(i, (i as usize * 7919) % 300_000 + i as usize);
                let mut md5 = lanes.body();
                let mut at = 0;
                let mut piece = 1 + i as usize;
                while at < bytes.len() {
                    let end = (at + piece).min(bytes.len());
                    md5.update(Bytes::copy_from_slice(&bytes[at..end]))
                        .await
                        .unwrap();
                    at = end;
                    piece = piece * 3 % 70_001 + 1;
                    tokio::task::yield_now().await;
                }
                let digest = md5.finish().await.unwrap();
                assert_eq!(
                    digest,
                    <[u8; 16]>::from(md5::Md5::digest(&bytes)),
                    "body {i}"
                );
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }

    /// The first lane frees first; the three after it are hashed together with the first slot
    /// empty (an empty slot's state was once given to the next body's lane).
    #[tokio::test]
    async fn lanes_hashed_together_beside_an_empty_slot_keep_each_body_its_own() {
        let room = Arc::new(Semaphore::new(ROOM));
        let mut hasher = Hasher::default();
        let bodies: Vec<Vec<u8>> = [BLOCK, 600 * BLOCK, 700 * BLOCK, 800 * BLOCK]
            .iter()
            .enumerate()
            .map(|(i, &len)| body(40 + i as u64, len))
            .collect();
        let mut digests = Vec::new();
        for (id, bytes) in bodies.iter().enumerate() {
            let permit = room
                .clone()
                .acquire_many_owned(bytes.len() as u32)
                .await
                .unwrap();
            hasher.take(Message::Blocks(
                id as u64,
                Bytes::from(bytes.clone()),
                permit,
            ));
            let (reply, digest) = oneshot::channel();
            hasher.take(Message::Finish(
                id as u64,
                Vec::new(),
                bytes.len() as u64,
                reply,
            ));
            digests.push(digest);
        }
        hasher.fill_lanes();
        hasher.step();
        assert!(
            hasher.lanes[0].is_none(),
            "the one-block body is done first"
        );
        while hasher.lanes.iter().any(Option::is_some) {
            hasher.step();
        }
        for (i, (digest, bytes)) in digests.into_iter().zip(&bodies).enumerate() {
            let digest = digest.await.unwrap();
            assert_eq!(
                digest,
                <[u8; 16]>::from(md5::Md5::digest(bytes)),
                "body {i}"
            );
        }
    }

    #[tokio::test]
    async fn a_body_larger_than_its_room_and_a_forgotten_one_beside_it() {
        let lanes = Md5Lanes::start().unwrap();
        let mut forgotten = lanes.body();
        forgotten
            .update(Bytes::from(body(1, 1 << 20)))
            .await
            .unwrap();
        let bytes = body(2, ROOM * 2 + 100);
        let mut md5 = lanes.body();
        md5.update(Bytes::from(bytes.clone())).await.unwrap();
        drop(forgotten);
        let digest = md5.finish().await.unwrap();
        assert_eq!(digest, <[u8; 16]>::from(md5::Md5::digest(&bytes)));
        assert_eq!(
            lanes.body().finish().await.unwrap(),
            <[u8; 16]>::from(md5::Md5::digest(b""))
        );
    }
}
