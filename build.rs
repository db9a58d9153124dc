//! Build script: on Windows, puts Pail's icon and version information into `pail.exe`, so
//! Explorer, the taskbar and the Start menu show the icon. On x86_64 Linux, asks the linker to
//! lay out first the functions Pail runs from its start until idle (`link/startup-order.txt`).

use std::path::Path;

fn main() {
    order_startup_code();
    windows_icon();
}

fn windows_icon() {
    println!("cargo::rerun-if-changed=assets/icons/pail.ico");
    // The target's OS, not the build machine's: this script runs on the build machine.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource.set_icon("assets/icons/pail.ico");
    if let Err(e) = resource.compile() {
        // A missing resource compiler is worth a warning, not a failed build.
        println!("cargo::warning=the icon was not embedded: {e}");
    }
}

/// The kernel maps a program's code 64 KB around each page it runs, so the few thousand
/// functions run at start, scattered through 30 MB of code, kept most of it resident; laid out
/// together they fill a few MB. Only where the option is known to be understood: rustc's own
/// lld, the default linker for x86_64 Linux since Rust 1.90, with no linker chosen instead.
/// Names the binary does not have (another toolchain, another profile) are passed over.
fn order_startup_code() {
    const ORDER: &str = "link/startup-order.txt";
    println!("cargo::rerun-if-changed={ORDER}");
    println!("cargo::rerun-if-env-changed=PAIL_NO_STARTUP_ORDER");
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let chosen_linker = !env("RUSTC_LINKER").is_empty()
        || env("CARGO_ENCODED_RUSTFLAGS")
            .split('\x1f')
            .any(|flag| flag.contains("linker") || flag.contains("link-self-contained"));
    if env("TARGET") != "x86_64-unknown-linux-gnu"
        || chosen_linker
        || std::env::var_os("PAIL_NO_STARTUP_ORDER").is_some()
        || !rustc_links_with_lld()
    {
        return;
    }
    let path = Path::new(&env("CARGO_MANIFEST_DIR")).join(ORDER);
    let Some(path) = path.to_str() else {
        return;
    };
    // `-Wl,` splits its argument at commas.
    if !Path::new(path).is_file() || path.contains(',') {
        return;
    }
    println!("cargo::rustc-link-arg-bin=pail=-Wl,--symbol-ordering-file={path}");
    // Names of another toolchain's build are expected, not worth a warning each.
    println!("cargo::rustc-link-arg-bin=pail=-Wl,--no-warn-symbol-ordering");
}

/// rustc 1.90 or later (`rustc 1.95.0 (…)`), which links x86_64 Linux programs with its lld.
fn rustc_links_with_lld() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(output) = std::process::Command::new(rustc).arg("-V").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let mut numbers = text
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .split(['.', '-'])
        .map(|n| n.parse::<u32>().ok());
    matches!(
        (numbers.next().flatten(), numbers.next().flatten()),
        (Some(major), Some(minor)) if (major, minor) >= (1, 90)
    )
}
