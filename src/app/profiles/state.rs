//! The Profiles window's state: the profile form (add, edit, duplicate), its validation, and
//! the connection test. Pure; the app state applies the results to the store.

use crate::app::shared::Pending;
use crate::profiles::store::{Provider, SavedProfile, Secret, validate};
use crate::profiles::{Profile, ProfileSource};
use crate::worker::{JobError, RequestId};

/// The form for one Pail profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileForm {
    /// The saved profile being edited (`None`: a new one).
    pub original_name: Option<String>,
    pub name: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub show_secret: bool,
    pub session_token: String,
    pub region: String,
    pub provider: Provider,
    pub account_id: String,
    /// The URL typed for MinIO or a custom endpoint.
    pub endpoint_url: String,
    pub path_style: bool,
    pub default_bucket: String,
    /// `max_link_lifetime` as typed: `30d`, `720h`, seconds, or empty for the usual 7 days.
    pub max_link_lifetime: String,
    pub problems: Vec<String>,
}

impl Default for ProfileForm {
    fn default() -> Self {
        Self {
            original_name: None,
            name: String::new(),
            access_key_id: String::new(),
            secret_access_key: String::new(),
            show_secret: false,
            session_token: String::new(),
            region: "us-east-1".to_owned(),
            provider: Provider::Aws,
            account_id: String::new(),
            endpoint_url: String::new(),
            path_style: false,
            default_bucket: String::new(),
            max_link_lifetime: String::new(),
            problems: Vec::new(),
        }
    }
}

impl ProfileForm {
    pub fn edit(saved: &SavedProfile) -> Self {
        Self {
            original_name: Some(saved.name.clone()),
            name: saved.name.clone(),
            access_key_id: saved.access_key_id.clone(),
            secret_access_key: saved.secret_access_key.expose().to_owned(),
            show_secret: false,
            session_token: saved
                .session_token
                .as_ref()
                .map(|t| t.expose().to_owned())
                .unwrap_or_default(),
            region: saved.region.clone(),
            provider: saved.provider,
            account_id: saved.account_id.clone(),
            endpoint_url: match saved.provider {
                Provider::Minio | Provider::Custom => saved.endpoint.clone().unwrap_or_default(),
                _ => String::new(),
            },
            path_style: saved.path_style,
            default_bucket: saved.default_bucket.clone().unwrap_or_default(),
            max_link_lifetime: saved
                .max_link_lifetime
                .map(crate::share::link_limit::lifetime_text)
                .unwrap_or_default(),
            problems: Vec::new(),
        }
    }

    /// A copy to save under a new name.
    pub fn duplicate(saved: &SavedProfile) -> Self {
        Self {
            original_name: None,
            name: format!("{} copy", saved.name),
            ..Self::edit(saved)
        }
    }

    /// Picks a provider; custom endpoints are path-style by default, and R2 signs for "auto".
    pub fn set_provider(&mut self, provider: Provider) {
        if provider == self.provider {
            return;
        }
        self.provider = provider;
        self.path_style = matches!(provider, Provider::Minio | Provider::Custom);
        if provider == Provider::CloudflareR2 {
            self.region = "auto".to_owned();
        }
        if provider == Provider::Minio && self.endpoint_url.is_empty() {
            self.endpoint_url = "http://localhost:9000".to_owned();
        }
    }

    /// The profile as it would be saved.
    pub fn to_saved(&self) -> SavedProfile {
        let trimmed = |s: &str| s.trim().to_owned();
        let token = self.session_token.trim();
        let bucket = self.default_bucket.trim();
        SavedProfile {
            name: trimmed(&self.name),
            access_key_id: trimmed(&self.access_key_id),
            secret_access_key: Secret::new(self.secret_access_key.trim()),
            session_token: (!token.is_empty()).then(|| Secret::new(token)),
            region: trimmed(&self.region),
            provider: self.provider,
            account_id: trimmed(&self.account_id),
            endpoint: self.provider.endpoint(
                self.region.trim(),
                &self.account_id,
                &self.endpoint_url,
            ),
            path_style: self.path_style,
            default_bucket: (!bucket.is_empty()).then(|| bucket.to_owned()),
            max_link_lifetime: crate::share::link_limit::parse_lifetime(&self.max_link_lifetime)
                .ok(),
        }
    }

