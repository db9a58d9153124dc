//! One page of a listing, made from every key of a folder: the local server's own, because
//! s3s-fs lists file names, and on Windows those are not the keys (see `file_names`): their
//! order is not the keys' order and their prefixes are not the keys' prefixes. Here the keys
//! are filtered by prefix, sorted in S3's order (UTF-8 bytes), rolled up by delimiter, and cut
//! after a marker and at `max_keys`, as S3 does.

use s3s::dto::Object;

/// What one page asks for.
pub(crate) struct Query<'a> {
    pub(crate) prefix: &'a str,
    /// An empty delimiter is none.
    pub(crate) delimiter: Option<&'a str>,
    /// Keys at or before this one are left out (`start-after`, a v1 `marker`).
    pub(crate) after_key: Option<&'a str>,
    /// Rows (keys or common prefixes) at or before this one are left out: the last row of
    /// the page before, from a continuation token or a v1 marker.
    pub(crate) after_row: Option<&'a str>,
    pub(crate) max_keys: usize,
}

/// One page: its objects and common prefixes, and the last row when more follow.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) objects: Vec<Object>,
    pub(crate) prefixes: Vec<String>,
    /// The last row of the page, when the listing goes on after it.
    pub(crate) next: Option<String>,
}

impl Page {
    pub(crate) fn rows(&self) -> usize {
        self.objects.len() + self.prefixes.len()
    }
}

enum Row {
    Object(Box<Object>),
    Prefix(String),
}

/// The page `query` asks for out of `objects`, every object of the folder (keys in any order).
pub(crate) fn page(mut objects: Vec<Object>, query: &Query<'_>) -> Page {
    objects.retain(|o| {
        let key = o.key.as_deref().unwrap_or("");
        key.starts_with(query.prefix) && query.after_key.is_none_or(|after| key > after)
    });
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    let delimiter = query.delimiter.filter(|d| !d.is_empty());
    let mut rows: Vec<Row> = Vec::new();
    for object in objects {
        let key = object.key.as_deref().unwrap_or("");
        // Keys below one common prefix follow each other in this order.
        let rolled = delimiter.and_then(|d| {
            let rest = &key[query.prefix.len()..];
            rest.find(d)
                .map(|at| key[..query.prefix.len() + at + d.len()].to_owned())
        });
        let row = match rolled {
            Some(prefix) => {
                if matches!(rows.last(), Some(Row::Prefix(last)) if *last == prefix) {
                    continue;
                }
                Row::Prefix(prefix)
            }
            None => Row::Object(Box::new(object)),
        };
        if query.after_row.is_some_and(|after| row_name(&row) <= after) {
            continue;
        }
        rows.push(row);
    }
    let more = query.max_keys > 0 && rows.len() > query.max_keys;
    rows.truncate(query.max_keys);
    let mut page = Page {
        next: more
            .then(|| rows.last().map(|r| row_name(r).to_owned()))
            .flatten(),
        ..Page::default()
    };
    for row in rows {
        match row {
            Row::Object(object) => page.objects.push(*object),
            Row::Prefix(prefix) => page.prefixes.push(prefix),
        }
    }
    page
}

fn row_name(row: &Row) -> &str {
    match row {
        Row::Object(object) => object.key.as_deref().unwrap_or(""),
        Row::Prefix(prefix) => prefix,
    }
}

/// Bytes kept as they are in an encoded name: S3 leaves unreserved characters and `/`.
fn kept(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/')
}

