//! CORS for browser uploads, in the Upload link tab: the bucket's rules are read when the tab
//! is shown, and the tab says — before any link is sent — whether the upload page Pail saves
//! can post (a plain HTML form: browsers send it without asking CORS) and whether a page at an
//! origin the person names may upload with a script; if not, "Add CORS rule" adds one beside
//! the rules there. Its view sets what it wants; `AppState::upload_cors_requests` sends it.

use egui::{RichText, Ui};

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::cors::{BrowserRequest, CorsRule, check_origin, first_allowing};
use crate::worker::{BucketAnswer, BucketJob, BucketRequest, Command, RequestId};

/// The Upload link tab's CORS check.
#[derive(Debug, Default)]
pub struct UploadCors {
    /// The origin of a page of the person's that would upload with a script.
    pub origin: String,
    rules: Option<Result<Vec<CorsRule>, String>>,
    reading: Option<RequestId>,
    adding: Option<RequestId>,
    /// The tab was shown: the rules are read once.
    wants_rules: bool,
    /// "Add CORS rule" was pressed for this request.
    wants_rule: Option<BrowserRequest>,
    add_error: Option<String>,
}

/// What the tab says about a page at the origin named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing typed yet.
    NoOrigin,
    BadOrigin(String),
    /// The rules are being read, or could not be.
    Unknown(String),
    Allowed(String),
    Refused,
}

impl UploadCors {
    /// The request a page's script at the typed origin sends for `method` (POST or PUT).
    fn request(&self, method: &str) -> Result<Option<BrowserRequest>, String> {
        if self.origin.trim().is_empty() {
            return Ok(None);
        }
        let origin = check_origin(&self.origin)?;
        Ok(Some(BrowserRequest::upload(&origin, method)))
    }

    pub fn verdict(&self, method: &str) -> Verdict {
        let request = match self.request(method) {
            Ok(Some(request)) => request,
            Ok(None) => return Verdict::NoOrigin,
            Err(why) => return Verdict::BadOrigin(why),
        };
        match &self.rules {
            None => Verdict::Unknown("reading the bucket's CORS rules…".into()),
            Some(Err(why)) => Verdict::Unknown(format!("its CORS rules could not be read: {why}")),
            Some(Ok(rules)) => match first_allowing(rules, &request) {
                Some(rule) => Verdict::Allowed(rule.describe()),
                None => Verdict::Refused,
            },
        }
    }

    pub fn is_adding(&self) -> bool {
        self.adding.is_some()
    }

    /// The commands the view asked for: the rules read once, a rule added.
    pub(crate) fn commands(
        &mut self,
        id: RequestId,
        profile: &Profile,
        bucket: &BucketName,
    ) -> Option<Command> {
        let job = if let Some(request) = self.wants_rule.take() {
            self.adding = Some(id);
            self.add_error = None;
            BucketJob::AllowCors {
                bucket: bucket.clone(),
                request,
            }
        } else if std::mem::take(&mut self.wants_rules)
            && self.rules.is_none()
            && self.reading.is_none()
        {
            self.reading = Some(id);
            BucketJob::Cors(bucket.clone())
        } else {
            return None;
        };
        Some(Command::Bucket(BucketRequest {
            id,
            profile: profile.clone(),
            job,
        }))
    }

    /// Whether a command is wanted (so a request id is spent only then).
    pub(crate) fn wants(&self) -> bool {
        // The tab asks every frame it is shown: one read at a time.
        self.wants_rule.is_some()
            || (self.wants_rules && self.rules.is_none() && self.reading.is_none())
    }

    /// The worker's answer, if it is to this check's request.
    pub(crate) fn apply(&mut self, id: RequestId, answer: &BucketAnswer) {
        let BucketAnswer::Cors(result) = answer else {
            return;
        };
        if self.reading == Some(id) {
            self.reading = None;
            self.rules = Some(result.clone().map_err(|e| e.to_string()));
        } else if self.adding == Some(id) {
            self.adding = None;
            match result {
                Ok(rules) => self.rules = Some(Ok(rules.clone())),
                Err(e) => self.add_error = Some(e.to_string()),
            }
        }
    }
}

