//! Readiness of a socket for `wait()` and the event-mode watcher.
//!
//! One process-wide reactor thread (the `polling` crate: epoll on Linux, kqueue on macOS and the
//! BSDs, IOCP/AFD on Windows) delivers readiness. Each socket has one [`Readiness`], registered
//! with the reactor only while someone is interested (a pending wait or an armed watcher) and
//! deregistered as soon as the interest is served, so an idle or JS-drained socket costs the
//! reactor nothing per datagram. Registrations are one-shot (the one mode every backend has):
//! an event disarms the socket until the reactor re-arms it or deletes it.
//!
//! Why not tokio's `AsyncFd`: `close()` must release the port synchronously and settle every
//! wait at once, and deregistration must happen before the descriptor is closed. Here the
//! register/deregister calls are synchronous `epoll_ctl`s under the socket's lock, so `close()`
//! deregisters, settles and then closes, on the calling thread. Waits are still tokio futures
//! (timers and promises live on napi-rs's tokio runtime); no libuv pool thread is used.
//!
//! Level semantics: a wait first checks the socket with `poll(2)`/`WSAPoll` (readable now → OK
//! at once, without consuming); the reactor re-checks the level before reporting, so a stale
//! event never resolves a wait.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use polling::{Event, Events, Poller};
use tokio::sync::Notify;

use crate::codes::{ERR_SKIP, ERR_TIMEOUT, ERR_UNCONFIGURED, FAILED, OK};
use crate::io::{poll_level, Level};
use crate::sys::{self, RawSocket};

/// Event-mode callback, called with OK, FAILED or (last call, on close) ERR_UNCONFIGURED.
pub type WatchCallback = Box<dyn Fn(i32) + Send + Sync>;

const PENDING: i32 = i32::MIN;

/// The longest single poll of a blocking [`Readiness::wait_sync_until`]: how long a close from
/// another thread or an interruption (a worker being terminated) can go unnoticed.
pub const WAIT_SLICE: Duration = Duration::from_millis(50);

/// One pending `wait()`.
struct WaitSlot {
    id: i64,
    owner: u64,
    result: AtomicI32,
    done: Notify,
}

impl WaitSlot {
    /// Settles once; later calls are ignored.
    fn complete(&self, code: i32) {
        if self
            .result
            .compare_exchange(PENDING, code, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.done.notify_one();
        }
    }
}

struct Watcher {
    callback: Arc<WatchCallback>,
    armed: bool,
}

struct State {
    closed: bool,
    registered: bool,
    waiters: Vec<Arc<WaitSlot>>,
    watcher: Option<Watcher>,
}

/// Readiness of one socket (see the module comment). Shared with the reactor thread.
pub struct Readiness {
    fd: RawSocket,
    token: usize,
    state: Mutex<State>,
}

