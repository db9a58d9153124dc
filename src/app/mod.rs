//! The explorer window (eframe): [`PailApp`] owns the [`AppState`], talks to the [`Worker`]
//! through commands and events, and lays out the views. Each feature has a folder — the
//! [`explorer`], the [`web_url`] dialog, [`shared_links`], [`profiles`], [`files`] — holding its
//! state and its drawing; [`state`] holds what the window knows as a whole and hands each
//! event to its feature, and [`modal`] the one dialog open over the explorer.

pub(crate) mod buckets;
pub(crate) mod clipboard;
pub(crate) mod explorer;
pub(crate) mod files;
pub(crate) mod headers;
mod keys;
pub(crate) mod modal;
pub(crate) mod pane;
pub(crate) mod pane_table;
pub(crate) mod picker;
pub(crate) mod profiles;
pub(crate) mod search_bar;
pub(crate) mod second_pane;
pub(crate) mod shared;
pub(crate) mod shared_links;
pub(crate) mod state;
pub(crate) mod status;
pub(crate) mod versions;
pub(crate) mod web_url;

use std::sync::mpsc::Receiver;

use crate::app::clipboard::{Clipboard, SystemClipboard};
use crate::app::explorer::ExplorerRequest;
use crate::app::shared_links::ui::LinkRequest;
use crate::demo::server::LocalServer;
use crate::profiles::Profile;
use crate::worker::{Command, Event, Worker, WorkerError};
use state::AppState;

pub use shared::{ActivePane, ListingState, Loadable, Location};

/// The window's title, also what tests and scripts find it by.
pub const WINDOW_TITLE: &str = "Pail";

/// Per-frame UI requests that are not part of the app's state.
#[derive(Debug, Default)]
pub(crate) struct UiFlags {
    /// Ctrl+F was pressed: give the filter box the focus.
    pub focus_filter: bool,
    /// A row of the active pane to bring into view (after keyboard navigation).
    pub scroll_to_row: Option<usize>,
    /// A file dialog the toolbar asked for.
    pub pick: Option<picker::PickKind>,
}

/// What [`PailApp::with_options`] can vary.
pub struct AppOptions {
    pub clipboard: Box<dyn Clipboard>,
    /// Where the shared-links history is kept; `None` keeps it in memory only.
    pub history_path: Option<std::path::PathBuf>,
    /// Where Pail's saved profiles live; `None`: no saved profiles.
    pub config_dir: Option<std::path::PathBuf>,
    pub picker: std::sync::Arc<dyn picker::FilePicker>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            clipboard: Box::new(SystemClipboard::default()),
            history_path: crate::storage::history::default_path(),
            config_dir: crate::profiles::store::default_dir(),
            picker: std::sync::Arc::new(picker::NativePicker),
        }
    }
}

pub struct PailApp {
    state: AppState,
    worker: Worker,
    events: Receiver<Event>,
    outbox: Vec<Command>,
    flags: UiFlags,
    /// One clipboard for the app's whole life (see [`crate::app::clipboard`]).
    clipboard: Box<dyn Clipboard>,
    picker: std::sync::Arc<dyn picker::FilePicker>,
    /// Answers of file dialogs running on helper threads.
    picked: (
        std::sync::mpsc::Sender<picker::Picked>,
        Receiver<picker::Picked>,
    ),
    /// The demo server lives as long as the window.
    _demo_server: Option<LocalServer>,
    /// Whether the first frame has been laid out (see [`report_startup`]).
    first_frame_done: bool,
    /// Told once the first frame is laid out (the demo server then writes its sample data).
    first_frame_signal: Option<std::sync::mpsc::Sender<()>>,
}

/// When the process started, as `pail`'s `main` first saw it.
static PROCESS_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Notes the moment the process started; the first call wins.
pub fn mark_process_start() {
    PROCESS_START.get_or_init(std::time::Instant::now);
}

