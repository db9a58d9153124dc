//! The Web URL dialog's state: what is being shared, the person's inputs (protocol, expiry on
//! their clock, options), and the links once generated. Generate lives in `generate`, the
//! worker's answers in `answers`. Pure: the time is passed in, and the methods return the
//! [`Command`](crate::worker::Command)s to send.

use crate::app::shared::Pending;
use std::time::{Duration, SystemTime};

use crate::local_time::{self, Date, TimeZone};
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::folder_share::FolderShare;
use crate::share::link_test::{LinkAnswer, LinkTestError};
use crate::share::link_text::{NamedLink, expiry_text};
use crate::share::{EffectiveExpiry, Expiry, ExpiryError, Lifetime, MAX_LINK_LIFETIME, PostForm};
use crate::worker::RequestId;

mod answers;
mod cloudfront;
mod folder;
mod generate;
mod lifetime;
mod public;
mod qr;

pub use cloudfront::{CloudFrontState, TRUST_HINT};
pub use lifetime::WaysOut;
pub use public::{LinkType, PublicState};

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

/// What a download link goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A SigV4 pre-signed S3 URL: at most 7 days.
    S3,
    /// A CloudFront signed URL: any expiry, through a distribution that trusts the key.
    CloudFront,
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

    /// Whether the preset is what it says under a limit of `longest`: a "7 days" button on a
    /// profile whose links live 2 days would give 2 days under a label that says 7.
    pub fn fits(self, longest: Duration) -> bool {
        const HOUR: u64 = 3600;
        match self {
            Preset::OneHour => longest >= Duration::from_secs(HOUR),
            Preset::OneDay => longest >= Duration::from_secs(24 * HOUR),
            Preset::SevenDays => longest >= Duration::from_secs(7 * 24 * HOUR),
            // The rest of today, cut at the limit like any picked time.
            Preset::EndOfToday => true,
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

/// What the person sets in the dialog: the form its widgets edit directly. A link is made for
/// one set of inputs (and targets); when they no longer match, [`WebUrlDialog::sync`] drops
/// it, whichever widget changed them.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkInputs {
    pub tab: DialogTab,
    pub https: bool,
    /// The expiry, as picked: a local date, hour and minute.
    pub date: Date,
    pub hour: i8,
    pub minute: i8,
    /// Download name for a single object (empty: the object's name).
    pub download_name: String,
    pub inline: bool,
    pub content_type: String,
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
    pub via: Via,
    /// The distribution's domain (d111111abcdef8.cloudfront.net), remembered per bucket.
    pub cf_domain: String,
    /// The ID of the public key the distribution trusts.
    pub cf_key_id: String,
    /// A custom policy: "not before" and an IP range.
    pub cf_custom: bool,
    /// Local `YYYY-MM-DD HH:MM`; empty: from now.
    pub cf_not_before: String,
    /// An address or CIDR range; empty: from anywhere.
    pub cf_ip_range: String,
    /// A folder: one link to an index page of its objects, instead of a link each.
    pub folder_page: bool,
    /// The bucket the page goes to; empty: the folder's own.
    pub page_bucket: String,
    /// Signed (expires) or Public (no expiry).
    pub link_type: LinkType,
    /// The bucket's custom domain for its links; empty: the endpoint's address.
    pub domain_url: String,
    pub domain_kind: crate::share::public_url::DomainKind,
}

/// The Web URL dialog. The person's inputs are [`WebUrlDialog::inputs`]; everything else —
/// what is shared, requests in flight, links, errors — changes only through its methods, so a
/// shown link is always the one the inputs describe.
#[derive(Debug)]
pub struct WebUrlDialog {
    pub inputs: LinkInputs,
    profile: Profile,
    bucket: BucketName,
    /// The folder the dialog was opened in (uploads go there by default).
    folder: String,
    targets: Vec<Target>,
    expansion: Option<FolderExpansion>,
    /// The person's time zone, in which the expiry is picked.
    zone: TimeZone,
    generating: Pending,
    links: Vec<NamedLink>,
    effective: Option<EffectiveExpiry>,
    error: Option<String>,
    /// Feedback after Copy ("Copied").
    notice: Option<String>,
    testing: Pending,
    test_result: Option<Result<LinkAnswer, LinkTestError>>,
    upload_result: Option<UploadResult>,
    /// When the profile's credentials expire, once the worker has said (`None` inside: they
    /// do not).
    credentials_expiry: Option<Option<SystemTime>>,
    credentials_request: Pending,
    /// The bucket's region could not be found, so the profile's was used: the link may be
    /// refused. Shown in the dialog, as the CLI prints it.
    signing_warning: Option<String>,
    /// The inputs and targets the shown results (or the request in flight) were made for.
    made_for: Option<(LinkInputs, Vec<ObjectKey>)>,
    /// CloudFront: the settings folder keys are kept in, and what is known there.
    cloudfront: CloudFrontState,
    /// Each link's object's ETag when the link was made (for the link doctor).
    etags: Vec<Option<String>>,
    /// The folder the dialog was opened on (a selected folder), when it was.
    shared_folder: Option<String>,
    /// The folder shared as one page, once made.
    folder_share: Option<Box<FolderShare>>,
    /// The QR code is shown under the link.
    qr_shown: bool,
    qr_saving: Pending,
    /// The expiry calendar, drawn inside the dialog.
    pub calendar: crate::app::web_url::calendar::CalendarState,
    /// The Upload link tab's check of the bucket's CORS for browser uploads.
    pub upload_cors: crate::app::web_url::upload_cors::UploadCors,
    /// Which opening of the dialog this is: the modal is new each time, so it sizes to its
    /// content instead of keeping the last one's size.
    serial: u64,
    /// One version of the one object (its id and date, Unix seconds): the link carries it.
    version: Option<(String, i64)>,
    /// Other profiles with long-term keys on this server: ways out of temporary credentials.
    long_term_profiles: Vec<Profile>,
    /// Public links' checks and the custom domain's loading.
    public: PublicState,
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
        Self::in_zone(
            profile,
            bucket,
            folder,
            targets,
            now,
            local_time::system_zone(),
        )
    }

    /// [`Self::new`] with the expiry picked on a clock in `zone`.
    pub fn in_zone(
        profile: Profile,
        bucket: BucketName,
        folder: String,
        targets: Vec<Target>,
        now: SystemTime,
        zone: TimeZone,
    ) -> Self {
        let endpoint_is_http = profile
            .endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"));
        // Uploads go to a fresh folder of their own by default: a form for the folder itself
        // (or the whole bucket) would let anyone holding it overwrite what is there.
        let upload_key = format!(
            "{folder}uploads/{}/",
            local_time::format(now, &zone, "%Y-%m-%d")
        );
        let mut dialog = Self {
            inputs: LinkInputs {
                tab: DialogTab::WebUrl,
                // An http:// server (the demo, a local MinIO) speaks no TLS.
                https: !endpoint_is_http,
                date: Date::default(),
                hour: 0,
                minute: 0,
                download_name: String::new(),
                inline: false,
                content_type: String::new(),
                upload_kind: UploadKind::Post,
                upload_key,
                upload_is_prefix: true,
                upload_max_mb: "100".to_owned(),
                upload_content_type: String::new(),
                upload_no_overwrite: true,
                upload_broad_confirmed: false,
                via: Via::S3,
                cf_domain: String::new(),
                cf_key_id: String::new(),
                cf_custom: false,
                cf_not_before: String::new(),
                cf_ip_range: String::new(),
                folder_page: false,
                page_bucket: String::new(),
                link_type: LinkType::Signed,
                domain_url: String::new(),
                domain_kind: Default::default(),
            },
            profile,
            bucket,
            folder,
            targets,
            expansion: None,
            zone,
            generating: Pending::default(),
            links: Vec::new(),
            effective: None,
            error: None,
            notice: None,
            testing: Pending::default(),
            test_result: None,
            upload_result: None,
            credentials_expiry: None,
            credentials_request: Pending::default(),
            signing_warning: None,
            made_for: None,
            cloudfront: CloudFrontState::default(),
            etags: Vec::new(),
            shared_folder: None,
            folder_share: None,
            qr_shown: false,
            qr_saving: Pending::default(),
            calendar: Default::default(),
            upload_cors: Default::default(),
            serial: 0,
            version: None,
            long_term_profiles: Vec::new(),
            public: PublicState::default(),
        };
        if dialog.profile.post_forms_unsupported().is_some() {
            dialog.inputs.upload_kind = UploadKind::Put;
        }
        dialog.apply_preset(Preset::OneDay, now);
        dialog
    }

    /// Sets the picked expiry to `at`, on the dialog's clock, to the minute, rounded down.
    pub fn set_expiry(&mut self, at: SystemTime) {
        if let Some(local) = local_time::zoned(at, &self.zone) {
            self.inputs.date = local.date();
            self.inputs.hour = local.hour();
            self.inputs.minute = local.minute();
        }
        self.clear_results();
    }

    /// Counted in exact seconds from `now`, not calendar days: "7 days" across a
    /// daylight-saving change is still 604,800 s, which SigV4 allows.
    pub fn apply_preset(&mut self, preset: Preset, now: SystemTime) {
        const HOUR: u64 = 3600;
        let at = match preset {
            Preset::OneHour => now + Duration::from_secs(HOUR),
            Preset::OneDay => now + Duration::from_secs(24 * HOUR),
            Preset::SevenDays => now + MAX_LINK_LIFETIME.min(self.link_limit().longest),
            Preset::EndOfToday => {
                self.set_expiry(now);
                self.inputs.hour = 23;
                self.inputs.minute = 59;
                return;
            }
        };
        self.set_expiry(at);
    }

    /// The picked moment, or why it does not exist (a daylight-saving gap), by the one rule of
    /// [`local_time`].
    pub fn expiry_at(&self) -> Result<SystemTime, ExpiryError> {
        let inputs = &self.inputs;
        let civil = inputs
            .date
            .at(inputs.hour.clamp(0, 23), inputs.minute.clamp(0, 59), 0, 0);
        local_time::instant_of(civil, &self.zone).map_err(|_| ExpiryError::NotALocalTime {
            input: civil.strftime("%Y-%m-%d %H:%M").to_string(),
        })
    }

    /// The first and last days a link may end on, on the dialog's clock (for the calendar);
    /// no last day through CloudFront.
    pub fn allowed_days(&self, now: SystemTime) -> Option<(Date, Option<Date>)> {
        let first = local_time::zoned(now, &self.zone)?.date();
        if self.through_cloudfront() {
            return Some((first, None));
        }
        let last = local_time::zoned(now + self.link_limit().longest, &self.zone)?.date();
        Some((first, Some(last)))
    }

    /// The picked expiry checked at `now`: against the profile's limit (SigV4's 7 days unless
    /// it states its provider's), or, through CloudFront, only against the past.
    pub fn lifetime(&self, now: SystemTime) -> Result<Lifetime, ExpiryError> {
        let at = Expiry::At(self.expiry_at()?);
        if self.through_cloudfront() {
            at.resolve_unbounded(now)
        } else {
            at.resolve_within_limit(now, self.link_limit().longest)
        }
    }

    /// True when the links of the Web URL tab go through CloudFront.
    pub fn through_cloudfront(&self) -> bool {
        self.inputs.tab == DialogTab::WebUrl && self.inputs.via == Via::CloudFront
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
                "Too far: pre-signed S3 links live at most {}, until {} (links through CloudFront can last longer)",
                self.link_limit().span_and_source(),
                expiry_text(now + self.link_limit().longest)
            )),
            Err(e) => Err(capitalise(&e.to_string())),
        }
    }

    fn clear_results(&mut self) {
        self.clear_public_results();
        self.folder_share = None;
        self.etags.clear();
        self.links.clear();
        self.effective = None;
        self.error = None;
        self.notice = None;
        self.test_result = None;
        self.upload_result = None;
        self.signing_warning = None;
    }

    /// What the inputs and targets say now.
    fn settings(&self) -> (LinkInputs, Vec<ObjectKey>) {
        (
            self.inputs.clone(),
            self.targets.iter().map(|t| t.key.clone()).collect(),
        )
    }

    /// What a browser form would open up beyond one folder, if it would: the whole bucket (an
    /// empty prefix), or every key starting with a prefix that is not a folder (`in` also
    /// allows `index.html`). Such a form needs the person's explicit confirmation.
    pub fn broad_upload(&self) -> Option<String> {
        if self.inputs.upload_kind != UploadKind::Post || !self.inputs.upload_is_prefix {
            return None;
        }
        let prefix = self.inputs.upload_key.trim();
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
            self.generating.finish();
            self.testing.finish();
            self.made_for = None;
        }
    }

    /// True when there are results and they match the inputs.
    pub fn results_are_current(&self) -> bool {
        self.made_for
            .as_ref()
            .is_some_and(|made| *made == self.settings())
    }

    /// Feedback after a Copy button.
    pub fn set_notice(&mut self, notice: String) {
        self.notice = Some(notice);
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn bucket(&self) -> &BucketName {
        &self.bucket
    }

    pub fn folder(&self) -> &str {
        &self.folder
    }

    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Links to the version `version_id` (dated `date`, Unix seconds) of the one object:
    /// each serves that version whatever is written later. Signed by S3 only (a CloudFront
    /// URL cannot name a version).
    pub fn for_version(&mut self, version_id: String, date: i64) {
        self.version = Some((version_id, date));
        self.inputs.via = Via::S3;
    }

    /// The version the links serve, and its date.
    pub fn version(&self) -> Option<(&str, i64)> {
        self.version.as_ref().map(|(id, date)| (id.as_str(), *date))
    }

    pub fn expansion(&self) -> Option<&FolderExpansion> {
        self.expansion.as_ref()
    }

    /// The Generate request in flight.
    pub fn generating(&self) -> Option<RequestId> {
        self.generating.id()
    }

    /// The links of the Web URL tab, one per target.
    pub fn links(&self) -> &[NamedLink] {
        &self.links
    }

    /// The ETag of each link's object when the link was made, where it was read.
    pub fn etag_of(&self, link: usize) -> Option<&str> {
        self.etags.get(link)?.as_deref()
    }

    pub fn upload_result(&self) -> Option<&UploadResult> {
        self.upload_result.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn testing(&self) -> bool {
        self.testing.is_waiting()
    }

    pub fn test_result(&self) -> Option<&Result<LinkAnswer, LinkTestError>> {
        self.test_result.as_ref()
    }

    pub fn signing_warning(&self) -> Option<&str> {
        self.signing_warning.as_deref()
    }

    pub fn serial(&self) -> u64 {
        self.serial
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