impl Readiness {
    /// `fd` must stay open until [`Readiness::close`] has returned.
    pub fn new(fd: RawSocket) -> Arc<Readiness> {
        static NEXT_TOKEN: AtomicUsize = AtomicUsize::new(1);
        Arc::new(Readiness {
            fd,
            token: NEXT_TOKEN.fetch_add(1, Ordering::Relaxed),
            state: Mutex::new(State {
                closed: false,
                registered: false,
                waiters: Vec::new(),
                watcher: None,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state inconsistent in a way that
        // matters more than refusing service would; keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Level check now: OK when readable, FAILED on a socket error, None when idle.
    fn level_now(&self) -> Option<i32> {
        match poll_level(self.fd, 0) {
            Level::Readable => Some(OK),
            Level::Error => Some(FAILED),
            Level::Idle => None,
        }
    }

    /// Godot `wait()` off the calling thread. `owner` tags the wait so a server peer's close can
    /// settle only its own waits on the shared server socket. The returned future never fails.
    pub fn wait(
        self: &Arc<Self>,
        owner: u64,
        id: i64,
        timeout: Option<Duration>,
    ) -> impl Future<Output = i32> + Send + 'static {
        let immediate = self.register_wait(owner, id);
        let me = Arc::clone(self);
        async move {
            let slot = match immediate {
                Err(code) => return code,
                Ok(slot) => slot,
            };
            let finished = slot.done.notified();
            match timeout {
                None => finished.await,
                Some(t) => {
                    if tokio::time::timeout(t, finished).await.is_err() {
                        me.remove_slot(&slot);
                        slot.complete(ERR_TIMEOUT);
                    }
                }
            }
            slot.result.load(Ordering::Acquire)
        }
    }

    fn register_wait(self: &Arc<Self>, owner: u64, id: i64) -> Result<Arc<WaitSlot>, i32> {
        let mut st = self.lock();
        if st.closed {
            return Err(ERR_UNCONFIGURED);
        }
        if let Some(code) = self.level_now() {
            return Err(code);
        }
        let slot = Arc::new(WaitSlot {
            id,
            owner,
            result: AtomicI32::new(PENDING),
            done: Notify::new(),
        });
        st.waiters.push(Arc::clone(&slot));
        if let Err(code) = self.ensure_registered(&mut st) {
            st.waiters.pop();
            return Err(code);
        }
        Ok(slot)
    }

    fn remove_slot(&self, slot: &Arc<WaitSlot>) {
        let mut st = self.lock();
        st.waiters.retain(|s| !Arc::ptr_eq(s, slot));
    }

    /// Godot's blocking `wait()` on the calling thread (negative timeout: forever).
    pub fn wait_sync(&self, timeout_ms: i64) -> i32 {
        self.wait_sync_until(timeout_ms, &mut || false)
    }

    /// [`Readiness::wait_sync`] that can be ended early: it polls in slices of at most
    /// [`WAIT_SLICE`] and, after each idle slice, ends with ERR_UNCONFIGURED if the socket was
    /// closed meanwhile (from another thread) or with ERR_SKIP if `interrupted()` says so (the
    /// binding asks whether its JS environment is being torn down). A wait shorter than one slice
    /// never calls `interrupted`.
    pub fn wait_sync_until(&self, timeout_ms: i64, interrupted: &mut dyn FnMut() -> bool) -> i32 {
        // None: forever (a negative timeout, or one too far away to represent).
        let deadline = u64::try_from(timeout_ms)
            .ok()
            .and_then(|ms| Instant::now().checked_add(Duration::from_millis(ms)));
        let slice_ms = WAIT_SLICE.as_millis() as i64;
        loop {
            if self.lock().closed {
                return ERR_UNCONFIGURED;
            }
            let ms = match deadline {
                None => slice_ms,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    // Rounded up: a poll never ends before the deadline it was given.
                    (left.as_micros().div_ceil(1000) as i64).min(slice_ms)
                }
            };
            let level = poll_level(self.fd, ms);
            // Closed while polling: the descriptor may already be gone (or reused).
            if self.lock().closed {
                return ERR_UNCONFIGURED;
            }
            match level {
                Level::Readable => return OK,
                Level::Error => return FAILED,
                Level::Idle => {}
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return ERR_TIMEOUT;
            }
            if interrupted() {
                return ERR_SKIP;
            }
        }
    }

    /// Settles every wait with `id` with ERR_SKIP.
    pub fn cancel(&self, id: i64) {
        let mut st = self.lock();
        st.waiters.retain(|s| {
            if s.id == id {
                s.complete(ERR_SKIP);
                false
            } else {
                true
            }
        });
    }

    /// Settles every wait of `owner` with ERR_UNCONFIGURED (a server peer closing).
    pub fn cancel_owner(&self, owner: u64) {
        let mut st = self.lock();
        st.waiters.retain(|s| {
            if s.owner == owner {
                s.complete(ERR_UNCONFIGURED);
                false
            } else {
                true
            }
        });
    }

    /// Starts event mode (replacing any previous watcher, which gets no further call). The
    /// callback runs on the reactor thread (or the closing thread) and must only queue work.
    pub fn watch(self: &Arc<Self>, callback: WatchCallback) -> i32 {
        let mut st = self.lock();
        if st.closed {
            return ERR_UNCONFIGURED;
        }
        st.watcher = Some(Watcher {
            callback: Arc::new(callback),
            armed: true,
        });
        match self.ensure_registered(&mut st) {
            Ok(()) => OK,
            Err(code) => code,
        }
    }

    /// Watches again after a callback.
    pub fn rearm(self: &Arc<Self>) {
        let mut st = self.lock();
        if st.closed {
            return;
        }
        if let Some(w) = st.watcher.as_mut() {
            w.armed = true;
            if let Err(code) = self.ensure_registered(&mut st) {
                if let Some(w) = st.watcher.as_mut() {
                    w.armed = false;
                    let cb = Arc::clone(&w.callback);
                    drop(st);
                    cb(code);
                }
            }
        }
    }

    /// Stops event mode without a last call.
    pub fn unwatch(&self) {
        let mut st = self.lock();
        st.watcher = None;
    }

    /// Whether a watcher is installed.
    pub fn is_watching(&self) -> bool {
        self.lock().watcher.is_some()
    }

    /// The socket is closing: deregister, settle every wait with ERR_UNCONFIGURED, end the
    /// watcher with one last ERR_UNCONFIGURED call. Afterwards the descriptor may be closed.
    pub fn close(&self) {
        let mut st = self.lock();
        if st.closed {
            return;
        }
        st.closed = true;
        if st.registered {
            if let Some(r) = started_reactor() {
                // Failure here means the fd is already gone from the set; nothing to undo.
                let _ = r.poller.delete(self.source());
            }
            st.registered = false;
        }
        for slot in st.waiters.drain(..) {
            slot.complete(ERR_UNCONFIGURED);
        }
        let watcher = st.watcher.take();
        drop(st);
        if let Some(r) = started_reactor() {
            r.forget(self.token);
        }
        if let Some(w) = watcher {
            (w.callback)(ERR_UNCONFIGURED);
        }
    }

    fn ensure_registered(self: &Arc<Self>, st: &mut State) -> Result<(), i32> {
        if st.registered {
            return Ok(());
        }
        let r = reactor().ok_or(FAILED)?;
        r.remember(self.token, Arc::downgrade(self));
        // SAFETY: the socket stays open until `close()` has deleted it from the poller (under
        // this lock, before the owner closes the descriptor), and `registered` makes sure it is
        // added at most once.
        unsafe { r.poller.add(self.fd, Event::readable(self.token)) }.map_err(|_| FAILED)?;
        st.registered = true;
        Ok(())
    }

    /// The socket as the poller's `modify`/`delete` take it.
    fn source(&self) -> impl polling::AsSource + '_ {
        // SAFETY: `fd` is open while this Readiness is not closed (see `new`); every caller holds
        // the state lock with `closed` false or is `close()` itself, before the descriptor goes.
        unsafe { sys::os::borrow(self.fd) }
    }

    /// Reactor thread: the socket signalled (and its one-shot registration is now disarmed).
    /// Re-check the level, then serve all interest.
    fn on_event(&self, poller: &Poller) {
        let mut st = self.lock();
        if st.closed || !st.registered {
            return;
        }
        let Some(code) = self.level_now() else {
            // Stale event: arm again, the next datagram signals.
            if poller
                .modify(self.source(), Event::readable(self.token))
                .is_err()
            {
                let _ = poller.delete(self.source());
                st.registered = false;
            }
            return;
        };
        for slot in st.waiters.drain(..) {
            slot.complete(code);
        }
        let mut callback = None;
        if let Some(w) = st.watcher.as_mut() {
            if w.armed {
                w.armed = false;
                callback = Some(Arc::clone(&w.callback));
            }
        }
        // Every wait was served and the watcher disarmed: nobody is interested any more.
        let _ = poller.delete(self.source());
        st.registered = false;
        drop(st);
        if let Some(cb) = callback {
            cb(code);
        }
    }
}

impl Drop for Readiness {
    fn drop(&mut self) {
        self.close();
    }
}

/// The process-wide reactor: the poller and the token → socket map its thread serves.
struct Reactor {
    poller: Arc<Poller>,
    sockets: Arc<SocketMap>,
}

type SocketMap = Mutex<HashMap<usize, Weak<Readiness>>>;

impl Reactor {
    fn remember(&self, token: usize, readiness: Weak<Readiness>) {
        let mut map = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(token, readiness);
    }

    fn forget(&self, token: usize) {
        let mut map = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&token);
    }
}

static REACTOR: OnceLock<Option<Reactor>> = OnceLock::new();

/// The reactor, started on first use.
fn reactor() -> Option<&'static Reactor> {
    REACTOR.get_or_init(start_reactor).as_ref()
}