/// The tab's CORS section; `post` when the link is a browser form.
pub(crate) fn upload_cors_ui(ui: &mut Ui, cors: &mut UploadCors, post: bool) {
    cors.wants_rules = true;
    ui.separator();
    ui.label(RichText::new("Browser uploads (CORS)").strong());
    let method = if post { "POST" } else { "PUT" };
    if post {
        ui.weak(
            "The upload page Pail saves is a plain HTML form: browsers post it without asking \
             the bucket's CORS (a saved page posts from origin null), so it works whatever the \
             rules say.",
        );
    } else {
        ui.weak(
            "curl needs no CORS; a web page that PUTs with a script needs a rule for its origin.",
        );
    }
    ui.horizontal(|ui| {
        let label = ui.label("Page origin");
        ui.add(
            egui::TextEdit::singleline(&mut cors.origin)
                .hint_text("https://intranet.example.com")
                .desired_width(260.0),
        )
        .labelled_by(label.id);
    });
    let origin = check_origin(&cors.origin).unwrap_or_else(|_| cors.origin.trim().to_owned());
    match cors.verdict(method) {
        Verdict::NoOrigin => {
            ui.weak(
                "Name the origin of a page that uploads with a script to check the bucket's rules.",
            );
        }
        Verdict::BadOrigin(why) | Verdict::Unknown(why) => {
            ui.colored_label(ui.visuals().warn_fg_color, why);
        }
        Verdict::Allowed(rule) => {
            ui.label(format!(
                "✔ A page at {origin} may upload with {method} (rule: {rule})."
            ));
        }
        Verdict::Refused => {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "✖ A page at {origin} may not upload with {method} from a script: the \
                     bucket's CORS has no rule for it."
                ),
            );
            ui.horizontal(|ui| {
                let button = egui::Button::new("Add CORS rule");
                if ui.add_enabled(!cors.is_adding(), button).clicked() {
                    cors.wants_rule = cors.request(method).ok().flatten();
                }
                if cors.is_adding() {
                    ui.spinner();
                }
            });
        }
    }
    if let Some(error) = &cors.add_error {
        ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_are_read_once_however_many_frames_show_the_tab() {
        let profile = crate::profiles::Profile::fixed(
            "Test",
            crate::profiles::ProfileSource::Demo,
            aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
            crate::model::Endpoint::custom("http://127.0.0.1:9").unwrap(),
            "us-east-1",
        );
        let bucket = BucketName::new("uploads").unwrap();
        let mut cors = UploadCors {
            wants_rules: true,
            ..UploadCors::default()
        };
        assert!(cors.commands(RequestId(1), &profile, &bucket).is_some());
        for frame in 2..5 {
            cors.wants_rules = true;
            assert!(!cors.wants(), "frame {frame}: the read is under way");
            assert!(cors.commands(RequestId(frame), &profile, &bucket).is_none());
        }
        cors.apply(RequestId(1), &BucketAnswer::Cors(Ok(Vec::new())));
        cors.wants_rules = true;
        assert!(!cors.wants(), "read already");
    }

    #[test]
    fn the_verdict_follows_the_origin_typed_and_the_rules_read() {
        let mut cors = UploadCors::default();
        assert_eq!(cors.verdict("POST"), Verdict::NoOrigin);
        cors.origin = "intranet.example".into();
        assert!(matches!(cors.verdict("POST"), Verdict::BadOrigin(_)));
        cors.origin = "https://intranet.example/".into();
        assert!(matches!(cors.verdict("POST"), Verdict::Unknown(_)));
        cors.reading = Some(RequestId(4));
        cors.apply(RequestId(3), &BucketAnswer::Cors(Ok(Vec::new())));
        assert!(cors.rules.is_none(), "not its request");
        cors.apply(RequestId(4), &BucketAnswer::Cors(Ok(Vec::new())));
        assert_eq!(cors.verdict("POST"), Verdict::Refused);
        let rule =
            CorsRule::for_uploads(&BrowserRequest::upload("https://intranet.example", "POST"));
        cors.rules = Some(Ok(vec![rule]));
        assert!(matches!(cors.verdict("PUT"), Verdict::Allowed(_)));
    }
}