    /// Why the endpoint typed so far cannot be used, shown under the field as it is typed (an
    /// endpoint path with `..`, `%2F` or a query is refused here, not at the first request).
    /// Nothing while the scheme is still being typed.
    pub fn endpoint_problem(&self) -> Option<String> {
        let typed = self.endpoint_url.trim();
        let (_, rest) = typed.split_once("://")?;
        if rest.is_empty() || !matches!(self.provider, Provider::Minio | Provider::Custom) {
            return None;
        }
        // The URL is in the field just above: the reason alone is said.
        match crate::model::Endpoint::custom(typed) {
            Ok(_) => None,
            Err(crate::model::NameError::MalformedEndpoint { reason, .. }) => Some(reason),
            Err(other) => Some(other.to_string()),
        }
    }

    /// Validates against the other saved names; true when it can be saved.
    pub fn check(&mut self, saved_names: &[&str]) -> bool {
        let others: Vec<&str> = saved_names
            .iter()
            .copied()
            .filter(|n| Some(*n) != self.original_name.as_deref())
            .collect();
        self.problems = validate(&self.to_saved(), &others);
        let lifetime = self.max_link_lifetime.trim();
        if let Err(e) = crate::share::link_limit::parse_lifetime(lifetime)
            && !lifetime.is_empty()
        {
            self.problems.push(format!("Longest link: {e}."));
        }
        self.problems.is_empty()
    }

    /// The form's profile, for Test connection before saving.
    pub fn to_profile(&self) -> Profile {
        let mut profile = Profile::from_saved(&self.to_saved());
        profile.source = ProfileSource::Pail;
        profile
    }
}

/// The Profiles window: the profile picked in the list, the form being edited (its fields
/// are edited directly), and what Test connection, Save and Delete said. Everything but the
/// form changes through methods, so a test result never outlives the profile it was for.
#[derive(Debug, Default)]
pub struct ProfilesWindow {
    /// The profile picked in the list (by name).
    selected: Option<String>,
    form: Option<ProfileForm>,
    /// Waiting for "Delete `name`?" to be confirmed.
    confirm_delete: Option<String>,
    testing: Pending,
    test_result: Option<Result<String, JobError>>,
    /// What the last save did ("Saved").
    notice: Option<String>,
}

impl ProfilesWindow {
    /// The window with `selected` picked in the list.
    pub fn new(selected: Option<String>) -> Self {
        Self {
            selected,
            ..Self::default()
        }
    }

    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// Picks `name` in the list: the form, a pending delete and the last test go.
    pub fn pick(&mut self, name: String) {
        self.selected = Some(name);
        self.form = None;
        self.confirm_delete = None;
        self.forget_test();
    }

    pub fn form(&self) -> Option<&ProfileForm> {
        self.form.as_ref()
    }

    /// The form, to edit its fields.
    pub fn form_mut(&mut self) -> Option<&mut ProfileForm> {
        self.form.as_mut()
    }

    /// Opens `form` in place of what was shown.
    pub fn open_form(&mut self, form: ProfileForm) {
        self.form = Some(form);
        self.notice = None;
        self.forget_test();
    }

    /// Cancel in the form.
    pub fn close_form(&mut self) {
        self.form = None;
        self.forget_test();
    }

    /// The form was saved as `name`, which is now picked.
    pub fn saved(&mut self, name: &str) {
        self.selected = Some(name.to_owned());
        self.form = None;
        self.notice = Some(format!("Saved {name}"));
    }

    /// Delete was pressed: "Delete `name`?" waits for Yes.
    pub fn ask_delete(&mut self, name: String) {
        self.confirm_delete = Some(name);
    }

    pub fn asking_to_delete(&self) -> Option<&str> {
        self.confirm_delete.as_deref()
    }