/// With `PAIL_REPORT_STARTUP` set, says on stderr how long after the start `what` happened
/// ("first frame" is what `cargo bench --bench start` reads).
pub(crate) fn report_startup(what: &str) {
    if std::env::var_os("PAIL_REPORT_STARTUP").is_none() {
        return;
    }
    if let Some(start) = PROCESS_START.get() {
        eprintln!(
            "pail: {what} {:.1} ms after start",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// How many threads this process runs (Linux, from /proc).
fn threads_in_process() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("Threads:"))?;
    line.trim().parse().ok()
}

impl PailApp {
    /// Starts the worker and the first requests. `profiles` are known up front (the demo
    /// profile); the others are discovered by the worker.
    pub fn new(
        ctx: &egui::Context,
        profiles: Vec<Profile>,
        demo_server: Option<LocalServer>,
    ) -> Result<Self, WorkerError> {
        Self::with_options(ctx, profiles, demo_server, AppOptions::default())
    }

    /// Like [`Self::new`], with the clipboard and the history file chosen by the caller (tests
    /// use an in-memory clipboard and a temporary folder).
    pub fn with_options(
        ctx: &egui::Context,
        profiles: Vec<Profile>,
        demo_server: Option<LocalServer>,
        options: AppOptions,
    ) -> Result<Self, WorkerError> {
        let wake_ctx = ctx.clone();
        let (worker, events) = Worker::start(move || wake_ctx.request_repaint())?;
        let mut state = AppState::new(profiles);
        let outbox = state.start(options.history_path, options.config_dir);
        let app = Self {
            state,
            worker,
            events,
            outbox,
            flags: UiFlags::default(),
            clipboard: options.clipboard,
            picker: options.picker,
            picked: std::sync::mpsc::channel(),
            _demo_server: demo_server,
            first_frame_done: false,
            first_frame_signal: None,
        };
        // The first requests go out at the end of the first frame, so the worker's start does
        // not compete with it.
        Ok(app)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    fn send_queued(&mut self) {
        for command in self.outbox.drain(..) {
            if !self.worker.send(command) {
                self.state
                    .status
                    .set_error("the background worker has stopped");
            }
        }
    }

    /// Opens the file dialog the toolbar asked for, on a helper thread (on the UI thread where
    /// the platform requires it: macOS).
    fn open_picker(&mut self, ctx: &egui::Context) {
        let Some(kind) = self.flags.pick.take() else {
            return;
        };
        let picker = self.picker.clone();
        let answer = self.picked.0.clone();
        if picker.needs_main_thread() {
            let _ = answer.send(picker::run(picker.as_ref(), kind));
            return;
        }
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("pail-file-dialog".into())
            .spawn(move || {
                let _ = answer.send(picker::run(picker.as_ref(), kind));
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            self.state
                .status
                .set_error(format!("could not open the file dialog: {e}"));
        }
    }

    /// Acts on file dialogs that have answered.
    fn take_picked(&mut self) {
        while let Ok(picked) = self.picked.1.try_recv() {
            let commands = match picked {
                picker::Picked::Upload(paths) => self.state.upload_paths(paths),
                picker::Picked::DownloadTo(folder) => self.state.download_to(folder),
                picker::Picked::CloudFrontKey(file) => self.state.import_cloudfront_key(file),
                picker::Picked::SaveQr(file) => self.state.save_qr(file),
                picker::Picked::VersionDownloadTo(folder) => self.state.download_version_to(folder),
                picker::Picked::Nothing => Vec::new(),
                picker::Picked::Unavailable(reason) => {
                    self.state.status.set_error(reason.to_string());
                    Vec::new()
                }
            };
            self.outbox.extend(commands);
        }
    }

    /// Applies every event that has arrived.
    fn drain_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            let follow_up = self.state.apply(event);
            self.outbox.extend(follow_up);
        }
        if let Some((html, plain)) = self.state.links.take_clipboard_request()
            && let Err(e) = self.clipboard.set_html(&html, &plain)
        {
            self.state
                .links
                .set_notice(format!("⚠ {e}. Copy the new link with its Copy button."));
        }
        self.send_queued();
    }

    /// Hands what the explorer's views or keys asked to the state, queueing its commands.
    fn route(&mut self, request: ExplorerRequest) {
        let commands = self.state.on_explorer_request(request);
        self.outbox.extend(commands);
    }

    /// Files and folders dropped from the desktop upload into the current folder.
    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        });
        if !dropped.is_empty() {
            self.outbox.extend(self.state.upload_paths(dropped));
        }
    }
}

