//! A ListObjectsV2 document read once, with the same tokenizer the SDK uses, into what it says
//! ([`RawPage`]): the rows' fields, the counts, the token, or S3's `<Error>`. What is not a
//! well-formed listing is refused here: elements where S3 puts text, fields given twice,
//! numbers, flags and dates that do not parse. Keys are checked against the prefix in `xml.rs`.

use aws_smithy_types::date_time::{DateTime, Format};
use xmlparser::{ElementEnd, Token, Tokenizer};

use super::types::StorageClass;

/// What a ListObjectsV2 body could not be read as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListXmlError {
    /// The server answered 200 with an `<Error>` document (S3 may do so).
    #[error("S3 answered with an error ({code}): {message}")]
    Service { code: String, message: String },
    /// Not XML, not a listing, or a listing that contradicts itself.
    #[error("{0}")]
    Malformed(String),
    /// Keys or folders outside the prefix asked for: the server did not keep to `prefix=`, so
    /// nothing on the page is used (a folder delete must never reach past its folder).
    #[error(
        "it holds {count} name(s) outside `{}` (the first: {}): the server did not keep to the prefix asked for",
        prefix.escape_debug(),
        example.escape_debug()
    )]
    OutsidePrefix {
        prefix: String,
        count: usize,
        example: String,
    },
    #[error(
        "`{}` is listed after `{}`: keys repeated or out of order",
        .name.escape_debug(),
        .before.escape_debug()
    )]
    OutOfOrder { name: String, before: String },
}

pub(super) fn malformed(text: impl Into<String>) -> ListXmlError {
    ListXmlError::Malformed(text.into())
}

/// The element being read, decided by its name and its parent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    ListRoot,
    ErrorRoot,
    Contents,
    CommonPrefixes,
    /// `Owner` or `RestoreStatus` inside `Contents`.
    ObjectPart,
    /// An element Pail does not know (a newer S3 may add some), with all it holds.
    Skipped,
    Leaf(Field),
}

/// An element S3 defines as text, and what its text must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Key,
    Size,
    LastModified,
    StorageClass,
    CommonPrefix,
    IsTruncated,
    NextToken,
    EncodingType,
    /// `MaxKeys`: a 32-bit count.
    Count,
    /// `KeyCount`: how many keys and folders the page holds.
    KeyCount,
    /// `IsRestoreInProgress`.
    Flag,
    /// `RestoreExpiryDate`.
    Date,
    /// Read only to check it is text: `Name`, `ETag`, `Owner/ID` and the like.
    Text,
    ErrorCode,
    ErrorMessage,
}

impl Place {
    /// The place of an element named `name` inside `self`; `None` where no element may be.
    fn child(self, name: &str) -> Option<Place> {
        let leaf = |field| Some(Place::Leaf(field));
        match self {
            Place::ListRoot => match name {
                "Contents" => Some(Place::Contents),
                "CommonPrefixes" => Some(Place::CommonPrefixes),
                "IsTruncated" => leaf(Field::IsTruncated),
                "NextContinuationToken" => leaf(Field::NextToken),
                "EncodingType" => leaf(Field::EncodingType),
                "KeyCount" => leaf(Field::KeyCount),
                "MaxKeys" => leaf(Field::Count),
                "Name" | "Prefix" | "Delimiter" | "StartAfter" | "ContinuationToken" => {
                    leaf(Field::Text)
                }
                _ => Some(Place::Skipped),
            },
            Place::ErrorRoot => match name {
                "Code" => leaf(Field::ErrorCode),
                "Message" => leaf(Field::ErrorMessage),
                _ => Some(Place::Skipped),
            },
            Place::Contents => match name {
                "Key" => leaf(Field::Key),
                "Size" => leaf(Field::Size),
                "LastModified" => leaf(Field::LastModified),
                "StorageClass" => leaf(Field::StorageClass),
                "ETag" | "ChecksumAlgorithm" | "ChecksumType" => leaf(Field::Text),
                "Owner" | "RestoreStatus" => Some(Place::ObjectPart),
                _ => Some(Place::Skipped),
            },
            Place::ObjectPart => match name {
                "ID" | "DisplayName" => leaf(Field::Text),
                "IsRestoreInProgress" => leaf(Field::Flag),
                "RestoreExpiryDate" => leaf(Field::Date),
                _ => Some(Place::Skipped),
            },
            Place::CommonPrefixes => match name {
                "Prefix" => leaf(Field::CommonPrefix),
                _ => Some(Place::Skipped),
            },
            Place::Skipped => Some(Place::Skipped),
            Place::Leaf(_) => None,
        }
    }
}

/// The object being read, between `<Contents>` and `</Contents>`.
#[derive(Default)]
struct PendingObject {
    key: Option<String>,
    size: Option<u64>,
    last_modified: i64,
    storage_class: StorageClass,
}