    /// `name` was deleted: nothing is picked any more.
    pub fn deleted(&mut self, name: &str) {
        self.confirm_delete = None;
        self.selected = None;
        self.form = None;
        self.forget_test();
        self.notice = Some(format!("Deleted {name}"));
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn set_notice(&mut self, notice: String) {
        self.notice = Some(notice);
    }

    /// Test connection was sent as request `id`.
    pub fn start_test(&mut self, id: RequestId) {
        self.testing.start(id);
        self.test_result = None;
    }

    /// The answer to Test connection, unless the window has moved on since it was asked.
    pub fn tested(&mut self, id: RequestId, result: Result<String, JobError>) {
        if self.testing.accept(id) {
            self.test_result = Some(result);
        }
    }

    pub fn testing(&self) -> bool {
        self.testing.is_waiting()
    }

    pub fn test_result(&self) -> Option<&Result<String, JobError>> {
        self.test_result.as_ref()
    }

    /// A test in flight or shown was for what was picked before: it goes.
    fn forget_test(&mut self) {
        self.testing.finish();
        self.test_result = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_endpoints_default_to_path_style() {
        let mut form = ProfileForm::default();
        form.set_provider(Provider::Minio);
        assert!(form.path_style);
        assert_eq!(
            form.to_saved().endpoint.as_deref(),
            Some("http://localhost:9000")
        );
        form.set_provider(Provider::CloudflareR2);
        assert!(!form.path_style);
        assert_eq!(form.region, "auto");
    }

    #[test]
    fn an_endpoint_path_is_refused_as_it_is_typed_and_kept_as_typed() {
        let mut form = ProfileForm::default();
        form.set_provider(Provider::Custom);
        for (partial, problem) in [
            ("", None),
            ("https:/", None),
            ("https://", None),
            ("https://host.example/storage/s3", None),
            ("https://host.example/storage/../s3", Some("`..`")),
            ("https://host.example/a%2Fb", Some("%-escapes")),
            ("https://host.example/s3?x", Some("query")),
        ] {
            form.endpoint_url = partial.into();
            let said = form.endpoint_problem();
            match problem {
                None => assert_eq!(said, None, "{partial}"),
                Some(word) => assert!(
                    said.as_deref().is_some_and(|p| p.contains(word)),
                    "{said:?}"
                ),
            }
        }
        form.endpoint_url = " https://host.example/storage/s3 ".into();
        assert_eq!(
            form.to_saved().endpoint.as_deref(),
            Some("https://host.example/storage/s3")
        );
        // An AWS profile has no endpoint to refuse.
        form.set_provider(Provider::Aws);
        form.endpoint_url = "https://host.example/a/../b".into();
        assert_eq!(form.endpoint_problem(), None);
    }

    #[test]
    fn check_lists_problems_and_allows_keeping_the_own_name() {
        let mut form = ProfileForm::default();
        assert!(!form.check(&[]));
        assert!(form.problems.iter().any(|p| p.contains("Name")));
        form.name = "work".into();
        form.access_key_id = "AK".into();
        form.secret_access_key = "SK".into();
        assert!(
            !form.check(&["work"]),
            "a new profile may not take an existing name"
        );
        form.original_name = Some("work".into());
        assert!(form.check(&["work"]), "{:?}", form.problems);
    }

    #[test]
    fn duplicate_gets_a_new_name() {
        let mut form = ProfileForm {
            name: "work".into(),
            access_key_id: "AK".into(),
            secret_access_key: "SK".into(),
            ..ProfileForm::default()
        };
        let copy = ProfileForm::duplicate(&form.to_saved());
        assert_eq!(copy.name, "work copy");
        assert_eq!(copy.original_name, None);
        assert_eq!(copy.secret_access_key, "SK");
        form.name.clear();
    }

    #[test]
    fn a_test_answer_for_the_profile_picked_before_is_not_shown_under_the_next() {
        let mut window = ProfilesWindow::new(Some("work".into()));
        window.start_test(RequestId(1));
        window.pick("personal".into());
        window.tested(RequestId(1), Ok("Connected: 3 buckets".into()));
        assert!(window.test_result().is_none(), "it was work's answer");
        assert!(!window.testing());
    }
}
