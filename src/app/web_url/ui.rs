//! The Web URL dialog (an egui Modal): share objects as pre-signed links, or hand out an
//! upload link. The state and its rules live in [`crate::app::web_url::state`]; this draws them
//! and hands back what needs more than the dialog as [`WebUrlRequest`]s.

use std::time::SystemTime;

use egui::{Color32, RichText, TextStyle, Ui};

use crate::app::clipboard::{Clipboard, ClipboardError};
use crate::app::web_url::expiry_row::expiry_ui;
use crate::app::web_url::state::{
    DialogTab, FolderExpansion, UploadKind, UploadResult, WebUrlDialog,
};
use crate::fmt::{count, human_size};
use crate::share::form_output;
use crate::share::link_text::{email_html, email_plain, expiry_text, plain_text};

/// What the person asked of the Web URL dialog that needs a request id, a file dialog or the
/// open dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WebUrlRequest {
    /// Yes to "make links for all N objects?".
    ConfirmFolder,
    /// Generate, with the time the expiry was checked against.
    Generate(SystemTime),
    TestLink,
    /// The CloudFront key's PEM file, to pick.
    ChooseKey,
    /// Save PNG… under the QR code.
    SaveQr,
    /// The tested link will download: a new one serving the right type, or Edit headers.
    OverrideType,
    EditStoredType,
    /// A way out of temporary credentials ([`super::lifetime`]).
    WayOut(super::lifetime::WayOut),
    Close,
}

/// Draws the dialog; gives what was asked of the rest of the window, in the order pressed.
pub(crate) fn web_url_ui(
    ctx: &egui::Context,
    dialog: &mut WebUrlDialog,
    clipboard: &mut dyn Clipboard,
) -> Vec<WebUrlRequest> {
    let now = SystemTime::now();
    let mut requests = Vec::new();
    let modal =
        egui::Modal::new(egui::Id::unique(("web-url-dialog", dialog.serial()))).show(ctx, |ui| {
            ui.set_width(640.0);
            dialog_ui(ui, dialog, clipboard, now, &mut requests);
        });
    if modal.should_close() && !requests.contains(&WebUrlRequest::Close) {
        requests.push(WebUrlRequest::Close);
    }
    if dialog.generating().is_some() || dialog.testing() {
        // The countdown and spinners move; otherwise the dialog is repainted on input only.
        ctx.request_repaint_after(std::time::Duration::from_millis(250));
    } else {
        ctx.request_repaint_after(std::time::Duration::from_secs(1));
    }
    requests
}

