//! Pail's listing parser tried by a machine, against the SDK's: random valid ListObjectsV2
//! pages (awkward keys, entities, character references, CDATA, comments, sizes, prefixes,
//! tokens, url-encoded names) must give the rows they were made from, and the same rows as the
//! SDK's own decoder; random malformed pages must be refused wherever the SDK refuses them, and
//! pages with one of the faults Pail refuses by rule (issue 23, item 12) always, however
//! loosely the SDK reads them. The SDK's decoder is private to it: it is reached through a real
//! request to a loopback server answering with the page.
//!
//! Seeded, so a failure can be replayed: `PAIL_LISTING_SEED=N cargo test --test
//! listing_property` starts from case N.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use pail::model::Endpoint;
use pail::s3::connection::Connection;
use pail::testing::s3::list::{FolderPage, StorageClass};
use pail::testing::s3::list::{ListXmlError, PageShape, parse_list_page};

const VALID_CASES: u64 = 800;
const FAULT_CASES: u64 = 500;
const MUTATED_CASES: u64 = 1000;

/// splitmix64: small, seeded, good enough to pick characters.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// One row as both parsers are compared on: (key, size, modified, storage class).
type Row = (String, u64, i64, &'static str);

/// What a page says, before it is written as XML.
#[derive(Debug, Clone)]
struct Page {
    prefix: String,
    objects: Vec<Row>,
    folders: Vec<String>,
    token: Option<String>,
    url_encoded: bool,
}

/// Characters keys are made of: the ones XML escapes, the ones URLs escape, control
/// characters, bidirectional overrides, and more than one plane of Unicode.
const KEY_CHARS: &[char] = &[
    'a', 'b', 'Z', '0', '9', ' ', '&', '<', '>', '"', '\'', ';', '%', '+', '=', '?', '#', '~', '!',
    '-', '.', ']', '/', 'é', '日', '😀', '\u{202e}', '\t', '\n', '\r', '\u{1}', '\u{1b}', '\u{7f}',
];

const CLASSES: &[&str] = &[
    "STANDARD",
    "GLACIER",
    "DEEP_ARCHIVE",
    "STANDARD_IA",
    "NEW_CLASS",
    "",
];

fn name_part(rng: &mut Rng) -> String {
    let length = 1 + rng.below(12);
    (0..length).map(|_| rng.pick(KEY_CHARS)).collect()
}

fn random_page(rng: &mut Rng) -> Page {
    let prefix = rng
        .pick(&["", "photos/", "a b/", "ü &<>/", "x", "%2F/"])
        .to_string();
    let mut objects = Vec::new();
    for _ in 0..rng.below(6) {
        let size = match rng.below(4) {
            0 => 0,
            1 => i64::MAX as u64,
            _ => rng.next() % 10_000_000_000,
        };
        let modified = (rng.next() % 4_000_000_000) as i64;
        let class = StorageClass::parse(rng.pick(CLASSES)).as_str();
        objects.push((format!("{prefix}{}", name_part(rng)), size, modified, class));
    }
    // S3 lists each name once, in byte order.
    objects.sort_by(|a, b| a.0.cmp(&b.0));
    objects.dedup_by(|a, b| a.0 == b.0);
    let mut folders: Vec<String> = (0..rng.below(3))
        .map(|_| format!("{prefix}{}/", name_part(rng)))
        .collect();
    folders.sort();
    folders.dedup();
    let token = rng.chance(40).then(|| name_part(rng));
    Page {
        prefix,
        objects,
        folders,
        token,
        url_encoded: rng.chance(50),
    }
}

/// `name` as S3 encodes it for `encoding-type=url`.
fn url_encoded(name: &str) -> String {
    let mut out = String::new();
    for &b in name.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A character as a character reference, decimal or hex.
fn reference(rng: &mut Rng, c: char) -> String {
    if rng.chance(50) {
        format!("&#{};", c as u32)
    } else {
        format!("&#x{:X};", c as u32)
    }
}

/// `text` as XML text, each character written one of the ways XML allows; when `cdata` may be
/// used, sometimes as a CDATA section instead.
fn xml_text(rng: &mut Rng, text: &str, cdata: &mut bool) -> String {
    let plain = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n'));
    if plain && !text.contains("]]>") && rng.chance(15) {
        *cdata = true;
        let cut = text
            .char_indices()
            .map(|(i, _)| i)
            .nth(rng.below(text.chars().count().max(1)))
            .unwrap_or(0);
        // Text then CDATA, or CDATA alone: both are one value to an XML reader.
        let (head, tail) = text.split_at(cut);
        let mut head_cdata = false;
        return format!("{}<![CDATA[{tail}]]>", xml_text(rng, head, &mut head_cdata));
    }
    let mut out = String::new();
    for c in text.chars() {
        let named = match c {
            '<' => Some("&lt;"),
            '>' => Some("&gt;"),
            '&' => Some("&amp;"),
            '"' => Some("&quot;"),
            '\'' => Some("&apos;"),
            _ => None,
        };
        let must_escape =
            matches!(c, '<' | '&' | '>') || (c.is_control() && c != '\t' && c != '\n');
        if must_escape || rng.chance(10) {
            match named {
                Some(entity) if rng.chance(70) => out.push_str(entity),
                _ => out.push_str(&reference(rng, c)),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Between elements: nothing, indentation, or a comment.
fn gap(rng: &mut Rng) -> &'static str {
    rng.pick(&["", "", "\n  ", " ", "<!-- a comment & <stuff> -->", "\r\n"])
}

/// The faults Pail refuses by rule (item 12), whatever the SDK does with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    HtmlRoot,
    EmptyBody,
    NotXml,
    TruncatedWithoutToken,
    NoIsTruncated,
    CutShort,
    DuplicateKey,
    DuplicateSize,
    ElementInsideKey,
    NegativeSize,
    OverflowingSize,
    KeyOutsidePrefix,
    ObjectWithoutKey,
}

const FAULTS: &[Fault] = &[
    Fault::HtmlRoot,
    Fault::EmptyBody,
    Fault::NotXml,
    Fault::TruncatedWithoutToken,
    Fault::NoIsTruncated,
    Fault::CutShort,
    Fault::DuplicateKey,
    Fault::DuplicateSize,
    Fault::ElementInsideKey,
    Fault::NegativeSize,
    Fault::OverflowingSize,
    Fault::KeyOutsidePrefix,
    Fault::ObjectWithoutKey,
];

/// The page as XML, with `fault` written into it; also whether a compared field used CDATA
/// (which the SDK does not read: see the report at the end of the test).
fn render(rng: &mut Rng, page: &Page, fault: Option<Fault>) -> (String, bool) {
    let mut cdata = false;
    let encode = |name: &str| {
        if page.url_encoded {
            url_encoded(name)
        } else {
            name.to_owned()
        }
    };
    let root = if fault == Some(Fault::HtmlRoot) {
        "html"
    } else {
        "ListBucketResult"
    };
    let mut xml = String::new();
    if rng.chance(70) {
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    xml.push_str(&format!("<{root}"));
    if rng.chance(70) {
        xml.push_str(" xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"");
    }
    xml.push('>');
    let mut ignored = false;
    let prefix_text = xml_text(rng, &encode(&page.prefix), &mut ignored);
    xml.push_str(&format!(
        "{}<Name>bucket</Name>{}<Prefix>{prefix_text}</Prefix><KeyCount>{}</KeyCount><MaxKeys>1000</MaxKeys>",
        gap(rng),
        gap(rng),
        page.objects.len() + page.folders.len()
    ));
    let encoding_first = rng.chance(50);
    if page.url_encoded && encoding_first {
        xml.push_str("<EncodingType>url</EncodingType>");
    }
    let truncated = page.token.is_some() || fault == Some(Fault::TruncatedWithoutToken);
    if fault != Some(Fault::NoIsTruncated) {
        xml.push_str(&format!(
            "{}<IsTruncated>{truncated}</IsTruncated>",
            gap(rng)
        ));
    }
    let mut objects = page.objects.clone();
    if fault == Some(Fault::KeyOutsidePrefix) {
        // No prefix the generator uses starts with `~`; the empty prefix has no outside, and
        // the fault loop gives it one.
        objects.push((format!("~{}elsewhere", page.prefix), 1, 0, "STANDARD"));
    } else if objects.is_empty() && fault.is_some() {
        // A fault in an object needs an object.
        objects.push((format!("{}k", page.prefix), 1, 0, "STANDARD"));
    }
    for (i, (key, size, modified, class)) in objects.iter().enumerate() {
        let first = i == 0;
        let key_text = xml_text(rng, &encode(key), &mut cdata);
        let key_element = match fault {
            Some(Fault::ElementInsideKey) if first => format!("<Key>{key_text}<b>x</b></Key>"),
            Some(Fault::DuplicateKey) if first => {
                format!("<Key>{key_text}</Key><Key>{key_text}x</Key>")
            }
            Some(Fault::ObjectWithoutKey) if first => String::new(),
            _ => format!("<Key>{key_text}</Key>"),
        };
        let size_text = match fault {
            Some(Fault::NegativeSize) if first => "-1".to_owned(),
            Some(Fault::OverflowingSize) if first => "9223372036854775808".to_owned(),
            _ if rng.chance(10) => format!("00{size}"),
            _ => size.to_string(),
        };
        let size_element = if fault == Some(Fault::DuplicateSize) && first {
            format!("<Size>{size_text}</Size><Size>{size_text}</Size>")
        } else {
            format!("<Size>{size_text}</Size>")
        };
        let date = jiff::Timestamp::from_second(*modified).unwrap();
        let date = if rng.chance(50) {
            date.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string()
        } else {
            date.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
        };
        let class_element = match *class {
            "STANDARD" if rng.chance(30) => String::new(),
            "OTHER" => "<StorageClass>NEW_CLASS</StorageClass>".to_owned(),
            class => format!("<StorageClass>{class}</StorageClass>"),
        };
        let owner = if rng.chance(30) {
            "<Owner><ID>abc</ID><DisplayName><![CDATA[me & <you>]]></DisplayName></Owner>"
        } else {
            ""
        };
        let unknown = if rng.chance(20) {
            "<Future a=\"1\"><Key>not/a/row</Key><Size>-5</Size><![CDATA[<x>]]></Future>"
        } else {
            ""
        };
        xml.push_str(&format!(
            "{}<Contents>{key_element}{}<LastModified>{date}</LastModified><ETag>&quot;9b2c&quot;</ETag>{owner}{size_element}{unknown}{class_element}<ChecksumAlgorithm>CRC32</ChecksumAlgorithm></Contents>",
            gap(rng),
            gap(rng)
        ));
    }
    for folder in &page.folders {
        let text = xml_text(rng, &encode(folder), &mut cdata);
        xml.push_str(&format!(
            "{}<CommonPrefixes><Prefix>{text}</Prefix></CommonPrefixes>",
            gap(rng)
        ));
    }
    if page.url_encoded && !encoding_first {
        xml.push_str("<EncodingType>url</EncodingType>");
    }
    if let Some(token) = &page.token
        && fault != Some(Fault::TruncatedWithoutToken)
    {
        let text = xml_text(rng, token, &mut cdata);
        xml.push_str(&format!(
            "<NextContinuationToken>{text}</NextContinuationToken>"
        ));
    }
    xml.push_str(&format!("{}</{root}>\n", gap(rng)));
    match fault {
        Some(Fault::EmptyBody) => (String::new(), cdata),
        Some(Fault::NotXml) => ("502 Bad Gateway".to_owned(), cdata),
        Some(Fault::CutShort) => {
            let end = xml.rfind("</").unwrap_or(xml.len());
            let mut cut = 1 + rng.below(end.max(2) - 1);
            while !xml.is_char_boundary(cut) {
                cut -= 1;
            }
            xml.truncate(cut);
            (xml, cdata)
        }
        _ => (xml, cdata),
    }
}

/// A loopback server answering every request with the current page, keep-alive.
struct PageServer {
    port: u16,
    body: Arc<Mutex<Vec<u8>>>,
}

impl PageServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let body = Arc::new(Mutex::new(Vec::new()));
        let shared = body.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Self { port, body }
    }

    fn set(&self, page: &str) {
        *self.body.lock().unwrap() = page.as_bytes().to_vec();
    }
}

fn serve(stream: TcpStream, body: &Mutex<Vec<u8>>) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut request_body = vec![0; length];
        if reader.read_exact(&mut request_body).is_err() {
            return;
        }
        let page = body.lock().unwrap().clone();
        // One write: a head and a body sent apart wait 40 ms for a delayed ACK.
        let mut answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nx-amz-bucket-region: us-east-1\r\nContent-Length: {}\r\n\r\n",
            page.len()
        )
        .into_bytes();
        answer.extend_from_slice(&page);
        if writer.write_all(&answer).is_err() {
            return;
        }
    }
}

/// What one parser made of a page: the rows, the folders, the next token.
#[derive(Debug, PartialEq, Eq)]
struct Rows {
    objects: Vec<Row>,
    folders: Vec<String>,
    token: Option<String>,
}

fn class_name(text: &str) -> &'static str {
    StorageClass::parse(text).as_str()
}

