//! What can go wrong with the keychain, and how each failure is explained to
//! the admin.
//!
//! A failure is first reduced to a [`FailureCause`] (from keyring-core's error
//! and, underneath it, the D-Bus error name, the macOS `OSStatus` or the
//! Windows error code), then turned into an [`AppError`] whose `message` and `fix`
//! depend on the platform, the operation and which secret was involved.
//! Nothing here ever sees the secret itself.

use crate::error::{AppError, ErrorKind};
use crate::step::StepId;

use super::{SecretKey, SecretKind};

/// The operating system whose keychain is used; decides the wording of
/// messages and the store's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// The freedesktop.org Secret Service (GNOME Keyring, KWallet, ...).
    Linux,
    /// The macOS Keychain.
    MacOs,
    /// Windows Credential Manager.
    Windows,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Linux, Platform::MacOs, Platform::Windows];

    /// The platform this build runs on.
    pub const fn current() -> Self {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(target_os = "windows") {
            Platform::Windows
        } else {
            Platform::Linux
        }
    }

    /// The keychain's own name, as the admin knows it.
    pub const fn store_name(self) -> &'static str {
        match self {
            Platform::Linux => SECRET_SERVICE_NAME,
            Platform::MacOs => "macOS Keychain",
            Platform::Windows => "Windows Credential Manager",
        }
    }
}

/// The Linux store's name when the program behind the Secret Service is not
/// known.
pub const SECRET_SERVICE_NAME: &str = "the Secret Service (GNOME Keyring or KWallet)";

/// The keychain operation that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Put,
    Get,
    Delete,
}

impl Operation {
    fn verb(self) -> &'static str {
        match self {
            Operation::Put => "save",
            Operation::Get => "read",
            Operation::Delete => "remove",
        }
    }
}

/// Why a keychain call failed, independent of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureCause {
    /// No keychain service to talk to: no Secret Service on the D-Bus session
    /// bus (or no session bus at all), no macOS keychain, no Windows logon
    /// session.
    ServiceMissing,
    /// The service runs but has no default keyring to store items in.
    NoDefaultKeyring,
    /// The keyring is locked and could not be unlocked.
    Locked,
    /// An unlock or permission prompt was dismissed.
    PromptDismissed,
    /// The service refused the assistant.
    AccessDenied,
    /// No item for this key.
    NotFound,
    /// An item exists but its content is not text.
    Unreadable,
    /// Anything else.
    Other,
}

impl FailureCause {
    pub const ALL: [FailureCause; 8] = [
        FailureCause::ServiceMissing,
        FailureCause::NoDefaultKeyring,
        FailureCause::Locked,
        FailureCause::PromptDismissed,
        FailureCause::AccessDenied,
        FailureCause::NotFound,
        FailureCause::Unreadable,
        FailureCause::Other,
    ];

    /// The stable error kind reported for this cause.
    pub const fn kind(self) -> ErrorKind {
        match self {
            FailureCause::ServiceMissing | FailureCause::NoDefaultKeyring => {
                ErrorKind::KeychainUnavailable
            }
            FailureCause::Locked | FailureCause::PromptDismissed => ErrorKind::KeychainLocked,
            FailureCause::AccessDenied => ErrorKind::KeychainAccessDenied,
            FailureCause::NotFound => ErrorKind::SecretNotFound,
            FailureCause::Unreadable | FailureCause::Other => ErrorKind::KeychainError,
        }
    }
}

/// A classified failure with a technical detail for support. The detail
/// comes from the keychain's error text (D-Bus error names, OS codes), never
/// from the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeychainFailure {
    pub cause: FailureCause,
    pub detail: Option<String>,
}

impl KeychainFailure {
    pub fn new(cause: FailureCause, detail: impl Into<String>) -> Self {
        Self {
            cause,
            detail: Some(detail.into()),
        }
    }

    pub fn bare(cause: FailureCause) -> Self {
        Self {
            cause,
            detail: None,
        }
    }
}

/// Everything the wording of an error depends on.
#[derive(Debug, Clone, Copy)]
pub struct ErrorContext<'a> {
    pub platform: Platform,
    pub store_name: &'a str,
    pub operation: Operation,
    pub key: &'a SecretKey,
}

