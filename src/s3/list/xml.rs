//! Reading a ListObjectsV2 answer straight into Pail's rows, and refusing one that cannot be
//! believed. The SDK's general XML decoder spent about 2.5 µs an object (names matched at every
//! depth, every field kept as a String); this reads the same document with the same tokenizer
//! in one pass (`raw_page.rs`), keeping only what a row holds, then checks the names here.
//! Pure: bytes in, a page out.
//!
//! A page is believed only if it is what S3 sends: a well-formed `ListBucketResult` (an
//! `<Error>` is S3's refusal) in which every field S3 defines as text holds only text, once;
//! sizes and numbers that parse; a token on a truncated page; and keys, url-decoded when the
//! page says `EncodingType: url`, inside the prefix asked for. Anything else — an HTML login
//! page, an empty body, a proxy's error, a page cut short — is an error, never a short or
//! empty page: a folder delete or a recursive copy acts on what a listing says is all there is.

use std::borrow::Cow;

pub use super::raw_page::ListXmlError;
use super::raw_page::{RawPage, malformed, read_page};
use super::types::{FolderPage, ObjectEntry};

/// Which keys a page may hold, and how names are made from them.
#[derive(Debug, Clone, Copy)]
pub struct PageShape<'a> {
    /// The prefix the listing asked for: every key and common prefix must start with it.
    pub within: &'a str,
    /// Cut from the front of every key and common prefix.
    pub prefix: &'a str,
    /// Keep the object whose key is `within` itself (the folder's own marker).
    pub keep_marker: bool,
}

/// Reads one ListObjectsV2 page. Elements Pail does not show (ETag, Owner, checksums) are
/// checked to be text and passed over; unknown elements anywhere are ignored, as a newer S3 may
/// add some.
pub fn parse_list_page(body: &[u8], shape: PageShape<'_>) -> Result<FolderPage, ListXmlError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| malformed(format!("the answer is not UTF-8 text ({e})")))?;
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if start.is_empty() {
        return Err(malformed("the answer is empty"));
    }
    if !start.starts_with('<') {
        return Err(malformed(format!(
            "the answer is not XML; it begins {}",
            beginning(start)
        )));
    }
    let raw = read_page(text)?;
    if let Some((code, message)) = raw.error {
        return Err(ListXmlError::Service { code, message });
    }
    finish(raw, shape)
}

/// The first few characters of a text, quoted and escaped, for an error message.
fn beginning(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    format!("{:?}", cut)
}

/// Decodes the names, checks each is inside the prefix asked for, and makes the rows.
fn finish(raw: RawPage, shape: PageShape<'_>) -> Result<FolderPage, ListXmlError> {
    // S3 counts keys and folders; a server counting its keys alone is believed too.
    let held = raw.objects.len() + raw.prefixes.len();
    if let Some(count) = raw.key_count
        && count != held
        && count != raw.objects.len()
    {
        return Err(malformed(format!(
            "it says it holds {count} keys and folders, and holds {held}"
        )));
    }
    let mut page = FolderPage {
        folders: Vec::with_capacity(raw.prefixes.len()),
        objects: Vec::with_capacity(raw.objects.len()),
        next_token: None,
    };
    let mut outside = Outside::default();
    for (key, size, last_modified, storage_class) in raw.objects {
        let key = decoded(key, raw.url_encoded)?;
        if !key.starts_with(shape.within) {
            outside.note(key);
            continue;
        }
        if !shape.keep_marker && key == shape.within {
            continue;
        }
        // Names share the prefix taken off, so they keep the keys' order.
        let name = relative(key, shape.prefix);
        in_order(page.objects.last().map(|o| &*o.name), &name)?;
        page.objects.push(ObjectEntry {
            name,
            size,
            last_modified,
            storage_class,
        });
    }
    for prefix in raw.prefixes {
        let prefix = decoded(prefix, raw.url_encoded)?;
        if !prefix.starts_with(shape.within) || prefix.is_empty() {
            outside.note(prefix);
            continue;
        }
        let name = relative(prefix, shape.prefix);
        in_order(page.folders.last().map(|f| &**f), &name)?;
        page.folders.push(name);
    }
    if let Some(example) = outside.example {
        return Err(ListXmlError::OutsidePrefix {
            prefix: shape.within.to_owned(),
            count: outside.count,
            example,
        });
    }
    page.next_token = match raw.truncated {
        Some(true) => raw.next_token,
        _ => None,
    };
    Ok(page)
}

