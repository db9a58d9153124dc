//! Attacks on issue 26 part 3, headers and metadata: servers that lie about a copy, values
//! and names a person or a server sends, the upload-headers file, what an edit leaves behind.

use crate::common;

use common::cli::pail;
use common::hostile::{Answer, HostileServer};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a server answers a CopyObject with.
type CopyAnswer = fn() -> Answer;

/// A server whose HEAD, tags and ACL answers are S3's, and whose CopyObject answer is `copy`.
async fn server_answering_the_copy_with(copy: CopyAnswer) -> HostileServer {
    HostileServer::start(move |line| {
        let (method, target) = line.split_once(' ').unwrap_or_default();
        match (method, target) {
            ("HEAD", _) => Answer::Body {
                status: 200,
                content_type: "application/octet-stream",
                body: Vec::new(),
            },
            ("GET", t) if t.contains("?tagging") => Answer::Xml(
                200,
                "<Tagging><TagSet></TagSet></Tagging>".into(),
            ),
            ("GET", t) if t.contains("?acl") => Answer::Xml(
                200,
                "<AccessControlPolicy><Owner><ID>me</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>me</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>".into(),
            ),
            ("GET", t) if t.contains("?versioning") => Answer::Xml(
                200,
                "<VersioningConfiguration></VersioningConfiguration>".into(),
            ),
            ("PUT", _) => copy(),
            _ => Answer::Xml(404, "<Error><Code>NoSuchKey</Code></Error>".into()),
        }
    })
    .await
}

/// S3 may answer a CopyObject with 200 and an error in the body (it says so in its API
/// reference); an empty body or an HTML page in its place is no CopyObjectResult either. Each
/// must be told as a failure of that object, never as "edited".
#[tokio::test(flavor = "multi_thread")]
async fn a_copy_answered_200_with_an_error_body_is_not_reported_as_edited() {
    let answers: [(&str, CopyAnswer); 3] = [
        ("error body", || {
            Answer::Xml(
                200,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>1</RequestId></Error>".into(),
            )
        }),
        ("empty body", || Answer::Xml(200, String::new())),
        ("html page", || Answer::Body {
            status: 200,
            content_type: "text/html",
            body: b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec(),
        }),
    ];
    let home = tempfile::tempdir().unwrap();
    for (what, answer) in answers {
        let server = server_answering_the_copy_with(answer).await;
        let output = pail(home.path())
            .env("AWS_ACCESS_KEY_ID", "AKHOSTILE")
            .env("AWS_SECRET_ACCESS_KEY", "hostile-secret")
            .args([
                "headers",
                "s3://site/page.html",
                "--content-type",
                "text/html",
            ])
            .args(["--endpoint-url", &server.endpoint_url(), "--path-style"])
            .args(["--region", "us-east-1"])
            .output()
            .unwrap();
        let (out, err) = (text(&output.stdout), text(&output.stderr));
        assert!(
            server.requests().iter().any(|l| l.starts_with("PUT ")),
            "{what}: the copy was sent: {:?}\n{err}",
            server.requests()
        );
        assert!(
            !output.status.success(),
            "{what}: a copy that did not say it was made is not a success\nstdout: {out}\nstderr: {err}"
        );
        assert!(!out.contains("edited s3://"), "{what}: {out}");
        assert!(err.contains("s3://site/page.html: "), "{what}: {err}");
    }
}

/// Writes `site/page.html` again, the same bytes with another type and metadata, the first
/// time Pail reads its ACL: someone else's header edit landing between Pail's read and its copy.
struct RewriteOnAclRead {
    done: std::sync::atomic::AtomicBool,
    writer: pail::s3::connection::Connection,
}

