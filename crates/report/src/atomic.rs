//! Writing output files atomically: a reader sees the old file or the new one, never half of it.
//!
//! One file: [`write_atomic`] (bytes in memory) or [`AtomicFile`] (streamed, for outputs of
//! hundreds of megabytes). Several files that belong together (a plan's folder, a report with
//! its maps): [`StagedDir`], written into a temporary folder beside the target and swapped into
//! place by [`StagedDir::commit`]. Whatever stops the writer before the commit (an error, a
//! panic, Ctrl-C handled by the binary) drops the staging and leaves the old state whole.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write: {source}", path = .path.display())]
pub struct WriteError {
    /// The file that was to be written.
    pub path: PathBuf,
    /// The underlying I/O error.
    pub source: std::io::Error,
}

/// Writes `contents` to `path` through a temporary file in the same folder, then renames it
/// over `path` (a rename within one file system is atomic on POSIX and on NTFS); on any error
/// the temporary file is removed and `path` is left as it was.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let error = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = folder_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ambit-").suffix(".tmp");
    if let Some(permissions) = output_permissions(path) {
        builder.permissions(permissions);
    }
    let mut tmp = builder.tempfile_in(dir).map_err(error)?;
    tmp.write_all(contents).map_err(error)?;
    tmp.as_file().sync_all().map_err(error)?;
    tmp.persist(path).map_err(|e| error(e.error))?;
    Ok(())
}

