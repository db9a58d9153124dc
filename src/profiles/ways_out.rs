//! Which other profiles could sign a link that outlives temporary credentials: keys that do
//! not expire, on the same server, so they can reach the same bucket.

use super::Profile;

/// The profiles of `all` other than `current` (by [`Profile::identity`]) that have long-term
/// keys and reach `bucket` where `current` does ([`Profile::bucket_place`]). Whether their
/// keys may read the bucket is for the server to say: Test link tells.
pub fn long_term_profiles<'a>(
    all: &'a [Profile],
    current: &Profile,
    bucket: &str,
) -> Vec<&'a Profile> {
    let place = current.bucket_place(bucket);
    all.iter()
        .filter(|p| p.long_term_keys && p.identity() != current.identity())
        .filter(|p| p.bucket_place(bucket) == place)
        .collect()
}

#[cfg(test)]
mod tests {
    use aws_credential_types::Credentials;

    use super::*;
    use crate::model::Endpoint;
    use crate::profiles::ProfileSource;

    fn profile(name: &str, endpoint: &str, token: Option<&str>) -> Profile {
        Profile::fixed(
            name,
            ProfileSource::Pail,
            Credentials::new("AK", "SK", token.map(str::to_owned), None, "test"),
            Endpoint::custom(endpoint).unwrap(),
            "us-east-1",
        )
    }

    #[test]
    fn other_long_term_profiles_on_the_same_server() {
        let current = profile("sts", "http://127.0.0.1:9000", Some("token"));
        let all = vec![
            current.clone(),
            profile("keys", "http://localhost:9000", None),
            profile("other-sts", "http://127.0.0.1:9000", Some("t")),
            profile("elsewhere", "http://127.0.0.1:9001", None),
        ];
        let names: Vec<&str> = long_term_profiles(&all, &current, "b")
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["keys"]);
        assert!(!all[0].long_term_keys && all[1].long_term_keys);
        // The current one is never offered, even with long-term keys.
        assert!(long_term_profiles(&all, &all[1], "b").is_empty());
    }
}
