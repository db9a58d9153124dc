//! An S3 listing server that answers ListObjectsV2 from keys held in memory, as S3 answers it:
//! `prefix`, `delimiter` (common prefixes), `start-after`, continuation tokens, `max-keys` and
//! `encoding-type=url` — enough for Pail's key ranges and for the AWS CLI to list it alike.
//! Each page is answered after a set latency (a far server's round trip). The bench starts it
//! as a process of its own (this same program), so its CPU is not counted as the client's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// The keys, sorted, and the wait before each answer.
pub struct PageServer {
    keys: Arc<Vec<String>>,
    latency: Duration,
}

impl PageServer {
    pub fn new(mut keys: Vec<String>, latency: Duration) -> Self {
        keys.sort();
        keys.dedup();
        Self {
            keys: Arc::new(keys),
            latency,
        }
    }

    /// Serves on 127.0.0.1 for ever, printing the port first.
    pub fn serve(self) {
        let Ok(listener) = TcpListener::bind("127.0.0.1:0") else {
            return;
        };
        let Ok(address) = listener.local_addr() else {
            return;
        };
        println!("{}", address.port());
        let _ = std::io::stdout().flush();
        for stream in listener.incoming().flatten() {
            let (keys, latency) = (self.keys.clone(), self.latency);
            std::thread::spawn(move || answer(stream, &keys, latency));
        }
    }
}

/// One request's query parameter, decoded.
fn param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .map(|v| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
}

/// Keep-alive HTTP/1.1: one answer per request.
fn answer(stream: TcpStream, keys: &[String], latency: Duration) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = String::new();
        let mut content_length = 0usize;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                content_length = value.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        std::thread::sleep(latency);
        let mut words = head.split_whitespace();
        let method = words.next().unwrap_or_default();
        let query = words
            .next()
            .and_then(|target| target.split_once('?'))
            .map(|(_, query)| query.to_owned())
            .unwrap_or_default();
        let page = match method {
            // HeadBucket and the like: the bucket is there, in us-east-1.
            "HEAD" => String::new(),
            _ => list_page(keys, &query),
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nx-amz-bucket-region: us-east-1\r\n\
             Content-Length: {}\r\n\r\n",
            page.len()
        );
        let body = if method == "HEAD" { "" } else { page.as_str() };
        if writer.write_all(response.as_bytes()).is_err()
            || writer.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

/// The first index whose key sorts after `after`.
fn first_after(keys: &[String], after: &str) -> usize {
    keys.partition_point(|k| k.as_str() <= after)
}

/// A name as S3 encodes it for `encoding-type=url`.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        match b {
            b' ' => out.push('+'),
            _ if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A ListObjectsV2 page for `query`.
fn list_page(keys: &[String], query: &str) -> String {
    let prefix = param(query, "prefix").unwrap_or_default();
    let delimiter = param(query, "delimiter").filter(|d| !d.is_empty());
    let url = param(query, "encoding-type").is_some_and(|e| e == "url");
    let max_keys = param(query, "max-keys")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1000)
        .min(1000);
    let token = param(query, "continuation-token");
    let start_after = param(query, "start-after");
    let mut at = match (&token, &start_after) {
        (Some(token), _) => token.parse::<usize>().unwrap_or(keys.len()),
        (None, Some(after)) => first_after(keys, after),
        (None, None) => 0,
    };
    at = at.max(keys.partition_point(|k| k.as_str() < prefix.as_str()));
    let shown = |text: &str| match url {
        true => escape(&url_encode(text)),
        false => escape(text),
    };
    let (mut contents, mut prefixes, mut count) = (String::new(), String::new(), 0);
    while at < keys.len() && count < max_keys {
        let key = &keys[at];
        if !key.starts_with(prefix.as_str()) {
            at = keys.len();
            break;
        }
        let rest = &key[prefix.len()..];
        match delimiter
            .as_deref()
            .and_then(|d| rest.find(d).map(|i| i + d.len()))
        {
            Some(end) => {
                let common = &key[..prefix.len() + end];
                prefixes.push_str(&format!(
                    "<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
                    shown(common)
                ));
                // Past every key under that common prefix.
                at = keys.partition_point(|k| k.as_str() < common || k.starts_with(common));
            }
            None => {
                contents.push_str(&format!(
                    "<Contents><Key>{}</Key><LastModified>2026-11-{:02}T10:{:02}:00.000Z\
                     </LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>\
                     <Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
                    shown(key),
                    1 + at % 28,
                    at % 60,
                    (at * 7919) % 50_000_000
                ));
                at += 1;
            }
        }
        count += 1;
    }
    let more = at < keys.len() && keys[at].starts_with(prefix.as_str());
    let mut xml = String::with_capacity(contents.len() + prefixes.len() + 512);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bench</Name>");
    xml.push_str(&format!("<Prefix>{}</Prefix>", shown(&prefix)));
    if let Some(d) = &delimiter {
        xml.push_str(&format!("<Delimiter>{}</Delimiter>", shown(d)));
    }
    if let Some(after) = &start_after {
        xml.push_str(&format!("<StartAfter>{}</StartAfter>", shown(after)));
    }
    if let Some(token) = &token {
        xml.push_str(&format!(
            "<ContinuationToken>{}</ContinuationToken>",
            escape(token)
        ));
    }
    if url {
        xml.push_str("<EncodingType>url</EncodingType>");
    }
    xml.push_str(&format!(
        "<MaxKeys>{max_keys}</MaxKeys><KeyCount>{count}</KeyCount>"
    ));
    match more {
        true => xml.push_str(&format!(
            "<IsTruncated>true</IsTruncated><NextContinuationToken>{at}</NextContinuationToken>"
        )),
        false => xml.push_str("<IsTruncated>false</IsTruncated>"),
    }
    xml.push_str(&contents);
    xml.push_str(&prefixes);
    xml.push_str("</ListBucketResult>");
    xml
}