/// A file written in pieces through a temporary file beside its target, renamed over the
/// target by [`AtomicFile::commit`]; dropped before that, the temporary file is removed and
/// the target is left as it was.
pub struct AtomicFile {
    path: PathBuf,
    tmp: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `path` (its folder must exist).
    pub fn create(path: &Path) -> Result<Self, WriteError> {
        let error = |source| WriteError {
            path: path.to_path_buf(),
            source,
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".ambit-").suffix(".tmp");
        if let Some(permissions) = output_permissions(path) {
            builder.permissions(permissions);
        }
        let tmp = builder.tempfile_in(folder_of(path)).map_err(error)?;
        Ok(Self {
            path: path.to_path_buf(),
            tmp: std::io::BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    /// The file that [`AtomicFile::commit`] will replace.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the temporary file over the target.
    pub fn commit(self) -> Result<(), WriteError> {
        let path = self.path;
        let error = |source| WriteError {
            path: path.clone(),
            source,
        };
        let tmp = self.tmp.into_inner().map_err(|e| error(e.into_error()))?;
        tmp.as_file().sync_all().map_err(error)?;
        tmp.persist(&path).map_err(|e| error(e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// Writes several files that belong together (a Markdown report and its SVG figures) whole or
/// not at all: each is first written to a temporary file beside it; only when all are written
/// and `proceed` still says yes are they renamed into place, one after the other (renames in
/// one folder do not fail for want of space). On any error the temporary files are removed and
/// every target is left as it was.
pub fn write_files_atomic(
    files: &[(&Path, &[u8])],
    proceed: impl Fn() -> bool,
) -> Result<(), WriteError> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, contents) in files {
        let mut f = AtomicFile::create(path)?;
        f.write_all(contents).map_err(|source| WriteError {
            path: path.to_path_buf(),
            source,
        })?;
        if !proceed() {
            return Err(WriteError {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted"),
            });
        }
        staged.push(f);
    }
    // a folder in a target's place would fail its rename after the others had been done
    for (path, _) in files {
        if path.is_dir() {
            return Err(WriteError {
                path: path.to_path_buf(),
                source: std::io::Error::other("is a folder"),
            });
        }
    }
    for f in staged {
        f.commit()?;
    }
    Ok(())
}

/// The hidden file in which a [`StagedDir`] lists the files it wrote, so that a later output
/// to the same folder knows which entries it may replace.
pub const MANIFEST: &str = ".ambit-output";

/// A multi-file output staged in a temporary folder beside its target folder.
///
/// [`StagedDir::commit`] puts the staged folder in the target's place in one step (on Linux an
/// atomic exchange, `renameat2(RENAME_EXCHANGE)`; elsewhere two renames); the old folder is
/// then removed. Dropped without a commit, the staging is removed and the target is untouched.
/// The target is replaced whole, so a target folder holding entries that no earlier ambit
/// output recorded (in [`MANIFEST`]) is refused before anything is written.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    staging: tempfile::TempDir,
    written: BTreeSet<String>,
    ours: BTreeSet<String>,
}

impl StagedDir {
    /// Starts a staged output for the folder `target` (created, with missing parents, at the
    /// commit; nothing is created before).
    pub fn new(target: &Path) -> Result<Self, WriteError> {
        Self::replacing(target, &[])
    }

    /// As [`StagedDir::new`], also accepting in the target the files named `ours` though no
    /// manifest records them (folders written before outputs kept a manifest).
    pub fn replacing(target: &Path, ours: &[&str]) -> Result<Self, WriteError> {
        let error = |source| WriteError {
            path: target.to_path_buf(),
            source,
        };
        let ours: BTreeSet<String> = ours.iter().map(|n| n.to_string()).collect();
        foreign_entries(target, &ours).map_err(error)?;
        // the nearest existing ancestor, so that the final rename stays on one file system
        let mut base = folder_of(target).to_path_buf();
        while !base.is_dir() {
            match base.parent() {
                Some(p) if !p.as_os_str().is_empty() => base = p.to_path_buf(),
                _ => {
                    base = PathBuf::from(".");
                    break;
                }
            }
        }
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("output");
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.ambit-"))
            .suffix(".tmp")
            .tempdir_in(&base)
            .map_err(error)?;
        Ok(Self {
            target: target.to_path_buf(),
            staging,
            written: BTreeSet::new(),
            ours,
        })
    }

    /// The folder that will be replaced.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The staging folder (for writers that need a path).
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// Writes the file `name` (a plain file name) into the staging folder.
    pub fn write(&mut self, name: &str, contents: &[u8]) -> Result<(), WriteError> {
        let path = self.staging.path().join(name);
        let error = |source| WriteError {
            path: self.target.join(name),
            source,
        };
        std::fs::write(&path, contents).map_err(error)?;
        self.written.insert(name.to_string());
        Ok(())
    }

    /// The names written so far.
    pub fn written(&self) -> impl Iterator<Item = &str> {
        self.written.iter().map(String::as_str)
    }

    /// Puts the staged folder in the target's place and removes the old one.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        let target = self.target.clone();
        let error = |source| WriteError {
            path: target.clone(),
            source,
        };
        let listing: String = self.written.iter().map(|n| format!("{n}\n")).collect();
        std::fs::write(self.staging.path().join(MANIFEST), listing).map_err(error)?;
        set_folder_permissions(self.staging.path()).map_err(error)?;
        sync_folder(self.staging.path());
        if target.exists() {
            let replacing: BTreeSet<String> = self.written.union(&self.ours).cloned().collect();
            foreign_entries(&target, &replacing).map_err(error)?;
            exchange(self.staging.path(), &target).map_err(error)?;
            // the staging path now holds the old folder: dropping the TempDir removes it
            drop(self.staging);
        } else {
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(error)?;
            }
            let staging = self.staging.keep();
            if let Err(e) = std::fs::rename(&staging, &target) {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(error(e));
            }
        }
        sync_folder(folder_of(&target));
        Ok(target)
    }
}

/// Refuses a target that is not a folder, or a folder holding entries that neither an earlier
/// ambit output recorded nor `replacing` names (they would be lost when the folder is replaced).
fn foreign_entries(target: &Path, replacing: &BTreeSet<String>) -> std::io::Result<()> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Err(std::io::Error::other(
            "exists and is not a folder; give a new or empty folder",
        ));
    }
    let recorded: BTreeSet<String> = std::fs::read_to_string(target.join(MANIFEST))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(target)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != MANIFEST && !recorded.contains(&name) && !replacing.contains(&name) {
            foreign.push(name);
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    Err(std::io::Error::other(format!(
        "the folder holds {} that ambit did not write ({}); the output replaces the folder \
         whole, so give a new or empty folder",
        if foreign.len() == 1 {
            "an entry"
        } else {
            "entries"
        },
        foreign.join(", ")
    )))
}

/// Swaps two paths in one atomic step where the system can (Linux `renameat2`), else with two
/// renames (the target is briefly absent, never half-written).
fn exchange(staging: &Path, target: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(staging.as_os_str().as_bytes())?;
        let b = CString::new(target.as_os_str().as_bytes())?;
        // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        // file systems or kernels without RENAME_EXCHANGE fall through to two renames
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(e);
        }
    }
    let mut old = staging.as_os_str().to_owned();
    old.push(".old");
    let old = PathBuf::from(old);
    std::fs::rename(target, &old)?;
    if let Err(e) = std::fs::rename(staging, target) {
        let _ = std::fs::rename(&old, target);
        return Err(e);
    }
    // the old folder goes where the staging was, so that dropping the staging removes it
    std::fs::rename(&old, staging)
}