/// A name as S3 encodes it for `encoding-type=url`: form encoding, a space as `+`.
pub(crate) fn url_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name.as_bytes() {
        match b {
            b' ' => out.push('+'),
            _ if kept(b) => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The last row of a page (a key or a common prefix) as an opaque token XML can carry: `t`
/// and its bytes in hex.
pub(super) fn token_out(key: &str) -> String {
    let mut token = String::with_capacity(1 + key.len() * 2);
    token.push('t');
    for b in key.as_bytes() {
        token.push_str(&format!("{b:02x}"));
    }
    token
}

/// The key a token made by [`token_out`] stands for; `None` for a token this server did not
/// hand out.
pub(super) fn token_in(token: &str) -> Option<String> {
    let hex = token.strip_prefix('t')?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(keys: &[&str]) -> Vec<Object> {
        keys.iter()
            .map(|k| Object {
                key: Some((*k).to_owned()),
                ..Object::default()
            })
            .collect()
    }

    fn keys(page: &Page) -> Vec<&str> {
        page.objects
            .iter()
            .map(|o| o.key.as_deref().unwrap_or(""))
            .collect()
    }

    fn query<'a>(prefix: &'a str, delimiter: Option<&'a str>, max_keys: usize) -> Query<'a> {
        Query {
            prefix,
            delimiter,
            after_key: None,
            after_row: None,
            max_keys,
        }
    }

    const KEYS: &[&str] = &["b", "a/2", "Z", "a/1", "é", "a", "a/b/c", "ab", "a-"];

    #[test]
    fn keys_come_in_utf8_byte_order_rolled_up_by_delimiter() {
        let all = page(objects(KEYS), &query("", None, 1000));
        assert_eq!(
            keys(&all),
            ["Z", "a", "a-", "a/1", "a/2", "a/b/c", "ab", "b", "é"]
        );
        assert_eq!(all.next, None);
        let rolled = page(objects(KEYS), &query("a", Some("/"), 1000));
        assert_eq!(keys(&rolled), ["a", "a-", "ab"]);
        assert_eq!(rolled.prefixes, ["a/"]);
        let inside = page(objects(KEYS), &query("a/", Some("/"), 1000));
        assert_eq!(keys(&inside), ["a/1", "a/2"]);
        assert_eq!(inside.prefixes, ["a/b/"]);
    }

    #[test]
    fn pages_follow_each_other_without_loss_or_repeat() {
        for delimiter in [None, Some("/"), Some("-")] {
            let whole = page(objects(KEYS), &query("", delimiter, 1000));
            for max_keys in 1..4 {
                let (mut seen_keys, mut seen_prefixes) = (Vec::new(), Vec::new());
                let mut after: Option<String> = None;
                loop {
                    let mut q = query("", delimiter, max_keys);
                    q.after_row = after.as_deref();
                    let one = page(objects(KEYS), &q);
                    assert!(one.rows() <= max_keys);
                    seen_keys.extend(keys(&one).iter().map(|k| k.to_string()));
                    seen_prefixes.extend(one.prefixes.clone());
                    match one.next {
                        Some(next) => after = Some(next),
                        None => break,
                    }
                }
                assert_eq!(seen_keys, keys(&whole), "{delimiter:?} {max_keys}");
                assert_eq!(seen_prefixes, whole.prefixes, "{delimiter:?} {max_keys}");
            }
        }
    }

    #[test]
    fn start_after_leaves_out_keys_not_their_folder() {
        let mut q = query("", Some("/"), 1000);
        q.after_key = Some("a/1");
        let after = page(objects(KEYS), &q);
        assert_eq!(keys(&after), ["ab", "b", "é"]);
        assert_eq!(after.prefixes, ["a/"]);
        assert_eq!(page(objects(KEYS), &query("", None, 0)).rows(), 0);
    }

    #[test]
    fn names_are_encoded_as_s3_encodes_them() {
        assert_eq!(
            url_encode("a b+c/d%e\u{1}\n日~_.-"),
            "a+b%2Bc/d%25e%01%0A%E6%97%A5~_.-"
        );
    }

    #[test]
    fn tokens_are_opaque_text_and_come_back_as_keys() {
        let key = "dir/k\u{1}<&>\n 日";
        let token = token_out(key);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()), "{token}");
        assert_eq!(token_in(&token).as_deref(), Some(key));
        assert_eq!(token_in("dir/raw-key"), None);
        assert_eq!(token_in("t4"), None);
        assert_eq!(token_in("tzz"), None);
    }
}