fn what(key: &SecretKey) -> String {
    match key.kind() {
        SecretKind::ClientSecret => "the JumpCloud client secret".to_owned(),
        SecretKind::InviteCode => "the ConductorOne invite code".to_owned(),
        SecretKind::StartupCheck => "a test item".to_owned(),
    }
}

/// The sentence that ends every failed save: the assistant never stores the
/// secret anywhere else.
const NOT_SAVED_ELSEWHERE: &str = "Nothing was saved anywhere else.";

impl KeychainFailure {
    /// The admin-facing error for this failure.
    pub fn to_app_error(&self, ctx: &ErrorContext<'_>) -> AppError {
        let kind = self.cause.kind();
        let (message, fix, step) = wording(self.cause, ctx);
        let mut err = AppError::new(kind, message, fix);
        if let Some(step) = step {
            err = err.at_step(step);
        }
        if let Some(detail) = &self.detail {
            err = err.with_detail(detail.clone());
        }
        err
    }
}

#[allow(clippy::too_many_lines)] // one table of wordings, kept together on purpose
fn wording(cause: FailureCause, ctx: &ErrorContext<'_>) -> (String, String, Option<StepId>) {
    let store = ctx.store_name;
    let what = what(ctx.key);
    let verb = ctx.operation.verb();
    let tail = if ctx.operation == Operation::Put {
        format!(" {NOT_SAVED_ELSEWHERE}")
    } else {
        String::new()
    };
    let then = "then click Try again.";
    match cause {
        FailureCause::ServiceMissing => {
            let (message, fix) = match ctx.platform {
                Platform::Linux => (
                    format!(
                        "No keychain service is running, so the assistant could not {verb} {what}.{tail}"
                    ),
                    format!(
                        "Install and start GNOME Keyring (package gnome-keyring) or KWallet, and log in \
                         to a desktop session on this computer (a remote shell alone does not start \
                         one); {then}"
                    ),
                ),
                Platform::MacOs => (
                    format!(
                        "The macOS Keychain is not available, so the assistant could not {verb} {what}.{tail}"
                    ),
                    format!(
                        "Log in to this Mac's desktop with your own account (not only over SSH) and \
                         check that Keychain Access opens your \"login\" keychain; {then}"
                    ),
                ),
                Platform::Windows => (
                    format!(
                        "Windows Credential Manager is not available in this session, so the assistant \
                         could not {verb} {what}.{tail}"
                    ),
                    format!(
                        "Sign in to Windows with your own account (Credential Manager does not work \
                         in service or some remote sessions), start the assistant there, and {then}"
                    ),
                ),
            };
            (message, fix, None)
        }
        FailureCause::NoDefaultKeyring => {
            let (message, fix) = match ctx.platform {
                Platform::Linux => (
                    format!(
                        "{} is running but has no default keyring, so the assistant could not {verb} \
                         {what}.{tail}",
                        capitalise(store)
                    ),
                    format!(
                        "Open \"Passwords and Keys\" (Seahorse), create a keyring named \"Login\" and \
                         set it as the default (or log out and back in so GNOME Keyring creates it); \
                         {then}"
                    ),
                ),
                Platform::MacOs => (
                    format!(
                        "The macOS Keychain has no usable \"login\" keychain, so the assistant could \
                         not {verb} {what}.{tail}"
                    ),
                    format!(
                        "Open Keychain Access and check that a \"login\" keychain exists and is the \
                         default (Keychain Access, File, Make Keychain \"login\" Default); {then}"
                    ),
                ),
                Platform::Windows => (
                    format!(
                        "Windows Credential Manager could not be opened, so the assistant could not \
                         {verb} {what}.{tail}"
                    ),
                    format!("Sign out of Windows and back in with your own account; {then}"),
                ),
            };
            (message, fix, None)
        }
        FailureCause::Locked | FailureCause::PromptDismissed => {
            let why = if cause == FailureCause::PromptDismissed {
                "the unlock prompt was closed without unlocking it"
            } else {
                "it could not be unlocked"
            };
            let (message, fix) = match ctx.platform {
                Platform::Linux => (
                    format!(
                        "Your keyring is locked and {why}, so the assistant could not {verb} {what}.{tail}"
                    ),
                    format!(
                        "Unlock the \"Login\" keyring: enter your login password when the unlock prompt \
                         appears, or open \"Passwords and Keys\" (Seahorse) and unlock \"Login\" there; \
                         {then}"
                    ),
                ),
                Platform::MacOs => (
                    format!(
                        "Your \"login\" keychain is locked and {why}, so the assistant could not \
                         {verb} {what}.{tail}"
                    ),
                    format!(
                        "When macOS asks, enter your Mac login password and click Allow (or unlock \
                         the \"login\" keychain in Keychain Access first); {then}"
                    ),
                ),
                Platform::Windows => (
                    format!(
                        "Windows Credential Manager is locked for this session and {why}, so the \
                         assistant could not {verb} {what}.{tail}"
                    ),
                    format!("Lock the screen and sign in again with your Windows password; {then}"),
                ),
            };
            (message, fix, None)
        }
        FailureCause::AccessDenied => {
            let (message, fix) = match ctx.platform {
                Platform::Linux => (
                    format!(
                        "{} refused access, so the assistant could not {verb} {what}.{tail}",
                        capitalise(store)
                    ),
                    format!(
                        "If the assistant runs in a sandbox (Flatpak, Snap) or under a security \
                         policy, allow it to use the Secret Service (org.freedesktop.secrets); \
                         {then}"
                    ),
                ),
                Platform::MacOs => (
                    format!(
                        "The macOS Keychain refused access, so the assistant could not {verb} {what}.{tail}"
                    ),
                    format!(
                        "When macOS asks whether c1-setup may use your keychain, click Allow (or \
                         Always Allow). If an item of the same name was created by another program, \
                         delete it in Keychain Access; {then}"
                    ),
                ),
                Platform::Windows => (
                    format!(
                        "Windows Credential Manager refused access, so the assistant could not \
                         {verb} {what}.{tail}"
                    ),
                    format!(
                        "Ask whoever manages this PC whether a policy blocks saving credentials \
                         (\"Network access: Do not allow storage of passwords\"); {then}"
                    ),
                ),
            };
            (message, fix, None)
        }
        FailureCause::NotFound => not_found(ctx),
        FailureCause::Unreadable => {
            let message =
                format!("The item for {what} in {store} is damaged: it does not hold readable text.");
            let (fix, step) = match ctx.key.kind() {
                SecretKind::ClientSecret => (
                    "Go back to step 3 and paste the client secret again; the new one replaces the \
                     damaged item."
                        .to_owned(),
                    Some(StepId::Connect),
                ),
                SecretKind::InviteCode => (
                    "Go back to step 1 and enter the invite code again; the new one replaces the \
                     damaged item."
                        .to_owned(),
                    Some(StepId::Instance),
                ),
                SecretKind::StartupCheck => (
                    format!("Restart the assistant. If it happens again, check {store} for damage."),
                    None,
                ),
            };
            (message, fix, step)
        }
        FailureCause::Other => (
            format!(
                "{} reported an unexpected problem, so the assistant could not {verb} {what}.{tail}",
                capitalise(store)
            ),
            format!(
                "Try again. If it keeps failing, log out and back in (this restarts {store}), and if \
                 that does not help, send us the technical detail shown below."
            ),
            None,
        ),
    }
}

