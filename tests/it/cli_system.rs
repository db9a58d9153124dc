//! The commands that fit Pail into the system, run as the built binary: `--version`, the shell
//! completions and manual pages (generated from the command-line definitions, and the copies
//! the release archives carry kept equal to them), and the desktop entry installed and
//! removed under a temporary XDG data folder.

use std::path::Path;
use std::process::{Command, Output};

fn pail(args: &[&str], data_home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pail"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", data_home)
        .env("XDG_DATA_HOME", data_home.join("share"))
        .output()
        .expect("pail runs")
}

fn ok(output: Output) -> Vec<u8> {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn assets() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").leak()
}

#[test]
fn version_names_the_package_version() {
    let home = tempfile::tempdir().unwrap();
    let out = ok(pail(&["--version"], home.path()));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("pail {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_match_the_commands_and_the_shipped_copies() {
    let home = tempfile::tempdir().unwrap();
    for (shell, shipped) in [
        ("bash", "pail.bash"),
        ("zsh", "_pail"),
        ("fish", "pail.fish"),
        ("powershell", "_pail.ps1"),
        ("elvish", "pail.elvish"),
    ] {
        let script = ok(pail(&["completions", shell], home.path()));
        let text = String::from_utf8(script.clone()).unwrap();
        for command in ["presign-cloudfront", "install-desktop", "share", "cp"] {
            assert!(text.contains(command), "{shell} completes {command}");
        }
        let copy = assets().join("completions").join(shipped);
        assert!(
            std::fs::read(&copy).unwrap() == script,
            "{} is out of date: pail completions {shell} > {}",
            copy.display(),
            copy.display()
        );
    }
    // The bash script is valid bash; a Windows process cannot start Linux's bash to say so
    // (the comparison with the shipped copies above holds there too).
    #[cfg(not(windows))]
    {
        let check = Command::new("bash")
            .args(["-n"])
            .arg(assets().join("completions/pail.bash"))
            .output()
            .unwrap();
        assert!(check.status.success(), "{check:?}");
    }
}

#[test]
fn manual_pages_match_the_commands_and_the_shipped_copies() {
    let home = tempfile::tempdir().unwrap();
    let page = ok(pail(&["man"], home.path()));
    assert!(String::from_utf8_lossy(&page).contains(".TH pail 1"));
    let out = home.path().join("man");
    ok(pail(
        &["man", "--out-dir", out.to_str().unwrap()],
        home.path(),
    ));
    let mut made: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    made.sort();
    assert!(made.contains(&"pail-presign.1".to_owned()), "{made:?}");
    let shipped = assets().join("man");
    let mut kept: Vec<String> = std::fs::read_dir(&shipped)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    assert_eq!(
        made, kept,
        "assets/man is out of date: pail man --out-dir assets/man"
    );
    for name in &made {
        assert!(
            std::fs::read(out.join(name)).unwrap() == std::fs::read(shipped.join(name)).unwrap(),
            "assets/man/{name} is out of date: pail man --out-dir assets/man"
        );
    }
    assert!(
        page == std::fs::read(shipped.join("pail.1")).unwrap(),
        "`pail man` prints the shipped pail.1"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn install_desktop_adds_a_valid_entry_and_uninstall_desktop_takes_it_out() {
    let home = tempfile::tempdir().unwrap();
    let said = String::from_utf8(ok(pail(&["install-desktop"], home.path()))).unwrap();
    let entry = home.path().join("share/applications/pail.desktop");
    assert!(said.contains(&entry.display().to_string()), "{said}");
    let text = std::fs::read_to_string(&entry).unwrap();
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_pail")).unwrap();
    assert!(text.contains("Icon=pail\n"));
    assert!(
        text.contains(&format!("Exec={}", exe.display()))
            || text.contains(&format!("Exec=\"{}\"", exe.display())),
        "{text}"
    );
    for size in [16, 32, 48, 128, 256] {
        assert!(
            home.path()
                .join(format!("share/icons/hicolor/{size}x{size}/apps/pail.png"))
                .is_file()
        );
    }
    // The desktop's own checker, where it is installed (.ci/run installs it).
    if let Ok(check) = Command::new("desktop-file-validate").arg(&entry).output() {
        assert!(
            check.status.success() && check.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }

    let said = String::from_utf8(ok(pail(&["uninstall-desktop"], home.path()))).unwrap();
    assert!(said.contains("removed"), "{said}");
    assert!(!entry.exists());
    let left: Vec<_> = walk(&home.path().join("share"));
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Every file under `dir`.
#[cfg(target_os = "linux")]
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
