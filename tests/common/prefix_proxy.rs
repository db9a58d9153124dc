//! An S3 server mounted under a path, as a reverse proxy on loopback serves one: requests to
//! `/PREFIX/rest` go upstream as `/rest`, and anything outside the prefix is answered 404 and
//! remembered, so a test sees every request Pail sent without the prefix.
//!
//! Only for a server that checks no signature (moto): the signature covers the path the client
//! sent, prefix included, and the server behind sees it stripped. The signatures themselves are
//! proved byte for byte against botocore (`tests/it/signing_vectors.rs`).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;

/// Headers of one hop, not passed on (RFC 9110 §7.6.1), and the lengths the client and server
/// on each side set again for the body they send.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

pub struct PrefixProxy {
    addr: SocketAddr,
    prefix: String,
    strays: Arc<Mutex<Vec<String>>>,
    forwarded: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl PrefixProxy {
    /// Serves `upstream` (`http://127.0.0.1:PORT`) under `prefix` (`/storage/s3`, no trailing
    /// `/`), on the current tokio runtime.
    pub async fn start(upstream: &str, prefix: &str) -> PrefixProxy {
        assert!(
            upstream.starts_with("http://127.0.0.1:"),
            "tests talk to 127.0.0.1 only"
        );
        assert!(prefix.starts_with('/') && !prefix.ends_with('/'));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let strays = Arc::new(Mutex::new(Vec::new()));
        let forwarded = Arc::new(Mutex::new(Vec::new()));
        pail::share::link_test::install_crypto_provider();
        let route = Route {
            upstream: upstream.trim_end_matches('/').to_owned(),
            prefix: prefix.to_owned(),
            strays: strays.clone(),
            forwarded: forwarded.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let route = route.clone();
                let service = hyper::service::service_fn(move |request| {
                    let route = route.clone();
                    async move { Ok::<_, Infallible>(route.answer(request).await) }
                });
                tokio::spawn(async move {
                    let _ = ConnectionBuilder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        PrefixProxy {
            addr,
            prefix: prefix.to_owned(),
            strays,
            forwarded,
            task,
        }
    }

    /// `http://127.0.0.1:PORT/PREFIX`, as a person types the endpoint (no trailing `/`).
    pub fn endpoint_url(&self) -> String {
        format!("http://{}{}", self.addr, self.prefix)
    }

    /// The request lines that missed the prefix (answered 404).
    pub fn strays(&self) -> Vec<String> {
        self.strays.lock().unwrap().clone()
    }

    /// The request lines passed on, as the client sent them.
    pub fn forwarded(&self) -> Vec<String> {
        self.forwarded.lock().unwrap().clone()
    }
}

impl Drop for PrefixProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct Route {
    upstream: String,
    prefix: String,
    strays: Arc<Mutex<Vec<String>>>,
    forwarded: Arc<Mutex<Vec<String>>>,
    client: reqwest::Client,
}

impl Route {
    async fn answer(
        &self,
        request: hyper::Request<hyper::body::Incoming>,
    ) -> hyper::Response<Full<Bytes>> {
        let target = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let line = format!("{} {target}", request.method());
        let Some(rest) = target
            .strip_prefix(&self.prefix)
            .filter(|rest| rest.starts_with('/'))
        else {
            self.strays.lock().unwrap().push(line);
            return plain(404, "not under the endpoint's path");
        };
        self.forwarded.lock().unwrap().push(line);
        let (parts, body) = request.into_parts();
        let body = match body.collect().await {
            Ok(body) => body.to_bytes(),
            Err(_) => return plain(400, "the request body broke off"),
        };
        let mut headers = parts.headers;
        for name in HOP_BY_HOP {
            headers.remove(*name);
        }
        let head = parts.method == hyper::Method::HEAD;
        let completes_upload = parts.method == hyper::Method::POST && rest.contains("uploadId=");
        let sent = self
            .client
            .request(parts.method, format!("{}{rest}", self.upstream))
            .headers(headers)
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(_) => return plain(502, "the server behind did not answer"),
        };
        let status = answer.status();
        let mut headers = answer.headers().clone();
        let length = headers.get("content-length").cloned();
        for name in HOP_BY_HOP {
            headers.remove(*name);
        }
        let mut body = answer.bytes().await.unwrap_or_default();
        if completes_upload {
            body = moto_complete_as_s3_says(body);
        }
        let mut response = hyper::Response::new(Full::new(body));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        // A HEAD answer has no body, but says the object's length.
        if head && let Some(length) = length {
            response.headers_mut().insert("content-length", length);
        }
        response
    }
}

/// moto 5.2 answers CompleteMultipartUpload with a `<CompleteMultipartUploadResponse>` root,
/// where S3 (and aws-sdk-s3's parser) has `<CompleteMultipartUploadResult>`: a bug of moto's
/// serializer, which fails every multipart upload to moto whatever the endpoint. Renamed here,
/// and nowhere else, so the multipart upload under a path can be tested at all.
fn moto_complete_as_s3_says(body: Bytes) -> Bytes {
    match std::str::from_utf8(&body) {
        Ok(text) if text.contains("<CompleteMultipartUploadResponse") => Bytes::from(text.replace(
            "CompleteMultipartUploadResponse",
            "CompleteMultipartUploadResult",
        )),
        _ => body,
    }
}

fn plain(status: u16, text: &'static str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    response
}
