//! What `pail` prints about local files, as the person would write their paths: on Windows
//! with single backslashes (`Z:\tmp\a.bin`), not the doubled ones a key's escaping gives.

use crate::common;

use std::process::Output;

use common::cli::{pail, pail_for};
use common::server_with_bucket;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn assert_ran(output: &Output) {
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn an_upload_line_names_the_file_as_it_is_written() {
    let server = server_with_bucket("msgs");
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("big.bin");
    std::fs::write(&file, b"bytes").unwrap();
    let up = pail_for(
        &server,
        home.path(),
        &["cp", &file.display().to_string(), "s3://msgs/big.bin"],
    );
    assert_ran(&up);
    let out = text(&up.stdout);
    let want = format!("upload: {} to s3://msgs/big.bin", file.display());
    assert!(out.lines().any(|l| l == want), "{want:?} not in {out:?}");
    assert!(!out.contains(r"\\"), "{out}");
}

#[test]
fn a_settings_file_set_aside_is_named_as_it_is_written() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("pail-config");
    std::fs::create_dir_all(&config).unwrap();
    let file = config.join("config.toml");
    std::fs::write(&file, "this is = = not toml\n").unwrap();
    let listed = pail(home.path())
        .args(["profiles", "list"])
        .output()
        .unwrap();
    assert_ran(&listed);
    let err = text(&listed.stderr);
    assert!(
        err.contains(&format!("{} line 1 could not be read", file.display())),
        "{err}"
    );
    let aside = format!("kept as {}.broken-", file.display());
    assert!(err.contains(&aside), "{aside:?} not in {err:?}");
    assert!(!err.contains(r"\\"), "{err}");
}

/// `pail demo-server` says it is writing the sample data before it goes quiet for it, then
/// gives the keys as this platform's shell takes them.
#[test]
fn the_demo_server_says_it_is_writing_and_gives_keys_for_this_shell() {
    use std::io::{BufRead, BufReader};
    let home = tempfile::tempdir().unwrap();
    let mut child = pail(home.path())
        .arg("demo-server")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    // Read apart, so that a missing line fails the test instead of holding it.
    let said = std::thread::spawn(move || {
        let mut said = String::new();
        let _ = BufReader::new(err).read_line(&mut said);
        said
    });
    let mut out = String::new();
    for line in BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
    {
        out.push_str(&line);
        out.push('\n');
        if line.starts_with("Press Ctrl+C") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let said = said.join().unwrap();
    assert!(said.contains("writing the demo's sample data"), "{said:?}");
    let key = pail::testing::demo::DEMO_ACCESS_KEY;
    match cfg!(windows) {
        true => {
            assert!(
                out.contains(&format!("$env:AWS_ACCESS_KEY_ID = \"{key}\"")),
                "{out}"
            );
            assert!(
                out.contains(&format!("set AWS_ACCESS_KEY_ID={key}&")),
                "{out}"
            );
            assert!(!out.contains("export "), "{out}");
        }
        false => assert!(
            out.contains(&format!("export AWS_ACCESS_KEY_ID={key} ")),
            "{out}"
        ),
    }
}
