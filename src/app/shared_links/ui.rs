//! The Shared links window: every generated link with a live countdown, expired ones marked,
//! Copy again, Check and Check all (the link doctor), Renew, Revoke (a folder's page), and
//! Clear.

use std::time::{Duration, SystemTime};

use egui::RichText;

use crate::app::clipboard::{Clipboard, ClipboardError};
use crate::app::shared_links::state::Links;
use crate::share::link_doctor::Diagnosis;
use crate::share::link_text::expiry_text;
use crate::storage::history::LinkKind;
use crate::worker::Command;

/// What the window starts for the Shared links window: each needs a request id, and Renew
/// and Revoke the profile that made the link.
pub(crate) enum LinkRequest {
    Check(Vec<String>),
    Renew(String),
    Revoke(String),
}

pub(crate) fn shared_links_ui(
    ctx: &egui::Context,
    links: &mut Links,
    clipboard: &mut dyn Clipboard,
    out: &mut Vec<Command>,
) -> Option<LinkRequest> {
    if !links.open {
        return None;
    }
    let mut open = true;
    let mut clear = false;
    let mut revoke: Option<String> = None;
    let mut check: Option<Vec<String>> = None;
    let mut renew: Option<String> = None;
    let mut copied: Option<Result<(), ClipboardError>> = None;
    let now = SystemTime::now();
    egui::Window::new("Shared links")
        .open(&mut open)
        .default_size([760.0, 360.0])
        .show(ctx, |ui| {
            if links.links().is_empty() {
                ui.weak("No links yet: links you generate with Web URL are listed here.");
            }
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for link in links.links().iter().rev() {
                        let expires = SystemTime::UNIX_EPOCH
                            + Duration::from_secs(link.expires.max(0) as u64);
                        // The buttons first: a long key must not push them out of the
                        // window.
                        ui.horizontal(|ui| {
                            if ui.small_button("Copy").clicked() {
                                copied = Some(clipboard.set_text(&link.url));
                            }
                            if link.method == "GET"
                                && !link.revoked
                                && ui
                                    .add_enabled(
                                        links.checking().is_none(),
                                        egui::Button::new("Check").small(),
                                    )
                                    .on_hover_text("Try the link now and say why it works or not")
                                    .clicked()
                            {
                                check = Some(vec![link.url.clone()]);
                            }
                            if Links::can_renew(link)
                                && ui
                                    .small_button("Renew")
                                    .on_hover_text(
                                        "A fresh link with the same settings and a new expiry; the \"updated link\" message is copied",
                                    )
                                    .clicked()
                            {
                                renew = Some(link.url.clone());
                            }
                            if link.revoked {
                                ui.weak("page revoked");
                            } else if link.page.is_some()
                                && ui
                                    .small_button("Revoke")
                                    .on_hover_text(
                                        "Delete the page: nobody can open it any more (links already copied from it live until they expire)",
                                    )
                                    .clicked()
                            {
                                revoke = Some(link.url.clone());
                            }
                            ui.label(RichText::new(&link.method).monospace());
                            ui.label(&link.uri);
                        });
                        ui.horizontal(|ui| {
                            ui.add_space(12.0);
                            match expires.duration_since(now) {
                                // A public link has no countdown: it works while the
                                // object is public, which the doctor checks.
                                _ if link.kind == LinkKind::Public => {
                                    ui.weak("public: no expiry");
                                }
                                Ok(left) => {
                                    ui.weak(format!(
                                        "expires in {} — {}",
                                        crate::fmt::duration(left),
                                        expiry_text(expires)
                                    ));
                                }
                                Err(_) => {
                                    ui.colored_label(
                                        ui.visuals().error_fg_color,
                                        format!("expired {}", expiry_text(expires)),
                                    );
                                }
                            }
                            ui.weak(&link.options);
                        });
                        if let Some(diagnosis) = links.check_of(&link.url) {
                            let color = match diagnosis {
                                // It works, but the recipient's browser will download it.
                                Diagnosis::WillDownload(_) => ui.visuals().warn_fg_color,
                                _ if diagnosis.is_working() => {
                                    egui::Color32::from_rgb(0x3C, 0xB3, 0x71)
                                }
                                _ => ui.visuals().error_fg_color,
                            };
                            let mark = if diagnosis.is_working() { "✔" } else { "✖" };
                            ui.colored_label(color, format!("    {mark} {diagnosis}"));
                        }
                    }
                });
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!links.links().is_empty(), egui::Button::new("Clear"))
                    .clicked()
                {
                    clear = true;
                }
                let any_checkable = links
                    .links()
                    .iter()
                    .any(|l| l.method == "GET" && !l.revoked);
                if ui
                    .add_enabled(
                        any_checkable && links.checking().is_none(),
                        egui::Button::new("Check all"),
                    )
                    .on_hover_text("Try every live link, a few at a time, in the background")
                    .clicked()
                {
                    check = Some(links.checkable());
                }
                if let Some((done, total)) = links.checking() {
                    ui.add(
                        egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                            .desired_width(160.0)
                            .text(format!("checked {done} of {total}")),
                    );
                }
                if let Some(Err(e)) = &copied {
                    ui.colored_label(ui.visuals().error_fg_color, e.to_string());
                }
                if let Some(notice) = links.notice() {
                    ui.label(notice);
                }
            });
        });
    // The countdowns move once a second while the window is open.
    ctx.request_repaint_after(Duration::from_secs(1));
    if clear {
        out.extend(links.clear());
    }
    links.open = open;
    revoke
        .map(LinkRequest::Revoke)
        .or(check.map(LinkRequest::Check))
        .or(renew.map(LinkRequest::Renew))
}
