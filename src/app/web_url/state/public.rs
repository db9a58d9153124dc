//! Public links and custom domains in the Web URL dialog: the link type, the bucket's custom
//! domain (remembered per bucket), Generate for an unsigned link (checked by the worker with
//! an unsigned GET) and, where the server answers the domain itself, for a signed link on it.
//! A signed link on a host that cannot check it is refused here, with the reason and the
//! CloudFront route, before anything is asked of the worker.

use std::path::PathBuf;

use super::{Lifetime, Target, Via, WebUrlDialog};
use crate::app::shared::Pending;
use crate::model::{Endpoint, Scheme};
use crate::share::link_text::NamedLink;
use crate::share::public_check::PublicCheck;
use crate::share::public_url::{CustomDomain, PublicLinkError, no_expiry};
use crate::share::{Expiry, GetOptions};
use crate::worker::{
    CheckedLink, Command, DomainSetting, HostLinks, HostLinksRequest, JobError, LinkItem, RequestId,
};

/// "Link type: Signed (expires) · Public (no expiry)".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkType {
    #[default]
    Signed,
    Public,
}

/// The dialog's public-link part apart from its inputs (which are in `LinkInputs`).
#[derive(Debug, Default)]
pub struct PublicState {
    /// Where custom domains are remembered; `None`: Pail has no settings folder here.
    config_dir: Option<PathBuf>,
    loading: Pending,
    /// What an unsigned GET answered for each object, in the targets' order.
    checks: Vec<(String, PublicCheck)>,
    /// A signed link was refused on the domain: CloudFront is offered.
    offer_cloudfront: bool,
    /// The targets (by place) whose public links were given, in the links' order: only the
    /// objects that opened have one.
    linked: Vec<usize>,
    /// The settings file could not be read (and was set aside) or written.
    domain_notice: Option<String>,
}

impl WebUrlDialog {
    pub fn is_public(&self) -> bool {
        self.inputs.link_type == LinkType::Public
    }

    /// Asks for the bucket's remembered custom domain.
    pub fn ask_custom_domain(
        &mut self,
        id: RequestId,
        config_dir: Option<PathBuf>,
    ) -> Option<Command> {
        self.public.config_dir = config_dir.clone();
        let config_dir = config_dir?;
        self.public.loading.start(id);
        Some(Command::LoadCustomDomain {
            id,
            config_dir,
            bucket: self.bucket.clone(),
        })
    }

    /// The remembered domain fills the field when the person has not typed in it.
    pub fn custom_domain_loaded(
        &mut self,
        id: RequestId,
        result: Result<Option<DomainSetting>, JobError>,
    ) {
        if !self.public.loading.accept(id) {
            return;
        }
        match result {
            Ok(Some(domain)) if self.inputs.domain_url.trim().is_empty() => {
                self.inputs.domain_url = domain.base_url;
                self.inputs.domain_kind = domain.kind;
            }
            Ok(_) => {}
            Err(e) => {
                self.public.domain_notice =
                    Some(format!("The bucket's custom domain could not be read: {e}"));
            }
        }
    }

    /// The links were made, but their domain is not remembered for the bucket.
    pub fn custom_domain_not_saved(&mut self, error: String) {
        self.public.domain_notice = Some(format!(
            "The custom domain is not remembered for the bucket: {error}"
        ));
    }

    /// Why the bucket's custom domain is not (or could not be) remembered, if so.
    pub fn custom_domain_notice(&self) -> Option<&str> {
        self.public.domain_notice.as_deref()
    }

    /// What an unsigned GET answered for each public link, by object name.
    pub fn public_checks(&self) -> &[(String, PublicCheck)] {
        &self.public.checks
    }

    /// A signed link was refused on the custom domain; CloudFront can sign for one.
    pub fn offers_cloudfront(&self) -> bool {
        // With the refusal: an input changed since drops both.
        self.public.offer_cloudfront && self.error.is_some()
    }

