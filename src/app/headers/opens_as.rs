//! The Web URL dialog's word on a tested link whose object will download instead of opening
//! (its stored Content-Type), with the two fixes: override the type in the link, or edit the
//! stored type.

use crate::share::link_test::LinkAnswer;
use crate::share::opens_as::will_download;

/// The fix the person chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeFix {
    /// A new link that asks S3 to serve the right type (`response-content-type`).
    OverrideInLink,
    /// Edit headers… on the object, its Content-Type filled in.
    EditStored,
}

/// Says so under Test link's answer when the object of `key` will download; the fix pressed.
/// `can_override`: the link can carry a type of its own (a signed link; a public one cannot).
pub(crate) fn will_download_ui(
    ui: &mut egui::Ui,
    key: &str,
    answer: &LinkAnswer,
    can_override: bool,
) -> Option<TypeFix> {
    let found = will_download(
        key,
        answer.content_type.as_deref(),
        answer.content_disposition.as_deref(),
    )?;
    ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ This link {found}."));
    let mut fix = None;
    ui.horizontal(|ui| {
        let label = format!("Serve as {} in this link", found.opens_as);
        if can_override
            && ui
                .button(label)
                .on_hover_text(
                    "A new link that asks S3 for this Content-Type (signed into the link)",
                )
                .clicked()
        {
            fix = Some(TypeFix::OverrideInLink);
        }
        if ui
            .button("Edit the stored type…")
            .on_hover_text("Edit headers on the object, so every link opens it")
            .clicked()
        {
            fix = Some(TypeFix::EditStored);
        }
    });
    fix
}
