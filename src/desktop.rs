//! Pail as a citizen of the Linux desktop: its application entry (`pail.desktop`, with a
//! "Try with sample data" action) and its icons in the hicolor theme, installed for one person
//! under the XDG data folder (`~/.local/share`, no root needed) and removed again. The window
//! sets the same application id, so the dock shows Pail's icon for it.

use std::path::{Path, PathBuf};

/// The application id: the window's (Wayland app id, X11 WM_CLASS) and the entry's file name.
pub(crate) const APP_ID: &str = "pail";

/// The icons, by size in pixels, as installed into `icons/hicolor/<size>x<size>/apps/`.
const ICONS: &[(u32, &[u8])] = &[
    (16, include_bytes!("../assets/icons/pail-16.png")),
    (24, include_bytes!("../assets/icons/pail-24.png")),
    (32, include_bytes!("../assets/icons/pail-32.png")),
    (48, include_bytes!("../assets/icons/pail-48.png")),
    (64, include_bytes!("../assets/icons/pail-64.png")),
    (128, include_bytes!("../assets/icons/pail-128.png")),
    (256, include_bytes!("../assets/icons/pail-256.png")),
];
const SCALABLE_ICON: &[u8] = include_bytes!("../assets/icon.svg");

/// Why the entry could not be installed or removed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DesktopError {
    #[error("{}: {reason}", path.display())]
    Io { path: PathBuf, reason: String },
    #[error("no home folder to install into (set XDG_DATA_HOME or HOME)")]
    NoDataFolder,
    #[error("`{}` is not valid UTF-8, which a desktop entry cannot hold", .0.display())]
    NotUtf8(PathBuf),
}

/// The per-person data folder entries and icons go to: `$XDG_DATA_HOME`, or
/// `~/.local/share`.
pub(crate) fn data_folder() -> Result<PathBuf, DesktopError> {
    directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or(DesktopError::NoDataFolder)
}

/// Every file [`install`] writes under `data`, entry first.
pub(crate) fn installed_paths(data: &Path) -> Vec<PathBuf> {
    let icons = data.join("icons/hicolor");
    let mut paths = vec![data.join(format!("applications/{APP_ID}.desktop"))];
    paths.extend(
        ICONS
            .iter()
            .map(|(size, _)| icons.join(format!("{size}x{size}/apps/{APP_ID}.png"))),
    );
    paths.push(icons.join(format!("scalable/apps/{APP_ID}.svg")));
    paths
}

/// Writes the entry (starting `exe`) and the icons under `data`, each file atomically; the
/// paths written.
pub(crate) fn install(data: &Path, exe: &Path) -> Result<Vec<PathBuf>, DesktopError> {
    let entry = desktop_entry(exe)?;
    let paths = installed_paths(data);
    let contents = std::iter::once(entry.as_bytes())
        .chain(ICONS.iter().map(|(_, png)| *png))
        .chain(std::iter::once(SCALABLE_ICON));
    for (path, bytes) in paths.iter().zip(contents) {
        crate::storage::private_file::write_atomic(path, bytes, 0o644).map_err(|e| {
            DesktopError::Io {
                path: path.clone(),
                reason: e.to_string(),
            }
        })?;
    }
    Ok(paths)
}