    /// "Use CloudFront" (a signed link refused on the custom domain) and "Through CloudFront"
    /// (temporary credentials that end first): the links go through a distribution, signed
    /// for its host by its own key, so they outlive the session too.
    pub fn use_cloudfront(&mut self) {
        self.inputs.tab = super::DialogTab::WebUrl;
        self.inputs.link_type = LinkType::Signed;
        self.inputs.via = Via::CloudFront;
        self.public.offer_cloudfront = false;
        self.clear_results();
    }

    /// The custom domain as typed, checked for this bucket; `None` when the field is empty.
    fn custom_domain(&self) -> Option<Result<CustomDomain, PublicLinkError>> {
        let typed = self.inputs.domain_url.trim();
        if typed.is_empty() {
            return None;
        }
        let endpoint = self
            .profile
            .endpoint
            .as_deref()
            .and_then(|url| Endpoint::custom(url).ok())
            .unwrap_or(Endpoint::Aws);
        Some(CustomDomain::parse(
            typed,
            self.inputs.domain_kind,
            &self.bucket,
            &endpoint,
        ))
    }

    fn domain_setting(domain: &CustomDomain) -> DomainSetting {
        DomainSetting {
            base_url: domain.base().to_owned(),
            kind: domain.kind(),
        }
    }

    /// True when the links go to a custom domain (whose URL gives their protocol).
    pub fn uses_custom_domain(&self) -> bool {
        match self.inputs.tab {
            super::DialogTab::WebUrl => {
                !self.inputs.domain_url.trim().is_empty()
                    && (self.is_public() || self.inputs.via == Via::S3)
            }
            super::DialogTab::UploadLink => self.upload_domain().is_some(),
        }
    }

    /// The custom domain an upload URL (PUT) goes to: only one where the server checks the
    /// signature for that host (a bucket named after it, the server's own alias). A CDN
    /// domain takes no upload, so the PUT stays on the endpoint's address, as it says.
    pub fn upload_domain(&self) -> Option<CustomDomain> {
        if self.inputs.upload_kind != super::UploadKind::Put {
            return None;
        }
        self.custom_domain()?
            .ok()
            .filter(|domain| domain.signed_refusal().is_none())
    }

    /// An upload URL on [`Self::upload_domain`], when there is one.
    pub(super) fn generate_put_on_domain(
        &mut self,
        id: RequestId,
        item: &LinkItem,
        expiry: Expiry,
    ) -> Option<Vec<Command>> {
        let domain = self.upload_domain()?;
        self.generating.start(id);
        Some(vec![Command::HostLinks(HostLinksRequest {
            id,
            profile: self.profile.clone(),
            bucket: self.bucket.clone(),
            domain: Some(Self::domain_setting(&domain)),
            config_dir: self.public.config_dir.clone(),
            links: HostLinks::Signed {
                items: vec![item.clone()],
                expiry,
            },
        })])
    }

    fn refuse(&mut self, error: &PublicLinkError) {
        let signed = matches!(error, PublicLinkError::SignedThroughFront { .. });
        self.public.offer_cloudfront =
            signed || matches!(error, PublicLinkError::BucketHostOverHttps { .. });
        let mut text = super::capitalise(&error.to_string());
        if signed {
            // The domain is remembered for the bucket: the way back to a plain signed link.
            text.push_str(". Or empty Custom domain for a signed link on the endpoint's address.");
        }
        self.error = Some(text);
    }

    /// What the last public links' checks said: gone with the links they were about, so a
    /// signed link made next is never shown under "anyone with this link can open it".
    pub(super) fn clear_public_results(&mut self) {
        self.public.checks.clear();
        self.public.offer_cloudfront = false;
        self.public.linked.clear();
    }

    /// The object each of [`Self::links`] is to, in the same order. A signed link is made for
    /// every target; a public one only for those that opened, so a place in the targets is no
    /// place in the links.
    pub fn linked_targets(&self) -> Vec<&Target> {
        if self.is_public() {
            self.public
                .linked
                .iter()
                .filter_map(|&i| self.targets.get(i))
                .collect()
        } else {
            self.targets.iter().collect()
        }
    }