fn dialog_ui(
    ui: &mut Ui,
    dialog: &mut WebUrlDialog,
    clipboard: &mut dyn Clipboard,
    now: SystemTime,
    requests: &mut Vec<WebUrlRequest>,
) {
    ui.horizontal(|ui| {
        ui.heading("Web URL");
        ui.add_space(16.0);
        ui.selectable_value(&mut dialog.inputs.tab, DialogTab::WebUrl, "Web URL");
        ui.selectable_value(&mut dialog.inputs.tab, DialogTab::UploadLink, "Upload link");
    });
    ui.separator();
    match dialog.inputs.tab {
        DialogTab::WebUrl => {
            if !targets_ui(ui, dialog, requests) {
                close_row(ui, requests);
                return;
            }
            if dialog.shared_folder().is_some() && !dialog.through_cloudfront() {
                ui.horizontal(|ui| {
                    ui.radio_value(
                        &mut dialog.inputs.folder_page,
                        false,
                        "A link for each object",
                    );
                    ui.radio_value(
                        &mut dialog.inputs.folder_page,
                        true,
                        "One link: an index page of them all",
                    );
                });
                if dialog.inputs.folder_page {
                    let own_bucket = dialog.bucket().to_string();
                    ui.horizontal(|ui| {
                        let label = ui.label("Page in bucket");
                        ui.add(
                            egui::TextEdit::singleline(&mut dialog.inputs.page_bucket)
                                .hint_text(own_bucket)
                                .desired_width(200.0),
                        )
                        .labelled_by(label.id);
                        ui.weak("(in .pail-shares/; its links live as long as the page's)");
                    });
                }
            }
        }
        DialogTab::UploadLink => upload_fields_ui(ui, dialog),
    }
    ui.add_space(6.0);
    let public = dialog.inputs.tab == DialogTab::WebUrl && dialog.is_public();
    if dialog.inputs.tab == DialogTab::WebUrl {
        super::link_type::link_type_ui(ui, dialog);
    }
    if !dialog.uses_custom_domain() {
        protocol_ui(ui, dialog);
    }
    // A CloudFront URL cannot name a version: a version's link is signed by S3 only.
    let via_shown = dialog.inputs.tab == DialogTab::WebUrl && dialog.version().is_none();
    if via_shown && !public && super::cloudfront_fields::via_ui(ui, dialog) {
        requests.push(WebUrlRequest::ChooseKey);
    }
    if !public {
        expiry_ui(ui, dialog, now);
    }
    // A folder's page and CloudFront links carry no download options; nor does an unsigned
    // link (S3 honours response overrides only in signed requests).
    if dialog.inputs.tab == DialogTab::WebUrl
        && !public
        && !dialog.through_cloudfront()
        && !dialog.makes_folder_page()
    {
        download_options_ui(ui, dialog);
    }
    // Whatever input changed above, results made for other settings go now, before they are
    // shown, copied or tested.
    dialog.sync();
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        // A public link has no expiry to be valid.
        let valid = public || dialog.lifetime(now).is_ok();
        if ui
            .add_enabled(
                valid && dialog.generating().is_none(),
                egui::Button::new("Generate"),
            )
            .clicked()
        {
            requests.push(WebUrlRequest::Generate(now));
        }
        if dialog.generating().is_some() {
            ui.spinner();
            if public {
                ui.weak("Asking as anyone would, without keys (at most 20 s; Close stops it)");
            }
        }
    });
    if let Some(error) = dialog.error() {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    if let Some(way) = super::lifetime::lifetime_notes_ui(ui, dialog, now) {
        requests.push(WebUrlRequest::WayOut(way));
    }
    if let Some(warning) = dialog.signing_warning() {
        ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {warning}"));
    }
    if dialog.inputs.tab == DialogTab::WebUrl {
        super::link_type::host_result_ui(ui, dialog);
    }
    match dialog.inputs.tab {
        DialogTab::WebUrl => links_ui(ui, dialog, clipboard, requests),
        DialogTab::UploadLink => upload_result_ui(ui, dialog, clipboard),
    }
    close_row(ui, requests);
}

fn close_row(ui: &mut Ui, requests: &mut Vec<WebUrlRequest>) {
    ui.separator();
    // One row high: a layout that takes all the height left would keep the dialog at whatever
    // size it once had, with an empty band at the bottom.
    let row = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(
        row,
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| {
            if ui.button("Close").clicked() {
                requests.push(WebUrlRequest::Close);
            }
        },
    );
}

