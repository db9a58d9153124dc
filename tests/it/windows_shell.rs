//! Opening a file through the Windows shell (`ShellExecuteExW`, no command line), run under
//! Wine: a file type of its own, registered for this user, whose "open" command is this test
//! binary in a recording mode; each awkward name must reach it whole, as one argument, with
//! nothing read by a shell (`&`, `^`, `%VAR%`, `$()`, quotes, spaces, non-ASCII).

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use pail::testing::local_folder::open_with_default_app;

/// The recording test's name: the registered command runs this binary with it as the only
/// test to run, then the opened file's path (which matches no test).
const RECORDER: &str = "windows_shell::records_the_file_it_is_opened_with";

/// The extension registered for the recorder: Pail's own, so no real app is ever started.
const EXTENSION: &str = ".pailshelltest";

/// Not a test of its own: what the registered "open" command runs, with a folder for its
/// records and then what the shell passed. Writes the arguments after the folder, one a line,
/// into a file of that folder named for its process. Run alone (`--ignored`), it has no
/// arguments and does nothing.
#[test]
#[ignore = "the recorder the shell starts in windows_shell's test, not a test of its own"]
fn records_the_file_it_is_opened_with() {
    let args: Vec<OsString> = std::env::args_os().collect();
    let Some(own) = args.iter().position(|a| a == RECORDER) else {
        return;
    };
    let Some(records) = args.get(own + 1) else {
        return;
    };
    let received: Vec<String> = args[own + 2..]
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let record = Path::new(records).join(format!("{}.txt", std::process::id()));
    std::fs::write(record, received.join("\n")).unwrap();
}

/// `reg.exe` with `args`: whether it succeeded, and what it said.
fn reg(args: &[&str]) -> Result<(), String> {
    let out = Command::new("reg").args(args).output().expect("reg.exe");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "reg {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Where file types are registered: for this user (what Windows reads first, no
/// administrator needed), and for the machine, which Wine 8's shell alone reads (its
/// `HKEY_CLASSES_ROOT` does not include the user's classes; a non-administrator on Windows
/// cannot write there, and needs not).
const CLASSES: [&str; 2] = [r"HKCU\Software\Classes", r"HKLM\Software\Classes"];

/// The file type, registered while it lives, with its "open" command.
struct Registered(String);

impl Registered {
    fn new(records: &Path) -> Self {
        let exe = std::env::current_exe().unwrap();
        let command = format!(
            "\"{}\" --exact --ignored --test-threads=1 {RECORDER} \"{}\" \"%1\"",
            exe.display(),
            records.display()
        );
        for (i, classes) in CLASSES.iter().enumerate() {
            let registered = reg(&[
                "add",
                &format!(r"{classes}\{EXTENSION}"),
                "/ve",
                "/d",
                "PailShellTest.File",
                "/f",
            ])
            .and_then(|()| {
                reg(&[
                    "add",
                    &format!(r"{classes}\PailShellTest.File\shell\open\command"),
                    "/ve",
                    "/d",
                    &command,
                    "/f",
                ])
            });
            if let (0, Err(e)) = (i, registered) {
                panic!("{e}");
            }
        }
        Registered(command)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        for classes in CLASSES {
            for key in [EXTENSION, "PailShellTest.File"] {
                let _ = reg(&["delete", &format!(r"{classes}\{key}"), "/f"]);
            }
        }
    }
}

#[test]
fn a_file_opened_through_the_shell_reaches_its_app_as_one_argument_untouched() {
    let records = tempfile::tempdir().unwrap();
    let registered = Registered::new(records.path());
    let dir = tempfile::tempdir().unwrap();
    // The folder's name is awkward too: the whole path is the argument.
    let folder = dir.path().join("a & b ^ 100% $(x)");
    std::fs::create_dir(&folder).unwrap();
    let names = [
        "plain",
        "a&b",
        "caret^x",
        "100%PATH% and %%",
        "it's",
        "two  spaces ",
        "$(whoami) `id`",
        "ünïcødé 日本語 🎉",
        "all & ^ % ' $() ; , = ( ) [ ] ! x",
    ];
    let mut expected: Vec<String> = Vec::new();
    for name in names {
        let file = folder.join(format!("{name}{EXTENSION}"));
        std::fs::write(&file, b"opened by the test").unwrap();
        open_with_default_app(&file).unwrap_or_else(|e| {
            panic!(
                "opening {file:?} with {} failed: {}",
                registered.0, e.reason
            )
        });
        expected.push(file.to_str().unwrap().to_owned());
    }
    // The shell has started each recorder before it returned; each takes a few seconds to run.
    let start = Instant::now();
    let mut received = loop {
        let texts: Vec<String> = std::fs::read_dir(records.path())
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect();
        if texts.len() == names.len() && texts.iter().all(|t| !t.is_empty()) {
            break texts;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "{} of {} files opened reached the app registered for {EXTENSION}: {texts:?}",
            texts.len(),
            names.len()
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    // Each record is one line: the path, as one argument, exactly as Pail named it.
    received.sort();
    expected.sort();
    assert_eq!(received, expected);
    // Nothing ran a name as a command: the folder holds the files made, nothing else.
    let left = std::fs::read_dir(&folder).unwrap().count();
    assert_eq!(left, names.len(), "files appeared beside the opened ones");
}
