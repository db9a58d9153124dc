//! Bucket properties' "Default headers for uploads": the bucket's rules (kept in Pail's
//! settings, `upload-headers.toml`, as `pail upload-headers` keeps them), a rule added or
//! removed, and the section drawn. The worker reads and writes the file; this holds what it
//! answered and the form.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::BucketAction;
use crate::model::BucketName;
use crate::profiles::Profile;
use crate::storage::upload_headers::UploadRule;
use crate::worker::{BucketJob, BucketRequest, Command, RequestId, UploadRuleChange};

/// The rules of one bucket and the form that adds one.
#[derive(Debug)]
pub struct UploadRules {
    dir: PathBuf,
    /// `None` while they are read (or a change is made).
    rules: Option<Result<Vec<UploadRule>, String>>,
    /// The request answered next, and whether it adds the form's rule.
    waiting: Option<(RequestId, bool)>,
    /// Why the last change was refused (the rules shown stay as they were).
    refused: Option<String>,
    pub form: UploadRuleForm,
}

/// A new rule as typed: a pattern and the two headers people set most by pattern.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UploadRuleForm {
    pub pattern: String,
    pub content_type: String,
    pub cache_control: String,
}

impl UploadRules {
    /// The section, and the request that reads the rules from the file in `dir`.
    pub fn open(
        id: RequestId,
        dir: PathBuf,
        (profile, bucket): (&Profile, &BucketName),
    ) -> (Self, Command) {
        let mut section = Self {
            dir,
            rules: None,
            waiting: None,
            refused: None,
            form: UploadRuleForm::default(),
        };
        let command = section.ask(id, (profile, bucket), None);
        (section, command)
    }

    fn ask(
        &mut self,
        id: RequestId,
        (profile, bucket): (&Profile, &BucketName),
        change: Option<UploadRuleChange>,
    ) -> Command {
        self.waiting = Some((id, matches!(change, Some(UploadRuleChange::Set(_)))));
        Command::Bucket(BucketRequest {
            id,
            profile: profile.clone(),
            job: BucketJob::UploadRules {
                bucket: bucket.clone(),
                dir: self.dir.clone(),
                change,
            },
        })
    }

    pub fn rules(&self) -> Option<&Result<Vec<UploadRule>, String>> {
        self.rules.as_ref()
    }

    pub fn is_waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Add: the form as a rule (its values are checked by the worker, as `pail upload-headers
    /// set` checks them); `None` while another change runs or with no pattern or header.
    pub fn add(&mut self, id: RequestId, place: (&Profile, &BucketName)) -> Option<Command> {
        let form = &self.form;
        let value = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        let (content_type, cache_control) = (value(&form.content_type), value(&form.cache_control));
        let pattern = form.pattern.trim().to_owned();
        if self.waiting.is_some()
            || pattern.is_empty()
            || (content_type.is_none() && cache_control.is_none())
        {
            return None;
        }
        let rule = UploadRule {
            pattern,
            content_type,
            cache_control,
            ..UploadRule::default()
        };
        Some(self.ask(id, place, Some(UploadRuleChange::Set(rule))))
    }

    /// Remove the rule for `pattern`.
    pub fn remove(
        &mut self,
        id: RequestId,
        place: (&Profile, &BucketName),
        pattern: String,
    ) -> Option<Command> {
        if self.waiting.is_some() {
            return None;
        }
        Some(self.ask(id, place, Some(UploadRuleChange::Remove(pattern))))
    }

    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// The worker's answer to the request waited for; a rule added clears the form. A refused
    /// change keeps the rules shown, and the form, and says why.
    pub fn apply(&mut self, id: RequestId, result: Result<Vec<UploadRule>, String>) {
        let Some((_, adds)) = self.waiting.filter(|(waited, _)| *waited == id) else {
            return;
        };
        self.waiting = None;
        let changed = adds || self.rules.is_some();
        match result {
            Err(why) if changed && matches!(self.rules, Some(Ok(_))) => self.refused = Some(why),
            result => {
                if adds && result.is_ok() {
                    self.form = UploadRuleForm::default();
                }
                self.refused = None;
                self.rules = Some(result);
            }
        }
    }
}

/// The section drawn under the bucket's settings; Add and Remove become `actions`.
pub(super) fn upload_rules_ui(
    ui: &mut Ui,
    section: &mut UploadRules,
    actions: &mut Vec<BucketAction>,
) {
    ui.label(RichText::new("Default headers for uploads").strong());
    ui.weak(
        "Kept in Pail's settings: each upload to this bucket (window and pail cp) whose name \
         matches a pattern gets its headers; a later rule wins. Patterns without / match the \
         file's name (*.html), with / the whole key (assets/*).",
    );
    let idle = !section.is_waiting();
    match section.rules() {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the rules…");
            });
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
        }
        Some(Ok(rules)) if rules.is_empty() => {
            ui.label("No rules: uploads get only the type their extension names.");
        }
        Some(Ok(rules)) => {
            for rule in rules.clone() {
                ui.horizontal(|ui| {
                    ui.label(crate::fmt::terminal_safe(&rule_text(&rule)));
                    let remove = ui.add_enabled(idle, egui::Button::new("Remove"));
                    let name = format!("Remove rule {}", rule.pattern);
                    remove
                        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, idle, &name));
                    if remove.clicked() {
                        actions.push(BucketAction::RemoveUploadRule(rule.pattern.clone()));
                    }
                });
            }
        }
    }
    let form = &mut section.form;
    egui::Grid::new("upload-rule-form")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (label, text, hint) in [
                ("Pattern", &mut form.pattern, "*.html or assets/*"),
                (
                    "Content-Type",
                    &mut form.content_type,
                    "text/html; charset=utf-8",
                ),
                ("Cache-Control", &mut form.cache_control, "max-age=3600"),
            ] {
                let label = ui.label(label);
                ui.add(
                    egui::TextEdit::singleline(text)
                        .hint_text(hint)
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            }
        });
    if ui
        .add_enabled(idle, egui::Button::new("Add rule"))
        .clicked()
    {
        actions.push(BucketAction::AddUploadRule);
    }
    if let Some(why) = section.refused() {
        ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {why}"));
    }
}

/// `*.html gets Content-Type: text/html · Cache-Control: max-age=60`.
fn rule_text(rule: &UploadRule) -> String {
    let mut said: Vec<String> = [
        ("Content-Type", &rule.content_type),
        ("Cache-Control", &rule.cache_control),
        ("Content-Disposition", &rule.content_disposition),
        ("Content-Encoding", &rule.content_encoding),
        ("Content-Language", &rule.content_language),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}: {v}")))
    .collect();
    said.extend(
        rule.metadata
            .iter()
            .map(|(k, v)| format!("x-amz-meta-{k}: {v}")),
    );
    format!("{} gets {}", rule.pattern, said.join(" · "))
}