/// What is being shared. False while there is nothing to share yet (counting a folder).
fn targets_ui(ui: &mut Ui, dialog: &WebUrlDialog, requests: &mut Vec<WebUrlRequest>) -> bool {
    // A selected folder is what is shared; otherwise the objects of the folder open.
    let folder_uri = format!(
        "s3://{}/{}",
        dialog.bucket(),
        dialog.shared_folder().unwrap_or(dialog.folder())
    );
    match dialog.expansion() {
        Some(FolderExpansion::Counting { prefix, .. }) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Counting the objects under s3://{}/{prefix}…",
                    dialog.bucket()
                ));
            });
            return false;
        }
        Some(FolderExpansion::Confirm { prefix, targets }) => {
            ui.label(format!(
                "s3://{}/{prefix} holds {}. Make a link for each?",
                dialog.bucket(),
                count(targets.len(), "object", "objects")
            ));
            if ui.button(format!("Make {} links", targets.len())).clicked() {
                requests.push(WebUrlRequest::ConfirmFolder);
            }
            return false;
        }
        Some(FolderExpansion::Failed(error)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
            return false;
        }
        None => {}
    }
    match dialog.targets() {
        [] => {
            ui.label("No objects selected: select objects in the list, or make an Upload link.");
            return false;
        }
        [one] => {
            ui.label(
                RichText::new(format!(
                    "{} · {} · {folder_uri}",
                    one.name(),
                    human_size(one.size)
                ))
                .strong(),
            );
            if let Some((id, date)) = dialog.version() {
                crate::app::versions::ui::version_note_ui(ui, id, date);
            }
        }
        many => {
            let total = many.iter().fold(0u64, |sum, t| sum.saturating_add(t.size));
            ui.label(
                RichText::new(format!(
                    "{} · {} · {folder_uri}",
                    count(many.len(), "object", "objects"),
                    human_size(total)
                ))
                .strong(),
            );
        }
    }
    ui.weak(format!("Profile: {}", dialog.profile().name));
    true
}

fn protocol_ui(ui: &mut Ui, dialog: &mut WebUrlDialog) {
    ui.horizontal(|ui| {
        ui.label("Protocol");
        ui.radio_value(&mut dialog.inputs.https, true, "HTTPS");
        ui.radio_value(&mut dialog.inputs.https, false, "HTTP");
        if !dialog.inputs.https {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "⚠ HTTP sends the link in clear text: anyone on the way can read and use it",
            );
        }
    });
}

fn download_options_ui(ui: &mut Ui, dialog: &mut WebUrlDialog) {
    if dialog.targets().len() == 1 {
        ui.horizontal(|ui| {
            let label = ui.label("Download name");
            let hint = dialog.targets()[0].name().to_owned();
            ui.add(
                egui::TextEdit::singleline(&mut dialog.inputs.download_name)
                    .hint_text(hint)
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
            ui.checkbox(
                &mut dialog.inputs.inline,
                "Open in browser instead of download",
            );
        });
    } else {
        ui.checkbox(
            &mut dialog.inputs.inline,
            "Open in browser instead of download",
        );
    }
    ui.horizontal(|ui| {
        let label = ui.label("Content type");
        ui.add(
            egui::TextEdit::singleline(&mut dialog.inputs.content_type)
                .hint_text("as stored (optional override)")
                .desired_width(280.0),
        )
        .labelled_by(label.id);
    });
}

/// A read-only, selectable monospace box.
fn text_box(ui: &mut Ui, id: &str, text: &str, rows: usize) {
    let mut shown = text;
    egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(160.0)
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(&mut shown)
                    .font(TextStyle::Monospace)
                    .desired_rows(rows)
                    .desired_width(f32::INFINITY),
            );
        });
}

fn copy_feedback(dialog: &mut WebUrlDialog, result: Result<(), ClipboardError>, what: &str) {
    dialog.set_notice(match result {
        Ok(()) => format!("✔ Copied {what}"),
        Err(e) => format!("⚠ {e}. Select the text above and copy it by hand."),
    });
}