fn not_found(ctx: &ErrorContext<'_>) -> (String, String, Option<StepId>) {
    let store = ctx.store_name;
    let place = ctx
        .key
        .domain()
        .map(|d| format!(" for {d}"))
        .unwrap_or_default();
    match ctx.key.kind() {
        SecretKind::ClientSecret => (
            format!(
                "The JumpCloud client secret{place} is no longer in {store} (it was removed, or \
                 this is a different computer or account)."
            ),
            "Go back to step 3 and paste the client secret again. JumpCloud shows it only once, in \
             the \"Application Saved\" popup; if you no longer have it, open the ConductorOne app in \
             the JumpCloud Admin Portal, go to its SSO tab, generate a new client secret and paste \
             that one."
                .to_owned(),
            Some(StepId::Connect),
        ),
        SecretKind::InviteCode => (
            format!(
                "The ConductorOne invite code{place} is no longer in {store} (it was removed, or \
                 this is a different computer or account)."
            ),
            "Go back to step 1 and enter the invite code again, exactly as you received it (it is \
             case-sensitive)."
                .to_owned(),
            Some(StepId::Instance),
        ),
        SecretKind::StartupCheck => (
            format!("A test item the assistant had just saved could not be read back from {store}."),
            format!(
                "{store} does not keep what is saved in it. Check that it is set up to keep items (a \
                 persistent \"Login\" keyring, not a temporary session one), then restart the \
                 assistant."
            ),
            None,
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Classifies a D-Bus error name returned by the Secret Service or the bus.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn classify_dbus_error_name(name: &str) -> FailureCause {
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown"
        | "org.freedesktop.DBus.Error.NameHasNoOwner"
        | "org.freedesktop.DBus.Error.Disconnected"
        | "org.freedesktop.DBus.Error.NoServer" => FailureCause::ServiceMissing,
        n if n.starts_with("org.freedesktop.DBus.Error.Spawn.") => FailureCause::ServiceMissing,
        "org.freedesktop.DBus.Error.AccessDenied" | "org.freedesktop.DBus.Error.AuthFailed" => {
            FailureCause::AccessDenied
        }
        "org.freedesktop.Secret.Error.IsLocked" => FailureCause::Locked,
        // Returned when the default collection is missing (for instance when
        // creating it needed a prompt that could not be shown).
        "org.freedesktop.Secret.Error.NoSuchObject" => FailureCause::NoDefaultKeyring,
        _ => FailureCause::Other,
    }
}

/// Classifies a macOS Security framework `OSStatus`. Tested on every
/// platform, used by the macOS store only.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
pub fn classify_macos_status(code: i32) -> FailureCause {
    match code {
        -25291 => FailureCause::ServiceMissing, // errSecNotAvailable
        -25294 | -25295 => FailureCause::NoDefaultKeyring, // errSecNoSuchKeychain, errSecInvalidKeychain
        -25293 | -25308 => FailureCause::Locked, // errSecAuthFailed, errSecInteractionNotAllowed
        -128 => FailureCause::PromptDismissed,   // errSecUserCanceled
        -25292 | -25243 | -61 => FailureCause::AccessDenied, // errSecReadOnly, errSecNoAccessForItem, errSecWrPerm
        -25300 => FailureCause::NotFound,                    // errSecItemNotFound
        _ => FailureCause::Other,
    }
}

/// Classifies a Windows Credential Manager error code (`GetLastError`).
/// Tested on every platform, used by the Windows store only.
#[cfg_attr(not(target_os = "windows"), allow(dead_code))]
pub fn classify_windows_code(code: u32) -> FailureCause {
    match code {
        1312 => FailureCause::ServiceMissing, // ERROR_NO_SUCH_LOGON_SESSION
        5 => FailureCause::AccessDenied,      // ERROR_ACCESS_DENIED
        1168 => FailureCause::NotFound,       // ERROR_NOT_FOUND
        _ => FailureCause::Other,
    }
}

/// The Windows error code inside an error of windows-native-keyring-store.
///
/// The store wraps the code in a type it does not export
/// (`PlatformError(u32)`), so it cannot be downcast; the code is read from
/// the type's `Debug` form (`PlatformError(5)`), or failing that from its
/// message (`Windows error code 5`, `Windows ERROR_NO_SUCH_LOGON_SESSION`).
/// Tested on every platform, used by the Windows store only.
#[cfg_attr(not(target_os = "windows"), allow(dead_code))]
pub fn windows_code_from_error(err: &dyn std::error::Error) -> Option<u32> {
    let debug = format!("{err:?}");
    if let Some(code) = debug
        .strip_prefix("PlatformError(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|code| code.parse().ok())
    {
        return Some(code);
    }
    let message = err.to_string();
    if let Some(code) = message.strip_prefix("Windows error code ") {
        return code.trim().parse().ok();
    }
    match message.strip_prefix("Windows ")? {
        "ERROR_NO_SUCH_LOGON_SESSION" => Some(1312),
        "ERROR_NOT_FOUND" => Some(1168),
        "ERROR_BAD_USERNAME" => Some(2202),
        "ERROR_INVALID_FLAGS" => Some(1004),
        "ERROR_INVALID_PARAMETER" => Some(87),
        _ => None,
    }
}
