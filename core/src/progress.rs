//! The state file: non-secret progress, saved atomically on every change.
//!
//! The file holds what the admin typed or ticked that is not a credential
//! (domain, display name, region, port, checklist, Client ID, the result of
//! the verification login) and flags saying whether the invite code and the
//! Client Secret are in the keychain. Secrets themselves are never here:
//! [`SavedState`] has no field that could hold one, and [`crate::Secret`]
//! cannot be serialised.
//!
//! Writing goes through a temporary file in the same directory, which is
//! flushed to disk and then renamed over the old file, so a crash or a full
//! disk leaves either the old or the new file, never half of one. A file that
//! cannot be used (damaged, or written by a newer version) is moved aside and
//! kept, and the assistant starts fresh.
//!
//! The file is read as untrusted input: anything could have written it. It
//! is read only up to [`MAX_STATE_FILE_BYTES`], and every value in it must
//! pass the check the window applies when the admin enters it (the domain
//! becomes part of addresses, keychain item names and file names); a file
//! with any other value counts as damaged. Times are kept only between 1970
//! and 2100, in UTC, so no later arithmetic on them can overflow. Temporary
//! files left by a save that a crash interrupted are removed on load.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};
use ts_rs::TS;

use crate::endpoints::{check_transport, Region, DEFAULT_LOOPBACK_PORT};
use crate::error::{AppError, ErrorKind};
use crate::fields::{
    check_loopback_port, is_stored_client_id, validate_display_name, validate_domain,
};
use crate::liveness::ProbeOutcome;
use crate::login::CheckResult;
use crate::paths;
use crate::step::StepId;

/// The file's name inside the configuration directory.
pub const STATE_FILE_NAME: &str = "state.json";

/// The format this version writes and reads. Raise it when a change would
/// make older versions misread the file; adding an optional field does not.
pub const FORMAT_VERSION: u32 = 1;

/// The largest state file the assistant reads. It writes a few KiB; a file
/// this large is not one of its own.
pub const MAX_STATE_FILE_BYTES: u64 = 1024 * 1024;

/// The temporary file a save writes before renaming it over the state file
/// is named `<TEMP_PREFIX>random<TEMP_SUFFIX>`.
const TEMP_PREFIX: &str = ".state-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file older than this is left over from a save that did not
/// finish. Younger ones may be another process's save in progress (the
/// terminal command can run beside the window); a save takes milliseconds.
const STALE_TEMP_AFTER: Duration = Duration::from_secs(10);

/// The latest time a state file may hold: 2100-01-01T00:00:00Z. Times before
/// 1970 are refused too. The assistant only records times of its own use.
const LATEST_SANE_TIME: i64 = 4_102_444_800;

/// The lines of step 2's checklist the admin ticks off while filling
/// JumpCloud's form (their words are in step 2's module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChecklistItem {
    /// Added the Custom OIDC App, labelled it and saved it.
    CreateApp,
    RedirectUris,
    ClientAuthentication,
    LoginUrl,
    AttributeMapping,
    UserGroups,
    Activate,
}

impl ChecklistItem {
    pub const ALL: [ChecklistItem; 7] = [
        Self::CreateApp,
        Self::RedirectUris,
        Self::ClientAuthentication,
        Self::LoginUrl,
        Self::AttributeMapping,
        Self::UserGroups,
        Self::Activate,
    ];
}

/// The lines of step 4's checklist (their words are in
/// step 4's module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccessItem {
    /// Picked (or created) the user group that should use ConductorOne.
    PickGroup,
    /// Opened the group's Applications tab and ticked ConductorOne.
    TickApplication,
    /// Saved the group.
    SaveGroup,
    /// Removed the assistant's loopback redirect URI from the JumpCloud app (optional).
    RemoveLoopbackRedirect,
}

impl AccessItem {
    /// Every item, in the order the admin does them.
    pub const ALL: [AccessItem; 4] = [
        Self::PickGroup,
        Self::TickApplication,
        Self::SaveGroup,
        Self::RemoveLoopbackRedirect,
    ];
}