/// The reactor if something already started it (closing never starts it).
fn started_reactor() -> Option<&'static Reactor> {
    REACTOR.get().and_then(Option::as_ref)
}

fn start_reactor() -> Option<Reactor> {
    let poller = Arc::new(Poller::new().ok()?);
    let thread_poller = Arc::clone(&poller);
    let sockets: Arc<SocketMap> = Arc::default();
    let thread_sockets = Arc::clone(&sockets);
    std::thread::Builder::new()
        .name("godot-udp-reactor".into())
        .spawn(move || run_reactor(&thread_poller, thread_sockets))
        .ok()?;
    Some(Reactor { poller, sockets })
}

fn run_reactor(poller: &Poller, sockets: Arc<SocketMap>) {
    let capacity = std::num::NonZeroUsize::new(256).expect("non-zero");
    let mut events = Events::with_capacity(capacity);
    let mut ready: Vec<Arc<Readiness>> = Vec::with_capacity(256);
    loop {
        events.clear();
        if let Err(e) = poller.wait(&mut events, None) {
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            // An unusable poller: nothing more can be delivered. Waits still end by timeout,
            // cancellation or close.
            return;
        }
        {
            let map = sockets.lock().unwrap_or_else(|e| e.into_inner());
            ready.extend(
                events
                    .iter()
                    .filter_map(|ev| map.get(&ev.key).and_then(Weak::upgrade)),
            );
        }
        for readiness in ready.drain(..) {
            readiness.on_event(poller);
        }
    }
}
