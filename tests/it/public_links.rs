//! Public (unsigned) links and custom domains against real servers: moto refuses an unsigned
//! GET of a private object (403) and serves it once a bucket policy makes it public; a second
//! loopback host (127.0.0.2) stands for a custom domain; `pail presign --public`,
//! `--even-if-private`, `--base-url` and `--host-kind`, each as a process.

use std::process::Output;
use std::time::Duration;

use crate::common;
use common::hostile::{Answer, HostileServer};
use common::moto::Moto;
use common::second_host::{SecondHost, socket_of};
use pail::share::public_check::{PublicCheck, check_public};
use pail::share::public_url::public_url;

const KEYS: [&str; 3] = ["plain.txt", "a b/ü+%?#&=.txt", "emoji 🎉/x~y.txt"];

async fn moto_with_objects() -> Option<Moto> {
    let Some(moto) = Moto::start() else {
        eprintln!("moto_server is not installed: skipped");
        return None;
    };
    let objects: Vec<(&str, &[u8])> = KEYS.iter().map(|k| (*k, k.as_bytes())).collect();
    moto.bucket_with("pub", objects).await;
    Some(moto)
}

async fn make_public(moto: &Moto, bucket: &str) {
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/*"}}]}}"#
    );
    moto.connection()
        .client()
        .put_bucket_policy()
        .bucket(bucket)
        .policy(policy)
        .send()
        .await
        .unwrap();
}

fn pail_moto(moto: &Moto, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--endpoint-url", moto.endpoint_url(), "--path-style"]);
    common::cli::pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .env("AWS_REGION", "us-east-1")
        .args(&full)
        .output()
        .expect("pail runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn private_answers_403_and_a_bucket_policy_makes_it_public() {
    let Some(moto) = moto_with_objects().await else {
        return;
    };
    let connection = moto.connection();
    let signer = connection
        .signer_for(&pail::model::BucketName::new("pub").unwrap())
        .await
        .unwrap()
        .signer;
    let bucket = pail::model::BucketName::new("pub").unwrap();
    for key in KEYS {
        let key = pail::model::ObjectKey::new(key).unwrap();
        let url = public_url(&signer, &bucket, &key, None).await.unwrap();
        let check = check_public(&url, Duration::from_secs(10)).await;
        assert!(
            matches!(check, PublicCheck::NotPublic { .. }),
            "{key}: {check:?}"
        );
        assert!(
            check
                .text()
                .starts_with("this object is not public: the link would answer 403"),
            "{}",
            check.text()
        );
    }
    make_public(&moto, "pub").await;
    let http = common::http();
    for key in KEYS {
        let object = pail::model::ObjectKey::new(key).unwrap();
        let url = public_url(&signer, &bucket, &object, None).await.unwrap();
        let check = check_public(&url, Duration::from_secs(10)).await;
        assert!(check.is_public(), "{key}: {check:?}");
        assert_eq!(
            check.text(),
            "anyone with this link can open it, for as long as the object is public"
        );
        // The whole object, byte for byte, with no credentials: the key was encoded right.
        let body = http.get(&url).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(&body[..], key.as_bytes(), "{url}");
    }
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn cli_public_refuses_a_private_object_then_prints_the_link() {
    let Some(moto) = moto_with_objects().await else {
        return;
    };
    let private = pail_moto(&moto, &["presign", "s3://pub/a b/ü+%?#&=.txt", "--public"]);
    assert_eq!(private.status.code(), Some(1), "{}", text(&private.stderr));
    assert!(
        private.stdout.is_empty(),
        "no link printed: {}",
        text(&private.stdout)
    );
    assert!(
        text(&private.stderr).contains("this object is not public: the link would answer 403"),
        "{}",
        text(&private.stderr)
    );
    assert!(text(&private.stderr).contains("--even-if-private"));

    let anyway = pail_moto(
        &moto,
        &[
            "presign",
            "s3://pub/plain.txt",
            "--public",
            "--even-if-private",
        ],
    );
    assert!(anyway.status.success(), "{}", text(&anyway.stderr));
    assert_eq!(
        text(&anyway.stdout),
        format!("{}/pub/plain.txt\n", moto.endpoint_url())
    );
    assert!(text(&anyway.stderr).contains("warning: this object is not public"));

    make_public(&moto, "pub").await;
    let public = pail_moto(&moto, &["presign", "s3://pub/a b/ü+%?#&=.txt", "--public"]);
    assert!(public.status.success(), "{}", text(&public.stderr));
    let url = text(&public.stdout).trim().to_owned();
    assert_eq!(
        url,
        format!(
            "{}/pub/a%20b/%C3%BC%2B%25%3F%23%26%3D.txt",
            moto.endpoint_url()
        )
    );
    assert!(!url.contains("X-Amz-"), "unsigned: {url}");
    assert!(text(&public.stderr).contains("anyone with this link can open it"));
    let body = common::http().get(&url).send().await.unwrap();
    assert_eq!(body.status(), 200);
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn cli_public_refuses_what_a_public_link_cannot_carry() {
    let Some(moto) = moto_with_objects().await else {
        return;
    };
    for extra in [
        &["--expires-in", "60"][..],
        &["--method", "PUT"],
        &["--content-type", "text/plain"],
        &["--version-id", "v1"],
    ] {
        let mut args = vec!["presign", "s3://pub/plain.txt", "--public"];
        args.extend_from_slice(extra);
        let out = pail_moto(&moto, &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{extra:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    let dots = pail_moto(&moto, &["presign", "s3://pub/a/../plain.txt", "--public"]);
    assert_eq!(dots.status.code(), Some(1), "{}", text(&dots.stderr));
    assert!(
        text(&dots.stderr).contains("another object"),
        "{}",
        text(&dots.stderr)
    );
}

// Multi-threaded: the forwarder runs while the test waits for the `pail` process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn cli_public_on_a_second_host_as_a_custom_domain() {
    let Some(moto) = moto_with_objects().await else {
        return;
    };
    let cdn = SecondHost::start(socket_of(moto.endpoint_url())).await;
    let base = format!("{}/pub/", cdn.url());
    let private = pail_moto(
        &moto,
        &[
            "presign",
            "s3://pub/emoji 🎉/x~y.txt",
            "--public",
            "--base-url",
            &base,
        ],
    );
    assert_eq!(private.status.code(), Some(1), "{}", text(&private.stderr));
    assert!(
        text(&private.stderr).contains("not public"),
        "{}",
        text(&private.stderr)
    );

    make_public(&moto, "pub").await;
    let public = pail_moto(
        &moto,
        &[
            "presign",
            "s3://pub/emoji 🎉/x~y.txt",
            "--public",
            "--base-url",
            &base,
        ],
    );
    assert!(public.status.success(), "{}", text(&public.stderr));
    let url = text(&public.stdout).trim().to_owned();
    assert_eq!(url, format!("{base}emoji%20%F0%9F%8E%89/x~y.txt"));
    assert!(url.starts_with("http://127.0.0.2:"));
    let body = common::http()
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], "emoji 🎉/x~y.txt".as_bytes());

    // The same host as one the server answers itself (`--host-kind server`): an endpoint
    // there, so the bucket is in the path, as in signed links on it.
    let on_server = pail_moto(
        &moto,
        &[
            "presign",
            "s3://pub/emoji 🎉/x~y.txt",
            "--public",
            "--base-url",
            &cdn.url(),
            "--host-kind",
            "server",
        ],
    );
    assert!(on_server.status.success(), "{}", text(&on_server.stderr));
    let url = text(&on_server.stdout).trim().to_owned();
    assert_eq!(
        url,
        format!("{}/pub/emoji%20%F0%9F%8E%89/x~y.txt", cdn.url())
    );
    let body = common::http()
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&body[..], "emoji 🎉/x~y.txt".as_bytes());
}

#[tokio::test]
async fn cli_signed_link_on_a_cdn_domain_is_refused_with_the_reason() {
    let server = common::server_with_bucket("docs");
    common::put_object(&server, "docs", "r.pdf", b"report").await;
    let home = tempfile::tempdir().unwrap();
    for (kind, base) in [
        (None, "https://cdn.example.com/"),
        (Some("cdn"), "https://cdn.example.com/assets/"),
    ] {
        let mut args = vec!["presign", "s3://docs/r.pdf", "--base-url", base];
        if let Some(kind) = kind {
            args.extend(["--host-kind", kind]);
        }
        let out = common::cli::pail_for(&server, home.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{kind:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "no link that cannot work");
        let said = text(&out.stderr);
        assert!(said.contains("CloudFront"), "{said}");
        assert!(said.contains("SignatureDoesNotMatch"), "{said}");
    }
    let usage = common::cli::pail_for(
        &server,
        home.path(),
        &["presign", "s3://docs/r.pdf", "--host-kind", "server"],
    );
    assert_eq!(usage.status.code(), Some(2), "--host-kind needs --base-url");
}

#[tokio::test]
async fn cli_signed_link_on_a_host_the_server_answers_works() {
    let server = common::server_with_bucket("docs");
    common::put_object(&server, "docs", "a b+c.pdf", b"report").await;
    let alias = SecondHost::start(server.addr()).await;
    let home = tempfile::tempdir().unwrap();
    let out = common::cli::pail_for(
        &server,
        home.path(),
        &[
            "presign",
            "s3://docs/a b+c.pdf",
            "--base-url",
            &alias.url(),
            "--host-kind",
            "server",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_owned();
    assert!(
        url.starts_with(&format!("{}/docs/a%20b%2Bc.pdf?", alias.url())),
        "{url}"
    );
    // s3s-fs checks the signature against the host it sees, 127.0.0.2.
    let answer = common::http().get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(&answer.bytes().await.unwrap()[..], b"report");
}

#[tokio::test]
async fn the_check_says_what_a_host_answered_that_is_neither() {
    let cases: Vec<(Answer, &str)> = vec![
        (
            Answer::Xml(
                404,
                "<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>".into(),
            ),
            "404 NoSuchKey: gone",
        ),
        (
            Answer::Body {
                status: 301,
                content_type: "text/plain",
                body: b"moved".to_vec(),
            },
            "a redirect",
        ),
        (
            Answer::Body {
                status: 500,
                content_type: "text/html",
                body: b"<html>oops</html>".to_vec(),
            },
            "500",
        ),
        (
            Answer::Body {
                status: 200,
                content_type: "text/html",
                body: b"<html>Sign in</html>".to_vec(),
            },
            "HTML page",
        ),
    ];
    for (answer, said) in cases {
        let answer = std::sync::Mutex::new(Some(answer));
        let server = HostileServer::start(move |_| {
            answer
                .lock()
                .unwrap()
                .take()
                .unwrap_or(Answer::Xml(500, String::new()))
        })
        .await;
        let check = check_public(
            &format!("{}/b/k", server.endpoint_url()),
            Duration::from_secs(10),
        )
        .await;
        assert!(check.text().contains(said), "{said}: {}", check.text());
        // A sign-in page where the object belongs is no public link.
        assert!(!check.is_public(), "{said}");
    }
    // The same page for a key that is itself a page, on a host that ignores ranges: the
    // object, public.
    let page = HostileServer::start(|_| Answer::Body {
        status: 200,
        content_type: "text/html; charset=utf-8",
        body: b"<html>the site</html>".to_vec(),
    })
    .await;
    let check = check_public(
        &format!("{}/b/index.HTML", page.endpoint_url()),
        Duration::from_secs(10),
    )
    .await;
    assert!(check.is_public(), "{check:?}");
    // Bodies that never end: a 200's is not read at all, an error's no further than a page.
    for (status, public) in [(200, true), (403, false), (500, false)] {
        let endless = HostileServer::start(move |_| Answer::Endless(status)).await;
        let started = std::time::Instant::now();
        let check = check_public(
            &format!("{}/b/k", endless.endpoint_url()),
            Duration::from_secs(10),
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(5), "{status}");
        assert_eq!(check.is_public(), public, "{status}: {check:?}");
    }
    // A host that never finishes answering: bounded, and said so.
    let slow = HostileServer::start(|_| Answer::Slow {
        head_after: Duration::from_secs(30),
        pieces: 1,
        between: Duration::ZERO,
        answer: Box::new(Answer::Xml(200, String::new())),
    })
    .await;
    let started = std::time::Instant::now();
    let check = check_public(
        &format!("{}/b/k", slow.endpoint_url()),
        Duration::from_secs(2),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!check.is_public());
    assert!(
        check.text().contains("did not answer within 2 s"),
        "{}",
        check.text()
    );
}

/// Closing the dialog cancels Generate's checks: the answer a slow host gives after 3 s never
/// comes back as links (without the cancel, it does).
#[test]
fn a_cancelled_check_answers_nothing() {
    use pail::testing::demo::server::LocalServer;
    use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, demo_profile};
    use pail::testing::worker::{
        Command, DomainSetting, Event, HostLinks, HostLinksRequest, LinksEvent, RequestId, Worker,
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    std::fs::create_dir_all(server.root().join("docs")).unwrap();
    let slow = runtime.block_on(HostileServer::start(|_| Answer::Slow {
        head_after: Duration::from_secs(3),
        pieces: 1,
        between: Duration::ZERO,
        answer: Box::new(Answer::Xml(200, String::new())),
    }));
    let (worker, events) = Worker::start(|| {}).unwrap();
    let request = |id| {
        Command::HostLinks(HostLinksRequest {
            id: RequestId(id),
            profile: demo_profile(&server),
            bucket: pail::model::BucketName::new("docs").unwrap(),
            domain: Some(DomainSetting {
                base_url: format!("{}/docs/", slow.endpoint_url()),
                kind: pail::share::public_url::DomainKind::Cdn,
            }),
            config_dir: None,
            links: HostLinks::Public {
                keys: vec![pail::model::ObjectKey::new("a.txt").unwrap()],
                scheme: pail::model::Scheme::Http,
            },
        })
    };
    let answered = |within: Duration| {
        let deadline = std::time::Instant::now() + within;
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match events.recv_timeout(left) {
                Ok(Event::Links(LinksEvent::PublicLinksReady { .. })) => return true,
                Ok(_) => continue,
                Err(_) => return false,
            }
        }
        false
    };
    // Uncancelled, the slow host's answer comes back.
    worker.send(request(1));
    assert!(answered(Duration::from_secs(15)));
    // Cancelled once the check is on its way: nothing.
    worker.send(request(2));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while slow.requests().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the check was sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    worker.send(Command::Cancel { id: RequestId(2) });
    assert!(!answered(Duration::from_secs(6)));
}

/// A custom domain that cannot be remembered (the config folder is a file) takes nothing from
/// the links: they come, and the failure is said apart.
#[test]
fn a_domain_not_remembered_still_gives_the_links() {
    use pail::testing::demo::server::LocalServer;
    use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, demo_profile};
    use pail::testing::worker::{
        Command, DomainSetting, Event, HostLinks, HostLinksRequest, LinksEvent, RequestId, Worker,
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    std::fs::create_dir_all(server.root().join("docs")).unwrap();
    let cdn = runtime.block_on(HostileServer::start(|_| Answer::Body {
        status: 200,
        content_type: "text/plain",
        body: b"a".to_vec(),
    }));
    let not_a_folder = tempfile::NamedTempFile::new().unwrap();
    let (worker, events) = Worker::start(|| {}).unwrap();
    worker.send(Command::HostLinks(HostLinksRequest {
        id: RequestId(1),
        profile: demo_profile(&server),
        bucket: pail::model::BucketName::new("docs").unwrap(),
        domain: Some(DomainSetting {
            base_url: format!("{}/docs/", cdn.endpoint_url()),
            kind: pail::share::public_url::DomainKind::Cdn,
        }),
        config_dir: Some(not_a_folder.path().to_owned()),
        links: HostLinks::Public {
            keys: vec![pail::model::ObjectKey::new("a.txt").unwrap()],
            scheme: pail::model::Scheme::Http,
        },
    }));
    let (mut links, mut not_saved) = (None, None);
    while links.is_none() {
        match events.recv_timeout(Duration::from_secs(20)).unwrap() {
            Event::Links(LinksEvent::PublicLinksReady { result, .. }) => links = Some(result),
            Event::Links(LinksEvent::CustomDomainNotSaved { error }) => not_saved = Some(error),
            _ => {}
        }
    }
    let links = links.unwrap().unwrap();
    assert_eq!(links.len(), 1);
    assert!(links[0].check.is_public(), "{:?}", links[0].check);
    assert!(not_saved.is_some(), "the failure to remember is said");
}