/// How the verification login of step 3 ended, as far as it is worth keeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "result", rename_all = "snake_case")]
#[ts(export)]
pub enum VerificationOutcome {
    /// JumpCloud signed the admin in; `email` is the address it returned.
    Passed {
        email: String,
        #[serde(default)]
        #[ts(optional)]
        email_verified: Option<bool>,
        /// What the login proved, for the summary and the setup report.
        #[serde(default)]
        checks: Vec<CheckResult>,
    },
    /// The login failed with this kind of error.
    Failed { kind: ErrorKind },
}

/// The last verification login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerificationRecord {
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub at: OffsetDateTime,
    /// The issuer the login ran against, exactly.
    pub issuer: String,
    /// The Client ID the login used: a result only counts for that app.
    pub client_id: String,
    pub outcome: VerificationOutcome,
}

/// Where ConductorOne's signup stands. It spans two pages: page 1 (domain,
/// display name, invite code) at the end of step 1, which opens page 2
/// ("Setting up JumpCloud to work with ConductorOne"); page 2 takes the
/// Client ID and secret once step 3's test sign-in passed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Signup {
    /// How the instance's address answered before the signup (step 1), so
    /// that "live" can be told from an answer it gives anyway.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<ProbeOutcome>,
    /// When the admin opened ConductorOne's signup page from the assistant.
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub opened_at: Option<OffsetDateTime>,
    /// When the admin confirmed seeing page 2 after page 1.
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub setup_page_seen_at: Option<OffsetDateTime>,
    /// When the admin said they entered the Client ID and secret on page 2
    /// and signed in (step 3, after the test sign-in passed).
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub submitted_at: Option<OffsetDateTime>,
    /// When the instance's address first answered as the new instance.
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub instance_live_at: Option<OffsetDateTime>,
}

/// The non-secret progress. Fields missing from an older file take their
/// defaults; fields this version does not know are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SavedState {
    pub format_version: u32,
    pub current_step: StepId,
    /// The validated domain (a DNS label), or empty before step 1.
    pub domain: String,
    pub display_name: String,
    pub region: Region,
    pub loopback_port: u16,
    /// The step 2 checklist lines the admin ticked. Ids this version does not
    /// know are dropped when reading (see [`parse`]).
    pub checklist: BTreeSet<ChecklistItem>,
    /// JumpCloud's Client ID (not a secret).
    pub client_id: Option<String>,
    pub verification: Option<VerificationRecord>,
    /// Whether the invite code is in the keychain.
    pub invite_code_stored: bool,
    /// Whether the Client Secret is in the keychain.
    pub client_secret_stored: bool,
    /// ConductorOne's signup: page 1 at the end of step 1, page 2 at the end of step 3.
    pub signup: Signup,
    /// Step 4's ticked sub-steps.
    pub access_checklist: BTreeSet<AccessItem>,
    /// When the admin closed the welcome (it shows before step 1 until then).
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub welcome_seen_at: Option<OffsetDateTime>,
    /// When the admin finished step 4 (the done screen shows from then on).
    #[serde(with = "time::serde::rfc3339::option")]
    #[ts(type = "string | null")]
    pub finished_at: Option<OffsetDateTime>,
    /// When the file was last written.
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub updated_at: OffsetDateTime,
}