/// S3 lists names in byte order, each once: one at or before the name before it is a page
/// that cannot be believed (a key listed twice would be downloaded or deleted twice).
fn in_order(previous: Option<&str>, name: &str) -> Result<(), ListXmlError> {
    match previous {
        Some(before) if name <= before => Err(ListXmlError::OutOfOrder {
            name: name.to_owned(),
            before: before.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// Names found outside the prefix: how many, and the first.
#[derive(Default)]
struct Outside {
    count: usize,
    example: Option<String>,
}

impl Outside {
    fn note(&mut self, name: String) {
        self.count += 1;
        self.example.get_or_insert(name);
    }
}

/// A name as the page gives it, url-decoded if the page says its names are.
fn decoded(name: String, url_encoded: bool) -> Result<String, ListXmlError> {
    if !url_encoded {
        return Ok(name);
    }
    match url_decode(&name)? {
        Cow::Borrowed(_) => Ok(name),
        Cow::Owned(text) => Ok(text),
    }
}

/// Decodes S3's `encoding-type=url` (form encoding: `+` is a space, `%XX` a byte), as botocore
/// does; a `%` not followed by two hex digits, or bytes that are not UTF-8, are refused.
pub(crate) fn url_decode(text: &str) -> Result<Cow<'_, str>, ListXmlError> {
    if !text.bytes().any(|b| b == b'%' || b == b'+') {
        return Ok(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = bytes
                    .get(i + 1..i + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| {
                        malformed(format!(
                            "the url-encoded name {} holds a `%` that encodes nothing",
                            text.escape_debug()
                        ))
                    })?;
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map(Cow::Owned).map_err(|_| {
        malformed(format!(
            "the url-encoded name {} is not UTF-8 once decoded",
            text.escape_debug()
        ))
    })
}

/// The key without the folder's prefix, reusing the key's own allocation when nothing is cut.
fn relative(key: String, prefix: &str) -> Box<str> {
    match key.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() => rest.into(),
        _ => key.into_boxed_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::list::types::StorageClass;

    const FOLDER: PageShape<'static> = PageShape {
        within: "photos/",
        prefix: "photos/",
        keep_marker: false,
    };

    fn parse(xml: &str) -> Result<FolderPage, ListXmlError> {
        parse_list_page(xml.as_bytes(), FOLDER)
    }

    fn page(xml: &str) -> FolderPage {
        parse(xml).unwrap()
    }

    /// `rows` in a listing root, the last page.
    fn listing(rows: &str) -> String {
        format!("<ListBucketResult><IsTruncated>false</IsTruncated>{rows}</ListBucketResult>")
    }

    fn refused(xml: &str) -> String {
        match parse(xml) {
            Err(ListXmlError::Malformed(why)) => why,
            other => panic!("{xml}: {other:?}"),
        }
    }

    #[test]
    fn a_page_with_objects_folders_and_a_next_token() {
        let got = page(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>photos/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys>
  <Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
  <Contents>
    <Key>photos/</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>0</Size>
  </Contents>
  <Contents>
    <Key>photos/a &amp; b &lt;1&gt; &#233;&#x1F600;.jpg</Key>
    <LastModified>2026-11-30T10:20:30.000Z</LastModified>
    <ETag>&quot;abc&quot;</ETag>
    <ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumAlgorithm>SHA1</ChecksumAlgorithm>
    <Size>12345</Size>
    <Owner><ID>x</ID><DisplayName>Key</DisplayName></Owner>
    <StorageClass>GLACIER</StorageClass>
  </Contents>
  <CommonPrefixes><Prefix>photos/2024/</Prefix></CommonPrefixes>
  <NextContinuationToken>tok+/=</NextContinuationToken>
</ListBucketResult>"#,
        );
        assert_eq!(got.folders, vec![Box::<str>::from("2024/")]);
        assert_eq!(
            got.objects,
            vec![ObjectEntry {
                name: "a & b <1> é😀.jpg".into(),
                size: 12345,
                last_modified: 1_796_034_030,
                storage_class: StorageClass::Glacier,
            }]
        );
        assert_eq!(got.next_token.as_deref(), Some("tok+/="));
    }

    #[test]
    fn the_last_page_has_no_token_even_if_the_server_sends_one() {
        let got = page(
            "<ListBucketResult><IsTruncated>false</IsTruncated><NextContinuationToken>t</NextContinuationToken></ListBucketResult>",
        );
        assert_eq!(got, FolderPage::default());
    }

    #[test]
    fn a_truncated_page_without_a_token_is_refused_not_taken_for_the_last() {
        for xml in [
            "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
            "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken/></ListBucketResult>",
        ] {
            assert!(refused(xml).contains("no continuation token"), "{xml}");
        }
        // A page that does not say whether more follow cannot be the last one either.
        let why = refused(
            "<ListBucketResult><Contents><Key>photos/a</Key><Size>1</Size></Contents></ListBucketResult>",
        );
        assert!(why.contains("IsTruncated"), "{why}");
    }

    #[test]
    fn an_html_page_an_empty_body_and_other_documents_are_not_empty_folders() {
        for (body, why) in [
            ("", "empty"),
            (" \r\n\t", "empty"),
            (
                "<!DOCTYPE html><html><body><p>Sign in</p></body></html>",
                "HTML page",
            ),
            (
                "<?xml version=\"1.0\"?><ListAllMyBucketsResult/>",
                "`<ListAllMyBucketsResult>`",
            ),
            ("Bad Gateway", "not XML"),
            ("<?xml version=\"1.0\"?><!-- nothing -->", "no XML element"),
        ] {
            let got = refused(body);
            assert!(got.contains(why), "{body:?}: {got}");
        }
    }

    #[test]
    fn cdata_comments_and_unknown_elements_are_read_as_xml() {
        let got = page(&listing(
            "<!-- c --><Future><Key>photos/not-a-row</Key><Deep><Er/></Deep></Future>\
             <Contents><Key><![CDATA[photos/<raw>&]]></Key><Size>0</Size><StorageClass></StorageClass>\
             <Key2>x<y/></Key2></Contents>\
             <Contents><Key>photos/a<!-- between -->b</Key><Size>+7</Size></Contents>",
        ));
        let names: Vec<&str> = got.objects.iter().map(|o| &*o.name).collect();
        assert_eq!(names, ["<raw>&", "ab"]);
        assert_eq!(got.objects[0].storage_class, StorageClass::Standard);
        assert_eq!(got.objects[1].size, 7);
    }

    #[test]
    fn elements_inside_text_fields_are_refused() {
        for (rows, inside) in [
            (
                "<Contents><Key>photos/n<b>ested</b>ok</Key><Size>1</Size></Contents>",
                "`<Key>`",
            ),
            (
                "<Contents><Key>photos/a</Key><Size><i>1</i></Size></Contents>",
                "`<Size>`",
            ),
            (
                "<CommonPrefixes><Prefix>photos/<x/></Prefix></CommonPrefixes>",
                "`<Prefix>`",
            ),
            (
                "<Contents><Key>photos/a</Key><Size>1</Size><Owner><ID><x/></ID></Owner></Contents>",
                "`<ID>`",
            ),
            ("<Name><b/></Name>", "`<Name>`"),
        ] {
            let why = refused(&listing(rows));
            assert!(why.contains(inside), "{rows}: {why}");
        }
    }

    #[test]
    fn fields_given_twice_are_refused() {
        for rows in [
            "<Contents><Key>photos/a</Key><Key>photos/b</Key><Size>1</Size></Contents>",
            "<Contents><Key>photos/a</Key><Size>1</Size><Size>2</Size></Contents>",
            "<CommonPrefixes><Prefix>photos/a/</Prefix><Prefix>photos/b/</Prefix></CommonPrefixes>",
            "<IsTruncated>true</IsTruncated><NextContinuationToken>a</NextContinuationToken>",
            "<NextContinuationToken>a</NextContinuationToken><NextContinuationToken>b</NextContinuationToken>",
        ] {
            let why = refused(&listing(rows));
            assert!(why.contains("twice"), "{rows}: {why}");
        }
    }

    #[test]
    fn sizes_counts_flags_and_dates_must_be_what_they_say() {
        for (rows, why) in [
            (
                "<Contents><Key>photos/a</Key><Size>-1</Size></Contents>",
                "size",
            ),
            (
                "<Contents><Key>photos/a</Key><Size>9223372036854775808</Size></Contents>",
                "size",
            ),
            (
                "<Contents><Key>photos/a</Key><Size>18446744073709551616</Size></Contents>",
                "size",
            ),
            ("<Contents><Key>photos/a</Key><Size/></Contents>", "size"),
            (
                "<Contents><Key>photos/a</Key><Size> 1</Size></Contents>",
                "size",
            ),
            ("<Contents><Key>photos/a</Key></Contents>", "no `<Size>`"),
            ("<Contents><Size>1</Size></Contents>", "without a `<Key>`"),
            ("<Contents/>", "without a `<Key>`"),
            (
                "<Contents><Key></Key><Size>1</Size></Contents>",
                "empty `<Key>`",
            ),
            ("<CommonPrefixes/>", "without a `<Prefix>`"),
            (
                "<Contents><Key>photos/a</Key><Size>1</Size><LastModified>yesterday</LastModified></Contents>",
                "date",
            ),
            ("<KeyCount>-3</KeyCount>", "count"),
            ("<MaxKeys>2147483648</MaxKeys>", "count"),
            ("<EncodingType>base64</EncodingType>", "base64"),
        ] {
            let got = refused(&listing(rows));
            assert!(got.contains(why), "{rows}: {got}");
        }
        let why = refused("<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>");
        assert!(why.contains("neither true nor false"), "{why}");
        // The largest size S3's schema allows is read.
        let got = page(&listing(
            "<Contents><Key>photos/a</Key><Size>9223372036854775807</Size></Contents>",
        ));
        assert_eq!(got.objects[0].size, i64::MAX as u64);
    }

    #[test]
    fn documents_that_are_not_well_formed_are_refused() {
        for broken in [
            &b"<ListBucketResult><Contents><Key>a"[..],
            b"<ListBucketResult><IsTruncated>false</IsTruncated>",
            b"<ListBucketResult><IsTruncated>false</IsTruncated></Contents></ListBucketResult>",
            b"<ListBucketResult><IsTruncated>false</Size></ListBucketResult>",
            b"<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult><ListBucketResult/>",
            b"<ListBucketResult><Contents><Key>a &bogus; b</Key></Contents></ListBucketResult>",
            b"<ListBucketResult><Contents><Key>\xff</Key></Contents></ListBucketResult>",
            b"<ListBucketResult><Contents><Key>a & b</Key></Contents></ListBucketResult>",
            b"<ListBucketResult><Contents><Key>a\x01b</Key></Contents></ListBucketResult>",
            b"<ListBucketResult xmlns=\"a&b\"><IsTruncated>false</IsTruncated></ListBucketResult>",
        ] {
            assert!(
                matches!(
                    parse_list_page(broken, FOLDER),
                    Err(ListXmlError::Malformed(_))
                ),
                "{}",
                String::from_utf8_lossy(broken)
            );
        }
    }

    #[test]
    fn an_error_document_is_s3s_refusal() {
        let error = parse(
            "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please &amp; slow</Message></Error>",
        );
        assert_eq!(
            error,
            Err(ListXmlError::Service {
                code: "SlowDown".into(),
                message: "Please & slow".into()
            })
        );
    }

    #[test]
    fn keys_and_folders_outside_the_prefix_asked_for_fail_the_page() {
        for rows in [
            "<Contents><Key>photos/a</Key><Size>1</Size></Contents><Contents><Key>secret/x</Key><Size>1</Size></Contents>",
            "<CommonPrefixes><Prefix>photo/</Prefix></CommonPrefixes>",
            "<Contents><Key>Photos/a</Key><Size>1</Size></Contents>",
        ] {
            let got = parse(&listing(rows));
            assert!(
                matches!(&got, Err(ListXmlError::OutsidePrefix { count: 1, prefix, .. }) if prefix == "photos/"),
                "{rows}: {got:?}"
            );
        }
        // Whole-tree listings name rows by full key, and still only take keys inside.
        let tree = PageShape {
            within: "photos/",
            prefix: "",
            keep_marker: true,
        };
        let got = parse_list_page(
            listing("<Contents><Key>photos/</Key><Size>0</Size></Contents><Contents><Key>photos/x//y</Key><Size>1</Size></Contents>").as_bytes(),
            tree,
        )
        .unwrap();
        let names: Vec<&str> = got.objects.iter().map(|o| &*o.name).collect();
        assert_eq!(names, ["photos/", "photos/x//y"]);
        let got = parse_list_page(
            listing("<Contents><Key>elsewhere</Key><Size>0</Size></Contents>").as_bytes(),
            tree,
        );
        assert!(
            matches!(got, Err(ListXmlError::OutsidePrefix { .. })),
            "{got:?}"
        );
    }

    #[test]
    fn url_encoded_names_are_decoded_as_botocore_does() {
        let got = page(&listing(
            "<EncodingType>url</EncodingType>\
             <Contents><Key>photos%2Fa+b%2Bc%25%01%0A%E6%97%A5</Key><Size>1</Size></Contents>\
             <CommonPrefixes><Prefix>photos/sub%1B/</Prefix></CommonPrefixes>",
        ));
        assert_eq!(&*got.objects[0].name, "a b+c%\u{1}\n日");
        assert_eq!(&*got.folders[0], "sub\u{1b}/");
        // The encoding may be said after the names (S3 puts it there).
        let got = page(
            "<ListBucketResult><Contents><Key>photos/a+b</Key><Size>1</Size></Contents>\
             <IsTruncated>false</IsTruncated><EncodingType>url</EncodingType></ListBucketResult>",
        );
        assert_eq!(&*got.objects[0].name, "a b");
        // Not said: names are as given.
        let got = page(&listing(
            "<Contents><Key>photos/a+b%41</Key><Size>1</Size></Contents>",
        ));
        assert_eq!(&*got.objects[0].name, "a+b%41");
        // Decoded before the prefix is checked: an encoded name outside it is outside.
        let got = parse(&listing(
            "<EncodingType>url</EncodingType><Contents><Key>photos%2E%2E/x</Key><Size>1</Size></Contents>",
        ));
        assert!(
            matches!(got, Err(ListXmlError::OutsidePrefix { .. })),
            "{got:?}"
        );
        for bad in ["photos/%", "photos/%4", "photos/%zz", "photos/%FF"] {
            let rows = format!(
                "<EncodingType>url</EncodingType><Contents><Key>{bad}</Key><Size>1</Size></Contents>"
            );
            refused(&listing(&rows));
        }
    }
}
