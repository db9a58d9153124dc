//! The Web URL dialog's "Link type" row (Signed or Public), the bucket's custom domain with
//! what answers there, and after Generate what an unsigned request said of each public link;
//! on the Upload link tab, the host a PUT goes to when that domain takes signed links.

use egui::{Color32, Ui};

use crate::app::web_url::state::{LinkType, Via, WebUrlDialog};
use crate::share::public_url::DomainKind;

/// Link type and custom domain, for the Web URL tab.
pub(super) fn link_type_ui(ui: &mut Ui, dialog: &mut WebUrlDialog) {
    ui.horizontal(|ui| {
        ui.label("Link type:");
        ui.radio_value(
            &mut dialog.inputs.link_type,
            LinkType::Signed,
            "Signed (expires)",
        );
        ui.radio_value(
            &mut dialog.inputs.link_type,
            LinkType::Public,
            "Public (no expiry)",
        );
    });
    if dialog.is_public() {
        ui.weak(
            "An unsigned link: it works only while the object is public (a bucket policy or \
             ACL), and Generate checks that first.",
        );
    } else if dialog.targets().iter().any(|t| t.key.has_dot_segment()) {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "⚠ {}.",
                super::state::capitalise(crate::share::link_text::DOT_SEGMENT_WARNING)
            ),
        );
    }
    // CloudFront links go to the distribution's own domain.
    if dialog.inputs.via == Via::CloudFront && !dialog.is_public() {
        return;
    }
    ui.horizontal(|ui| {
        let label = ui.label("Custom domain");
        ui.add(
            egui::TextEdit::singleline(&mut dialog.inputs.domain_url)
                .hint_text("none: the endpoint's address")
                .desired_width(320.0),
        )
        .labelled_by(label.id);
    });
    if let Some(notice) = dialog.custom_domain_notice() {
        ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {notice}"));
    }
    if dialog.inputs.domain_url.trim().is_empty() {
        return;
    }
    egui::ComboBox::from_label("answers at that host")
        .selected_text(dialog.inputs.domain_kind.label())
        .width(320.0)
        .show_ui(ui, |ui| {
            for kind in DomainKind::ALL {
                ui.selectable_value(&mut dialog.inputs.domain_kind, kind, kind.label());
            }
        });
    ui.weak(match dialog.inputs.domain_kind {
        DomainKind::Cdn => {
            "Public links only: a front that rewrites the host breaks every signature \
                 (CloudFront signs links for your own domain)."
        }
        DomainKind::BucketHost => {
            "The bucket's name is the host (a CNAME to S3): S3 finds the bucket from it, so \
                 signed links work on it too. On AWS, S3 serves such a host over HTTP only: \
                 CloudFront gives it HTTPS."
        }
        DomainKind::ServerHost => {
            "The S3 server answers this host and checks signatures for it: signed links \
                 work on it too. The protocol is the domain's."
        }
    });
}

/// After Generate: what each public link answered, and the CloudFront route where a signed
/// link was refused on the domain.
pub(super) fn host_result_ui(ui: &mut Ui, dialog: &mut WebUrlDialog) {
    if dialog.offers_cloudfront()
        && ui
            .button("Use CloudFront")
            .on_hover_text("Signed links on a distribution's domain (or your own, through it)")
            .clicked()
    {
        dialog.use_cloudfront();
    }
    if !dialog.results_are_current() {
        return;
    }
    let many = dialog.public_checks().len() > 1;
    for (name, check) in dialog.public_checks() {
        let text = if many {
            format!("{name}: {}", check.text())
        } else {
            check.text()
        };
        if check.is_public() {
            ui.colored_label(Color32::from_rgb(0x3C, 0xB3, 0x71), format!("✔ {text}"));
        }
    }
}

/// On the Upload link tab, for a PUT: the host the URL goes to when the bucket's custom domain
/// takes signed links (set on the Web URL tab).
pub(super) fn upload_domain_ui(ui: &mut Ui, dialog: &WebUrlDialog) {
    if let Some(domain) = dialog.upload_domain() {
        ui.weak(format!(
            "On {}: the custom domain (Web URL tab), where the server checks the signature.",
            domain.base()
        ));
    }
}