fn pails(body: &str, prefix: &str) -> Result<Rows, ListXmlError> {
    let shape = PageShape {
        within: prefix,
        prefix: "",
        keep_marker: true,
    };
    let page: FolderPage = parse_list_page(body.as_bytes(), shape)?;
    Ok(Rows {
        objects: page
            .objects
            .into_iter()
            .map(|o| {
                (
                    o.name.into(),
                    o.size,
                    o.last_modified,
                    o.storage_class.as_str(),
                )
            })
            .collect(),
        folders: page.folders.into_iter().map(Into::into).collect(),
        token: page.next_token,
    })
}

/// botocore's decoding of `encoding-type=url` names, written apart from Pail's.
fn unquote_plus(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

async fn sdks(connection: &Connection, prefix: &str) -> Result<Rows, String> {
    let output = connection
        .client()
        .list_objects_v2()
        .bucket("bucket")
        .prefix(prefix)
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let url = output.encoding_type().map(|e| e.as_str()) == Some("url");
    let name = |text: &str| {
        if url {
            unquote_plus(text)
        } else {
            text.to_owned()
        }
    };
    Ok(Rows {
        objects: output
            .contents()
            .iter()
            .map(|o| {
                (
                    name(o.key().unwrap_or_default()),
                    o.size().unwrap_or(-1) as u64,
                    o.last_modified().map(|t| t.secs()).unwrap_or(0),
                    class_name(o.storage_class().map(|c| c.as_str()).unwrap_or("")),
                )
            })
            .collect(),
        folders: output
            .common_prefixes()
            .iter()
            .map(|p| name(p.prefix().unwrap_or_default()))
            .collect(),
        token: (output.is_truncated() == Some(true))
            .then(|| output.next_continuation_token().map(str::to_owned))
            .flatten(),
    })
}

fn truth(page: &Page) -> Rows {
    Rows {
        objects: page.objects.clone(),
        folders: page.folders.clone(),
        token: page.token.clone(),
    }
}

/// One random change to a page: a byte removed, one of XML's meaningful bytes put in, or a
/// piece repeated.
fn mutate(rng: &mut Rng, xml: &str) -> Vec<u8> {
    let mut bytes = xml.as_bytes().to_vec();
    let at = rng.below(bytes.len().max(1));
    match rng.below(3) {
        0 if !bytes.is_empty() => {
            bytes.remove(at);
        }
        1 => {
            let b = rng.pick(b"<>&/;\"=]!?x\x01 ");
            bytes.insert(at.min(bytes.len()), b);
        }
        _ => {
            let end = (at + 1 + rng.below(12)).min(bytes.len());
            let piece = bytes[at.min(end)..end].to_vec();
            bytes.splice(end..end, piece);
        }
    }
    bytes
}

#[tokio::test(flavor = "multi_thread")]
async fn pails_listing_parser_agrees_with_the_sdks_and_refuses_at_least_what_it_refuses() {
    let server = PageServer::start();
    let connection = Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&format!("http://127.0.0.1:{}", server.port)).unwrap(),
        true,
    );
    let first: u64 = std::env::var("PAIL_LISTING_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let started = std::time::Instant::now();
    let mut compared = 0;
    let mut sdk_misses_cdata = 0;

    for case in first..first + VALID_CASES {
        let mut rng = Rng(case);
        let page = random_page(&mut rng);
        let (xml, cdata) = render(&mut rng, &page, None);
        let context = format!("case {case} (PAIL_LISTING_SEED={case}):\n{xml}");
        let ours = pails(&xml, &page.prefix).unwrap_or_else(|e| panic!("{context}\n{e}"));
        assert_eq!(ours, truth(&page), "{context}");
        server.set(&xml);
        let theirs = sdks(&connection, &page.prefix).await;
        if cdata {
            // The SDK reads only an element's first run of text, never CDATA.
            sdk_misses_cdata += usize::from(theirs.as_ref().ok() != Some(&ours));
        } else {
            assert_eq!(theirs, Ok(ours), "{context}");
            compared += 1;
        }
    }

    let mut sdk_looser: std::collections::BTreeMap<String, usize> = Default::default();
    for case in first..first + FAULT_CASES {
        let mut rng = Rng(case ^ 0xFA17);
        let mut page = random_page(&mut rng);
        let fault = rng.pick(FAULTS);
        if fault == Fault::KeyOutsidePrefix && page.prefix.is_empty() {
            page.prefix = "photos/".into();
            for row in &mut page.objects {
                row.0.insert_str(0, "photos/");
            }
            for folder in &mut page.folders {
                folder.insert_str(0, "photos/");
            }
        }
        let (xml, _) = render(&mut rng, &page, Some(fault));
        let context = format!("case {case}, {fault:?}:\n{xml}");
        let ours = pails(&xml, &page.prefix);
        assert!(ours.is_err(), "{context}\nPail accepted: {ours:?}");
        server.set(&xml);
        if sdks(&connection, &page.prefix).await.is_ok() {
            *sdk_looser.entry(format!("{fault:?}")).or_default() += 1;
        }
    }

    let mut both_refuse = 0;
    let mut only_pail_refuses = 0;
    for case in first..first + MUTATED_CASES {
        let mut rng = Rng(case ^ 0x0D0D);
        let page = random_page(&mut rng);
        let (xml, cdata) = render(&mut rng, &page, None);
        let bytes = mutate(&mut rng, &xml);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let context = format!("case {case}, mutated:\n{text}");
        let ours = match std::str::from_utf8(&bytes) {
            Ok(body) => pails(body, &page.prefix),
            Err(_) => Err(ListXmlError::Malformed("not UTF-8".into())),
        };
        *server.body.lock().unwrap() = bytes.clone();
        let theirs = sdks(&connection, &page.prefix).await;
        match (&ours, &theirs) {
            (Ok(_), Err(e)) => panic!("{context}\nthe SDK refused ({e}) what Pail accepted"),
            (Ok(ours), Ok(theirs)) if !cdata => assert_eq!(ours, theirs, "{context}"),
            (Err(_), Err(_)) => both_refuse += 1,
            (Err(_), Ok(_)) => only_pail_refuses += 1,
            _ => {}
        }
    }
    println!(
        "{compared} valid pages read alike ({sdk_misses_cdata} with CDATA the SDK read short); \
         faults the SDK accepted: {sdk_looser:?}; mutated pages: {both_refuse} refused by both, \
         {only_pail_refuses} by Pail only; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(compared > VALID_CASES as usize / 2, "{compared}");
}
