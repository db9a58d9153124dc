//! The integration tests, as one test binary: each module was its own binary once, and each
//! linked the whole stack (slow links, GBs of disk). They talk to real servers on loopback or
//! run the `pail` binary, so nothing here sets process-wide state; a test that must (one that
//! sets an environment variable for its whole process) keeps its own binary beside this one, as
//! `tests/clipboard_x11.rs` does.

// The helpers live beside this folder, not in it: `tests/clipboard_x11.rs` and the benches use
// them too.
#[path = "../common/mod.rs"]
mod common;

mod attacks_23b;
mod attacks_24;
mod attacks_25;
mod attacks_25b;
mod attacks_26a;
mod attacks_26h;
mod attacks_26k;
mod attacks_26v;
mod batch_attacks;
mod batch_plan;
mod browse;
mod bucket_host_links;
mod buckets;
mod cli;
mod cli_buckets;
mod cli_endpoint_paths;
mod cli_link_lifetime;
mod cli_system;
mod cloudfront;
mod conditional_writes;
mod copy_across;
mod data_requests;
mod docs_commands;
mod download_names;
mod endpoint_paths;
mod far_links;
mod gone_uploads;
mod headers;
mod hostile_server;
mod limit_rate;
mod link_doctor;
mod listing_attacks;
mod listing_names;
mod listing_property;
mod move_checks;
mod network;
mod public_links;
mod qr;
mod region_discovery;
mod search;
mod server_join;
mod server_put;
mod settings_files;
mod share_folder;
mod share_roundtrip;
mod shell_safety;
mod signing_vectors;
mod throttling;
mod tidy;
mod transfers;
mod ui_bucket_host_links;
mod ui_buckets;
mod ui_cloudfront;
mod ui_endpoint_paths;
mod ui_explorer;
mod ui_files;
mod ui_folder_share;
mod ui_headers;
mod ui_link_doctor;
mod ui_link_lifetime;
mod ui_profiles;
mod ui_public_links;
mod ui_qr;
mod ui_two_panes;
mod ui_versions;
mod ui_web_url;
mod upload_headers;
mod versions;
mod window_start;
mod windows_files;
mod windows_messages;
mod windows_names;
#[cfg(windows)] // the Windows shell's own open
mod windows_shell;
#[cfg(not(windows))] // drives wine64 and Xvfb from Linux
mod wine_window;