/// What the page says, before keys are decoded and checked against the prefix.
#[derive(Default)]
pub(super) struct RawPage {
    pub(super) objects: Vec<(String, u64, i64, StorageClass)>,
    pub(super) prefixes: Vec<String>,
    pub(super) key_count: Option<usize>,
    pub(super) truncated: Option<bool>,
    pub(super) next_token: Option<String>,
    pub(super) url_encoded: bool,
    pub(super) error: Option<(String, String)>,
}

/// Walks the document once, checking it is well-formed and shaped like a listing.
pub(super) fn read_page(text: &str) -> Result<RawPage, ListXmlError> {
    let mut page = RawPage::default();
    // The open elements: (prefix, local name, place).
    let mut open: Vec<(&str, &str, Place)> = Vec::with_capacity(8);
    // The text fields already read in each open element, to refuse one given twice.
    let mut seen: Vec<Vec<&str>> = Vec::with_capacity(8);
    let mut root_seen = false;
    let mut value = String::new();
    let mut scratch = String::new();
    let mut object = PendingObject::default();
    let mut common_prefix: Option<String> = None;

    for token in Tokenizer::from(text) {
        let token = token.map_err(|e| malformed(format!("it is not well-formed XML ({e})")))?;
        match token {
            Token::ElementStart { prefix, local, .. } => {
                let name = local.as_str();
                let place = match open.last() {
                    None if root_seen => {
                        return Err(malformed(format!(
                            "a second root element `<{name}>` follows the first"
                        )));
                    }
                    None => {
                        root_seen = true;
                        root_place(name)?
                    }
                    Some(&(_, parent, parent_place)) => {
                        parent_place.child(name).ok_or_else(|| {
                            malformed(format!("an element `<{name}>` inside `<{parent}>`"))
                        })?
                    }
                };
                match place {
                    Place::Leaf(_) => {
                        // ChecksumAlgorithm is a list S3 writes as repeated elements.
                        let parent = open.len().wrapping_sub(1);
                        if let Some(siblings) = seen.get_mut(parent)
                            && name != "ChecksumAlgorithm"
                        {
                            if siblings.contains(&name) {
                                let parent = open.last().map(|o| o.1).unwrap_or_default();
                                return Err(malformed(format!(
                                    "`<{parent}>` holds `<{name}>` twice"
                                )));
                            }
                            siblings.push(name);
                        }
                        value.clear();
                    }
                    Place::Contents => object = PendingObject::default(),
                    Place::CommonPrefixes => common_prefix = None,
                    _ => {}
                }
                open.push((prefix.as_str(), name, place));
                match seen.get_mut(open.len() - 1) {
                    Some(siblings) => siblings.clear(),
                    None => seen.push(Vec::new()),
                }
            }
            Token::ElementEnd { end, .. } => {
                match end {
                    ElementEnd::Open => continue,
                    ElementEnd::Close(prefix, local) => match open.last() {
                        Some(&(p, l, _)) if p == prefix.as_str() && l == local.as_str() => {}
                        Some(&(_, l, _)) => {
                            return Err(malformed(format!(
                                "`<{l}>` is closed by `</{}>`",
                                local.as_str()
                            )));
                        }
                        None => return Err(malformed("a closing tag without an opening one")),
                    },
                    ElementEnd::Empty => {}
                }
                let Some((_, _, place)) = open.pop() else {
                    return Err(malformed("a closing tag without an opening one"));
                };
                match place {
                    Place::Leaf(field) => {
                        take_field(
                            field,
                            &mut value,
                            &mut object,
                            &mut common_prefix,
                            &mut page,
                        )?;
                    }
                    Place::Contents => {
                        let done = std::mem::take(&mut object);
                        let Some(key) = done.key else {
                            return Err(malformed("an object without a `<Key>`"));
                        };
                        let Some(size) = done.size else {
                            return Err(malformed(format!(
                                "the object {} has no `<Size>`",
                                key.escape_debug()
                            )));
                        };
                        page.objects
                            .push((key, size, done.last_modified, done.storage_class));
                    }
                    Place::CommonPrefixes => match common_prefix.take() {
                        Some(prefix) => page.prefixes.push(prefix),
                        None => return Err(malformed("a `<CommonPrefixes>` without a `<Prefix>`")),
                    },
                    _ => {}
                }
            }
            Token::Text { text } => {
                if let Some((_, _, Place::Leaf(_))) = open.last() {
                    unescape_into(text.as_str(), &mut value)?;
                }
            }
            // The SDK reads attributes' values: an entity it cannot read fails the page there.
            Token::Attribute { value, .. } => {
                scratch.clear();
                unescape_into(value.as_str(), &mut scratch)?;
            }
            Token::Cdata { text, .. } => {
                if let Some((_, _, Place::Leaf(_))) = open.last() {
                    value.push_str(text.as_str());
                }
            }
            _ => {}
        }
    }
    if let Some((_, name, _)) = open.last() {
        return Err(malformed(format!(
            "the document ends early, inside `<{name}>` (the answer was cut short?)"
        )));
    }
    if !root_seen {
        return Err(malformed("the answer holds no XML element"));
    }
    if page.error.is_none() {
        match (page.truncated, &page.next_token) {
            (None, _) => {
                return Err(malformed(
                    "it does not say whether more keys follow (no `<IsTruncated>`)",
                ));
            }
            (Some(true), None) => {
                return Err(malformed(
                    "it says more keys follow but gives no continuation token to ask for them",
                ));
            }
            _ => {}
        }
    }
    Ok(page)
}

