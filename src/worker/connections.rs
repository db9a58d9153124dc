//! The worker's connections, one per profile identity, and the one way a job gets one:
//! [`Jobs::answer`](super::Jobs::answer) for request/answer jobs, [`connection_for`] inside
//! jobs that send many events.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::profiles::Profile;
use crate::s3::connection::{ConnectError, Connection};

/// Connections by profile identity (source and name), opened once: AWS profiles may run SSO or
/// STS to get credentials, which the connection then caches.
pub(super) type Connections = Arc<Mutex<HashMap<String, Connection>>>;

/// The profile's connection, opened on first use.
pub(super) async fn connection_for(
    connections: &Connections,
    profile: &Profile,
) -> Result<Connection, ConnectError> {
    let mut map = connections.lock().await;
    let identity = profile.identity();
    if let Some(connection) = map.get(&identity) {
        return Ok(connection.clone());
    }
    let connection = profile.connect().await?;
    map.insert(identity, connection.clone());
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Endpoint;
    use crate::profiles::ProfileSource;

    #[tokio::test]
    async fn a_pail_and_an_aws_profile_of_one_name_get_their_own_connections() {
        let connections: Connections = Arc::default();
        let keys = aws_credential_types::Credentials::new("a", "b", None, None, "test");
        let profile = |source, port: u16| {
            Profile::fixed(
                "default",
                source,
                keys.clone(),
                Endpoint::custom(&format!("http://127.0.0.1:{port}")).unwrap(),
                "us-east-1",
            )
        };
        let pail = connection_for(&connections, &profile(ProfileSource::Pail, 1))
            .await
            .unwrap();
        let aws = connection_for(&connections, &profile(ProfileSource::AwsConfig, 2))
            .await
            .unwrap();
        assert_ne!(pail.endpoint(), aws.endpoint());
        assert_eq!(connections.lock().await.len(), 2);
    }
}
