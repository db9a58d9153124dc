//! The README and the manual in `docs/` hold only what runs: every command in their
//! ```` ```console ```` blocks (after `$ `) and ```` ```sh ```` blocks runs, as written, against a
//! real `pail demo-server`, and every relative link points to a file that exists.
//!
//! The convention the pages follow: a block fenced ```` ```sh no-run ```` (or
//! ```` ```console no-run ````) shows commands that need AWS, a window or the network and is not
//! run; any other fenced block (text, rust, toml) must not hold a command, so none can hide from
//! the run. The reader's setup, as `docs/cli.md` says, is the demo's keys and its endpoint in
//! the environment (`AWS_ENDPOINT_URL`); the test gives every command the same.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The pages the README sends a reader to; each must exist.
const PAGES: &[&str] = &[
    "window.md",
    "web-url.md",
    "sharing.md",
    "profiles.md",
    "transfers.md",
    "cli.md",
    "troubleshooting.md",
];

/// Long enough for a recursive copy of the demo's folders on a busy two-core machine.
const COMMAND_LIMIT: Duration = Duration::from_secs(120);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page in docs/, README first.
fn markdown_files() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.expect("docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    pages.insert(0, repo().join("README.md"));
    pages
}

/// `file` as a reader names it: from the repository's root.
fn shown_path(file: &Path) -> String {
    file.strip_prefix(repo())
        .unwrap_or(file)
        .display()
        .to_string()
}

/// One fenced code block: where it opens, its info string, its lines.
struct Block {
    file: PathBuf,
    line: usize,
    info: String,
    lines: Vec<String>,
}

fn fenced_blocks(file: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(file).expect("page reads");
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match (&mut open, fence) {
            (None, true) => {
                open = Some(Block {
                    file: file.to_owned(),
                    line: index + 1,
                    info: line.trim_start().trim_start_matches('`').trim().to_owned(),
                    lines: Vec::new(),
                })
            }
            (Some(_), true) => blocks.extend(open.take()),
            (Some(block), false) => block.lines.push(line.to_owned()),
            (None, false) => {}
        }
    }
    assert!(
        open.is_none(),
        "{}: a code block is never closed",
        shown_path(file)
    );
    blocks
}

/// A command as the page shows it, continuation lines (ending in `\`) joined by the shell.
struct Shown {
    place: String,
    text: String,
}

/// Joins a command's continuation lines, which follow `lines[start]` while a line ends in `\`.
fn with_continuations(lines: &[String], start: usize, first: &str) -> (String, usize) {
    let mut text = first.to_owned();
    let mut next = start + 1;
    while text.ends_with('\\') && next < lines.len() {
        text.push('\n');
        text.push_str(&lines[next]);
        next += 1;
    }
    (text, next)
}

/// The commands of a runnable block: after `$ ` in a console block, every line that is not
/// blank or a comment in a sh block.
fn commands(block: &Block, console: bool) -> Vec<Shown> {
    let mut found = Vec::new();
    let mut index = 0;
    while index < block.lines.len() {
        let line = &block.lines[index];
        let command = if console {
            line.strip_prefix("$ ")
        } else {
            let trimmed = line.trim();
            (!trimmed.is_empty() && !trimmed.starts_with('#')).then_some(line.as_str())
        };
        match command {
            Some(first) => {
                let (text, next) = with_continuations(&block.lines, index, first);
                found.push(Shown {
                    place: format!("{}:{}", shown_path(&block.file), block.line + 1 + index),
                    text,
                });
                index = next;
            }
            None => index += 1,
        }
    }
    found
}

/// What the pages show: the commands to run, and how many blocks say `no-run`.
struct Shows {
    runnable: Vec<(PathBuf, Vec<Shown>)>,
    not_run: Vec<String>,
}

fn shown_commands() -> Shows {
    let mut shows = Shows {
        runnable: Vec::new(),
        not_run: Vec::new(),
    };
    for file in markdown_files() {
        let mut runnable = Vec::new();
        for block in fenced_blocks(&file) {
            let mut words = block.info.split_whitespace();
            let language = words.next().unwrap_or("");
            let no_run = words.any(|word| word == "no-run");
            let where_ = format!("{}:{}", shown_path(&file), block.line);
            match (language, no_run) {
                ("console" | "sh", true) => shows.not_run.push(where_),
                ("console", false) => runnable.extend(commands(&block, true)),
                ("sh", false) => runnable.extend(commands(&block, false)),
                (other, _) => {
                    // Elsewhere a command would be shown and never run: not allowed.
                    let hidden = block.lines.iter().find(|line| {
                        let line = line.trim_start();
                        line.starts_with("$ ") || line.starts_with("pail ")
                    });
                    assert!(
                        hidden.is_none(),
                        "{where_}: a ```{other} block shows a command ({hidden:?}); \
                         fence it ```sh or ```console, or ```sh no-run if it cannot run here"
                    );
                }
            }
        }
        shows.runnable.push((file, runnable));
    }
    shows
}

/// A command with the environment a reader following `docs/cli.md` has: the demo's keys and
/// endpoint, a home of its own, and nothing that could reach past loopback.
fn shell(home: &Path, endpoint: &str) -> Command {
    let pail = PathBuf::from(env!("CARGO_BIN_EXE_pail"));
    let bin_dir = pail.parent().expect("the binary's folder").to_owned();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH joins");
    let mut command = Command::new("bash");
    command
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("TMPDIR", home)
        .env("TZ", "UTC")
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PAIL_CONFIG_DIR", home.join("pail-config"))
        .env("AWS_ACCESS_KEY_ID", "pail-demo")
        .env("AWS_SECRET_ACCESS_KEY", "pail-demo-secret")
        .env("AWS_ENDPOINT_URL", endpoint);
    command
}