impl Default for SavedState {
    fn default() -> Self {
        Self {
            format_version: FORMAT_VERSION,
            current_step: StepId::Instance,
            domain: String::new(),
            display_name: String::new(),
            region: Region::default(),
            loopback_port: DEFAULT_LOOPBACK_PORT,
            checklist: BTreeSet::new(),
            client_id: None,
            verification: None,
            invite_code_stored: false,
            client_secret_stored: false,
            signup: Signup::default(),
            access_checklist: BTreeSet::new(),
            welcome_seen_at: None,
            finished_at: None,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }
}

impl SavedState {
    /// A fresh start, stamped now.
    pub fn new() -> Self {
        Self {
            updated_at: OffsetDateTime::now_utc(),
            ..Self::default()
        }
    }
}

/// What [`StateStore::load`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum LoadOutcome {
    /// No saved progress: start at step 1.
    Fresh,
    /// Saved progress to resume from.
    Resumed { state: Box<SavedState> },
    /// The file could not be used; the assistant starts fresh.
    Reset {
        /// Where the old file was kept, if moving it aside worked.
        #[ts(optional, type = "string")]
        #[serde(skip_serializing_if = "Option::is_none")]
        moved_to: Option<PathBuf>,
        /// One sentence for the admin.
        reason: String,
    },
}

/// Why a file was set aside.
enum Unusable {
    Unreadable(io::Error),
    TooLarge,
    Damaged(String),
    Newer(u64),
}

/// Reads and writes the state file in one directory.
#[derive(Debug, Clone)]
pub struct StateStore {
    dir: PathBuf,
}

