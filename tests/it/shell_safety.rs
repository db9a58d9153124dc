//! Every command Pail prints is safe to paste into a shell: random hostile text (quotes, `$()`,
//! backticks, `;`, newlines, unicode) put into each field that reaches a printed command, the
//! command run by `bash` with a stub `curl` first on PATH — which records its arguments — and
//! then: nothing else ran, and curl got each value exactly. Text that cannot be a header value
//! (control characters) is refused before any command is made.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use pail::model::BucketName;
use pail::model::Endpoint;
use pail::share::form_output::{curl_command, put_curl_command};
use pail::share::{
    ContentTypeRule, Expiry, KeyRule, PostRequest, ShareError, Signer, SignerConfig,
};

const PIECES: &[&str] = &[
    "a",
    "'",
    "\"",
    "\\",
    "$(touch SENTINEL)",
    "`touch SENTINEL`",
    ";touch SENTINEL",
    "&&",
    "|",
    "\n",
    "\r",
    "\t",
    "#",
    "!",
    "$HOME",
    "*",
    "~",
    "日本",
    "🎉",
    " ",
    "/",
    "%",
    "${filename}",
];

struct Sandbox {
    _dir: tempfile::TempDir,
    stub_path: String,
    args_file: PathBuf,
    sentinel: PathBuf,
    upload: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let curl = bin.join("curl");
        std::fs::write(
            &curl,
            "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$ARGS_FILE\"\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&curl, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let upload = dir.path().join("file to upload.txt");
        std::fs::write(&upload, b"x").unwrap();
        Sandbox {
            stub_path: format!("{}:/usr/bin:/bin", bin.display()),
            args_file: dir.path().join("args"),
            sentinel: dir.path().join("SENTINEL"),
            upload,
            _dir: dir,
        }
    }

    /// Runs `script` with bash; the arguments the stub curl got.
    fn run(&self, script: &str) -> Vec<String> {
        let _ = std::fs::remove_file(&self.args_file);
        let output = Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(self.sentinel.parent().unwrap())
            .env("PATH", &self.stub_path)
            .env("ARGS_FILE", &self.args_file)
            .output()
            .expect("bash runs");
        assert!(output.status.success(), "{script}\n{output:?}");
        assert!(!self.sentinel.exists(), "something else ran:\n{script}");
        let bytes = std::fs::read(&self.args_file).expect("curl ran");
        bytes
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8(a.to_vec()).unwrap())
            .collect()
    }
}

fn signer() -> Signer {
    Signer::new(SignerConfig {
        credentials: aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        region: "us-east-1".into(),
        endpoint: Endpoint::custom("http://127.0.0.1:9").unwrap(),
        path_style: true,
    })
}

/// Deterministic hostile strings.
fn hostile(count: usize) -> Vec<String> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    (0..count)
        .map(|_| {
            let mut next = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            let parts = 1 + next() % 5;
            (0..parts)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect()
        })
        .collect()
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn fill(script: &str, upload: &Path) -> String {
    script
        .replace("<FILE>", &upload.display().to_string())
        .replace("<CONTENT-TYPE>", "text/plain")
}

#[tokio::test]
#[cfg_attr(
    windows,
    ignore = "runs the printed command with Linux bash and a bash stub of curl, which cannot start from Windows"
)]
async fn printed_commands_run_nothing_but_curl_with_the_values_given() {
    let sandbox = Sandbox::new();
    let signer = signer();
    let bucket = BucketName::new("inbox").unwrap();
    let hour = Expiry::In(Duration::from_secs(3600));
    for text in hostile(150) {
        // A form for a key prefix and a content type made of the text.
        let mut request = PostRequest::new(bucket.clone(), KeyRule::Prefix(text.clone()));
        request.expiry = hour;
        request.content_type = Some(ContentTypeRule::Exact(text.clone()));
        match signer.presign_post(&request, SystemTime::now()).await {
            Err(ShareError::HeaderValue { .. }) => {
                assert!(has_control(&text), "{text:?} refused for no reason");
            }
            Err(other) => panic!("{text:?}: {other}"),
            Ok(form) => {
                assert!(!has_control(&text), "{text:?} accepted");
                let args = sandbox.run(&fill(&curl_command(&form), &sandbox.upload));
                for (name, value) in &form.fields {
                    assert!(
                        args.contains(&format!("{name}={value}")),
                        "{name} of {text:?} reached curl changed: {args:?}"
                    );
                }
                assert!(args.contains(&form.url));
            }
        }
        // A form whose content type is a prefix: it shows in the command's comment line.
        let mut request = PostRequest::new(bucket.clone(), KeyRule::Prefix("in/".into()));
        request.expiry = hour;
        request.content_type = Some(ContentTypeRule::Prefix(format!("{text}/")));
        if let Ok(form) = signer.presign_post(&request, SystemTime::now()).await {
            sandbox.run(&fill(&curl_command(&form), &sandbox.upload));
        }
        // The window's PUT command, with the text as the header the link was signed with.
        if !has_control(&text) {
            let url = format!("http://127.0.0.1:9/inbox/{}?X-Amz-Signature=1", text);
            let headers = vec![("content-type".to_owned(), text.clone())];
            let args = sandbox.run(&fill(&put_curl_command(&url, &headers), &sandbox.upload));
            assert!(args.contains(&format!("content-type: {text}")), "{args:?}");
            assert!(args.contains(&url), "{args:?}");
        }
    }
}

#[tokio::test]
async fn control_characters_never_reach_a_header() {
    let signer = signer();
    let bucket = BucketName::new("inbox").unwrap();
    let key = pail::model::ObjectKey::new("a.txt").unwrap();
    let hour = Expiry::In(Duration::from_secs(3600));
    let evil = "text/plain\r\nx-amz-acl: public-read";
    let put = pail::share::PutOptions {
        content_type: Some(evil.into()),
        ..Default::default()
    };
    let refused = signer
        .presign_put(&bucket, &key, &put, hour, SystemTime::now())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ShareError::HeaderValue { .. }),
        "{refused}"
    );
    let get = pail::share::GetOptions {
        content_type: Some(evil.into()),
        ..Default::default()
    };
    assert!(
        signer
            .presign_get(&bucket, &key, &get, hour, SystemTime::now())
            .await
            .is_err()
    );
    let mut post = PostRequest::new(bucket, KeyRule::Prefix("in/".into()));
    post.metadata = vec![("note".into(), "a\nb".into())];
    assert!(signer.presign_post(&post, SystemTime::now()).await.is_err());
}
