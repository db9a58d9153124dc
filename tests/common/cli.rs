//! The `pail` binary as a process, with a clean environment: no AWS variables from the
//! machine, AWS config files pointing into `home`, and the instance metadata service switched
//! off so nothing leaves loopback.

use std::path::Path;
use std::process::{Command, Output};

use pail::testing::demo::server::LocalServer;

use super::{ACCESS_KEY, SECRET_KEY};

pub fn pail(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pail"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("TZ", "UTC")
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PAIL_CONFIG_DIR", home.join("pail-config"));
    command
}

/// `pail` with the local server's keys in the environment and its endpoint on the command line.
pub fn pail_for(server: &LocalServer, home: &Path, args: &[&str]) -> Output {
    let endpoint = server.endpoint_url();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--endpoint-url", &endpoint, "--path-style"]);
    pail(home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args(&full)
        .output()
        .expect("pail runs")
}