impl StateStore {
    /// A store in `dir`; the directory is created on the first save.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// A store in the platform's configuration directory.
    pub fn in_config_dir() -> Result<Self, AppError> {
        paths::config_dir().map(Self::new).ok_or_else(|| {
            AppError::new(
                ErrorKind::StateWriteFailed,
                "The assistant can't find your user's settings folder, so it can't remember your progress.",
                "Check that your home folder exists and is set for your user account, then relaunch the assistant.",
            )
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The state file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(STATE_FILE_NAME)
    }

    /// Reads the saved progress. A file that can't be used is moved aside
    /// (kept, never deleted) and the outcome says so in one sentence.
    pub fn load(&self) -> LoadOutcome {
        self.remove_stale_temp_files();
        let path = self.path();
        let problem = match read_limited(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return LoadOutcome::Fresh,
            Err(e) => Unusable::Unreadable(e),
            Ok(None) => Unusable::TooLarge,
            Ok(Some(bytes)) => match parse(&bytes) {
                Ok(state) => {
                    return LoadOutcome::Resumed {
                        state: Box::new(state),
                    }
                }
                Err(problem) => problem,
            },
        };
        let (tag, what) = match &problem {
            Unusable::Unreadable(_) => ("unreadable".to_owned(), "could not be read".to_owned()),
            Unusable::TooLarge => (
                "too-large".to_owned(),
                format!(
                    "was too large to be the assistant's (over {} MiB)",
                    MAX_STATE_FILE_BYTES / (1024 * 1024)
                ),
            ),
            Unusable::Damaged(_) => ("corrupt".to_owned(), "was damaged".to_owned()),
            Unusable::Newer(v) => (
                format!("v{v}"),
                "was saved by a newer version of the assistant".to_owned(),
            ),
        };
        let detail = match &problem {
            Unusable::Unreadable(e) => e.to_string(),
            Unusable::TooLarge => format!("larger than {MAX_STATE_FILE_BYTES} bytes"),
            Unusable::Damaged(e) => e.clone(),
            Unusable::Newer(v) => format!("format {v}, this version reads up to {FORMAT_VERSION}"),
        };
        match self.move_aside(&path, &tag) {
            Ok(moved_to) => {
                tracing::warn!(
                    file = %path.display(),
                    kept_as = %moved_to.display(),
                    %detail,
                    "saved progress set aside; starting fresh"
                );
                let reason = format!(
                    "Your saved progress {what}, so the assistant is starting over; the old file is kept as {}.",
                    moved_to.display()
                );
                LoadOutcome::Reset {
                    moved_to: Some(moved_to),
                    reason,
                }
            }
            Err(e) => {
                tracing::warn!(
                    file = %path.display(),
                    %detail,
                    error = %e,
                    "saved progress could not be used or moved aside; starting fresh"
                );
                let reason = format!(
                    "Your saved progress {what} and could not be moved aside ({e}), so the assistant is starting over and will replace {} when it next saves.",
                    path.display()
                );
                LoadOutcome::Reset {
                    moved_to: None,
                    reason,
                }
            }
        }
    }

    /// Removes the temporary files of saves that a crash or a power cut
    /// interrupted. Failing to remove one only leaves it there.
    fn remove_stale_temp_files(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let ours = name
                .to_str()
                .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX));
            // Not following links: only a plain file of ours is removed.
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            // A time in the future or none at all: not a save in progress.
            let stale = meta.modified().map_or(true, |at| {
                at.elapsed().map_or(true, |age| age >= STALE_TEMP_AFTER)
            });
            if !(ours && meta.is_file() && stale) {
                continue;
            }
            match fs::remove_file(entry.path()) {
                Ok(()) => tracing::info!(
                    file = %entry.path().display(),
                    "removed the temporary file of an interrupted save"
                ),
                Err(e) => tracing::warn!(
                    file = %entry.path().display(),
                    error = %e,
                    "the temporary file of an interrupted save could not be removed"
                ),
            }
        }
    }

    /// Renames the file to `state.json.<tag>-<UTC timestamp>` beside it,
    /// adding a counter if that name is taken.
    fn move_aside(&self, path: &Path, tag: &str) -> io::Result<PathBuf> {
        let now = OffsetDateTime::now_utc();
        let stamp = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let base = format!("{STATE_FILE_NAME}.{tag}-{stamp}");
        for n in 0..1000 {
            let name = if n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let target = self.dir.join(name);
            if target.exists() {
                continue;
            }
            fs::rename(path, &target)?;
            return Ok(target);
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "too many set-aside files with the same time stamp",
        ))
    }

    /// Saves the progress atomically, creating the directory if needed. The
    /// file is stamped with the current format version and time.
    pub fn save(&self, state: &SavedState) -> Result<(), AppError> {
        self.save_with(state, Write::write_all)
    }

    /// [`Self::save`] with the step that writes the bytes into the temporary
    /// file passed in, so tests can make it fail half way.
    fn save_with(
        &self,
        state: &SavedState,
        write: impl FnOnce(&mut fs::File, &[u8]) -> io::Result<()>,
    ) -> Result<(), AppError> {
        let mut stamped = state.clone();
        stamped.format_version = FORMAT_VERSION;
        stamped.updated_at = OffsetDateTime::now_utc();
        let mut bytes = serde_json::to_vec_pretty(&stamped).map_err(|e| {
            AppError::internal("The progress could not be prepared for saving.")
                .with_detail(e.to_string())
        })?;
        bytes.push(b'\n');

        fs::create_dir_all(&self.dir).map_err(|e| self.write_failed(&e))?;
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&self.dir)
            .map_err(|e| self.write_failed(&e))?;
        // On any error below, dropping `temp` deletes the temporary file and
        // the old state file is untouched.
        write(temp.as_file_mut(), &bytes).map_err(|e| self.write_failed(&e))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| self.write_failed(&e))?;
        crash_before_rename_if_armed();
        temp.persist(self.path())
            .map_err(|e| self.write_failed(&e.error))?;
        sync_dir(&self.dir).map_err(|e| self.write_failed(&e))?;
        Ok(())
    }

    /// Deletes the saved progress ("Start over"). Deleting a file that is
    /// not there is not an error.
    pub fn clear(&self) -> Result<(), AppError> {
        match fs::remove_file(self.path()) {
            Ok(()) => {
                sync_dir(&self.dir).map_err(|e| self.write_failed(&e))?;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(AppError::new(
                ErrorKind::StateWriteFailed,
                format!("The assistant could not delete your saved progress in {}.", self.dir.display()),
                format!(
                    "Check that your user account may change files in {}, or delete {STATE_FILE_NAME} there yourself.",
                    self.dir.display()
                ),
            )
            .with_detail(e.to_string())),
        }
    }

    fn write_failed(&self, e: &io::Error) -> AppError {
        AppError::new(
            ErrorKind::StateWriteFailed,
            format!("The assistant could not save your progress in {}.", self.dir.display()),
            format!(
                "Check that the disk is not full and that your user account may write to {}. You can keep going; only resuming after a restart is affected.",
                self.dir.display()
            ),
        )
        .with_detail(e.to_string())
    }
}