impl eframe::App for PailApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events();
        self.take_picked();
        // A new sort or filter of a big folder is built a slice a frame; once a big folder
        // has loaded, its orders by size and date are prepared the same way. Both panes share
        // one slice, so a frame never does more than one slice's work.
        let frame_started = std::time::Instant::now();
        let left = || crate::listing::VIEW_SLICE.saturating_sub(frame_started.elapsed());
        let loading = matches!(
            self.state.explorer.listing_state(),
            ListingState::Loading { .. }
        );
        let mut more = self
            .state
            .explorer
            .listing_mut()
            .work_on_views(loading, left());
        if let Some(pane) = self.state.second_pane.as_mut() {
            let loading = pane.is_loading();
            more |= pane.listing_mut().work_on_views(loading, left());
        }
        if more {
            ctx.request_repaint();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested())
            && self.state.active_transfers() > 0
            && !self.state.transfers.quit_confirmed()
        {
            // Quitting would cut transfers short: ask first.
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.ask_quit();
        }
        self.handle_keys(&ctx);
        self.take_dropped_files(&ctx);
        let state = &mut self.state;
        let requests = explorer::toolbar::toolbar_ui(
            ui,
            &mut state.explorer,
            &state.profiles,
            state.second_pane.is_some(),
            state.links.open,
            &mut self.flags,
        );
        requests.into_iter().for_each(|r| self.route(r));
        explorer::status_bar::file_problems_ui(ui, &mut self.state.status);
        let state = &self.state;
        let stop = explorer::status_bar::status_bar_ui(
            ui,
            &state.explorer,
            state.second_pane.as_ref(),
            state.active_pane,
            &state.status,
            &state.transfers,
        );
        stop.into_iter().for_each(|r| self.route(r));
        let retry = files::transfers_panel::transfers_panel_ui(
            ui,
            &mut self.state.transfers,
            &mut self.outbox,
        );
        if let Some(id) = retry {
            let commands = self.state.retry_transfer(id);
            self.outbox.extend(commands);
        }
        let open = explorer::bucket_list::bucket_list_ui(ui, &self.state.explorer);
        open.into_iter().for_each(|r| self.route(r));
        if let Some(pane) = &mut self.state.second_pane {
            let active = self.state.active_pane == ActivePane::Second;
            // The arrows moved the active pane's selection: this pane's, while it is active.
            let scroll_to_row = active.then(|| self.flags.scroll_to_row.take()).flatten();
            let requests = second_pane::ui::second_pane_ui(
                ui,
                pane,
                self.state.profiles.list(),
                self.state.compare_marks.as_ref(),
                active,
                scroll_to_row,
                self.state.second_on_left,
            );
            for request in requests {
                let commands = self.state.on_second_pane_request(request);
                self.outbox.extend(commands);
            }
        }
        let state = &mut self.state;
        let requests = explorer::object_table::object_table_ui(
            ui,
            &mut state.explorer,
            state.second_pane.is_some(),
            state.compare_marks.as_ref(),
            &mut self.flags,
        );
        requests.into_iter().for_each(|r| self.route(r));
        for request in versions::ui::versions_ui(&ctx, &self.state.versions) {
            let commands = self
                .state
                .on_versions_request(request, &mut self.flags.pick);
            self.outbox.extend(commands);
        }
        if let Some(dialog) = self.state.modals.web_url_mut() {
            for request in web_url::ui::web_url_ui(&ctx, dialog, self.clipboard.as_mut()) {
                let commands = self.state.on_web_url_request(request, &mut self.flags.pick);
                self.outbox.extend(commands);
            }
        }
        let commands = self.state.upload_cors_requests();
        self.outbox.extend(commands);
        let request = shared_links::ui::shared_links_ui(
            &ctx,
            &mut self.state.links,
            self.clipboard.as_mut(),
            &mut self.outbox,
        );
        let commands = match request {
            Some(LinkRequest::Check(urls)) => self.state.check_links(&urls),
            Some(LinkRequest::Renew(url)) => self.state.renew_link(&url),
            Some(LinkRequest::Revoke(url)) => self.state.revoke_page(&url),
            None => Vec::new(),
        };
        self.outbox.extend(commands);
        if let Some(window) = self.state.modals.profiles_window_mut() {
            for request in profiles::ui::profiles_window_ui(&ctx, window, &self.state.profiles) {
                let commands = self.state.on_profiles_request(request);
                self.outbox.extend(commands);
            }
        }
        if let Some(modal::Modal::EditHeaders(dialog)) = self.state.modals.get_mut() {
            for request in headers::ui::edit_headers_ui(&ctx, dialog) {
                let commands = self.state.on_headers_request(request);
                self.outbox.extend(commands);
            }
        }
        let requests = files::dialogs::file_dialogs_ui(
            &ctx,
            &mut self.state.modals,
            &self.state.transfers,
            &mut self.outbox,
        );
        for request in requests {
            let commands = self.state.on_file_dialog_request(request);
            self.outbox.extend(commands);
        }
        if let Some(request) =
            second_pane::dialogs::second_pane_dialogs_ui(&ctx, &mut self.state.modals)
        {
            let commands = self.state.on_second_pane_request(request);
            self.outbox.extend(commands);
        }
        for action in buckets::ui::bucket_dialog_ui(&ctx, &mut self.state.modals) {
            let commands = self.state.on_bucket_request(action);
            self.outbox.extend(commands);
        }
        self.open_picker(&ctx);
        self.send_queued();
        if !self.first_frame_done {
            self.first_frame_done = true;
            report_startup("first frame");
            if let Some(signal) = self.first_frame_signal.take() {
                let _ = signal.send(());
            }
        }
    }
}