    /// Generate with Link type Public: one unsigned link per object, each checked.
    pub(super) fn generate_public(&mut self, id: RequestId) -> Vec<Command> {
        if self.targets.is_empty() {
            self.error = Some("Select one or more objects first.".into());
            return Vec::new();
        }
        if self.version.is_some() {
            self.error = Some(
                "A public link opens the object as it is now: a link to one version is a signed \
                 link (Link type: Signed)."
                    .into(),
            );
            return Vec::new();
        }
        if self.makes_folder_page() {
            self.error = Some(
                "A folder's page is made of signed links: choose \"A link for each object\" for \
                 public links."
                    .into(),
            );
            return Vec::new();
        }
        let domain = match self.custom_domain().transpose() {
            Ok(domain) => domain,
            Err(e) => {
                self.refuse(&e);
                return Vec::new();
            }
        };
        let scheme = if self.inputs.https {
            Scheme::Https
        } else {
            Scheme::Http
        };
        self.generating.start(id);
        vec![Command::HostLinks(HostLinksRequest {
            id,
            profile: self.profile.clone(),
            bucket: self.bucket.clone(),
            domain: domain.as_ref().map(Self::domain_setting),
            config_dir: self.public.config_dir.clone(),
            links: HostLinks::Public {
                keys: self.targets.iter().map(|t| t.key.clone()).collect(),
                scheme,
            },
        })]
    }

    /// Generate with Link type Signed and a custom domain: signed on it where the server
    /// answers it, refused with the reason otherwise. `None` with no custom domain.
    pub(super) fn generate_signed_on_domain(
        &mut self,
        id: RequestId,
        lifetime: Lifetime,
        options: impl Fn(&Self, &Target) -> GetOptions,
    ) -> Option<Vec<Command>> {
        self.public.offer_cloudfront = false;
        let domain = match self.custom_domain()? {
            Ok(domain) => domain,
            Err(e) => {
                self.refuse(&e);
                return Some(Vec::new());
            }
        };
        if let Some(refusal) = domain.signed_refusal() {
            self.refuse(&refusal);
            return Some(Vec::new());
        }
        let items = self
            .targets
            .iter()
            .map(|t| LinkItem::Get {
                key: t.key.clone(),
                options: options(self, t),
            })
            .collect();
        self.generating.start(id);
        Some(vec![Command::HostLinks(HostLinksRequest {
            id,
            profile: self.profile.clone(),
            bucket: self.bucket.clone(),
            domain: Some(Self::domain_setting(&domain)),
            config_dir: self.public.config_dir.clone(),
            links: HostLinks::Signed {
                items,
                expiry: Expiry::In(lifetime.expires_in),
            },
        })])
    }

    /// The worker's public links: those that opened are the dialog's links (to copy, test and
    /// record); what the others answered is said. True when there are links to record.
    pub fn public_links_ready(
        &mut self,
        id: RequestId,
        result: Result<Vec<CheckedLink>, JobError>,
    ) -> bool {
        if !self.take_answer(id, None) {
            return false;
        }
        let checked = match result {
            Ok(checked) => checked,
            Err(e) => {
                self.error = Some(super::capitalise(&e.to_string()));
                return false;
            }
        };
        let mut refused = Vec::new();
        for (place, (target, link)) in self.targets.iter().zip(&checked).enumerate() {
            let name = self.link_name(target);
            if link.check.is_public() {
                self.links.push(NamedLink {
                    name: name.clone(),
                    url: link.url.clone(),
                    expires: no_expiry(),
                });
                self.public.linked.push(place);
            } else {
                refused.push(format!("{}: {}", target.key, link.check.text()));
            }
            self.public.checks.push((name, link.check.clone()));
        }
        if !refused.is_empty() {
            self.error = Some(if self.targets.len() == 1 {
                super::capitalise(&checked[0].check.text())
            } else {
                format!("No link for these objects:\n{}", refused.join("\n"))
            });
        }
        !self.links.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BucketName, ObjectKey};
    use crate::profiles::{Profile, ProfileSource};
    use crate::share::public_check::PublicCheck;
    use crate::share::public_url::DomainKind;
    use aws_credential_types::Credentials;
    use std::time::SystemTime;