/// Reads the file at `path`, or `None` when it is larger than
/// [`MAX_STATE_FILE_BYTES`]. Only a regular file is read: a device or a pipe
/// could never end or block the launch.
fn read_limited(path: &Path) -> io::Result<Option<Vec<u8>>> {
    if !fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_STATE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_STATE_FILE_BYTES).then_some(bytes))
}

/// Parses a state file, checking its format version first so that a newer
/// file is recognised as newer even when its shape has changed.
fn parse(bytes: &[u8]) -> Result<SavedState, Unusable> {
    let mut value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| Unusable::Damaged(e.to_string()))?;
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| Unusable::Damaged("no format_version".into()))?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(Unusable::Newer(version));
    }
    if version == 0 {
        return Err(Unusable::Damaged("format_version 0".into()));
    }
    // A checklist line added by a later version is not a reason to throw the
    // progress away: keep the lines this version knows.
    if let Some(items) = value
        .get_mut("checklist")
        .and_then(serde_json::Value::as_array_mut)
    {
        items.retain(|item| serde_json::from_value::<ChecklistItem>(item.clone()).is_ok());
    }
    rename_v0_1_keys(&mut value);
    let mut state: SavedState =
        serde_json::from_value(value).map_err(|e| Unusable::Damaged(e.to_string()))?;
    check_values(&mut state).map_err(Unusable::Damaged)?;
    Ok(state)
}

/// Checks every value of a parsed file with the rule the window applies
/// when the admin enters it: each must be exactly as the window would have
/// saved it (empty where the window allows that). Times are moved to UTC.
/// The error names the field, never its value.
fn check_values(state: &mut SavedState) -> Result<(), String> {
    let as_saved = |value: &str, checked: Option<String>| checked.as_deref() == Some(value);
    let mut bad = Vec::new();
    if !state.domain.is_empty() && !as_saved(&state.domain, validate_domain(&state.domain).ok()) {
        bad.push("domain");
    }
    if !state.display_name.is_empty()
        && !as_saved(
            &state.display_name,
            validate_display_name(&state.display_name).ok(),
        )
    {
        bad.push("display_name");
    }
    if check_loopback_port(u32::from(state.loopback_port)).is_err() {
        bad.push("loopback_port");
    }
    if state
        .client_id
        .as_deref()
        .is_some_and(|id| !is_stored_client_id(id))
    {
        bad.push("client_id");
    }
    if let Some(record) = &state.verification {
        if !is_stored_client_id(&record.client_id) {
            bad.push("verification.client_id");
        }
        if check_transport("issuer", &record.issuer).is_err() {
            bad.push("verification.issuer");
        }
    }
    let signup = &mut state.signup;
    let times = [
        ("updated_at", Some(&mut state.updated_at)),
        ("welcome_seen_at", state.welcome_seen_at.as_mut()),
        ("finished_at", state.finished_at.as_mut()),
        (
            "verification.at",
            state.verification.as_mut().map(|r| &mut r.at),
        ),
        ("signup.opened_at", signup.opened_at.as_mut()),
        (
            "signup.setup_page_seen_at",
            signup.setup_page_seen_at.as_mut(),
        ),
        ("signup.submitted_at", signup.submitted_at.as_mut()),
        ("signup.instance_live_at", signup.instance_live_at.as_mut()),
    ];
    for (name, at) in times {
        if let Some(at) = at {
            match sane_utc(*at) {
                Some(utc) => *at = utc,
                None => bad.push(name),
            }
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "values the assistant would not have saved: {}",
            bad.join(", ")
        ))
    }
}

