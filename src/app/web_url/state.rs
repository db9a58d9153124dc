//! The Web URL dialog's state: what is being shared, the chosen protocol, expiry and options,
//! and the links once generated. Pure: the time is passed in, and the methods return the
//! [`Command`]s to send.

use std::time::SystemTime;

use chrono::{DateTime, Datelike, Local, NaiveDate, TimeZone, Timelike, Utc};

use crate::model::Scheme;
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::share::link_text::{NamedLink, expiry_text};
use crate::share::{
    ContentTypeRule, DispositionKind, EffectiveExpiry, Expiry, ExpiryError, GetOptions, KeyRule,
    Lifetime, MAX_LINK_LIFETIME, PostForm, PostRequest, PutOptions, content_disposition,
};
use crate::worker::{Command, LinkItem, RequestId};

/// Above this many objects, links for a folder need a confirmation.
pub const CONFIRM_ABOVE: usize = 1000;

/// One object to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub key: ObjectKey,
    pub size: u64,
}

impl Target {
    pub fn name(&self) -> &str {
        self.key.file_name()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogTab {
    WebUrl,
    UploadLink,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// A pre-signed PUT URL for one key.
    Put,
    /// A browser form (POST) with a size limit, content type and key prefix.
    Post,
}

/// Expiry presets offered next to the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    OneHour,
    OneDay,
    SevenDays,
    EndOfToday,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::OneHour,
        Preset::OneDay,
        Preset::SevenDays,
        Preset::EndOfToday,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Preset::OneHour => "1 hour",
            Preset::OneDay => "1 day",
            Preset::SevenDays => "7 days",
            Preset::EndOfToday => "End of today",
        }
    }
}

/// A folder whose objects are being counted before links are made for them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderExpansion {
    Counting {
        id: RequestId,
        prefix: String,
    },
    /// More than [`CONFIRM_ABOVE`] objects: waiting for the person to confirm.
    Confirm {
        prefix: String,
        targets: Vec<Target>,
    },
    Failed(String),
}

/// The results of the upload tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadResult {
    Put(NamedLink, Vec<(String, String)>),
    Post(PostForm),
}

/// Everything a generated link depends on. The shown link was made for one of these; when the
/// inputs no longer give the same, the link is dropped ([`WebUrlDialog::sync`]), whichever
/// widget changed them.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSettings {
    tab: DialogTab,
    https: bool,
    date: NaiveDate,
    hour: u32,
    minute: u32,
    targets: Vec<ObjectKey>,
    download_name: String,
    inline: bool,
    content_type: String,
    upload_kind: UploadKind,
    upload_key: String,
    upload_is_prefix: bool,
    upload_max_mb: String,
    upload_content_type: String,
    upload_no_overwrite: bool,
    upload_broad_confirmed: bool,
}

#[derive(Debug)]
pub struct WebUrlDialog {
    pub profile: Profile,
    pub bucket: BucketName,
    /// The folder the dialog was opened in (uploads go there by default).
    pub folder: String,
    pub targets: Vec<Target>,
    pub expansion: Option<FolderExpansion>,
    pub tab: DialogTab,
    pub https: bool,
    /// The expiry, as picked: a local date, hour and minute.
    pub date: NaiveDate,
    pub hour: u32,
    pub minute: u32,
    /// Download name for a single object (empty: the object's name).
    pub download_name: String,
    pub inline: bool,
    pub content_type: String,
    pub generating: Option<RequestId>,
    pub links: Vec<NamedLink>,
    pub effective: Option<EffectiveExpiry>,
    pub error: Option<String>,
    /// Feedback after Copy ("Copied").
    pub notice: Option<String>,
    pub testing: Option<RequestId>,
    pub test_result: Option<Result<String, String>>,
    pub upload_kind: UploadKind,
    pub upload_key: String,
    pub upload_is_prefix: bool,
    /// In MB; empty for no limit.
    pub upload_max_mb: String,
    pub upload_content_type: String,
    /// PUT: the link refuses to replace an existing object (`If-None-Match: *`).
    pub upload_no_overwrite: bool,
    /// The person confirmed, in words, a form for the whole bucket or a prefix that is not a
    /// folder.
    pub upload_broad_confirmed: bool,
    pub upload_result: Option<UploadResult>,
    /// When the profile's credentials expire, once the worker has said (`None` inside: they
    /// do not).
    pub credentials_expiry: Option<Option<SystemTime>>,
    pub credentials_request: Option<RequestId>,
    /// The bucket's region could not be found, so the profile's was used: the link may be
    /// refused. Shown in the dialog, as the CLI prints it.
    pub signing_warning: Option<String>,
    /// The settings the shown results (or the request in flight) were made for.
    made_for: Option<LinkSettings>,
    /// The expiry calendar, drawn inside the dialog.
    pub calendar: crate::app::web_url::calendar::CalendarState,
    /// Which opening of the dialog this is: the modal is new each time, so it sizes to its
    /// content instead of keeping the last one's size.
    pub serial: u64,
}

