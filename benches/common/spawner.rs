//! Each timed command of a bench run in a small process of its own making, so that the peak
//! memory `wait4` reports is the command's own.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

/// One timed run of one tool: its seconds and its peak resident memory.
#[derive(Clone, Copy)]
pub struct Run {
    pub seconds: f64,
    pub peak_mb: f64,
}

/// Runs each timed command, so that its peak memory is its own. A process's `ru_maxrss` starts
/// from the memory of the process it was forked from (Linux records the old image's high-water
/// mark at `exec`): tools forked from this bench, which holds the proxy and a runtime, all
/// showed at least its 80 MB. The spawner is this same program started first, small, and asked
/// over a pipe.
pub struct Spawner {
    input: std::process::ChildStdin,
    output: std::io::BufReader<std::process::ChildStdout>,
    _child: std::process::Child,
}

pub const SPAWNER: &str = "PAIL_BENCH_SPAWNER";

impl Spawner {
    pub fn start() -> Spawner {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(SPAWNER, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        Spawner {
            input: child.stdin.take().unwrap(),
            output: std::io::BufReader::new(child.stdout.take().unwrap()),
            _child: child,
        }
    }

    /// Runs `command` to its end in the spawner: how long it took and its own peak memory, or
    /// the reason it failed.
    pub fn timed(&mut self, command: &Command) -> Result<Run, String> {
        use std::io::BufRead;
        let text = |s: &std::ffi::OsStr| s.to_string_lossy().into_owned();
        let job = serde_json::json!({
            "program": text(command.get_program()),
            "args": command.get_args().map(text).collect::<Vec<_>>(),
            "env": command
                .get_envs()
                .map(|(k, v)| (text(k), v.map(text)))
                .collect::<Vec<_>>(),
        });
        writeln!(self.input, "{job}").map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let answer: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        match answer["error"].as_str() {
            Some(error) => Err(error.to_owned()),
            None => Ok(Run {
                seconds: answer["seconds"].as_f64().unwrap_or(f64::NAN),
                peak_mb: answer["peak_kb"].as_f64().unwrap_or(f64::NAN) / 1024.0,
            }),
        }
    }
}

/// The spawner's side: a job a line in, an answer a line out, until its input ends.
pub fn serve_as_spawner() {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return };
        let job: serde_json::Value = serde_json::from_str(&line).unwrap();
        let mut command = Command::new(job["program"].as_str().unwrap());
        for arg in job["args"].as_array().unwrap() {
            command.arg(arg.as_str().unwrap());
        }
        for pair in job["env"].as_array().unwrap() {
            let key = pair[0].as_str().unwrap();
            match pair[1].as_str() {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        let answer = match run_measured(command) {
            Ok(run) => serde_json::json!({"seconds": run.seconds, "peak_kb": run.peak_mb * 1024.0}),
            Err(error) => serde_json::json!({ "error": error }),
        };
        writeln!(out, "{answer}").unwrap();
        out.flush().unwrap();
    }
}

/// Runs `command` to its end: how long it took and its own peak memory (`ru_maxrss` from
/// `wait4`), or the reason it failed.
fn run_measured(mut command: Command) -> Result<Run, String> {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id() as libc::pid_t;
    let mut stderr = child.stderr;
    // Read stderr as it comes so a chatty tool never blocks on a full pipe.
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(stderr) = stderr.as_mut() {
            let _ = std::io::Read::read_to_string(stderr, &mut text);
        }
        text
    });
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value to be filled in by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = start.elapsed().as_secs_f64();
    let stderr = reader.join().unwrap_or_default();
    if waited != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        let last = stderr.lines().last().unwrap_or("").to_owned();
        return Err(format!("failed (status {status}): {last}"));
    }
    Ok(Run {
        seconds,
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
    })
}