fn links_ui(
    ui: &mut Ui,
    dialog: &mut WebUrlDialog,
    clipboard: &mut dyn Clipboard,
    requests: &mut Vec<WebUrlRequest>,
) {
    if dialog.links().is_empty() {
        return;
    }
    let text = plain_text(dialog.links());
    text_box(ui, "links", text.trim_end(), dialog.links().len().min(6));
    ui.horizontal(|ui| {
        if ui.button("Copy").clicked() {
            let result = clipboard.set_text(&text);
            copy_feedback(dialog, result, "the link");
        }
        // Its text names an expiry, which a public link does not have.
        if !dialog.is_public() && ui.button("Copy for email").clicked() {
            let result =
                clipboard.set_html(&email_html(dialog.links()), &email_plain(dialog.links()));
            copy_feedback(dialog, result, "for email");
        }
        // The CSV of a big folder is megabytes: made on the click, not every frame.
        if dialog.has_links_csv()
            && ui
                .button("Copy as CSV")
                .on_hover_text("Every object's link: key, size, url, expires")
                .clicked()
            && let Some(csv) = dialog.links_csv()
        {
            let result = clipboard.set_text(&csv);
            copy_feedback(dialog, result, "as CSV");
        }
        let one_link = dialog.links().len() == 1;
        let qr = ui
            .add_enabled(
                one_link,
                egui::Button::new("QR").selected(dialog.qr_link().is_some()),
            )
            .on_hover_text("Show the link as a QR code, to scan with a phone")
            .on_disabled_hover_text("A QR code holds one link: generate one link to see it");
        if qr.clicked() {
            dialog.toggle_qr();
        }
        if ui.button("Open in browser").clicked()
            && let Some(link) = dialog.links().first()
        {
            ui.ctx().open_url(egui::OpenUrl::new_tab(&link.url));
        }
        if ui
            .add_enabled(!dialog.testing(), egui::Button::new("Test link"))
            .clicked()
        {
            requests.push(WebUrlRequest::TestLink);
        }
        if dialog.testing() {
            ui.spinner();
        }
        if let Some(Ok(ok)) = dialog.test_result() {
            ui.colored_label(Color32::from_rgb(0x3C, 0xB3, 0x71), format!("✔ {ok}"));
        }
    });
    // Under the buttons, where a server's long refusal wraps within the dialog instead of
    // widening it past the window.
    if let Some(Err(e)) = dialog.test_result() {
        ui.colored_label(ui.visuals().error_fg_color, format!("✖ {e}"));
    }
    if let (Some(Ok(answer)), [target]) = (dialog.test_result(), dialog.targets()) {
        use crate::app::headers::opens_as::{TypeFix, will_download_ui};
        // A public link carries no `response-content-type`: only the stored type can change.
        let can_override = !dialog.is_public();
        requests.extend(
            will_download_ui(ui, target.key.as_str(), answer, can_override).map(|fix| match fix {
                TypeFix::OverrideInLink => WebUrlRequest::OverrideType,
                TypeFix::EditStored => WebUrlRequest::EditStoredType,
            }),
        );
    }
    if let Some(share) = dialog.folder_share() {
        ui.weak(format!(
            "The page is s3://{}/{}; Shared links can revoke it (delete the page).",
            share.page_bucket, share.page_key
        ));
    }
    if let Some(url) = dialog.qr_link()
        && super::qr_view::qr_ui(ui, url)
    {
        requests.push(WebUrlRequest::SaveQr);
    }
    if let Some(notice) = dialog.notice() {
        ui.label(notice);
    }
}