impl WebUrlDialog {
    /// A dialog for `targets` in the folder `folder`, expiring one day from `now`.
    pub fn new(
        profile: Profile,
        bucket: BucketName,
        folder: String,
        targets: Vec<Target>,
        now: SystemTime,
    ) -> Self {
        let endpoint_is_http = profile
            .endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"));
        // Uploads go to a fresh folder of their own by default: a form for the folder itself
        // (or the whole bucket) would let anyone holding it overwrite what is there.
        let upload_key = format!(
            "{folder}uploads/{}/",
            DateTime::<Local>::from(now).format("%Y-%m-%d")
        );
        let mut dialog = Self {
            profile,
            bucket,
            upload_key,
            folder,
            targets,
            expansion: None,
            tab: DialogTab::WebUrl,
            // An http:// server (the demo, a local MinIO) speaks no TLS.
            https: !endpoint_is_http,
            date: NaiveDate::default(),
            hour: 0,
            minute: 0,
            download_name: String::new(),
            inline: false,
            content_type: String::new(),
            generating: None,
            links: Vec::new(),
            effective: None,
            error: None,
            notice: None,
            testing: None,
            test_result: None,
            upload_kind: UploadKind::Post,
            upload_is_prefix: true,
            upload_max_mb: "100".to_owned(),
            upload_content_type: String::new(),
            upload_no_overwrite: true,
            upload_broad_confirmed: false,
            upload_result: None,
            credentials_expiry: None,
            credentials_request: None,
            signing_warning: None,
            made_for: None,
            calendar: Default::default(),
            serial: 0,
        };
        if dialog.profile.post_forms_unsupported().is_some() {
            dialog.upload_kind = UploadKind::Put;
        }
        dialog.apply_preset(Preset::OneDay, now);
        dialog
    }

    /// Sets the picked expiry to `at` (local time), to the minute, rounded down.
    pub fn set_expiry(&mut self, at: DateTime<Local>) {
        self.date = at.date_naive();
        self.hour = at.hour();
        self.minute = at.minute();
        self.clear_results();
    }

    pub fn apply_preset(&mut self, preset: Preset, now: SystemTime) {
        let now = DateTime::<Local>::from(now);
        let at = match preset {
            Preset::OneHour => now + chrono::Duration::hours(1),
            Preset::OneDay => now + chrono::Duration::days(1),
            Preset::SevenDays => now + chrono::Duration::days(7),
            Preset::EndOfToday => now
                .with_hour(23)
                .and_then(|t| t.with_minute(59))
                .unwrap_or(now),
        };
        self.set_expiry(at);
    }

