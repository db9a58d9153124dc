//! Build script: on Windows, puts Pail's icon and version information into `pail.exe`, so
//! Explorer, the taskbar and the Start menu show the icon.

fn main() {
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
