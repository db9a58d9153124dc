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
    let listed = pail(home.path()).args(["profiles", "list"]).output().unwrap();
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