/// Why the window could not open.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Worker(#[from] WorkerError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error("could not open the window: {0}")]
    Window(String),
}

/// Opens the window and runs until it is closed. With `demo`, an embedded S3 server with
/// sample data is started once the window exists, and a "Demo" profile points at it.
pub fn run(demo: bool) -> Result<(), AppError> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(WINDOW_TITLE)
        // The desktop entry's id, so the dock pairs the window with Pail's icon.
        .with_app_id(crate::desktop::APP_ID)
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([640.0, 400.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    if std::env::var_os("PAIL_REPORT_STARTUP").is_some() {
        // tests/it/window_start.rs holds this at one: see below why.
        let threads = threads_in_process().map_or(String::new(), |n| {
            format!(" ({n} thread{})", if n == 1 { "" } else { "s" })
        });
        report_startup(&format!("opening the window{threads}"));
    }
    // Why the demo could not start, for the error this returns.
    let demo_failed = std::rc::Rc::new(std::cell::Cell::new(None));
    let demo_failure = demo_failed.clone();
    // The app is created inside the closure, on the UI thread, once the window exists. So is the
    // demo server, because it starts threads: in a process with more than one thread glibc locks
    // every character read, and on X11 winit reads the Compose table (half a megabyte, twice, a
    // character at a time) before the window is made, which then took 5 ms longer.
    let opened = eframe::run_native(
        WINDOW_TITLE,
        options,
        Box::new(move |cc| {
            report_startup("window created");
            // Its sample data is written once the first frame is up (on two cores, writing files
            // meanwhile delays it).
            let (first_frame, demo_gate) = std::sync::mpsc::channel();
            let server = match demo
                .then(|| {
                    crate::demo::start_demo_server_for_window(demo_gate, || {
                        report_startup("demo data ready")
                    })
                })
                .transpose()
            {
                Ok(server) => server,
                Err(e) => {
                    let text = e.to_string();
                    demo_failure.set(Some(e));
                    return Err(text.into());
                }
            };
            let profiles = match &server {
                Some(server) => {
                    crate::demo::remove_on_interrupt(server.root().to_owned());
                    vec![crate::demo::demo_profile(server)]
                }
                None => Vec::new(),
            };
            let mut app = PailApp::new(&cc.egui_ctx, profiles, server)?;
            app.first_frame_signal = Some(first_frame);
            Ok(Box::new(app))
        }),
    );
    if let Some(e) = demo_failed.take() {
        return Err(AppError::Demo(e));
    }
    opened.map_err(|e| AppError::Window(e.to_string()))
}
