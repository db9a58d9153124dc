//! One header edit over many objects (a selection, or every object below a folder): a few
//! at once, each a whole copy or nothing, with progress, Cancel, and a line per object that
//! failed and why. What the edit of a versioned bucket makes (a new version of each) is asked
//! here too, so it can be said before the batch runs.

use std::sync::Arc;

use super::connection::Connection;
use super::header_edit::HeaderEdit;
use super::headers::{Edited, HeadersError, edit_object};
use super::transfer::TransferControl;
use crate::model::{BucketName, ObjectKey};

/// Objects edited at once: each edit is a HEAD, two small reads and a copy the server makes.
pub const EDITS_AT_ONCE: usize = 8;

/// Where a batch is: `done` of `total` objects settled (edited, unchanged or failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EditProgress {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
}

/// What a batch did, object by object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditReport {
    pub total: usize,
    /// Copied with the new headers.
    pub applied: Vec<String>,
    /// Had the headers already: no copy was made.
    pub already: Vec<String>,
    /// Not edited, and why; nothing of each was changed.
    pub failed: Vec<(String, HeadersError)>,
    /// Not started: the batch was cancelled first.
    pub not_started: usize,
}

impl EditReport {
    pub fn cancelled(&self) -> bool {
        self.not_started > 0
    }

    /// One line for the person: what changed, what was left, what failed.
    pub fn summary(&self) -> String {
        let mut text = format!("{} of {} objects edited", self.applied.len(), self.total);
        if !self.already.is_empty() {
            text.push_str(&format!(
                ", {} had these headers already",
                self.already.len()
            ));
        }
        if !self.failed.is_empty() {
            text.push_str(&format!(
                ", {} failed (left as they were)",
                self.failed.len()
            ));
        }
        if self.not_started > 0 {
            text.push_str(&format!(", {} not started: cancelled", self.not_started));
        }
        text
    }
}