    /// The picked moment in UTC, or why it does not exist (a daylight-saving gap).
    pub fn expiry_at(&self) -> Result<DateTime<Utc>, ExpiryError> {
        let naive = self
            .date
            .and_hms_opt(self.hour.min(23), self.minute.min(59), 0)
            .ok_or_else(|| ExpiryError::Unparsable {
                input: format!("{} {}:{}", self.date, self.hour, self.minute),
            })?;
        Local
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| ExpiryError::NotALocalTime {
                input: naive.to_string(),
            })
    }

    /// The picked expiry checked against SigV4's rules at `now`.
    pub fn lifetime(&self, now: SystemTime) -> Result<Lifetime, ExpiryError> {
        Expiry::At(self.expiry_at()?).resolve(now)
    }

    /// "expires in 6 days 23 h — Mon 7 Dec 2026, 14:05", or why the date is refused.
    pub fn expiry_summary(&self, now: SystemTime) -> Result<String, String> {
        match self.lifetime(now) {
            Ok(lifetime) => Ok(format!(
                "expires in {} — {}",
                crate::fmt::duration(lifetime.expires_in),
                expiry_text(lifetime.expires_at)
            )),
            Err(ExpiryError::TooLong { .. }) => Err(format!(
                "Too far: pre-signed links live at most 7 days, until {}",
                expiry_text(now + MAX_LINK_LIFETIME)
            )),
            Err(e) => Err(capitalise(&e.to_string())),
        }
    }

    fn clear_results(&mut self) {
        self.links.clear();
        self.effective = None;
        self.error = None;
        self.notice = None;
        self.test_result = None;
        self.upload_result = None;
        self.signing_warning = None;
    }

    /// What the inputs say now.
    pub fn settings(&self) -> LinkSettings {
        LinkSettings {
            tab: self.tab,
            https: self.https,
            date: self.date,
            hour: self.hour,
            minute: self.minute,
            targets: self.targets.iter().map(|t| t.key.clone()).collect(),
            download_name: self.download_name.clone(),
            inline: self.inline,
            content_type: self.content_type.clone(),
            upload_kind: self.upload_kind,
            upload_key: self.upload_key.clone(),
            upload_is_prefix: self.upload_is_prefix,
            upload_max_mb: self.upload_max_mb.clone(),
            upload_content_type: self.upload_content_type.clone(),
            upload_no_overwrite: self.upload_no_overwrite,
            upload_broad_confirmed: self.upload_broad_confirmed,
        }
    }

    /// What a browser form would open up beyond one folder, if it would: the whole bucket (an
    /// empty prefix), or every key starting with a prefix that is not a folder (`in` also
    /// allows `index.html`). Such a form needs the person's explicit confirmation.
    pub fn broad_upload(&self) -> Option<String> {
        if self.upload_kind != UploadKind::Post || !self.upload_is_prefix {
            return None;
        }
        let prefix = self.upload_key.trim();
        if prefix.is_empty() {
            Some(format!("any key in the whole bucket s3://{}/", self.bucket))
        } else if !prefix.ends_with('/') {
            Some(format!(
                "any key starting with `{prefix}` in s3://{}/, not only inside a folder",
                self.bucket
            ))
        } else {
            None
        }
    }

    /// Drops the results (and forgets a request in flight) when any input has changed since
    /// they were asked for: a shown link is always the link described. Called after the inputs
    /// are drawn and before anything acts on the results.
    pub fn sync(&mut self) {
        if self
            .made_for
            .as_ref()
            .is_some_and(|made| *made != self.settings())
        {
            self.clear_results();
            self.generating = None;
            self.testing = None;
            self.made_for = None;
        }
    }

    /// True when there are results and they match the inputs.
    pub fn results_are_current(&self) -> bool {
        self.made_for
            .as_ref()
            .is_some_and(|made| *made == self.settings())
    }

    fn scheme(&self) -> Scheme {
        if self.https {
            Scheme::Https
        } else {
            Scheme::Http
        }
    }

    /// What the links of the Web URL tab ask S3 to answer with.
    fn get_options(&self, target: &Target) -> GetOptions {
        let kind = if self.inline {
            DispositionKind::Inline
        } else {
            DispositionKind::Attachment
        };
        let name = match (self.targets.len(), self.download_name.trim()) {
            (1, custom) if !custom.is_empty() => custom.to_owned(),
            _ => target.name().to_owned(),
        };
        let content_type = self.content_type.trim();
        GetOptions {
            content_disposition: Some(content_disposition(&name, kind)),
            content_type: (!content_type.is_empty()).then(|| content_type.to_owned()),
            scheme: Some(self.scheme()),
        }
    }

    /// The name each link is shown under in messages.
    fn link_name(&self, target: &Target) -> String {
        match (self.targets.len(), self.download_name.trim()) {
            (1, custom) if !custom.is_empty() => custom.to_owned(),
            _ => target.name().to_owned(),
        }
    }

    /// Generate: asks the worker for one link per object, or explains why not.
    pub fn generate(&mut self, id: RequestId, now: SystemTime) -> Vec<Command> {
        self.clear_results();
        self.made_for = Some(self.settings());
        let lifetime = match self.lifetime(now) {
            Ok(lifetime) => lifetime,
            Err(e) => {
                self.error = Some(capitalise(&e.to_string()));
                return Vec::new();
            }
        };
        match self.tab {
            DialogTab::WebUrl => {
                if self.targets.is_empty() {
                    self.error = Some("Select one or more objects first.".into());
                    return Vec::new();
                }
                let items = self
                    .targets
                    .iter()
                    .map(|t| LinkItem::Get {
                        key: t.key.clone(),
                        options: self.get_options(t),
                    })
                    .collect();
                self.generating = Some(id);
                vec![Command::PresignLinks {
                    id,
                    profile: self.profile.clone(),
                    bucket: self.bucket.clone(),
                    items,
                    expiry: Expiry::In(lifetime.expires_in),
                }]
            }
            DialogTab::UploadLink => self.generate_upload(id, lifetime),
        }
    }

    fn generate_upload(&mut self, id: RequestId, lifetime: Lifetime) -> Vec<Command> {
        let content_type = self.upload_content_type.trim().to_owned();
        let expiry = Expiry::In(lifetime.expires_in);
        match self.upload_kind {
            UploadKind::Put => {
                let key = match ObjectKey::new(self.upload_key.trim()) {
                    Ok(key) if !key.as_str().ends_with('/') => key,
                    _ => {
                        self.error =
                            Some("An upload URL needs a full key (a name, not a folder).".into());
                        return Vec::new();
                    }
                };
                self.generating = Some(id);
                vec![Command::PresignLinks {
                    id,
                    profile: self.profile.clone(),
                    bucket: self.bucket.clone(),
                    items: vec![LinkItem::Put {
                        key,
                        options: PutOptions {
                            content_type: (!content_type.is_empty()).then_some(content_type),
                            scheme: Some(self.scheme()),
                            no_overwrite: self.upload_no_overwrite,
                        },
                    }],
                    expiry,
                }]
            }
            UploadKind::Post => {
                if let Some(reason) = self.profile.post_forms_unsupported() {
                    self.error = Some(format!("{reason}."));
                    return Vec::new();
                }
                if let Some(broad) = self.broad_upload()
                    && !self.upload_broad_confirmed
                {
                    self.error = Some(format!(
                        "This form would let anyone who has it write, and overwrite, {broad}. \
                         Confirm that below, or choose a folder (a prefix ending in /)."
                    ));
                    return Vec::new();
                }
                let key = if self.upload_is_prefix {
                    KeyRule::Prefix(self.upload_key.trim().to_owned())
                } else {
                    match ObjectKey::new(self.upload_key.trim()) {
                        Ok(key) => KeyRule::Exact(key),
                        Err(e) => {
                            self.error = Some(capitalise(&e.to_string()));
                            return Vec::new();
                        }
                    }
                };
                let max = self.upload_max_mb.trim();
                let content_length = if max.is_empty() {
                    None
                } else {
                    match max.parse::<f64>() {
                        Ok(mb) if mb > 0.0 && mb.is_finite() => {
                            Some((0, (mb * 1_000_000.0).round() as u64))
                        }
                        _ => {
                            self.error = Some(format!(
                                "The maximum size must be a number of MB, not `{max}`."
                            ));
                            return Vec::new();
                        }
                    }
                };
                let content_type =
                    (!content_type.is_empty()).then(|| ContentTypeRule::parse(&content_type));
                let request = PostRequest {
                    content_length,
                    content_type,
                    success_action_status: Some(201),
                    expiry,
                    scheme: Some(self.scheme()),
                    ..PostRequest::new(self.bucket.clone(), key)
                };
                self.generating = Some(id);
                vec![Command::PresignPost {
                    id,
                    profile: self.profile.clone(),
                    request,
                }]
            }
        }
    }

    /// Takes the answer to the Generate request `id`, with its signing warning; false for an
    /// answer nobody waits for any more (the inputs changed, or a newer Generate).
    fn take_answer(&mut self, id: RequestId, warning: Option<String>) -> bool {
        if self.generating != Some(id) {
            return false;
        }
        self.generating = None;
        self.signing_warning = warning;
        true
    }

    /// Folds in the worker's answer to Generate.
    pub fn links_ready(
        &mut self,
        id: RequestId,
        result: Result<Vec<crate::share::PresignedLink>, String>,
        warning: Option<String>,
    ) -> bool {
        if !self.take_answer(id, warning) {
            return false;
        }
        match result {
            Ok(links) => {
                self.effective = links.first().map(|l| l.effective_expiry);
                match self.tab {
                    DialogTab::WebUrl => {
                        self.links = self
                            .targets
                            .iter()
                            .zip(&links)
                            .map(|(t, l)| NamedLink {
                                name: self.link_name(t),
                                url: l.url.clone(),
                                expires: l.effective_expiry.at,
                            })
                            .collect();
                    }
                    DialogTab::UploadLink => {
                        if let Some(link) = links.into_iter().next() {
                            let name = self.upload_key.trim().to_owned();
                            self.upload_result = Some(UploadResult::Put(
                                NamedLink {
                                    name,
                                    url: link.url,
                                    expires: link.effective_expiry.at,
                                },
                                link.headers,
                            ));
                        }
                    }
                }
            }
            Err(e) => self.error = Some(e),
        }
        true
    }

    pub fn post_form_ready(
        &mut self,
        id: RequestId,
        result: Result<PostForm, String>,
        warning: Option<String>,
    ) -> bool {
        if !self.take_answer(id, warning) {
            return false;
        }
        match result {
            Ok(form) => {
                self.effective = Some(form.effective_expiry);
                self.upload_result = Some(UploadResult::Post(form));
            }
            Err(e) => self.error = Some(e),
        }
        true
    }

    /// The warning when temporary credentials end the links before the picked expiry: known
    /// from the profile before Generate, and from the signed links after.
    pub fn credentials_warning(&self, now: SystemTime) -> Option<String> {
        let ends = match self.effective {
            Some(effective) => effective.limited_by_credentials.then_some(effective.at),
            None => {
                let creds_end = self.credentials_expiry.flatten()?;
                let lifetime = self.lifetime(now).ok()?;
                (creds_end < lifetime.expires_at).then_some(creds_end)
            }
        }?;
        Some(format!(
            "⚠ this profile's session ends {}: the link stops working then",
            expiry_text(ends)
        ))
    }

    pub fn test(&mut self, id: RequestId) -> Vec<Command> {
        self.sync();
        let Some(link) = self.links.first() else {
            return Vec::new();
        };
        self.testing = Some(id);
        self.test_result = None;
        vec![Command::TestLink {
            id,
            url: link.url.clone(),
        }]
    }

    pub fn tested(&mut self, id: RequestId, result: Result<String, String>) -> bool {
        if self.testing != Some(id) {
            return false;
        }
        self.testing = None;
        self.test_result = Some(result);
        true
    }

    /// The local date/time for display, e.g. in the date picker.
    pub fn picked_local(&self) -> Option<DateTime<Local>> {
        self.expiry_at().ok().map(|t| t.with_timezone(&Local))
    }

    /// Day, month, year of the picked date (for the calendar widget).
    pub fn ymd(&self) -> (i32, u32, u32) {
        (self.date.year(), self.date.month(), self.date.day())
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Endpoint;
    use crate::profiles::ProfileSource;
    use aws_credential_types::Credentials;
    use std::time::Duration;

    fn now() -> SystemTime {
        SystemTime::from(Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 30).unwrap())
    }

    fn dialog(keys: &[&str]) -> WebUrlDialog {
        let profile = Profile::fixed(
            "Demo",
            ProfileSource::Demo,
            Credentials::new("a", "b", None, None, "t"),
            Endpoint::custom("https://s3.example.com").unwrap(),
            "us-east-1",
        );
        let targets = keys
            .iter()
            .map(|k| Target {
                key: ObjectKey::new(*k).unwrap(),
                size: 1,
            })
            .collect();
        WebUrlDialog::new(
            profile,
            BucketName::new("bucket").unwrap(),
            "docs/".into(),
            targets,
            now(),
        )
    }

    #[test]
    fn presets_set_the_picked_time() {
        let mut d = dialog(&["docs/a.pdf"]);
        let day = d.lifetime(now()).unwrap();
        // One day, to the minute, rounded down: up to 59 s less.
        assert!(day.expires_in <= Duration::from_secs(86_400));
        assert!(day.expires_in > Duration::from_secs(86_400 - 60));
        d.apply_preset(Preset::SevenDays, now());
        assert!(d.lifetime(now()).is_ok(), "7 days rounded down is allowed");
        d.apply_preset(Preset::OneHour, now());
        assert!(
            d.expiry_summary(now())
                .unwrap()
                .starts_with("expires in 59 min")
        );
    }

    #[test]
    fn beyond_seven_days_and_the_past_are_refused_in_place() {
        let mut d = dialog(&["docs/a.pdf"]);
        d.set_expiry(DateTime::<Local>::from(now()) + chrono::Duration::days(8));
        let refusal = d.expiry_summary(now()).unwrap_err();
        assert!(refusal.contains("7 days"), "{refusal}");
        assert!(d.generate(RequestId(1), now()).is_empty());
        assert!(d.error.as_deref().unwrap().contains("7 days"));

        d.set_expiry(DateTime::<Local>::from(now()) - chrono::Duration::hours(1));
        assert!(d.expiry_summary(now()).unwrap_err().contains("in the past"));
    }

    #[test]
    fn generate_asks_for_one_link_per_object_with_download_names() {
        let mut d = dialog(&["docs/a b.pdf", "docs/ü.txt"]);
        d.https = false;
        let commands = d.generate(RequestId(7), now());
        let [Command::PresignLinks { items, .. }] = &commands[..] else {
            panic!("{commands:?}");
        };
        assert_eq!(items.len(), 2);
        let LinkItem::Get { options, .. } = &items[1] else {
            panic!("GET expected");
        };
        assert_eq!(options.scheme, Some(Scheme::Http));
        assert!(
            options
                .content_disposition
                .as_deref()
                .unwrap()
                .contains("filename*=UTF-8''%C3%BC.txt")
        );
    }

    #[test]
    fn a_single_object_can_be_renamed_and_opened_inline() {
        let mut d = dialog(&["docs/scan-0001.pdf"]);
        d.download_name = "Contract.pdf".into();
        d.inline = true;
        let commands = d.generate(RequestId(1), now());
        let [Command::PresignLinks { items, .. }] = &commands[..] else {
            panic!();
        };
        let LinkItem::Get { options, .. } = &items[0] else {
            panic!();
        };
        assert_eq!(
            options.content_disposition.as_deref(),
            Some("inline; filename=\"Contract.pdf\"")
        );
    }

    #[test]
    fn stale_answers_are_ignored() {
        let mut d = dialog(&["docs/a.pdf"]);
        d.generate(RequestId(2), now());
        assert!(!d.links_ready(RequestId(1), Ok(Vec::new()), None));
        assert_eq!(d.generating, Some(RequestId(2)));
    }

    #[test]
    fn post_upload_form_request() {
        let mut d = dialog(&[]);
        d.tab = DialogTab::UploadLink;
        d.upload_key = "incoming/".into();
        d.upload_max_mb = "100".into();
        d.upload_content_type = "image/*".into();
        let commands = d.generate(RequestId(3), now());
        let [Command::PresignPost { request, .. }] = &commands[..] else {
            panic!("{commands:?}");
        };
        assert_eq!(request.key, KeyRule::Prefix("incoming/".into()));
        assert_eq!(request.content_length, Some((0, 100_000_000)));
        assert_eq!(
            request.content_type,
            Some(ContentTypeRule::Prefix("image/".into()))
        );
        d.upload_max_mb = "lots".into();
        assert!(d.generate(RequestId(4), now()).is_empty());
        assert!(d.error.as_deref().unwrap().contains("MB"));
    }

    #[test]
    fn temporary_credentials_are_announced_before_generate() {
        let mut d = dialog(&["docs/a.pdf"]);
        assert_eq!(d.credentials_warning(now()), None);
        d.credentials_expiry = Some(Some(now() + Duration::from_secs(3600)));
        let warning = d.credentials_warning(now()).unwrap();
        assert!(warning.contains("session ends"), "{warning}");
        d.apply_preset(Preset::OneHour, now());
        assert_eq!(d.credentials_warning(now()), None, "the link ends first");
        d.credentials_expiry = Some(None);
        d.apply_preset(Preset::SevenDays, now());
        assert_eq!(d.credentials_warning(now()), None);
    }
}