#[async_trait::async_trait]
impl s3s::access::S3Access for RewriteOnAclRead {
    async fn check(&self, cx: &mut s3s::access::S3AccessContext<'_>) -> s3s::S3Result<()> {
        if cx.s3_op().name() == "GetObjectAcl"
            && !self.done.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            self.writer
                .client()
                .put_object()
                .bucket("site")
                .key("page.html")
                .content_type("text/html; charset=utf-8")
                .metadata("approved", "by-ana")
                .body(PAGE.to_vec().into())
                .send()
                .await
                .unwrap();
        }
        Ok(())
    }
}

const PAGE: &[u8] = b"<html>hello</html>";

/// An object another person re-stored between Pail's read and its copy, with the same bytes
/// (so the same ETag) and other headers: the copy's If-Match holds, and a copy built from the
/// first read would put the old headers back over theirs. It is left as they stored it.
#[tokio::test(flavor = "multi_thread")]
async fn an_edit_does_not_undo_headers_someone_else_set_between_its_read_and_its_copy() {
    let server = common::server_with_bucket("site");
    let connection = server.connection();
    connection
        .client()
        .put_object()
        .bucket("site")
        .key("page.html")
        .content_type("application/octet-stream")
        .body(PAGE.to_vec().into())
        .send()
        .await
        .unwrap();
    let store = server.same_store().unwrap();
    let mut builder = s3s::service::S3ServiceBuilder::new(store);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(
        common::ACCESS_KEY,
        common::SECRET_KEY,
    ));
    builder.set_access(RewriteOnAclRead {
        done: false.into(),
        writer: connection.clone(),
    });
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let service = service.clone();
            tokio::spawn(async move {
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                .await;
            });
        }
    });
    let home = tempfile::tempdir().unwrap();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", common::SECRET_KEY)
        .args([
            "headers",
            "s3://site/page.html",
            "--cache-control",
            "no-store",
        ])
        .args(["--endpoint-url", &format!("http://{addr}"), "--path-style"])
        .output()
        .unwrap();
    task.abort();
    let after = connection
        .client()
        .head_object()
        .bucket("site")
        .key("page.html")
        .send()
        .await
        .unwrap();
    let err = text(&output.stderr);
    assert!(!output.status.success(), "{err}");
    assert!(
        err.contains("it changed since Pail read its headers"),
        "{err}"
    );
    assert_eq!(
        after.content_type(),
        Some("text/html; charset=utf-8"),
        "their type is kept\n{err}"
    );
    assert_eq!(
        after
            .metadata()
            .and_then(|m| m.get("approved"))
            .map(String::as_str),
        Some("by-ana"),
        "their metadata is kept\n{err}"
    );
}

/// Everything HEAD tells, but what a copy always changes (its date, and the header edited).
fn head_lines(head: &aws_sdk_s3::operation::head_object::HeadObjectOutput) -> Vec<String> {
    #[allow(deprecated)]
    let expires = head.expires_string().map(str::to_owned);
    let mut lines = vec![
        format!("type {:?}", head.content_type()),
        format!("disposition {:?}", head.content_disposition()),
        format!("encoding {:?}", head.content_encoding()),
        format!("language {:?}", head.content_language()),
        format!("expires {expires:?}"),
        format!("class {:?}", head.storage_class()),
        format!("sse {:?}", head.server_side_encryption()),
        format!("kms {:?}", head.ssekms_key_id()),
        format!("redirect {:?}", head.website_redirect_location()),
        format!("length {:?}", head.content_length()),
    ];
    let mut meta: Vec<String> = head
        .metadata()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("meta {k}={v}"))
        .collect();
    meta.sort();
    lines.extend(meta);
    lines
}