fn set_folder_permissions(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Best effort: an fsync of a folder makes the renames in it durable; some systems refuse it.
fn sync_folder(path: &Path) {
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.sync_all();
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The permissions the output should get: those of the file it replaces, else (on Unix)
/// `rw-r--r--` filtered by the umask, as a plain `File::create` would give, rather than the
/// owner-only mode of temporary files.
fn output_permissions(path: &Path) -> Option<std::fs::Permissions> {
    if let Ok(meta) = std::fs::metadata(path) {
        return Some(meta.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.svg");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.svg");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_staged_folder_appears_whole_at_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out/plan");
        let mut staged = StagedDir::new(&target).unwrap();
        staged.write("a.csv", b"a").unwrap();
        assert!(!target.exists());
        staged.write("b.csv", b"b").unwrap();
        staged.commit().unwrap();
        assert_eq!(listing(&target), [MANIFEST, "a.csv", "b.csv"]);
        assert_eq!(listing(dir.path()), ["out"]);
        assert_eq!(listing(&dir.path().join("out")), ["plan"]);
    }

    #[test]
    fn a_dropped_staging_leaves_the_old_folder_whole_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("plan");
        let mut first = StagedDir::new(&target).unwrap();
        first.write("a.csv", b"old a").unwrap();
        first.write("b.csv", b"old b").unwrap();
        first.commit().unwrap();
        let mut second = StagedDir::new(&target).unwrap();
        second.write("a.csv", b"new a").unwrap();
        drop(second);
        assert_eq!(std::fs::read(target.join("a.csv")).unwrap(), b"old a");
        assert_eq!(std::fs::read(target.join("b.csv")).unwrap(), b"old b");
        assert_eq!(listing(dir.path()), ["plan"]);
    }

    #[test]
    fn a_commit_replaces_the_old_outputs_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("plan");
        let mut first = StagedDir::new(&target).unwrap();
        first.write("diff.csv", b"old").unwrap();
        first.write("a.csv", b"old").unwrap();
        first.commit().unwrap();
        let mut second = StagedDir::new(&target).unwrap();
        second.write("a.csv", b"new").unwrap();
        second.commit().unwrap();
        assert_eq!(listing(&target), [MANIFEST, "a.csv"]);
        assert_eq!(std::fs::read(target.join("a.csv")).unwrap(), b"new");
        assert_eq!(listing(dir.path()), ["plan"]);
    }

    #[test]
    fn a_folder_with_foreign_files_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("mine");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("thesis.docx"), b"precious").unwrap();
        let err = StagedDir::new(&target).unwrap_err().to_string();
        assert!(err.contains("thesis.docx") && err.contains("mine"), "{err}");
        assert_eq!(listing(dir.path()), ["mine"]);
        assert_eq!(listing(&target), ["thesis.docx"]);
    }

    #[test]
    fn a_folder_of_our_files_without_a_manifest_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("old-plan");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("plan.json"), b"{}").unwrap();
        std::fs::write(target.join("diff.csv"), b"old").unwrap();
        assert!(StagedDir::new(&target).is_err());
        let mut staged = StagedDir::replacing(&target, &["plan.json", "diff.csv"]).unwrap();
        staged.write("plan.json", b"{\"new\": 1}").unwrap();
        staged.commit().unwrap();
        assert_eq!(listing(&target), [MANIFEST, "plan.json"]);
    }

    #[test]
    fn an_empty_folder_is_a_fine_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("empty");
        std::fs::create_dir(&target).unwrap();
        let mut staged = StagedDir::new(&target).unwrap();
        staged.write("x", b"x").unwrap();
        staged.commit().unwrap();
        assert_eq!(listing(&target), [MANIFEST, "x"]);
    }

    #[test]
    fn a_streamed_file_appears_only_at_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        std::fs::write(&path, b"old").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"new rows").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(listing(dir.path()), ["big.csv"]);
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"new rows").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new rows");
        assert_eq!(listing(dir.path()), ["big.csv"]);
    }

    #[test]
    fn a_file_set_failing_midway_writes_none_of_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let md = dir.path().join("report.md");
        let svg = dir.path().join("report-map.svg");
        std::fs::write(&md, b"old md").unwrap();
        // the second file's folder does not exist: the first is not written either
        let bad = dir.path().join("missing/fig.svg");
        let err = write_files_atomic(&[(&svg, b"<svg/>"), (&bad, b"x"), (&md, b"new")], || true);
        assert!(err.unwrap_err().to_string().contains("fig.svg"));
        assert_eq!(listing(dir.path()), ["report.md"]);
        assert_eq!(std::fs::read(&md).unwrap(), b"old md");
        // interrupted after the first file: nothing either
        let calls = std::cell::Cell::new(0);
        let err = write_files_atomic(&[(&svg, b"<svg/>"), (&md, b"new")], || {
            calls.set(calls.get() + 1);
            calls.get() < 2
        });
        assert!(err.is_err());
        assert_eq!(listing(dir.path()), ["report.md"]);
        write_files_atomic(&[(&svg, b"<svg/>"), (&md, b"new")], || true).unwrap();
        assert_eq!(listing(dir.path()), ["report-map.svg", "report.md"]);
        assert_eq!(std::fs::read(&md).unwrap(), b"new");
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/folder/out.svg");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert!(err.to_string().contains("out.svg"), "{err}");
        assert!(!path.exists());
    }
}