/// The root element's place: a listing, S3's error, or something else entirely.
fn root_place(name: &str) -> Result<Place, ListXmlError> {
    match name {
        "ListBucketResult" => Ok(Place::ListRoot),
        "Error" => Ok(Place::ErrorRoot),
        _ if name.eq_ignore_ascii_case("html") => Err(malformed(
            "it is an HTML page, not a listing (a login page or a proxy's error?)",
        )),
        _ => Err(malformed(format!(
            "it is a `<{name}>` document, not a listing (`<ListBucketResult>`)"
        ))),
    }
}

/// Stores a finished text field where it belongs, refusing text that is not what S3 sends.
/// Numbers, flags and dates are read as strictly as the SDK reads them. Only the texts kept
/// are taken; the others leave `text` to be reused.
fn take_field(
    field: Field,
    text: &mut String,
    object: &mut PendingObject,
    common_prefix: &mut Option<String>,
    page: &mut RawPage,
) -> Result<(), ListXmlError> {
    match field {
        Field::Key => {
            if text.is_empty() {
                return Err(malformed("an object with an empty `<Key>`"));
            }
            object.key = Some(std::mem::take(text));
        }
        Field::Size => match text.parse::<i64>() {
            Ok(size) if size >= 0 => object.size = Some(size as u64),
            _ => {
                return Err(malformed(format!(
                    "the size {} is not a size",
                    text.escape_debug()
                )));
            }
        },
        Field::LastModified => {
            object.last_modified = DateTime::from_str(text, Format::DateTime)
                .map_err(|_| malformed(format!("the date {} is not a date", text.escape_debug())))?
                .secs();
        }
        Field::Date => {
            DateTime::from_str(text, Format::DateTime).map_err(|_| {
                malformed(format!("the date {} is not a date", text.escape_debug()))
            })?;
        }
        Field::StorageClass => object.storage_class = StorageClass::parse(text),
        Field::CommonPrefix => *common_prefix = Some(std::mem::take(text)),
        Field::IsTruncated => page.truncated = Some(flag(text)?),
        Field::Flag => {
            flag(text)?;
        }
        Field::NextToken => {
            page.next_token = (!text.is_empty()).then(|| std::mem::take(text));
        }
        Field::EncodingType => match text.as_str() {
            "url" => page.url_encoded = true,
            _ => {
                return Err(malformed(format!(
                    "its names are encoded as {}, which Pail cannot read",
                    text.escape_debug()
                )));
            }
        },
        Field::KeyCount => match text.parse::<i32>() {
            Ok(count) if count >= 0 => page.key_count = Some(count as usize),
            _ => {
                return Err(malformed(format!(
                    "the count {} is not a count",
                    text.escape_debug()
                )));
            }
        },
        Field::Count => match text.parse::<i32>() {
            Ok(count) if count >= 0 => {}
            _ => {
                return Err(malformed(format!(
                    "the count {} is not a count",
                    text.escape_debug()
                )));
            }
        },
        Field::Text => {}
        Field::ErrorCode => page.error.get_or_insert_default().0 = std::mem::take(text),
        Field::ErrorMessage => page.error.get_or_insert_default().1 = std::mem::take(text),
    }
    Ok(())
}

fn flag(text: &str) -> Result<bool, ListXmlError> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(malformed(format!(
            "{} is neither true nor false",
            text.escape_debug()
        ))),
    }
}

/// Appends `raw` with XML's five named entities and character references replaced.
fn unescape_into(raw: &str, out: &mut String) -> Result<(), ListXmlError> {
    let mut rest = raw;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = memchr::memchr(b';', after.as_bytes()) else {
            return Err(malformed(format!(
                "an unterminated `&` in {}",
                raw.escape_debug()
            )));
        };
        let entity = &after[..semi];
        let ch = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32).ok_or_else(|| {
                    malformed(format!("an unknown entity `&{}`;", entity.escape_debug()))
                })?
            }
        };
        out.push(ch);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(())
}
