//! `Content-Disposition` values for download links (RFC 6266, with RFC 8187 encoding for
//! names that are not plain ASCII).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Whether the browser saves the file or shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DispositionKind {
    #[default]
    Attachment,
    Inline,
}

/// RFC 8187 `attr-char`: everything else in `filename*` is percent-encoded.
const ATTR_CHAR_COMPLEMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="report.pdf"`, or for other names
/// `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`, where the plain
/// `filename` is an ASCII fallback for clients that do not read `filename*`.
pub fn content_disposition(file_name: &str, kind: DispositionKind) -> String {
    let kind = match kind {
        DispositionKind::Attachment => "attachment",
        DispositionKind::Inline => "inline",
    };
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if fallback == file_name {
        format!("{kind}; filename=\"{file_name}\"")
    } else {
        let encoded = utf8_percent_encode(file_name, ATTR_CHAR_COMPLEMENT);
        format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_names_are_quoted() {
        assert_eq!(
            content_disposition("report 2026.pdf", DispositionKind::Attachment),
            "attachment; filename=\"report 2026.pdf\""
        );
        assert_eq!(
            content_disposition("a.png", DispositionKind::Inline),
            "inline; filename=\"a.png\""
        );
    }

    #[test]
    fn unicode_names_get_an_encoded_form_and_a_fallback() {
        assert_eq!(
            content_disposition("résumé 🎉.pdf", DispositionKind::Attachment),
            "attachment; filename=\"r_sum_ _.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%F0%9F%8E%89.pdf"
        );
    }

    #[test]
    fn quotes_and_backslashes_cannot_break_out() {
        let value = content_disposition("a\"b\\c.txt", DispositionKind::Attachment);
        assert_eq!(
            value,
            "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b%5Cc.txt"
        );
    }
}
