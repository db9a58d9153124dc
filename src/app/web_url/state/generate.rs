//! Generate: the Web URL dialog's inputs turned into the request for the worker, or into the
//! reason there is none (a date past the limit, a form for the whole bucket not confirmed).

use std::time::SystemTime;

use super::{DialogTab, Target, UploadKind, WebUrlDialog, capitalise};
use crate::model::{ObjectKey, Scheme};
use crate::share::{
    ContentTypeRule, DispositionKind, Expiry, GetOptions, KeyRule, Lifetime, PostRequest,
    PutOptions, content_disposition,
};
use crate::worker::{Command, LinkItem, RequestId};

impl WebUrlDialog {
    fn scheme(&self) -> Scheme {
        if self.inputs.https {
            Scheme::Https
        } else {
            Scheme::Http
        }
    }

    /// What the links of the Web URL tab ask S3 to answer with.
    fn get_options(&self, target: &Target) -> GetOptions {
        let kind = if self.inputs.inline {
            DispositionKind::Inline
        } else {
            DispositionKind::Attachment
        };
        let name = match (self.targets.len(), self.inputs.download_name.trim()) {
            (1, custom) if !custom.is_empty() => custom.to_owned(),
            _ => target.name().to_owned(),
        };
        let content_type = self.inputs.content_type.trim();
        GetOptions {
            content_disposition: Some(content_disposition(&name, kind)),
            content_type: (!content_type.is_empty()).then(|| content_type.to_owned()),
            scheme: self.link_scheme(),
            version_id: self.version().map(|(id, _)| id.to_owned()),
        }
    }

    /// The name each link is shown under in messages.
    pub(super) fn link_name(&self, target: &Target) -> String {
        match (self.targets.len(), self.inputs.download_name.trim()) {
            (1, custom) if !custom.is_empty() => custom.to_owned(),
            _ => target.name().to_owned(),
        }
    }

    /// The scheme asked of the signer: the Protocol row's, or none on a custom domain, whose
    /// own URL says it (the row is hidden there, and its value is the endpoint's).
    fn link_scheme(&self) -> Option<crate::model::Scheme> {
        (!self.uses_custom_domain()).then(|| self.scheme())
    }

    /// Generate: asks the worker for one link per object, or explains why not.
    pub fn generate(&mut self, id: RequestId, now: SystemTime) -> Vec<Command> {
        self.clear_results();
        self.made_for = Some(self.settings());
        if self.is_public() && self.inputs.tab == DialogTab::WebUrl {
            return self.generate_public(id);
        }
        let lifetime = match self.lifetime(now) {
            Ok(lifetime) => lifetime,
            Err(e) => {
                self.error = Some(capitalise(&e.to_string()));
                return Vec::new();
            }
        };
        match self.inputs.tab {
            DialogTab::WebUrl => {
                if self.targets.is_empty() {
                    self.error = Some("Select one or more objects first.".into());
                    return Vec::new();
                }
                if self.through_cloudfront() {
                    return self.generate_cloudfront(id, lifetime);
                }
                if self.makes_folder_page() {
                    return self.generate_folder_page(id, lifetime);
                }
                if let Some(commands) =
                    self.generate_signed_on_domain(id, lifetime, Self::get_options)
                {
                    return commands;
                }
                let items = self
                    .targets
                    .iter()
                    .map(|t| LinkItem::Get {
                        key: t.key.clone(),
                        options: self.get_options(t),
                    })
                    .collect();
                self.generating.start(id);
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
        let content_type = self.inputs.upload_content_type.trim().to_owned();
        let expiry = Expiry::In(lifetime.expires_in);
        match self.inputs.upload_kind {
            UploadKind::Put => {
                let key = match ObjectKey::new(self.inputs.upload_key.trim()) {
                    Ok(key) if !key.as_str().ends_with('/') => key,
                    _ => {
                        self.error =
                            Some("An upload URL needs a full key (a name, not a folder).".into());
                        return Vec::new();
                    }
                };
                let item = LinkItem::Put {
                    key,
                    options: PutOptions {
                        content_type: (!content_type.is_empty()).then_some(content_type),
                        scheme: self.link_scheme(),
                        no_overwrite: self.inputs.upload_no_overwrite,
                    },
                };
                if let Some(commands) = self.generate_put_on_domain(id, &item, expiry) {
                    return commands;
                }
                self.generating.start(id);
                vec![Command::PresignLinks {
                    id,
                    profile: self.profile.clone(),
                    bucket: self.bucket.clone(),
                    items: vec![item],
                    expiry,
                }]
            }
            UploadKind::Post => {
                if let Some(reason) = self.profile.post_forms_unsupported() {
                    self.error = Some(format!("{reason}."));
                    return Vec::new();
                }
                if let Some(broad) = self.broad_upload()
                    && !self.inputs.upload_broad_confirmed
                {
                    self.error = Some(format!(
                        "This form would let anyone who has it write, and overwrite, {broad}. \
                         Confirm that below, or choose a folder (a prefix ending in /)."
                    ));
                    return Vec::new();
                }
                let key = if self.inputs.upload_is_prefix {
                    KeyRule::Prefix(self.inputs.upload_key.trim().to_owned())
                } else {
                    match ObjectKey::new(self.inputs.upload_key.trim()) {
                        Ok(key) => KeyRule::Exact(key),
                        Err(e) => {
                            self.error = Some(capitalise(&e.to_string()));
                            return Vec::new();
                        }
                    }
                };
                let max = self.inputs.upload_max_mb.trim();
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
                    scheme: self.link_scheme(),
                    ..PostRequest::new(self.bucket.clone(), key)
                };
                self.generating.start(id);
                vec![Command::PresignPost {
                    id,
                    profile: self.profile.clone(),
                    request,
                }]
            }
        }
    }
}