    fn dialog(bucket: &str, endpoint: Endpoint) -> WebUrlDialog {
        let profile = Profile::fixed(
            "P",
            ProfileSource::Demo,
            Credentials::new("a", "b", None, None, "t"),
            endpoint,
            "us-east-1",
        );
        let targets = ["a.pdf", "b.pdf"]
            .iter()
            .map(|k| Target {
                key: ObjectKey::new(*k).unwrap(),
                size: 1,
            })
            .collect();
        WebUrlDialog::new(
            profile,
            BucketName::new(bucket).unwrap(),
            String::new(),
            targets,
            SystemTime::now(),
        )
    }

    #[test]
    fn a_bucket_host_over_https_on_aws_is_refused_with_cloudfront_offered() {
        let mut d = dialog("files.example.com", Endpoint::Aws);
        d.inputs.link_type = LinkType::Public;
        d.inputs.domain_url = "https://files.example.com".into();
        d.inputs.domain_kind = DomainKind::BucketHost;
        assert!(d.generate(RequestId(1), SystemTime::now()).is_empty());
        assert!(
            d.error()
                .unwrap()
                .contains("over plain HTTP on port 80 only"),
            "{:?}",
            d.error()
        );
        assert!(d.offers_cloudfront());
        d.inputs.domain_url = "http://files.example.com".into();
        let commands = d.generate(RequestId(2), SystemTime::now());
        assert!(
            matches!(&commands[..], [Command::HostLinks(r)] if matches!(r.links, HostLinks::Public { .. })),
            "{commands:?}"
        );
        assert!(!d.offers_cloudfront());
    }

    #[test]
    fn signed_links_go_to_a_domain_only_where_the_server_answers_it() {
        let mut d = dialog("pub", Endpoint::custom("http://127.0.0.1:9000").unwrap());
        d.inputs.domain_url = "https://cdn.example.com/".into();
        d.inputs.domain_kind = DomainKind::Cdn;
        assert!(d.generate(RequestId(1), SystemTime::now()).is_empty());
        assert!(d.error().unwrap().contains("CloudFront"), "{:?}", d.error());
        assert!(d.offers_cloudfront());
        // The server answers its own host, and finds a bucket named after its host from it.
        for (kind, url) in [
            (DomainKind::ServerHost, "https://127.0.0.2:9000"),
            (DomainKind::BucketHost, "http://pub/"),
        ] {
            d.inputs.domain_url = url.into();
            d.inputs.domain_kind = kind;
            let commands = d.generate(RequestId(2), SystemTime::now());
            assert!(
                matches!(&commands[..], [Command::HostLinks(r)] if matches!(r.links, HostLinks::Signed { .. })),
                "{kind:?}: {commands:?}"
            );
            // The domain's URL says the scheme, not the hidden Protocol row (the endpoint's
            // http here): no scheme is asked of the signer.
            assert!(
                matches!(&commands[..], [Command::HostLinks(r)]
                    if matches!(&r.links, HostLinks::Signed { items, .. }
                        if items.iter().all(|item| matches!(item,
                            LinkItem::Get { options, .. } if options.scheme.is_none())))),
                "{kind:?}: {commands:?}"
            );
            assert!(!d.offers_cloudfront());
        }
        // No domain: the plain signed links, as before.
        d.inputs.domain_url.clear();
        let commands = d.generate(RequestId(3), SystemTime::now());
        assert!(
            matches!(&commands[..], [Command::PresignLinks { .. }]),
            "{commands:?}"
        );
    }

    #[test]
    fn an_upload_url_goes_to_a_domain_only_where_the_server_checks_it() {
        let mut d = dialog("pub", Endpoint::custom("http://127.0.0.1:9000").unwrap());
        d.inputs.tab = super::super::DialogTab::UploadLink;
        d.inputs.upload_kind = super::super::UploadKind::Put;
        d.inputs.upload_key = "in/a.txt".into();
        d.inputs.domain_url = "http://pub/".into();
        d.inputs.domain_kind = DomainKind::BucketHost;
        assert!(d.uses_custom_domain(), "its protocol is the domain's");
        let commands = d.generate(RequestId(1), SystemTime::now());
        assert!(
            matches!(&commands[..], [Command::HostLinks(r)]
                if matches!(&r.links, HostLinks::Signed { items, .. }
                    if matches!(&items[..], [LinkItem::Put { .. }]))),
            "{commands:?}"
        );
        // A CDN takes no upload: the PUT stays on the endpoint, as before.
        d.inputs.domain_url = "https://cdn.example.com/".into();
        d.inputs.domain_kind = DomainKind::Cdn;
        assert!(!d.uses_custom_domain());
        let commands = d.generate(RequestId(2), SystemTime::now());
        assert!(
            matches!(&commands[..], [Command::PresignLinks { .. }]),
            "{commands:?}"
        );
    }

