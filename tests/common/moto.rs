//! moto's S3 server (in memory, no signatures checked) for what s3s-fs cannot store: a key
//! ending in `/` that holds bytes. Started on a free 127.0.0.1 port and stopped on drop.

use std::time::Duration;

/// moto's S3 server on a free loopback port, for keys s3s-fs cannot store (it keeps a key
/// ending in `/` as a directory and refuses bytes in one). Found as `PAIL_MOTO_SERVER` or
/// `moto_server` on the PATH (`pip install 'moto[server]'`); `None` when it is not installed,
/// except in CI (`CI` set), where a missing moto fails the test: `.ci/run` installs it, and a
/// CI run that skipped these tests would pass without having tested versions, tags or CORS.
pub struct Moto {
    child: std::process::Child,
    url: String,
}

impl Moto {
    pub fn start() -> Option<Moto> {
        let program = std::env::var("PAIL_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(error) if std::env::var_os("CI").is_some() => {
                panic!("CI is set but moto's server could not start: {error}")
            }
            Err(_) => return None,
        };
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "moto did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// `http://127.0.0.1:PORT`, for `pail --endpoint-url`.
    pub fn endpoint_url(&self) -> &str {
        &self.url
    }

    pub fn profile(&self) -> pail::testing::profiles::Profile {
        pail::testing::profiles::Profile::fixed(
            "Moto",
            pail::testing::profiles::ProfileSource::Demo,
            aws_credential_types::Credentials::new("MOTOKEY", "moto-secret", None, None, "test"),
            pail::model::Endpoint::custom(&self.url).unwrap(),
            "us-east-1",
        )
    }

    pub fn connection(&self) -> pail::s3::connection::Connection {
        pail::s3::connection::Connection::with_static_credentials(
            aws_credential_types::Credentials::new("MOTOKEY", "moto-secret", None, None, "test"),
            "us-east-1",
            pail::model::Endpoint::custom(&self.url).unwrap(),
            true,
        )
    }
}

impl Moto {
    /// Makes `bucket` and puts `objects` (key, body) in it.
    pub async fn bucket_with<'a>(
        &self,
        bucket: &str,
        objects: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) {
        let connection = self.connection();
        let client = connection.client();
        client.create_bucket().bucket(bucket).send().await.unwrap();
        for (key, body) in objects {
            client
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(body.to_vec().into())
                .send()
                .await
                .unwrap();
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
