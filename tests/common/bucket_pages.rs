//! Canned listing pages of a bucket's contents, for the servers that lie in the bucket tests:
//! a ListObjectVersions page, and a ListMultipartUploads page with nothing in it.

/// A ListVersionsResult page of `keys` (version `v1` each), truncated with `next` as its
/// markers when given.
pub fn versions_page(keys: &[&str], next: Option<&str>) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\"?><ListVersionsResult><Name>bucket</Name><IsTruncated>{}</IsTruncated>",
        next.is_some()
    );
    if let Some(next) = next {
        xml.push_str(&format!(
            "<NextKeyMarker>{next}</NextKeyMarker><NextVersionIdMarker>v1</NextVersionIdMarker>"
        ));
    }
    for key in keys {
        xml.push_str(&format!(
            "<Version><Key>{key}</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>\
             <LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>1</Size></Version>"
        ));
    }
    xml.push_str("</ListVersionsResult>");
    xml
}

pub const NO_UPLOADS: &str = "<?xml version=\"1.0\"?><ListMultipartUploadsResult><Bucket>bucket</Bucket>\
     <IsTruncated>false</IsTruncated></ListMultipartUploadsResult>";
