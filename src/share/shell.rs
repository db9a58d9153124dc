//! Text that people paste into a shell or that becomes an HTTP header: one quoting function for
//! every shell word Pail prints, and one check for header values. A newline in a content type
//! would end a `#` comment line and run the rest; a `'` would end a quoted word.

use super::ShareError;

/// `s` as one POSIX shell word: single quotes, each `'` written `'\''`. Inside single quotes
/// nothing is special (`$()`, backticks, `\`, newlines), so the word is `s` exactly.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `s` for a `#` comment line: control characters (a newline would end the comment) are shown
/// escaped, never written.
pub fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Refuses a value with control characters (CR, LF, tab, …) for the header `field`: HTTP does
/// not allow them, and in a printed command they would break the line.
pub fn check_header_value(field: &str, value: &str) -> Result<(), ShareError> {
    if value.chars().any(char::is_control) {
        return Err(ShareError::HeaderValue {
            field: field.to_owned(),
            value: value.escape_debug().to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_comments() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(comment("a\nb"), "a\\nb");
        assert!(check_header_value("Content-Type", "text/plain").is_ok());
        let refused = check_header_value("Content-Type", "x\ntouch /tmp/p").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "Content-Type `x\\ntouch /tmp/p` has a control character (a line break?), which a header may not hold"
        );
    }
}
