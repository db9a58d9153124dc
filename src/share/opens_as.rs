//! Whether a browser opens a link's object or downloads it: a PDF, page, picture, text or
//! video served as `application/octet-stream` (or with no type, or another type no browser
//! shows in the tab) downloads instead of opening. Pure: the answer's headers in, a finding out.

use std::fmt;

/// Names a browser shows in the tab when the type is right, by extension.
const OPENED_IN_A_BROWSER: &[&str] = &[
    "pdf", "html", "htm", "png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "txt", "mp4", "webm",
    "mp3", "wav", "ogg", "json",
];

/// Types a browser shows in the tab, under the names tools give them (Python's and so the
/// AWS CLI's `audio/x-wav`, the common `image/jpg`): an object served as one of these opens,
/// whatever its name says. Anything else (`application/octet-stream`, none) downloads.
const SHOWN_IN_THE_TAB: &[&str] = &[
    "text/plain",
    "text/html",
    "text/xml",
    "text/css",
    "text/javascript",
    "image/png",
    "image/jpeg",
    "image/jpg",
    "image/pjpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    "image/avif",
    "image/bmp",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "audio/mpeg",
    "audio/mp3",
    "audio/wav",
    "audio/x-wav",
    "audio/wave",
    "audio/vnd.wave",
    "audio/ogg",
    "audio/webm",
    "audio/mp4",
    "audio/aac",
    "audio/flac",
    "video/mp4",
    "video/webm",
    "video/ogg",
    "application/pdf",
    "application/json",
    "application/xml",
    "application/xhtml+xml",
    "application/javascript",
];

/// A link whose object will download instead of opening, and the type that would open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WillDownload {
    /// The Content-Type the link is served with (`None`: none at all).
    pub served_as: Option<String>,
    /// The type a browser opens an object of this name as.
    pub opens_as: String,
    /// The name's extension, lower case.
    pub extension: String,
}

impl fmt::Display for WillDownload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let served = match &self.served_as {
            Some(t) => format!("as `{t}`"),
            None => "with no Content-Type".to_owned(),
        };
        write!(
            f,
            "will download instead of opening: it is served {served}; a browser opens a .{} as `{}`",
            self.extension, self.opens_as
        )
    }
}

/// The finding for an object named `key` served with `content_type` and
/// `content_disposition`; `None` when it opens (or is meant to download: `attachment`).
pub fn will_download(
    key: &str,
    content_type: Option<&str>,
    content_disposition: Option<&str>,
) -> Option<WillDownload> {
    if content_disposition.is_some_and(|d| d.trim().to_ascii_lowercase().starts_with("attachment"))
    {
        return None;
    }
    let name = key.rsplit('/').next().unwrap_or(key);
    let (_, extension) = name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    if !OPENED_IN_A_BROWSER.contains(&extension.as_str()) {
        return None;
    }
    let opens_as = mime_guess::from_ext(&extension).first_raw()?.to_owned();
    // `text/html; charset=utf-8` is `text/html`: parameters do not change what opens.
    let essence = |t: &str| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    let served = content_type.map(essence).filter(|t| !t.is_empty());
    if served.as_deref() == Some(essence(&opens_as).as_str())
        || served
            .as_deref()
            .is_some_and(|t| SHOWN_IN_THE_TAB.contains(&t))
    {
        return None;
    }
    Some(WillDownload {
        served_as: content_type.map(str::to_owned),
        opens_as: match extension.as_str() {
            "html" | "htm" | "txt" => format!("{opens_as}; charset=utf-8"),
            _ => opens_as,
        },
        extension,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_served_as_octet_stream_or_with_no_type_downloads() {
        let found =
            will_download("docs/q3 report.PDF", Some("application/octet-stream"), None).unwrap();
        assert_eq!(found.opens_as, "application/pdf");
        assert_eq!(
            found.to_string(),
            "will download instead of opening: it is served as `application/octet-stream`; a browser opens a .pdf as `application/pdf`"
        );
        assert!(will_download("a.png", None, None).is_some());
        assert_eq!(
            will_download("index.html", Some("binary/octet-stream"), None)
                .unwrap()
                .opens_as,
            "text/html; charset=utf-8"
        );
    }

    #[test]
    fn the_right_type_a_name_browsers_do_not_open_or_an_attachment_is_no_finding() {
        assert_eq!(will_download("a.pdf", Some("application/pdf"), None), None);
        assert_eq!(
            will_download("a.html", Some("Text/HTML; charset=utf-8"), None),
            None
        );
        assert_eq!(
            will_download("a.zip", Some("application/octet-stream"), None),
            None
        );
        assert_eq!(will_download("README", None, None), None);
        let attachment = Some("attachment; filename=\"a.pdf\"");
        assert_eq!(will_download("a.pdf", None, attachment), None);
    }
}