/// `pail demo-server` as a reader starts it; killed when dropped. Its data folder is under
/// the test's `TMPDIR`, so nothing is left behind even though a kill skips its clean-up.
struct DemoServer {
    child: Child,
    endpoint: String,
}

impl DemoServer {
    fn start(home: &Path) -> Self {
        let mut child = shell(home, "")
            .env_remove("AWS_ENDPOINT_URL")
            .args(["-c", "exec pail demo-server"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pail demo-server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let endpoint = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.trim().strip_prefix("endpoint") {
                        break url.trim().to_owned();
                    }
                }
                _ => {
                    let mut err = String::new();
                    if let Some(mut stderr) = child.stderr.take() {
                        let _ = stderr.read_to_string(&mut err);
                    }
                    panic!("pail demo-server printed no endpoint; stderr: {err}");
                }
            }
        };
        assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
        Self { child, endpoint }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs one shown command in `dir`; `Err` says how it failed.
fn run(shown: &Shown, home: &Path, endpoint: &str, dir: &Path) -> Result<(), String> {
    let script = format!("set -euo pipefail\n{}\n", shown.text);
    let mut child = shell(home, endpoint)
        .current_dir(dir)
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("bash did not start: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > COMMAND_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {COMMAND_LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    if status.success() {
        Ok(())
    } else {
        Err(format!("{status}; stderr: {err}"))
    }
}

#[cfg_attr(
    windows,
    ignore = "runs the docs' shell commands with the Linux `sh`, which a Windows process cannot start"
)]
#[test]
fn every_command_in_the_docs_runs_against_the_demo_server() {
    let shows = shown_commands();
    let home = tempfile::tempdir().expect("temporary home");
    let server = DemoServer::start(home.path());
    let mut ran = 0;
    let mut failures = Vec::new();
    for (file, commands) in &shows.runnable {
        // Each page runs in a folder of its own, its commands in order: a page may download
        // something and upload it again further down.
        let name = file.file_stem().expect("a page name").to_string_lossy();
        let dir = home.path().join(format!("page-{name}"));
        std::fs::create_dir_all(&dir).expect("page folder");
        // The test key from this repository, where docs/sharing.md tells a clone to find it.
        let key_dir = dir.join("tests/vectors");
        std::fs::create_dir_all(&key_dir).expect("key folder");
        std::fs::copy(
            repo().join("tests/vectors/cloudfront_test_key.pem"),
            key_dir.join("cloudfront_test_key.pem"),
        )
        .expect("test key copied");
        for shown in commands {
            // The server this test started is that command: it runs until Ctrl+C.
            if shown.text.trim() == "pail demo-server" {
                continue;
            }
            ran += 1;
            if let Err(why) = run(shown, home.path(), &server.endpoint, &dir) {
                failures.push(format!("{}: `{}`: {why}", shown.place, shown.text));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} commands failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // A floor, so a broken reader of the pages cannot pass by finding nothing.
    assert!(ran >= 20, "only {ran} commands found in the docs");
    // The few blocks that cannot run here (AWS, the window, installers) stay few.
    assert!(
        shows.not_run.len() <= 8,
        "{} blocks are not run: {:?}",
        shows.not_run.len(),
        shows.not_run
    );
}

#[test]
fn every_relative_link_points_to_a_file() {
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).expect("page reads");
        let base = file.parent().expect("a folder");
        for (_, rest) in text
            .match_indices("](")
            .map(|(at, _)| text.split_at(at + 2))
        {
            let Some(end) = rest.find(')') else { continue };
            let target = &rest[..end];
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap_or(target);
            if !base.join(path).exists() {
                broken.push(format!("{}: {target}", shown_path(&file)));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_readme_sends_readers_to_every_page_and_ci_runs_its_test_command() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README reads");
    for page in PAGES {
        assert!(repo().join("docs").join(page).is_file(), "docs/{page}");
        assert!(
            readme.contains(&format!("](docs/{page})")),
            "README links docs/{page}"
        );
    }
    // .ci/run runs the README's test command as the step of that name; the two must not
    // drift apart.
    let ci = std::fs::read_to_string(repo().join(".ci/run")).expect(".ci/run reads");
    let step = "step \"the README's test command\" ";
    let ci_command = ci
        .lines()
        .find_map(|line| line.strip_prefix(step))
        .expect("the README's test command is a step of .ci/run");
    assert!(
        readme.contains(&format!("| test | `{ci_command}` |")),
        "README's test command is not .ci/run's `{ci_command}`"
    );
    assert!(readme.contains("| run | `cargo run --release -- --demo` |"));
}

/// The library page's example is `examples/library.rs` (which `cargo test` builds against the
/// public API), not a copy that could drift from it.
#[test]
fn the_library_example_is_the_one_that_is_built() {
    let page = std::fs::read_to_string(repo().join("docs/library.md")).unwrap();
    let example = std::fs::read_to_string(repo().join("examples/library.rs")).unwrap();
    let start = page.find("```rust\n").expect("docs/library.md shows Rust") + "```rust\n".len();
    let end = start + page[start..].find("```").expect("the block ends");
    assert!(
        example.contains(&page[start..end]),
        "docs/library.md's example differs from examples/library.rs"
    );
}
