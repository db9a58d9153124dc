//! What `pail demo-server` prints once it serves: where it is, its keys, and the commands to
//! try — the key variables written as the person's shell takes them (bash on Linux and macOS,
//! PowerShell and cmd on Windows).

use crate::demo::{DEMO_ACCESS_KEY, DEMO_BUCKET, DEMO_SECRET_KEY};

/// Said before the sample data is written: under Wine it takes ~24 s, and a silent terminal
/// reads as a hung one.
pub(crate) const WRITING: &str = "writing the demo's sample data (10,000 small files)…";

/// The text, with `root` the data folder as the person's platform writes it.
pub(crate) fn serving(endpoint: &str, root: &str, windows: bool) -> String {
    let keys = match windows {
        true => format!(
            "  $env:AWS_ACCESS_KEY_ID = \"{DEMO_ACCESS_KEY}\"; $env:AWS_SECRET_ACCESS_KEY = \"{DEMO_SECRET_KEY}\"   (PowerShell)\n  \
             set AWS_ACCESS_KEY_ID={DEMO_ACCESS_KEY}& set AWS_SECRET_ACCESS_KEY={DEMO_SECRET_KEY}   (cmd)\n"
        ),
        false => format!(
            "  export AWS_ACCESS_KEY_ID={DEMO_ACCESS_KEY} AWS_SECRET_ACCESS_KEY={DEMO_SECRET_KEY}\n"
        ),
    };
    format!(
        "Pail demo S3 server (sample data in a temporary folder, removed on exit)\n\
         \n  endpoint     {endpoint}\n  access key   {DEMO_ACCESS_KEY}\n  secret key   {DEMO_SECRET_KEY}\n  \
         region       us-east-1, path-style\n  buckets      pail-demo, backups, website-assets\n  data folder  {root}\n\nTry:\n\
         {keys}  \
         pail presign s3://{DEMO_BUCKET}/README.txt --endpoint-url {endpoint} --path-style\n\n\
         Press Ctrl+C to stop.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_and_macos_keep_the_bash_line() {
        let text = serving("http://127.0.0.1:1", "/tmp/d", false);
        assert!(
            text.contains(
                "\n  export AWS_ACCESS_KEY_ID=pail-demo AWS_SECRET_ACCESS_KEY=pail-demo-secret\n"
            ),
            "{text}"
        );
        assert!(!text.contains("$env:"), "{text}");
        assert!(text.contains("  data folder  /tmp/d\n"), "{text}");
    }

    #[test]
    fn windows_gets_what_powershell_and_cmd_take() {
        let text = serving("http://127.0.0.1:1", r"C:\users\root\Temp\d", true);
        assert!(!text.contains("export "), "{text}");
        assert!(
            text.contains(
                "$env:AWS_ACCESS_KEY_ID = \"pail-demo\"; $env:AWS_SECRET_ACCESS_KEY = \"pail-demo-secret\""
            ),
            "{text}"
        );
        // cmd's `set` takes everything up to the `&` as the value: no space before it.
        assert!(
            text.contains(
                "set AWS_ACCESS_KEY_ID=pail-demo& set AWS_SECRET_ACCESS_KEY=pail-demo-secret "
            ),
            "{text}"
        );
        assert!(
            text.contains(r"  data folder  C:\users\root\Temp\d"),
            "{text}"
        );
    }
}