/// Applies `edit` to each of `keys`, [`EDITS_AT_ONCE`] at a time. `progress` hears each
/// object settled; after [`TransferControl::cancel`] no new object starts, and those already
/// sent finish (a copy is never half made).
pub async fn edit_objects(
    connection: &Connection,
    bucket: &BucketName,
    keys: Vec<ObjectKey>,
    edit: &HeaderEdit,
    control: &TransferControl,
    progress: impl Fn(EditProgress),
) -> EditReport {
    let mut report = EditReport {
        total: keys.len(),
        ..EditReport::default()
    };
    let edit = Arc::new(edit.clone());
    let mut running = tokio::task::JoinSet::new();
    let mut waiting = keys.into_iter();
    let mut settled = EditProgress {
        total: report.total,
        ..EditProgress::default()
    };
    loop {
        while running.len() < EDITS_AT_ONCE && !control.is_cancelled() {
            let Some(key) = waiting.next() else { break };
            let (connection, bucket, edit, control) = (
                connection.clone(),
                bucket.clone(),
                edit.clone(),
                control.clone(),
            );
            running.spawn(async move {
                let done = edit_object(&connection, &bucket, &key, &edit, &control).await;
                (key.to_string(), done)
            });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        match joined {
            Ok((key, Ok(Edited::Applied))) => report.applied.push(key),
            Ok((key, Ok(Edited::AlreadySo))) => report.already.push(key),
            // Cancelled before its copy was sent: not started, as far as the person goes.
            Ok((_, Err(HeadersError::Transfer(super::transfer::TransferError::Cancelled)))) => {
                report.not_started += 1;
                continue;
            }
            Ok((key, Err(e))) => report.failed.push((key, e)),
            Err(e) => report.failed.push((
                String::new(),
                HeadersError::Transfer(super::transfer::TransferError::Remote(e.to_string())),
            )),
        }
        settled.done += 1;
        settled.failed = report.failed.len();
        progress(settled);
    }
    report.not_started += waiting.count();
    report.applied.sort();
    report.already.sort();
    report.failed.sort_by(|a, b| a.0.cmp(&b.0));
    report
}

/// The objects below `prefix` an edit of the folder applies to: every key but folder markers.
pub async fn keys_below(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<ObjectKey>, crate::s3::list::BrowseError> {
    let keys = crate::s3::list::list_all_keys(connection, bucket, prefix).await?;
    Ok(keys
        .into_iter()
        .filter(|(key, size)| !(key.ends_with('/') && *size == 0))
        .filter_map(|(key, _)| ObjectKey::new(key).ok())
        .collect())
}

/// Whether the bucket keeps versions (`Enabled`), so that each edit leaves the old version
/// behind: `None` when it never did, or the server does not say.
pub async fn versioning_on(connection: &Connection, bucket: &BucketName) -> Option<String> {
    let answer = connection
        .client()
        .get_bucket_versioning()
        .bucket(bucket.as_str())
        .send()
        .await;
    match answer {
        Ok(answer) => answer.status().map(|s| s.as_str().to_owned()),
        // A server that names the answer's root otherwise (moto) still says the state; the
        // SDK refuses the whole answer for its name.
        Err(e) => {
            let raw = e.raw_response().filter(|r| r.status().is_success())?;
            let status = crate::s3::versions::status_in(raw.body().bytes()?).ok()??;
            Some(status).filter(|s| !s.is_empty())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::header_edit::FieldEdit;
    use aws_sdk_s3::primitives::ByteStream;

    #[tokio::test(flavor = "multi_thread")]
    async fn a_batch_edits_every_object_reports_each_and_stops_starting_when_cancelled() {
        let server =
            crate::demo::server::LocalServer::start_temporary("AKTEST", "secret-test").unwrap();
        server.create_bucket("site").unwrap();
        let connection = server.connection();
        for n in 0..30 {
            connection
                .client()
                .put_object()
                .bucket("site")
                .key(format!("assets/{n:02}.css"))
                .body(ByteStream::from_static(b"body{}"))
                .send()
                .await
                .unwrap();
        }
        let bucket = BucketName::new("site").unwrap();
        let mut keys = keys_below(&connection, &bucket, "assets/").await.unwrap();
        assert_eq!(keys.len(), 30);
        keys.push(ObjectKey::new("assets/gone.css").unwrap());
        let edit = HeaderEdit {
            cache_control: FieldEdit::Set("public, max-age=31536000".into()),
            ..HeaderEdit::default()
        };
        let seen = std::sync::Mutex::new(Vec::new());
        let report = edit_objects(
            &connection,
            &bucket,
            keys.clone(),
            &edit,
            &TransferControl::default(),
            |p| seen.lock().unwrap().push(p),
        )
        .await;
        assert_eq!(report.applied.len(), 30, "{}", report.summary());
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].0, "assets/gone.css");
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((31, 31)));
        assert_eq!(
            report.summary(),
            "30 of 31 objects edited, 1 failed (left as they were)"
        );

        let control = TransferControl::default();
        control.cancel();
        let report =
            edit_objects(&connection, &bucket, keys.clone(), &edit, &control, |_| {}).await;
        assert!(report.cancelled());
        assert_eq!(report.not_started, 31);
        assert!(report.applied.is_empty());

        // Cancelled once 3 objects settled: those under way finish, no new one starts, and
        // every object is counted once.
        let other = HeaderEdit {
            cache_control: FieldEdit::Set("no-cache".into()),
            ..HeaderEdit::default()
        };
        let control = TransferControl::default();
        let report = edit_objects(&connection, &bucket, keys, &other, &control, |p| {
            if p.done == 3 {
                control.cancel();
            }
        })
        .await;
        assert!(report.cancelled(), "{}", report.summary());
        let counted =
            report.applied.len() + report.already.len() + report.failed.len() + report.not_started;
        assert_eq!(counted, 31);
        assert!(
            report.applied.len() <= 3 + EDITS_AT_ONCE,
            "{}",
            report.summary()
        );
        let mut edited = 0;
        for n in 0..30 {
            let key = ObjectKey::new(format!("assets/{n:02}.css")).unwrap();
            let (read, _) = crate::s3::headers::read_headers(&connection, &bucket, &key)
                .await
                .unwrap();
            edited += usize::from(read.editable.cache_control.as_deref() == Some("no-cache"));
        }
        assert_eq!(
            edited,
            report.applied.len(),
            "the report names exactly what changed"
        );
    }
}
