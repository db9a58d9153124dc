//! A `credential_process` for AWS config files that prints fixed credentials, written as the
//! platform runs one: the SDK starts it through `sh -c` on Unix and `cmd.exe /C` on Windows,
//! where a `#!/bin/sh` script is no command at all.

use std::path::{Path, PathBuf};

/// Writes into `dir` a script named `stem` that prints `json` (one line, without `<>|&^%`,
/// which `cmd` would read) and returns its path, to put after `credential_process =`.
pub fn credential_script(dir: &Path, stem: &str, json: &str) -> PathBuf {
    assert!(
        !json.contains(['\n', '<', '>', '|', '&', '^', '%', '\'']),
        "{json}"
    );
    if cfg!(windows) {
        let script = dir.join(format!("{stem}.cmd"));
        std::fs::write(&script, format!("@echo {json}\r\n")).unwrap();
        script
    } else {
        let script = dir.join(format!("{stem}.sh"));
        std::fs::write(&script, format!("#!/bin/sh\necho '{json}'\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        script
    }
}