/// On moto: an object with every header a person or a site sets, quotes and `=` and `;` in
/// them, an AES256 encryption, a grant to another account and tags with spaces — edited on one
/// header only, everything else reads back the same, header for header, tag for tag, grant for
/// grant.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn an_edit_of_one_header_leaves_every_other_header_tag_and_grant_as_it_was_on_moto() {
    use aws_sdk_s3::types::{ServerSideEncryption, StorageClass};
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    client.create_bucket().bucket("site").send().await.unwrap();
    let key = "a \"quoted\" name; x=1/ü.js.gz";
    client
        .put_object()
        .bucket("site")
        .key(key)
        .content_type("application/javascript; charset=\"utf-8\"")
        .content_encoding("gzip")
        .content_language("pt-BR, en")
        .content_disposition("inline; filename=\"a \\\"b\\\".js\"; filename*=UTF-8''%C3%BC.js")
        .expires(aws_smithy_types::DateTime::from_secs(1_893_456_000))
        .metadata("Mixed-Case", "Keep = this; \"quoted\"")
        .metadata("empty", "")
        .metadata("spaces", "  two  spaces  ")
        .storage_class(StorageClass::OnezoneIa)
        .server_side_encryption(ServerSideEncryption::Aes256)
        .website_redirect_location("https://example.com/a?b=c&d")
        .tagging("project=the%20site&path=a%2Fb%3Dc&%C3%BC=%C3%A9")
        .grant_read("id=\"b7f3e0c1other\"")
        .grant_read_acp("uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"\x1f\x8b gz",
        ))
        .send()
        .await
        .unwrap();
    let state = || async {
        let head = client
            .head_object()
            .bucket("site")
            .key(key)
            .send()
            .await
            .unwrap();
        let tags = client
            .get_object_tagging()
            .bucket("site")
            .key(key)
            .send()
            .await
            .unwrap();
        let mut tags: Vec<String> = tags
            .tag_set()
            .iter()
            .map(|t| format!("{}={}", t.key(), t.value()))
            .collect();
        tags.sort();
        let acl = client
            .get_object_acl()
            .bucket("site")
            .key(key)
            .send()
            .await
            .unwrap();
        let mut grants: Vec<String> = acl
            .grants()
            .iter()
            .map(|g| format!("{:?} {:?}", g.grantee(), g.permission()))
            .collect();
        grants.sort();
        (
            head_lines(&head),
            tags,
            grants,
            head.cache_control().map(str::to_owned),
        )
    };
    let before = state().await;
    let home = tempfile::tempdir().unwrap();
    let url = moto.endpoint_url();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .args([
            "headers",
            &format!("s3://site/{key}"),
            "--cache-control",
            "public, max-age=60",
        ])
        .args(["--endpoint-url", url.trim_end_matches('/'), "--path-style"])
        .args(["--region", "us-east-1"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let after = state().await;
    assert_eq!(after.3.as_deref(), Some("public, max-age=60"), "edited");
    assert_eq!(after.0, before.0, "every other header as it was");
    assert_eq!(after.1, before.1, "the tags as they were");
    assert_eq!(after.2, before.2, "the grants as they were");
}

/// Two scripts adding rules at once (`pail upload-headers set … &`): each reads the file,
/// adds its rule and writes it back. Every rule added must be there afterwards.
#[test]
fn upload_header_rules_set_at_once_are_all_kept() {
    let home = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..12)
        .map(|n| {
            pail(home.path())
                .args([
                    "upload-headers",
                    "set",
                    "s3://site",
                    &format!("*.n{n}"),
                    "--cache-control",
                    "no-cache",
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let done = child.wait_with_output().unwrap();
        assert!(done.status.success(), "{}", text(&done.stderr));
    }
    let listed = pail(home.path())
        .args(["upload-headers", "list"])
        .output()
        .unwrap();
    let listed = text(&listed.stdout);
    let missing: Vec<String> = (0..12)
        .map(|n| format!("*.n{n} "))
        .filter(|p| !listed.contains(p.as_str()))
        .collect();
    assert!(missing.is_empty(), "lost: {missing:?}\n{listed}");
}

/// `pail headers -r` of a folder whose listing names keys outside it: no object outside the
/// folder is read or copied, and the lie is told, not taken for the folder's objects.
#[tokio::test(flavor = "multi_thread")]
async fn a_folder_edit_never_touches_keys_a_lying_listing_puts_outside_the_folder() {
    use common::hostile::Lie;
    let server = HostileServer::start(|line| {
        let (method, target) = line.split_once(' ').unwrap_or_default();
        match (method, target) {
            ("GET", t) if t.contains("list-type=2") => Lie::KeysOutsidePrefix.answer(line),
            ("HEAD", _) => Answer::Body {
                status: 200,
                content_type: "application/octet-stream",
                body: Vec::new(),
            },
            ("GET", t) if t.contains("?tagging") => {
                Answer::Xml(200, "<Tagging><TagSet></TagSet></Tagging>".into())
            }
            ("GET", t) if t.contains("?acl") => Answer::Xml(
                200,
                "<AccessControlPolicy><Owner><ID>me</ID></Owner><AccessControlList></AccessControlList></AccessControlPolicy>".into(),
            ),
            ("PUT", _) => Answer::Xml(
                200,
                "<CopyObjectResult><ETag>\"e\"</ETag><LastModified>2026-01-01T00:00:00.000Z</LastModified></CopyObjectResult>".into(),
            ),
            _ => Answer::Xml(200, "<VersioningConfiguration/>".into()),
        }
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "AKHOSTILE")
        .env("AWS_SECRET_ACCESS_KEY", "hostile-secret")
        .args([
            "headers",
            "-r",
            "s3://site/assets/",
            "--cache-control",
            "no-store",
        ])
        .args(["--endpoint-url", &server.endpoint_url(), "--path-style"])
        .args(["--region", "us-east-1"])
        .output()
        .unwrap();
    let touched: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|l| !l.starts_with("GET /site?") && !l.starts_with("GET /site/?"))
        .filter(|l| !l.contains("/site/assets/"))
        .collect();
    assert!(touched.is_empty(), "outside the folder: {touched:?}");
    let err = text(&output.stderr);
    assert!(!output.status.success(), "{err}");
    assert!(err.contains("cannot be trusted"), "{err}");
}

/// `--meta Owner=ana --meta owner=bo`: S3 keeps one `x-amz-meta-owner`, so one of the two
/// values would be dropped without a word. The edit is refused, naming the name.
#[test]
fn metadata_names_that_differ_only_by_case_are_refused_not_one_dropped() {
    let home = tempfile::tempdir().unwrap();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "AKNOWHERE")
        .env("AWS_SECRET_ACCESS_KEY", "nowhere-secret")
        .args([
            "headers",
            "s3://site/a.txt",
            "--meta",
            "Owner=ana",
            "--meta",
            "x-amz-meta-owner=bo",
            "--dry-run",
        ])
        .args(["--endpoint-url", "http://127.0.0.1:9", "--path-style"])
        .output()
        .unwrap();
    let err = text(&output.stderr);
    assert!(!output.status.success(), "{err}");
    assert!(err.contains("metadata `owner` is given twice"), "{err}");
    assert!(
        !err.contains("could not reach"),
        "refused before sending: {err}"
    );
    // The same name twice as given: refused too, not the last one kept.
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "AKNOWHERE")
        .env("AWS_SECRET_ACCESS_KEY", "nowhere-secret")
        .args([
            "headers",
            "s3://site/a.txt",
            "--tag",
            "team=web",
            "--tag",
            "team=ops",
        ])
        .args(["--endpoint-url", "http://127.0.0.1:9", "--path-style"])
        .output()
        .unwrap();
    let err = text(&output.stderr);
    assert!(err.contains("--tag `team` is given twice"), "{err}");
}

/// An object stored with metadata S3 holds as UTF-8 (another tool wrote it): an edit of
/// another header keeps that value byte for byte, or refuses the object, saying why.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn metadata_another_tool_stored_beyond_ascii_is_kept_byte_for_byte_or_the_object_refused() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    client.create_bucket().bucket("site").send().await.unwrap();
    let put = client
        .put_object()
        .bucket("site")
        .key("a.txt")
        .metadata("owner", "José Müller")
        .metadata("plain", "ok")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"a"))
        .send()
        .await;
    if let Err(e) = put {
        eprintln!("the SDK does not send such metadata: {e:?}; skipped");
        return;
    }
    let raw_meta = || async {
        let head = client
            .head_object()
            .bucket("site")
            .key("a.txt")
            .send()
            .await;
        format!(
            "{:?}",
            head.map(|h| h
                .metadata()
                .cloned()
                .map(|m| m.into_iter().collect::<std::collections::BTreeMap<_, _>>()))
        )
    };
    let before = raw_meta().await;
    let home = tempfile::tempdir().unwrap();
    let url = moto.endpoint_url();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .args(["headers", "s3://site/a.txt", "--cache-control", "no-cache"])
        .args(["--endpoint-url", url.trim_end_matches('/'), "--path-style"])
        .args(["--region", "us-east-1"])
        .output()
        .unwrap();
    let after = raw_meta().await;
    assert_eq!(after, before, "{}", text(&output.stderr));
}