/// `at` in UTC, when it lies between 1970 and 2100.
fn sane_utc(at: OffsetDateTime) -> Option<OffsetDateTime> {
    (0..LATEST_SANE_TIME)
        .contains(&at.unix_timestamp())
        .then(|| at.checked_to_offset(UtcOffset::UTC))
        .flatten()
}

/// Assistant 0.1.0 called the signup `registration`, its first time
/// `signup_opened_at`, and `client_secret_stored` just `secret_stored`: read
/// them under today's names.
fn rename_v0_1_keys(value: &mut serde_json::Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    if let Some(old) = object.remove("secret_stored") {
        object.entry("client_secret_stored").or_insert(old);
    }
    if let Some(mut old) = object.remove("registration") {
        if let Some(signup) = old.as_object_mut() {
            if let Some(at) = signup.remove("signup_opened_at") {
                signup.insert("opened_at".into(), at);
            }
        }
        object.entry("signup").or_insert(old);
    }
}

/// Makes a rename durable: on Unix the directory entry must be flushed too.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Windows has no directory handles to flush; the rename is durable once
/// the call returns.
#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps)]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Fault injection for the crash tests, in debug builds only: when
/// `C1_SETUP_FAULT_BEFORE_RENAME` names a file and that file exists, a save
/// kills the process after writing and flushing its temporary file and just
/// before renaming it over the state file, as a crash or power cut in the
/// middle of a write would. Release builds ignore the variable.
fn crash_before_rename_if_armed() {
    if !cfg!(debug_assertions) {
        return;
    }
    let Some(trigger) = std::env::var_os("C1_SETUP_FAULT_BEFORE_RENAME") else {
        return;
    };
    if Path::new(&trigger).exists() {
        tracing::error!("C1_SETUP_FAULT_BEFORE_RENAME: stopping in the middle of a save");
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_saved_by_version_0_1_are_read_under_their_new_names() {
        let json = br#"{"format_version":1,"domain":"acmeco",
            "secret_stored":true,
            "registration":{"signup_opened_at":"2026-11-28T10:01:00Z","instance_live_at":null}}"#;
        let state = parse(json).ok().expect("readable");
        assert_eq!(
            state.signup.opened_at.map(OffsetDateTime::unix_timestamp),
            Some(1_795_860_060)
        );
        assert_eq!(state.signup.instance_live_at, None);
        assert!(state.client_secret_stored);
    }

    fn sample() -> SavedState {
        SavedState {
            current_step: StepId::Connect,
            domain: "acmeco".into(),
            display_name: "Acme Co".into(),
            region: Region::Eu,
            loopback_port: 40_001,
            checklist: [ChecklistItem::CreateApp, ChecklistItem::UserGroups].into(),
            client_id: Some("0a1b2c3d-client".into()),
            verification: Some(VerificationRecord {
                at: OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("valid"),
                issuer: "https://oauth.id.eu.jumpcloud.com/".into(),
                client_id: "0a1b2c3d-client".into(),
                outcome: VerificationOutcome::Passed {
                    email: "admin@acme.example".into(),
                    email_verified: Some(true),
                    checks: Vec::new(),
                },
            }),
            invite_code_stored: true,
            client_secret_stored: true,
            ..SavedState::new()
        }
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failing_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = StateStore::new(dir.path().to_path_buf());
        store.save(&sample()).expect("first save");
        let before = fs::read(store.path()).expect("written");

        let mut changed = sample();
        changed.domain = "other".into();
        let err = store
            .save_with(&changed, |file, bytes| {
                file.write_all(&bytes[..bytes.len() / 2])?;
                Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "no space left on device",
                ))
            })
            .expect_err("must fail");
        assert_eq!(err.kind, ErrorKind::StateWriteFailed);
        assert!(err
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("no space")));
        assert!(err.fix.contains("disk is not full"));

        assert_eq!(fs::read(store.path()).expect("still there"), before);
        assert_eq!(files_in(dir.path()), [STATE_FILE_NAME]);
        match store.load() {
            LoadOutcome::Resumed { state } => assert_eq!(state.domain, "acmeco"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
