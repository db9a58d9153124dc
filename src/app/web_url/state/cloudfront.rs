//! The Web URL dialog through CloudFront: the distribution and key remembered for the bucket,
//! the private key chosen once (and kept by the worker, 0600), and Generate's request.

use crate::app::shared::Pending;
use std::path::PathBuf;

use super::{Via, WebUrlDialog, capitalise};
use crate::model::Scheme;
use crate::share::Lifetime;
use crate::share::cloudfront::{CloudFrontPolicy, domain_host};
use crate::share::expiry::parse_datetime;
use crate::worker::{CloudFrontKnown, CloudFrontRequest, Command, JobError, RequestId};

/// What the dialog knows of CloudFront beyond the person's inputs.
#[derive(Debug, Clone, Default)]
pub struct CloudFrontState {
    /// Where the keys are kept; `None`: Pail has no settings folder here.
    config_dir: Option<PathBuf>,
    loading: Pending,
    importing: Pending,
    /// The private key of the key pair ID as last checked.
    key_stored_for: Option<String>,
    /// What the last key import said.
    key_notice: Option<Result<String, String>>,
}

/// The setting a distribution needs before it honours the links.
pub const TRUST_HINT: &str = "The distribution must trust this key: in the CloudFront console, \
    the behavior's \"Restrict viewer access\" set to Trusted key groups, with a key group that \
    holds its public key.";

impl WebUrlDialog {
    /// Asks (request `id`) which distribution the bucket's links went through last.
    pub fn ask_cloudfront(
        &mut self,
        id: RequestId,
        config_dir: Option<PathBuf>,
    ) -> Option<Command> {
        self.cloudfront.config_dir = config_dir.clone();
        let config_dir = config_dir?;
        self.cloudfront.loading.start(id);
        Some(Command::LoadCloudFront {
            id,
            config_dir,
            bucket: self.bucket.clone(),
        })
    }

    /// The remembered distribution fills the fields the person has not typed in.
    pub fn cloudfront_loaded(&mut self, id: RequestId, result: Result<CloudFrontKnown, JobError>) {
        if !self.cloudfront.loading.accept(id) {
            return;
        }
        match result {
            Ok(known) => {
                if let Some(distribution) = known.distribution {
                    if self.inputs.cf_domain.is_empty() {
                        self.inputs.cf_domain = distribution.domain;
                    }
                    if self.inputs.cf_key_id.is_empty() {
                        self.inputs.cf_key_id = distribution.key_id.clone();
                    }
                    if known.key_stored {
                        self.cloudfront.key_stored_for = Some(distribution.key_id);
                    }
                }
            }
            Err(e) => self.cloudfront.key_notice = Some(Err(capitalise(&e.to_string()))),
        }
    }

    /// The PEM file the person picked: stored (request `id`) as the key pair's private key.
    pub fn import_key(&mut self, id: RequestId, pem_file: PathBuf) -> Option<Command> {
        let key_id = self.inputs.cf_key_id.trim().to_owned();
        if key_id.is_empty() {
            self.cloudfront.key_notice = Some(Err("Type the key pair ID first.".into()));
            return None;
        }
        let Some(config_dir) = self.cloudfront.config_dir.clone() else {
            self.cloudfront.key_notice = Some(Err(
                "Pail has no settings folder here, so it cannot keep a private key.".into(),
            ));
            return None;
        };
        self.cloudfront.importing.start(id);
        self.cloudfront.key_notice = None;
        Some(Command::ImportCloudFrontKey {
            id,
            config_dir,
            key_id,
            pem_file,
        })
    }

    pub fn key_imported(&mut self, id: RequestId, result: Result<(), JobError>) {
        if !self.cloudfront.importing.accept(id) {
            return;
        }
        let key_id = self.inputs.cf_key_id.trim().to_owned();
        self.cloudfront.key_notice = Some(match result {
            Ok(()) => {
                let text = format!("✔ Private key of {key_id} kept (readable by you only)");
                self.cloudfront.key_stored_for = Some(key_id);
                Ok(text)
            }
            Err(e) => Err(capitalise(&e.to_string())),
        });
    }

    /// True when the private key of the key pair ID typed is known to be stored.
    pub fn key_stored(&self) -> bool {
        self.cloudfront.key_stored_for.as_deref() == Some(self.inputs.cf_key_id.trim())
    }

    pub fn importing_key(&self) -> bool {
        self.cloudfront.importing.is_waiting()
    }

    pub fn key_notice(&self) -> Option<&Result<String, String>> {
        self.cloudfront.key_notice.as_ref()
    }

    /// Generate through CloudFront: the request, or why there is none (in `error`).
    pub(super) fn generate_cloudfront(
        &mut self,
        id: RequestId,
        lifetime: Lifetime,
    ) -> Vec<Command> {
        match self.cloudfront_request(id, lifetime) {
            Ok(request) => {
                self.generating.start(id);
                vec![Command::SignCloudFront(request)]
            }
            Err(reason) => {
                self.error = Some(reason);
                Vec::new()
            }
        }
    }

    fn cloudfront_request(
        &self,
        id: RequestId,
        lifetime: Lifetime,
    ) -> Result<CloudFrontRequest, String> {
        debug_assert_eq!(self.inputs.via, Via::CloudFront);
        let inputs = &self.inputs;
        let domain = domain_host(&inputs.cf_domain).map_err(|e| capitalise(&e.to_string()))?;
        let key_id = inputs.cf_key_id.trim();
        if key_id.is_empty() {
            return Err("Type the key pair ID the distribution trusts.".into());
        }
        let Some(config_dir) = self.cloudfront.config_dir.clone() else {
            return Err("Pail has no settings folder here, so it has no private key.".into());
        };
        let (not_before, ip_range) = if inputs.cf_custom {
            let not_before = match inputs.cf_not_before.trim() {
                "" => None,
                text => {
                    Some(parse_datetime(text, &self.zone).map_err(|e| capitalise(&e.to_string()))?)
                }
            };
            let ip_range = Some(inputs.cf_ip_range.trim().to_owned()).filter(|r| !r.is_empty());
            (not_before, ip_range)
        } else {
            (None, None)
        };
        Ok(CloudFrontRequest {
            id,
            config_dir,
            bucket: self.bucket.clone(),
            domain,
            key_id: key_id.to_owned(),
            keys: self.targets.iter().map(|t| t.key.clone()).collect(),
            scheme: if inputs.https {
                Scheme::Https
            } else {
                Scheme::Http
            },
            policy: CloudFrontPolicy::new(lifetime.expires_at, not_before, ip_range),
        })
    }
}
