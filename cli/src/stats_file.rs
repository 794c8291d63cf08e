//! `--stats-json PATH`: the figures written whole or not at all, and never over the results.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Where the JSON figures go, checked before the run.
#[derive(Debug)]
pub(crate) struct StatsFile {
    path: PathBuf,
}

impl StatsFile {
    /// Checks, before the run, that `path` can take the figures: it is not the program's stdout (the
    /// figures would overwrite the results), it is a regular file or nothing yet (not a device, a
    /// pipe or a directory), and its directory lets us create a file beside it. Nothing is written
    /// or truncated yet: a run that is refused or interrupted leaves an existing file as it was.
    ///
    /// The error is the reason, for a one-line message.
    pub(crate) fn check(path: &Path) -> Result<StatsFile, String> {
        let stdout = io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map(File::from)
            .and_then(|stdout| stdout.metadata());
        if let (Ok(stdout), Ok(target)) = (stdout, fs::metadata(path)) {
            if (stdout.dev(), stdout.ino()) == (target.dev(), target.ino()) {
                return Err("it is this program's stdout, where the results go".to_owned());
            }
        }
        match fs::symlink_metadata(path) {
            // A symbolic link is replaced by the new file; what it pointed to is left alone.
            Ok(meta) if meta.is_file() || meta.is_symlink() => {}
            Ok(_) => return Err("not a regular file".to_owned()),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err.to_string()),
        }
        let file = StatsFile {
            path: path.to_owned(),
        };
        // A trial of the temporary file, removed at once (dropped): the directory must exist and
        // be writable.
        file.temporary().map_err(|err| reason(&err))?;
        Ok(file)
    }

    /// Writes `json` and a newline to a temporary file beside the target, then renames it over the
    /// target: the target is replaced whole, or left as it was.
    ///
    /// # Errors
    ///
    /// The file could not be written or renamed (the disk is full, say); the temporary file is
    /// removed.
    pub(crate) fn write(&self, json: &str) -> io::Result<()> {
        let mut temporary = self.temporary()?;
        temporary.write_all(json.as_bytes())?;
        temporary.write_all(b"\n")?;
        temporary.as_file().sync_all()?;
        temporary
            .persist(&self.path)
            .map(drop)
            .map_err(|err| err.error)
    }

    /// The path as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A new temporary file in the target's directory (the same file system, so the rename is
    /// atomic), removed when dropped unless persisted. Made as any new file would be (`0666` less
    /// the umask), not `0600`, since it becomes the target.
    fn temporary(&self) -> io::Result<NamedTempFile> {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        tempfile::Builder::new()
            .prefix(".stats")
            .permissions(Permissions::from_mode(0o666))
            .tempfile_in(dir)
    }
}

/// The system's reason for `err`, without the path tempfile adds (` at path "DIR/.statsXXXXXX"`):
/// the message names the target already.
fn reason(err: &io::Error) -> String {
    let text = err.to_string();
    text.split_once(" at path ")
        .map_or(text.clone(), |(reason, _)| reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spinner-stats-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_file_is_replaced_whole_and_nothing_is_left_beside_it() {
        let dir = scratch("whole");
        let path = dir.join("stats.json");
        fs::write(&path, "old").unwrap();
        let file = StatsFile::check(&path).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "old",
            "not touched before the end"
        );
        file.write("{\"frames\":3}").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\"frames\":3}\n");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_symbolic_link_is_replaced_and_its_target_left_alone() {
        let dir = scratch("link");
        let (target, link) = (dir.join("precious"), dir.join("stats.json"));
        fs::write(&target, "keep me").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        StatsFile::check(&link).unwrap().write("{}").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        assert_eq!(fs::read_to_string(&link).unwrap(), "{}\n");
        assert!(!fs::symlink_metadata(&link).unwrap().is_symlink());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn what_cannot_take_the_figures_is_refused_before_the_run() {
        let dir = scratch("refused");
        assert_eq!(
            StatsFile::check(&dir).unwrap_err(),
            "not a regular file",
            "a directory"
        );
        assert_eq!(
            StatsFile::check(Path::new("/dev/full")).unwrap_err(),
            "not a regular file"
        );
        assert!(StatsFile::check(&dir.join("missing/stats.json")).is_err());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = scratch("failed");
        let path = dir.join("stats.json");
        fs::write(&path, "old").unwrap();
        let file = StatsFile::check(&path).unwrap();
        // The directory is gone by the end of the run: the write fails, nothing half-written.
        fs::remove_dir_all(&dir).unwrap();
        assert!(file.write("{}").is_err());
        assert!(!dir.exists());
    }
}