/// "Will download instead of opening" is said only of a type a browser downloads: a WAV the
/// AWS CLI stored as `audio/x-wav` (Python's name for it), JSON or a page served as
/// `text/plain`, a JPEG as `image/jpg` all open in the tab, and are no finding.
#[test]
fn will_download_is_not_said_of_a_type_a_browser_opens() {
    use pail::share::opens_as::will_download;
    for (key, served) in [
        ("take 1.wav", "audio/x-wav"),
        ("take 2.WAV", "audio/wave"),
        ("data.json", "text/plain; charset=utf-8"),
        ("index.html", "text/plain"),
        ("photo.jpeg", "image/jpg"),
        ("song.mp3", "audio/mp3"),
    ] {
        assert_eq!(
            will_download(key, Some(served), None),
            None,
            "{key} served as {served} opens"
        );
    }
    // What downloads still does.
    for (key, served) in [
        ("a.pdf", Some("application/octet-stream")),
        ("a.png", None),
        ("a.html", Some("binary/octet-stream")),
        ("a.pdf", Some("application/x-download")),
    ] {
        assert!(
            will_download(key, served, None).is_some(),
            "{key} {served:?}"
        );
    }
}

/// Hostile keys on moto (which keeps any key): each edit lands on its own object, byte for
/// byte, and never on the object a `..`, a `//` or an encoded-looking name would point at.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn an_edit_of_a_hostile_key_lands_on_that_object_and_no_other_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    client.create_bucket().bucket("site").send().await.unwrap();
    let hostile = [
        "dots/../b.txt",
        "./b.txt",
        "a//b.txt",
        "%2e%2e/b.txt",
        "b.txt ",
        "line\nbreak.txt",
        "tab\there$(id)`x`'q\".txt",
        "b.txt?versionId=x",
        "b.txt#frag",
        "uplo\u{301}ad.txt",
    ];
    // moto's web layer cannot route some names (`..`): those are left out, said here.
    let mut stored = Vec::new();
    for key in ["b.txt"].iter().chain(hostile.iter()) {
        let put = client
            .put_object()
            .bucket("site")
            .key(*key)
            .content_type("application/octet-stream")
            .body(key.as_bytes().to_vec().into())
            .send()
            .await;
        match put {
            Ok(_) => stored.push(*key),
            Err(_) if *key != "b.txt" => eprintln!("moto cannot store {key:?}; left out"),
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(stored.len() > hostile.len() / 2, "{stored:?}");
    let hostile = &stored[1..];
    let home = tempfile::tempdir().unwrap();
    let url = moto.endpoint_url();
    for &key in hostile {
        let output = pail(home.path())
            .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
            .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
            .args([
                "headers",
                &format!("s3://site/{key}"),
                "--content-type",
                "text/plain",
            ])
            .args(["--endpoint-url", url.trim_end_matches('/'), "--path-style"])
            .args(["--region", "us-east-1"])
            .output()
            .unwrap();
        let err = text(&output.stderr);
        let head = client
            .head_object()
            .bucket("site")
            .key(key)
            .send()
            .await
            .unwrap();
        assert!(output.status.success(), "{key:?}: {err}");
        assert_eq!(head.content_type(), Some("text/plain"), "{key:?}: {err}");
        let body = client
            .get_object()
            .bucket("site")
            .key(key)
            .send()
            .await
            .unwrap()
            .body
            .collect()
            .await
            .unwrap()
            .into_bytes();
        assert_eq!(&body[..], key.as_bytes(), "{key:?}: its own bytes");
        let plain = client
            .head_object()
            .bucket("site")
            .key("b.txt")
            .send()
            .await
            .unwrap();
        assert_eq!(
            plain.content_type(),
            Some("application/octet-stream"),
            "b.txt untouched by {key:?}"
        );
    }
}

/// A rules file edited by hand (or written by a newer Pail) whose value carries a line break
/// — a header injection — or a character S3 cannot keep: `pail cp` sends no such header. The
/// upload goes on without that rule's headers, saying why, or fails saying so; nothing is
/// sent with a forged header, and no upload of an unmatched file is harmed.
#[tokio::test(flavor = "multi_thread")]
async fn a_hand_edited_rule_with_a_line_break_in_a_value_never_reaches_the_server() {
    let server = common::server_with_bucket("site");
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("pail-config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("upload-headers.toml"),
        "[[buckets.site.rules]]\npattern = \"*.html\"\ncontent_type = \"text/html\\r\\nx-amz-meta-forged: yes\"\n\n[[buckets.site.rules]]\npattern = \"*.txt\"\ncache_control = \"no-cache\"\n[buckets.site.rules.metadata]\n\"bad name\" = \"x\"\n",
    )
    .unwrap();
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("index.html"), b"<html></html>").unwrap();
    std::fs::write(files.path().join("notes.txt"), b"notes").unwrap();
    std::fs::write(files.path().join("logo.png"), b"png").unwrap();
    for name in ["index.html", "notes.txt", "logo.png"] {
        let local = files.path().join(name);
        let output = common::cli::pail_for(
            &server,
            home.path(),
            &["cp", local.to_str().unwrap(), &format!("s3://site/{name}")],
        );
        let err = text(&output.stderr);
        let head = server
            .connection()
            .client()
            .head_object()
            .bucket("site")
            .key(name)
            .send()
            .await;
        match head {
            Ok(head) => {
                assert!(output.status.success(), "{name}: {err}");
                // Told at the first upload; the file is set aside then.
                assert!(
                    name != "index.html"
                        || (err.contains("upload-headers") && err.contains("no default headers")),
                    "{name}: the person is told the rules were not used: {err}"
                );
                let meta = head.metadata().cloned().unwrap_or_default();
                assert!(!meta.contains_key("forged"), "{name}: {meta:?}");
                assert!(
                    !head.content_type().unwrap_or_default().contains('\n'),
                    "{name}"
                );
            }
            Err(_) => assert!(
                !output.status.success() && err.contains("upload-headers"),
                "{name}: not uploaded, and not said why in a way that leads to the rule: {err}"
            ),
        }
        if name == "logo.png" {
            assert!(output.status.success(), "an unmatched file uploads: {err}");
        }
    }
    // On disk: the hand-edited file kept aside, as it was; none in its place.
    assert!(!config.join("upload-headers.toml").exists());
    let kept: Vec<String> = std::fs::read_dir(&config)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .filter(|t| t.contains("x-amz-meta-forged"))
        .collect();
    assert_eq!(kept.len(), 1, "the file set aside, whole");
}