fn upload_fields_ui(ui: &mut Ui, dialog: &mut WebUrlDialog) {
    ui.label(RichText::new(format!("Upload into s3://{}/", dialog.bucket())).strong());
    ui.weak(
        "Anyone who has an upload link can upload to the keys it allows, and so replace \
         objects already there.",
    );
    let post_refusal = dialog.profile().post_forms_unsupported();
    ui.horizontal(|ui| {
        let post = ui.add_enabled(
            post_refusal.is_none(),
            egui::RadioButton::new(
                dialog.inputs.upload_kind == UploadKind::Post,
                "Browser form (POST)",
            ),
        );
        if post.clicked() {
            dialog.inputs.upload_kind = UploadKind::Post;
        }
        if let Some(reason) = post_refusal {
            post.on_disabled_hover_text(reason);
        }
        ui.radio_value(
            &mut dialog.inputs.upload_kind,
            UploadKind::Put,
            "Upload URL (PUT)",
        );
    });
    if let Some(reason) = post_refusal {
        ui.weak(reason);
    }
    ui.horizontal(|ui| {
        let label = ui.label(match dialog.inputs.upload_kind {
            UploadKind::Post if dialog.inputs.upload_is_prefix => "Key prefix",
            _ => "Key",
        });
        ui.add(egui::TextEdit::singleline(&mut dialog.inputs.upload_key).desired_width(320.0))
            .labelled_by(label.id);
        if dialog.inputs.upload_kind == UploadKind::Post {
            ui.checkbox(
                &mut dialog.inputs.upload_is_prefix,
                "any name under this prefix",
            );
        }
    });
    match dialog.inputs.upload_kind {
        UploadKind::Put => {
            ui.checkbox(
                &mut dialog.inputs.upload_no_overwrite,
                "Never overwrite: refuse the upload if the object exists (If-None-Match: *)",
            );
            super::link_type::upload_domain_ui(ui, dialog);
        }
        UploadKind::Post => {
            if let Some(broad) = dialog.broad_upload() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("⚠ This form would allow {broad}."),
                );
                ui.checkbox(
                    &mut dialog.inputs.upload_broad_confirmed,
                    format!("I want to let anyone with this form write {broad}"),
                );
            }
        }
    }
    ui.horizontal(|ui| {
        if dialog.inputs.upload_kind == UploadKind::Post {
            let label = ui.label("Max size (MB)");
            ui.add(
                egui::TextEdit::singleline(&mut dialog.inputs.upload_max_mb).desired_width(70.0),
            )
            .labelled_by(label.id);
        }
        let label = ui.label("Upload content type");
        ui.add(
            egui::TextEdit::singleline(&mut dialog.inputs.upload_content_type)
                .hint_text("any (or image/ for any image)")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
    });
    let post = dialog.inputs.upload_kind == UploadKind::Post;
    super::upload_cors::upload_cors_ui(ui, &mut dialog.upload_cors, post);
}

fn upload_result_ui(ui: &mut Ui, dialog: &mut WebUrlDialog, clipboard: &mut dyn Clipboard) {
    let Some(result) = dialog.upload_result().cloned() else {
        return;
    };
    match result {
        UploadResult::Put(link, headers) => {
            text_box(ui, "put-url", &link.url, 3);
            for (name, value) in &headers {
                ui.weak(format!("The upload must send the header {name}: {value}"));
            }
            let curl = form_output::put_curl_command(&link.url, &headers);
            ui.horizontal(|ui| {
                if ui.button("Copy").clicked() {
                    let result = clipboard.set_text(&link.url);
                    copy_feedback(dialog, result, "the upload URL");
                }
                if ui.button("Copy curl command").clicked() {
                    let result = clipboard.set_text(&curl);
                    copy_feedback(dialog, result, "the curl command");
                }
            });
        }
        UploadResult::Post(form) => {
            let curl = form_output::curl_command(&form);
            text_box(ui, "post-curl", &curl, 8);
            let until = expiry_text(form.effective_expiry.at);
            let page = form_output::html_page(
                &form,
                &format!("Upload to {}", dialog.bucket()),
                &format!(
                    "Uploads into s3://{}/{} · until {until}",
                    dialog.bucket(),
                    dialog.inputs.upload_key.trim()
                ),
            );
            egui::CollapsingHeader::new("HTML upload page")
                .id_salt("html-page")
                .show(ui, |ui| text_box(ui, "post-html", &page, 8));
            ui.horizontal(|ui| {
                if ui.button("Copy curl command").clicked() {
                    let result = clipboard.set_text(&curl);
                    copy_feedback(dialog, result, "the curl command");
                }
                if ui.button("Copy HTML upload page").clicked() {
                    let result = clipboard.set_text(&page);
                    copy_feedback(dialog, result, "the HTML page");
                }
            });
        }
    }
    if let Some(notice) = dialog.notice() {
        ui.label(notice);
    }
}
