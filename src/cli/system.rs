//! Commands that fit Pail into the system rather than talk to S3: `pail install-desktop` and
//! `pail uninstall-desktop` (the Linux menu entry and icons, per person), `pail completions`
//! (for bash, zsh, fish, PowerShell and elvish) and `pail man` (the manual page, roff), both
//! generated from the command-line definitions so they never drift from them.

use std::io::Write as _;

use clap::{Args, CommandFactory, ValueEnum};

use super::{Cli, CliError};
use crate::desktop::DesktopError;

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write every page (pail.1, pail-presign.1, …) into this folder instead of printing
    /// pail.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl From<Shell> for clap_complete::Shell {
    fn from(shell: Shell) -> Self {
        match shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
}

/// The completion script for `shell`.
pub(crate) fn completions(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(
        clap_complete::Shell::from(shell),
        &mut Cli::command(),
        "pail",
        &mut script,
    );
    script
}

/// The manual page, `pail(1)`, in roff; the subcommands are listed with their summaries and
/// have pages of their own (`pail-presign(1)`, …).
pub(crate) fn man_page() -> Result<Vec<u8>, CliError> {
    let mut page = Vec::new();
    // As in the pages of `--out-dir`, which have no page for `help`.
    clap_mangen::Man::new(Cli::command().disable_help_subcommand(true))
        .render(&mut page)
        .map_err(|e| CliError::Output(e.to_string()))?;
    Ok(page)
}

/// `pail man`: `pail.1` on stdout, or every page into `--out-dir`.
pub(crate) fn man(args: ManArgs) -> Result<(), CliError> {
    match args.out_dir {
        None => print(&man_page()?),
        Some(dir) => std::fs::create_dir_all(&dir)
            .and_then(|()| clap_mangen::generate_to(Cli::command(), &dir))
            .map_err(|e| CliError::Output(format!("{}: {e}", crate::fmt::path_text(&dir)))),
    }
}

/// Writes `bytes` to stdout.
pub(crate) fn print(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Output(e.to_string()))
}

/// `pail install-desktop`: the menu entry and icons for this person, starting this program.
pub(crate) fn install_desktop() -> Result<(), CliError> {
    if !cfg!(target_os = "linux") {
        return Err(CliError::Usage(
            "install-desktop is for Linux desktops; on macOS and Windows the installer adds Pail \
             to the system"
                .into(),
        ));
    }
    let exe = std::env::current_exe().map_err(|e| DesktopError::Io {
        path: "this program".into(),
        reason: e.to_string(),
    })?;
    let data = crate::desktop::data_folder()?;
    let written = crate::desktop::install(&data, &exe)?;
    for path in &written {
        println!("wrote {}", path.display());
    }
    println!("Pail is in the applications menu; `pail uninstall-desktop` takes it out again.");
    Ok(())
}

/// `pail uninstall-desktop`: removes what `install-desktop` wrote, and nothing else.
pub(crate) fn uninstall_desktop() -> Result<(), CliError> {
    let data = crate::desktop::data_folder()?;
    let removed = crate::desktop::uninstall(&data)?;
    if removed.is_empty() {
        println!(
            "nothing to remove: no menu entry of Pail's under {}",
            data.display()
        );
    }
    for path in &removed {
        println!("removed {}", path.display());
    }
    Ok(())
}

/// On Windows, where `pail.exe` is a GUI program and so starts without a console: attaches to
/// the console of the terminal it was started from, if any, so what the commands print shows
/// there. Output already redirected to a file or pipe keeps going there. Elsewhere, nothing.
pub(crate) fn attach_to_terminal() {
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
        // SAFETY: AttachConsole takes a process id and touches no memory of ours; it fails
        // harmlessly when there is no parent console (started from Explorer).
        unsafe {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}