/// An object stored with a SHA-256 checksum (what `aws s3 cp --checksum-algorithm SHA256`
/// and many backup tools ask for): after an edit it still carries one, so a later download
/// can be checked the same way.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn an_edit_keeps_the_objects_checksum_algorithm_on_moto() {
    use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    client.create_bucket().bucket("site").send().await.unwrap();
    client
        .put_object()
        .bucket("site")
        .key("backup.tar")
        .checksum_algorithm(ChecksumAlgorithm::Sha256)
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"tar bytes",
        ))
        .send()
        .await
        .unwrap();
    let sha = || async {
        client
            .head_object()
            .bucket("site")
            .key("backup.tar")
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
            .unwrap()
            .checksum_sha256()
            .map(str::to_owned)
    };
    let before = sha().await;
    assert!(before.is_some(), "moto keeps the checksum");
    let home = tempfile::tempdir().unwrap();
    let url = moto.endpoint_url();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .args([
            "headers",
            "s3://site/backup.tar",
            "--content-type",
            "application/x-tar",
        ])
        .args(["--endpoint-url", url.trim_end_matches('/'), "--path-style"])
        .args(["--region", "us-east-1"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(sha().await, before, "the SHA-256 is kept");
}

/// In the window, on one object: a metadata row renamed (`owner` → `author`) shows one row;
/// the object must end with what the dialog showed — `author`, and no `owner` left behind.
#[tokio::test(flavor = "multi_thread")]
async fn a_metadata_row_renamed_in_the_window_leaves_no_old_name_behind() {
    use common::ui::{click, demo_harness, wait_for};
    use egui_kittest::kittest::Queryable;
    use pail::testing::app::headers::state::Phase;
    use pail::testing::app::modal::Modal;
    use pail::testing::app::{ListingState, Loadable};
    use pail::testing::demo::server::LocalServer;
    use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("site").unwrap();
    server
        .connection()
        .client()
        .put_object()
        .bucket("site")
        .key("page.html")
        .metadata("owner", "ana")
        .body(PAGE.to_vec().into())
        .send()
        .await
        .unwrap();
    let mut harness = demo_harness(&server);
    wait_for(&mut harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("site").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label("page.html").click();
    harness.step();
    harness.get_by_label("page.html").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Edit headers…");
    let phase = |app: &pail::testing::app::PailApp| match app.state().modals.get() {
        Some(Modal::EditHeaders(dialog)) => Some(dialog.phase().clone()),
        _ => None,
    };
    wait_for(&mut harness, "the headers", |app| {
        matches!(phase(app), Some(Phase::Reading(Loadable::Ready(_))))
    });
    click(&mut harness, "Metadata 1 name");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Metadata 1 name").type_text("author");
    harness.run_steps(2);
    click(&mut harness, "Apply to 1 object");
    wait_for(&mut harness, "the edit", |app| {
        matches!(phase(app), Some(Phase::Done(_)))
    });
    let after = server
        .connection()
        .client()
        .head_object()
        .bucket("site")
        .key("page.html")
        .send()
        .await
        .unwrap();
    let mut meta: Vec<(String, String)> = after
        .metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect();
    meta.sort();
    assert_eq!(
        meta,
        [("author".to_owned(), "ana".to_owned())],
        "what the dialog showed"
    );
}

/// The Edit headers report names each object that failed: a name with a line break or a
/// right-to-left override (from a server, or another tool) is shown escaped, so it cannot
/// forge a second report line or read as another name.
#[tokio::test(flavor = "multi_thread")]
async fn the_edit_report_shows_a_failed_objects_hostile_name_escaped() {
    use common::ui::{click, demo_harness, wait_for};
    use egui_kittest::kittest::Queryable;
    use pail::testing::app::headers::state::Phase;
    use pail::testing::app::modal::Modal;
    use pail::testing::app::{ListingState, Loadable};
    use pail::testing::demo::server::LocalServer;
    use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("site").unwrap();
    let hostile = "forged\n0 failed: all fine \u{202e}ssc.exe";
    for key in ["a.css", hostile] {
        server
            .connection()
            .client()
            .put_object()
            .bucket("site")
            .key(key)
            .body(PAGE.to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let mut harness = demo_harness(&server);
    wait_for(&mut harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("site").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label("a.css").click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(2);
    harness.get_by_label("a.css").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Edit headers…");
    let phase = |app: &pail::testing::app::PailApp| match app.state().modals.get() {
        Some(Modal::EditHeaders(dialog)) => Some(dialog.phase().clone()),
        _ => None,
    };
    wait_for(&mut harness, "the count", |app| {
        matches!(phase(app), Some(Phase::Reading(Loadable::Ready(_))))
    });
    click(&mut harness, "Cache-Control");
    harness.get_by_label("Cache-Control").type_text("no-cache");
    harness.run_steps(2);
    server
        .connection()
        .client()
        .delete_object()
        .bucket("site")
        .key(hostile)
        .send()
        .await
        .unwrap();
    click(&mut harness, "Apply to 2 objects");
    wait_for(&mut harness, "the edit", |app| {
        matches!(phase(app), Some(Phase::Done(_)))
    });
    // The report's line (its text is the node's value); the listing's row behind the dialog
    // is the listing's own business.
    let line = harness.get_by(|node| {
        node.role() == egui::accesskit::Role::Label
            && node.value().is_some_and(|v| v.contains("ssc.exe"))
    });
    let shown = egui_kittest::kittest::NodeT::accesskit_node(&line)
        .value()
        .unwrap_or_default();
    assert!(
        shown.contains("forged\\n0 failed") && shown.contains("\\u{202e}ssc.exe: "),
        "the report names it, escaped: {shown:?}"
    );
    assert!(
        !shown.contains('\n') && !shown.contains('\u{202e}'),
        "shown as it is: {shown:?}"
    );
}

/// Ctrl+C in the middle of `pail headers -r` over a slow link: no new object starts, those
/// under way finish, and what is left on the server is exactly what it printed — each object
/// edited whole or not at all, the count of those not started said.
#[cfg_attr(
    windows,
    ignore = "sends Ctrl+C as SIGINT with the Linux `kill` program, which a Windows process cannot start"
)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_in_a_folder_edit_leaves_exactly_what_pail_said() {
    let server = common::server_with_bucket("site");
    let client = server.connection().client().clone();
    for n in 0..60 {
        client
            .put_object()
            .bucket("site")
            .key(format!("assets/{n:02}.css"))
            .body(b"body{}".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_latency(std::time::Duration::from_millis(150));
    let home = tempfile::tempdir().unwrap();
    let child = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", common::SECRET_KEY)
        .args([
            "headers",
            "-r",
            "s3://site/assets/",
            "--cache-control",
            "no-store",
        ])
        .args(["--endpoint-url", &proxy.endpoint_url(), "--path-style"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once a few copies are through.
    let started = std::time::Instant::now();
    loop {
        let mut edited = 0;
        for n in 0..60 {
            let head = client
                .head_object()
                .bucket("site")
                .key(format!("assets/{n:02}.css"))
                .send()
                .await
                .unwrap();
            edited += usize::from(head.cache_control().is_some());
        }
        if edited >= 3 || started.elapsed() > std::time::Duration::from_secs(30) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let output = child.wait_with_output().unwrap();
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert!(!output.status.success(), "{err}");
    assert!(err.contains("not started: cancelled"), "{err}");
    let said: std::collections::BTreeSet<String> = out
        .lines()
        .filter_map(|l| l.strip_prefix("edited s3://site/"))
        .map(str::to_owned)
        .collect();
    let mut on_server = std::collections::BTreeSet::new();
    for n in 0..60 {
        let key = format!("assets/{n:02}.css");
        let head = client
            .head_object()
            .bucket("site")
            .key(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_length(), Some(6), "{key}: its bytes");
        if head.cache_control() == Some("no-store") {
            on_server.insert(key);
        }
    }
    assert!(on_server.len() < 60, "stopped before the end: {err}");
    assert_eq!(
        said, on_server,
        "printed as edited = edited on the server\n{err}"
    );
}