    #[test]
    fn an_unreadable_domain_file_is_said() {
        let mut d = dialog("pub", Endpoint::Aws);
        let command = d.ask_custom_domain(RequestId(9), Some("/nowhere".into()));
        assert!(command.is_some());
        d.custom_domain_loaded(
            RequestId(9),
            Err(JobError::PublicLinks("line 1: expected a table".into())),
        );
        assert!(
            d.custom_domain_notice()
                .unwrap()
                .contains("could not be read: line 1"),
            "{:?}",
            d.custom_domain_notice()
        );
        d.custom_domain_not_saved("disk full".into());
        assert!(d.custom_domain_notice().unwrap().contains("disk full"));
    }

    #[test]
    fn only_the_public_links_are_given_and_the_others_said() {
        let mut d = dialog("pub", Endpoint::custom("http://127.0.0.1:9000").unwrap());
        d.inputs.link_type = LinkType::Public;
        d.generate(RequestId(4), SystemTime::now());
        let checked = vec![
            CheckedLink {
                key: ObjectKey::new("a.pdf").unwrap(),
                url: "http://127.0.0.1:9000/pub/a.pdf".into(),
                check: PublicCheck::NotPublic {
                    detail: "AccessDenied".into(),
                },
            },
            CheckedLink {
                key: ObjectKey::new("b.pdf").unwrap(),
                url: "http://127.0.0.1:9000/pub/b.pdf".into(),
                check: PublicCheck::Public(crate::share::link_test::LinkAnswer {
                    status: 206,
                    etag: None,
                    content_type: None,
                    content_disposition: None,
                }),
            },
        ];
        assert!(
            !d.public_links_ready(RequestId(3), Ok(checked.clone())),
            "a stale answer"
        );
        assert!(d.public_links_ready(RequestId(4), Ok(checked)));
        assert_eq!(d.links().len(), 1);
        assert_eq!(d.links()[0].url, "http://127.0.0.1:9000/pub/b.pdf");
        // The link is b's, not the first target's: what Shared links and Copy as CSV record.
        let linked: Vec<&str> = d.linked_targets().iter().map(|t| t.key.as_str()).collect();
        assert_eq!(linked, ["b.pdf"]);
        assert!(
            d.error()
                .unwrap()
                .contains("a.pdf: this object is not public"),
            "{:?}",
            d.error()
        );
        // A changed input drops them, as it drops signed links.
        d.inputs.domain_url = "https://cdn.example.com/".into();
        d.sync();
        assert!(d.links().is_empty() && d.error().is_none());
    }

    #[test]
    fn a_signed_link_made_next_carries_no_public_verdict() {
        let mut d = dialog("pub", Endpoint::custom("http://127.0.0.1:9000").unwrap());
        d.inputs.link_type = LinkType::Public;
        d.generate(RequestId(4), SystemTime::now());
        let public = CheckedLink {
            key: ObjectKey::new("a.pdf").unwrap(),
            url: "http://127.0.0.1:9000/pub/a.pdf".into(),
            check: PublicCheck::Public(crate::share::link_test::LinkAnswer {
                status: 206,
                etag: None,
                content_type: None,
                content_disposition: None,
            }),
        };
        assert!(d.public_links_ready(RequestId(4), Ok(vec![public])));
        assert_eq!(d.public_checks().len(), 1);
        d.inputs.link_type = LinkType::Signed;
        d.sync();
        d.generate(RequestId(5), SystemTime::now());
        assert!(d.public_checks().is_empty(), "{:?}", d.public_checks());
    }
}