/// Removes what [`install`] wrote under `data` (and nothing else); the paths removed.
pub(crate) fn uninstall(data: &Path) -> Result<Vec<PathBuf>, DesktopError> {
    let mut removed = Vec::new();
    for path in installed_paths(data) {
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(DesktopError::Io {
                    path,
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(removed)
}

/// The entry the release archives carry (`assets/pail.desktop`), for packagers and for copying
/// by hand: it starts `pail` from the `PATH`, where the installers put it. (The file is
/// written by hand; a test holds it to what Pail would write.)
#[cfg(test)]
fn packaged_entry() -> String {
    // "pail" is plain UTF-8 without reserved characters: this cannot fail.
    desktop_entry(Path::new("pail")).unwrap_or_default()
}

/// The `.desktop` entry for the program at `exe`.
pub(crate) fn desktop_entry(exe: &Path) -> Result<String, DesktopError> {
    let exec = exec_argument(exe)?;
    Ok(format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Version=1.4\n\
         Name=Pail\n\
         GenericName=S3 Explorer\n\
         Comment=Browse S3 buckets and share files as pre-signed links\n\
         Exec={exec}\n\
         Icon={APP_ID}\n\
         Terminal=false\n\
         Categories=Network;FileTransfer;\n\
         Keywords=S3;bucket;share;link;upload;cloud;storage;\n\
         StartupNotify=true\n\
         StartupWMClass={APP_ID}\n\
         Actions=demo;\n\
         \n\
         [Desktop Action demo]\n\
         Name=Try with sample data\n\
         Exec={exec} --demo\n"
    ))
}

/// `exe` as one argument of an `Exec` key (Desktop Entry Specification, "The Exec key"):
/// quoted when it holds a reserved character, with `"`, `` ` ``, `$` and `\` escaped inside
/// the quotes, and `%` doubled (a lone `%` starts a field code). Every backslash is then
/// doubled once more, as the key's value is itself a string with escapes.
pub(crate) fn exec_argument(exe: &Path) -> Result<String, DesktopError> {
    let text = exe
        .to_str()
        .ok_or_else(|| DesktopError::NotUtf8(exe.to_owned()))?;
    if text.chars().any(|c| c.is_control()) {
        // A newline would end the key; nothing in the specification escapes it.
        return Err(DesktopError::Io {
            path: exe.to_owned(),
            reason: "the path holds a control character, which a desktop entry cannot".into(),
        });
    }
    const RESERVED: &[char] = &[
        ' ', '\t', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(', ')',
        '`', '=',
    ];
    let escaped_percent = text.replace('%', "%%");
    let argument = if text.contains(RESERVED) {
        let mut quoted = String::from("\"");
        for c in escaped_percent.chars() {
            if matches!(c, '"' | '`' | '$' | '\\') {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        quoted
    } else {
        escaped_percent
    };
    Ok(argument.replace('\\', "\\\\"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_path_goes_as_it_is() {
        let exec = exec_argument(Path::new("/home/ana/.cargo/bin/pail")).unwrap();
        assert_eq!(exec, "/home/ana/.cargo/bin/pail");
    }

    #[test]
    fn awkward_paths_are_quoted_and_escaped_as_the_specification_says() {
        let cases = [
            ("/opt/my apps/pail", r#""/opt/my apps/pail""#),
            ("/opt/100%/pail", "/opt/100%%/pail"),
            ("/opt/$(rm -rf ~)/pail", r#""/opt/\\$(rm -rf ~)/pail""#),
            (r#"/opt/say "hi"/pail"#, r#""/opt/say \\"hi\\"/pail""#),
            (r"/opt/back\slash/pail", r#""/opt/back\\\\slash/pail""#),
            ("/opt/`tick`/pail", r#""/opt/\\`tick\\`/pail""#),
        ];
        for (path, expected) in cases {
            assert_eq!(exec_argument(Path::new(path)).unwrap(), expected, "{path}");
        }
        assert!(exec_argument(Path::new("/opt/new\nline/pail")).is_err());
    }

    #[test]
    fn install_writes_the_entry_and_every_icon_and_uninstall_takes_only_those() {
        let data = tempfile::tempdir().unwrap();
        let neighbour = data.path().join("applications/other.desktop");
        std::fs::create_dir_all(neighbour.parent().unwrap()).unwrap();
        std::fs::write(&neighbour, b"[Desktop Entry]\n").unwrap();

        let written = install(data.path(), Path::new("/opt/my apps/pail")).unwrap();
        assert_eq!(written.len(), 9);
        let entry = std::fs::read_to_string(&written[0]).unwrap();
        assert!(entry.contains("Exec=\"/opt/my apps/pail\"\n"), "{entry}");
        assert!(entry.contains("Exec=\"/opt/my apps/pail\" --demo\n"));
        assert!(entry.contains("StartupWMClass=pail\n"));
        let icon = data.path().join("icons/hicolor/48x48/apps/pail.png");
        assert_eq!(std::fs::read(&icon).unwrap(), ICONS[3].1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&written[0]).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        // Twice is the same as once.
        assert_eq!(
            install(data.path(), Path::new("/opt/my apps/pail")).unwrap(),
            written
        );

        let removed = uninstall(data.path()).unwrap();
        assert_eq!(removed, written);
        assert!(written.iter().all(|p| !p.exists()));
        assert!(neighbour.exists(), "another application's entry stays");
        assert!(
            uninstall(data.path()).unwrap().is_empty(),
            "nothing left to remove"
        );
    }

    #[test]
    fn the_shipped_entry_is_the_one_pail_writes_for_a_pail_on_the_path() {
        let shipped = include_str!("../assets/pail.desktop");
        assert_eq!(shipped, packaged_entry());
    }

    #[test]
    fn every_icon_is_the_size_it_says() {
        for (size, png) in ICONS {
            let decoder = png::Decoder::new(std::io::Cursor::new(*png));
            let info = decoder.read_info().unwrap();
            assert_eq!((info.info().width, info.info().height), (*size, *size));
        }
    }
}
