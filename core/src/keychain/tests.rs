use super::failure::{
    classify_dbus_error_name, classify_macos_status, classify_windows_code,
    windows_code_from_error, Platform,
};
use super::keyring_store::{classify_keyring_error, keeps_items};
use super::memory::MEMORY_STORE_NAME;
use super::*;
use crate::error::ErrorKind;
use crate::step::StepId;

const SECRET: &str = "jc-S3cr3t-Value-0123456789abcdef";
const INVITE: &str = "InViTe-42-CaseSensitive";

fn client_key() -> SecretKey {
    SecretKey::client_secret("acmeco", "abc123-client")
}

fn assert_no_secret(err: &AppError) {
    let json = serde_json::to_string(err).expect("serialises");
    for text in [
        json.as_str(),
        &format!("{err}"),
        &format!("{err:?}"),
        &err.message,
        &err.fix,
        err.detail.as_deref().unwrap_or(""),
    ] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains(INVITE), "invite code leaked: {text}");
    }
}

#[test]
fn keys_name_the_setup_in_the_account() {
    let key = SecretKey::client_secret(" AcmeCo ", " abc123-client ");
    assert_eq!(key.service(), "dev.c1setup.assistant");
    assert_eq!(
        key.account(),
        "acmeco/jumpcloud-client-secret/abc123-client"
    );
    assert_eq!(key.domain(), Some("acmeco"));
    assert_eq!(key.client_id(), Some("abc123-client"));
    assert_eq!(key.kind(), SecretKind::ClientSecret);
    assert_eq!(
        key.label(),
        "ConductorOne Setup Assistant: JumpCloud client secret for acmeco (Client ID abc123-client)"
    );

    let invite = SecretKey::invite_code("acmeco");
    assert_eq!(invite.account(), "acmeco/conductorone-invite-code");
    assert_eq!(invite.kind(), SecretKind::InviteCode);
    assert_eq!(invite.client_id(), None);
    assert_eq!(
        invite.label(),
        "ConductorOne Setup Assistant: ConductorOne invite code for acmeco"
    );

    // Different client IDs for one domain are different items.
    assert_ne!(
        SecretKey::client_secret("acmeco", "one").account(),
        SecretKey::client_secret("acmeco", "two").account()
    );
    let probe = SecretKey::startup_check("n0nce");
    assert_eq!(probe.account(), "startup-check/n0nce");
    assert!(probe.label().contains("safe to delete"));
}

#[test]
fn memory_store_puts_gets_overwrites_and_deletes() {
    let store = MemoryStore::new();
    let key = client_key();
    let invite = SecretKey::invite_code("acmeco");

    store.put(&key, &Secret::from(SECRET)).expect("put");
    store
        .put(&invite, &Secret::from(INVITE))
        .expect("put invite");
    assert_eq!(store.get(&key).expect("get").expose(), SECRET);
    assert_eq!(store.get(&invite).expect("get invite").expose(), INVITE);
    assert_eq!(store.len(), 2);

    store
        .put(&key, &Secret::from("replacement"))
        .expect("overwrite");
    assert_eq!(store.get(&key).expect("get").expose(), "replacement");
    assert_eq!(store.len(), 2, "overwriting must not add an item");

    store.delete(&key).expect("delete");
    assert!(!store.contains(&key));
    assert!(store.contains(&invite), "deleting one key keeps the other");
    store
        .delete(&key)
        .expect("deleting a missing entry is fine");

    let missing = store.get(&key).expect_err("gone");
    assert_eq!(missing.kind, ErrorKind::SecretNotFound);
    assert_eq!(missing.step, Some(StepId::Connect));
    assert_eq!(store.store_name(), MEMORY_STORE_NAME);
}

#[test]
fn injected_failures_are_one_shot_per_operation() {
    let store = MemoryStore::new();
    let key = client_key();
    store.fail_next(Operation::Put, FailureCause::Locked);
    // A get is not affected by a failure queued for put.
    assert_eq!(
        store.get(&key).expect_err("missing").kind,
        ErrorKind::SecretNotFound
    );
    let err = store.put(&key, &Secret::from(SECRET)).expect_err("locked");
    assert_eq!(err.kind, ErrorKind::KeychainLocked);
    assert!(!store.contains(&key), "a failed put stores nothing");
    store
        .put(&key, &Secret::from(SECRET))
        .expect("next put works");

    store.fail_always(Some(FailureCause::ServiceMissing));
    for _ in 0..3 {
        assert_eq!(
            store.get(&key).expect_err("down").kind,
            ErrorKind::KeychainUnavailable
        );
    }
    assert_eq!(
        store.delete(&key).expect_err("down").kind,
        ErrorKind::KeychainUnavailable
    );
    store.fail_always(None);
    assert_eq!(store.get(&key).expect("back").expose(), SECRET);
    assert!(store.calls() >= 8);

    // NotFound on delete is the same as deleting a missing item: fine.
    store.fail_next(Operation::Delete, FailureCause::NotFound);
    store.delete(&key).expect("not found on delete is ok");
}

#[test]
fn every_failure_gives_its_kind_a_message_and_a_fix_without_the_secret() {
    let keys = [
        client_key(),
        SecretKey::invite_code("acmeco"),
        SecretKey::startup_check("x"),
    ];
    let mut kinds_seen = std::collections::HashSet::new();
    for platform in Platform::ALL {
        let store = MemoryStore::for_platform(platform);
        for cause in FailureCause::ALL {
            for key in &keys {
                for op in [Operation::Put, Operation::Get, Operation::Delete] {
                    store.fail_next_with(op, KeychainFailure::new(cause, "org.example.Detail"));
                    let result = match op {
                        Operation::Put => store.put(key, &Secret::from(SECRET)),
                        Operation::Get => store.get(key).map(|_| ()),
                        Operation::Delete => store.delete(key),
                    };
                    if cause == FailureCause::NotFound && op == Operation::Delete {
                        assert!(result.is_ok(), "delete of a missing item is ok");
                        continue;
                    }
                    let err = result.expect_err("injected failure");
                    let what = format!("{platform:?} {cause:?} {op:?} {:?}", key.kind());
                    assert_eq!(err.kind, cause.kind(), "{what}");
                    assert!(err.message.len() > 20, "{what}: {}", err.message);
                    assert!(err.fix.len() > 20, "{what}: {}", err.fix);
                    assert!(err.message.ends_with('.'), "{what}: {}", err.message);
                    assert_eq!(err.detail.as_deref(), Some("org.example.Detail"), "{what}");
                    // Not-found and unreadable items only come from reads.
                    if op == Operation::Put
                        && !matches!(cause, FailureCause::NotFound | FailureCause::Unreadable)
                    {
                        assert!(
                            err.message.contains("Nothing was saved anywhere else"),
                            "{what}: {}",
                            err.message
                        );
                    }
                    assert_no_secret(&err);
                    kinds_seen.insert(err.kind);
                }
            }
        }
    }
    for kind in [
        ErrorKind::KeychainUnavailable,
        ErrorKind::KeychainLocked,
        ErrorKind::KeychainAccessDenied,
        ErrorKind::SecretNotFound,
        ErrorKind::KeychainError,
    ] {
        assert!(kinds_seen.contains(&kind), "{kind} never produced");
    }
}

fn failure_for(platform: Platform, cause: FailureCause, key: &SecretKey) -> AppError {
    let store = MemoryStore::for_platform(platform);
    store.fail_next(Operation::Put, cause);
    store.put(key, &Secret::from(SECRET)).expect_err("fails")
}

#[test]
fn unavailable_names_what_to_install_or_start() {
    let key = client_key();
    let linux = failure_for(Platform::Linux, FailureCause::ServiceMissing, &key);
    assert_eq!(linux.kind, ErrorKind::KeychainUnavailable);
    assert!(linux.fix.contains("gnome-keyring"), "{}", linux.fix);
    assert!(linux.fix.contains("KWallet"), "{}", linux.fix);
    assert!(linux.fix.contains("log in"), "{}", linux.fix);

    let mac = failure_for(Platform::MacOs, FailureCause::ServiceMissing, &key);
    assert!(mac.fix.contains("Keychain Access"), "{}", mac.fix);
    let windows = failure_for(Platform::Windows, FailureCause::ServiceMissing, &key);
    assert!(
        windows.fix.contains("Sign in to Windows"),
        "{}",
        windows.fix
    );

    let no_default = failure_for(Platform::Linux, FailureCause::NoDefaultKeyring, &key);
    assert_eq!(no_default.kind, ErrorKind::KeychainUnavailable);
    assert!(no_default.fix.contains("\"Login\""), "{}", no_default.fix);
}

#[test]
fn locked_and_dismissed_prompts_say_to_unlock_the_login_keyring() {
    let key = client_key();
    for cause in [FailureCause::Locked, FailureCause::PromptDismissed] {
        let err = failure_for(Platform::Linux, cause, &key);
        assert_eq!(err.kind, ErrorKind::KeychainLocked);
        assert!(
            err.fix.contains("Unlock the \"Login\" keyring"),
            "{}",
            err.fix
        );
        assert!(err.fix.contains("Try again"), "{}", err.fix);
        let mac = failure_for(Platform::MacOs, cause, &key);
        assert!(mac.fix.contains("\"login\" keychain"), "{}", mac.fix);
    }
    let dismissed = failure_for(Platform::Linux, FailureCause::PromptDismissed, &key);
    assert!(
        dismissed.message.contains("prompt was closed"),
        "{}",
        dismissed.message
    );
}

#[test]
fn access_denied_says_where_to_allow_access() {
    let key = client_key();
    let linux = failure_for(Platform::Linux, FailureCause::AccessDenied, &key);
    assert_eq!(linux.kind, ErrorKind::KeychainAccessDenied);
    assert!(
        linux.fix.contains("org.freedesktop.secrets"),
        "{}",
        linux.fix
    );
    let mac = failure_for(Platform::MacOs, FailureCause::AccessDenied, &key);
    assert!(mac.fix.contains("click Allow"), "{}", mac.fix);
}

#[test]
fn a_missing_client_secret_sends_the_admin_back_to_step_3() {
    let store = MemoryStore::new();
    let err = store.get(&client_key()).expect_err("missing");
    assert_eq!(err.kind, ErrorKind::SecretNotFound);
    assert_eq!(err.step, Some(StepId::Connect));
    assert!(err.message.contains("for acmeco"), "{}", err.message);
    assert!(err.fix.contains("step 3"), "{}", err.fix);
    assert!(err.fix.contains("\"Application Saved\""), "{}", err.fix);
    assert!(err.fix.contains("SSO tab"), "{}", err.fix);
    assert!(
        err.fix.contains("generate a new client secret"),
        "{}",
        err.fix
    );
    let json = serde_json::to_value(&err).expect("serialises");
    assert_eq!(json["kind"], "secret_not_found");
    assert_eq!(json["step"], "connect");
}

#[test]
fn a_missing_invite_code_sends_the_admin_back_to_step_1() {
    let store = MemoryStore::new();
    let err = store
        .get(&SecretKey::invite_code("acmeco"))
        .expect_err("missing");
    assert_eq!(err.kind, ErrorKind::SecretNotFound);
    assert_eq!(err.step, Some(StepId::Instance));
    assert!(err.fix.contains("step 1"), "{}", err.fix);
    assert!(err.fix.contains("case-sensitive"), "{}", err.fix);
}

#[test]
fn a_damaged_item_is_replaced_by_entering_the_secret_again() {
    let err = failure_for(Platform::Linux, FailureCause::Unreadable, &client_key());
    assert_eq!(err.kind, ErrorKind::KeychainError);
    assert_eq!(err.step, Some(StepId::Connect));
    let invite = failure_for(
        Platform::Linux,
        FailureCause::Unreadable,
        &SecretKey::invite_code("acmeco"),
    );
    assert_eq!(invite.step, Some(StepId::Instance));
}

#[test]
fn keyring_errors_are_classified() {
    use keyring_core::Error;

    assert_eq!(
        classify_keyring_error(&Error::NoEntry).cause,
        FailureCause::NotFound
    );
    let bad = classify_keyring_error(&Error::BadEncoding(SECRET.as_bytes().to_vec()));
    assert_eq!(bad.cause, FailureCause::Unreadable);
    assert!(!bad.detail.unwrap_or_default().contains(SECRET));
    let bad_format = classify_keyring_error(&Error::BadDataFormat(
        SECRET.as_bytes().to_vec(),
        Box::new(std::io::Error::other("wrong header")),
    ));
    assert_eq!(bad_format.cause, FailureCause::Unreadable);
    let detail = bad_format.detail.unwrap_or_default();
    assert!(detail.contains("wrong header"), "{detail}");
    assert!(!detail.contains(SECRET), "{detail}");
    let too_long = classify_keyring_error(&Error::TooLong("account".into(), 513));
    assert_eq!(too_long.cause, FailureCause::Other);
    assert!(too_long.detail.unwrap_or_default().contains("513"));
    assert_eq!(
        classify_keyring_error(&Error::Invalid("label".into(), "cannot be empty".into())).cause,
        FailureCause::Other
    );
    assert_eq!(
        classify_keyring_error(&Error::Ambiguous(Vec::new())).cause,
        FailureCause::Other
    );
    for other in [
        Error::NoDefaultStore,
        Error::NotSupportedByStore("no attributes".into()),
        Error::BadStoreFormat("truncated".into()),
    ] {
        let failure = classify_keyring_error(&other);
        assert_eq!(failure.cause, FailureCause::Other, "{other}");
        assert!(failure.detail.is_some_and(|d| !d.is_empty()), "{other}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn secret_service_errors_are_classified() {
    use std::io;

    use dbus_secret_service::Error as SsError;
    use keyring_core::Error;

    let wrap = |e: SsError| Error::PlatformFailure(Box::new(e));
    let no_access = |e: SsError| Error::NoStorageAccess(Box::new(e));
    let dbus = |name: &str| SsError::Dbus(dbus::Error::new_custom(name, "from the bus"));
    let cases = [
        (wrap(SsError::Unavailable), FailureCause::ServiceMissing),
        (no_access(SsError::Locked), FailureCause::Locked),
        (no_access(SsError::Prompt), FailureCause::PromptDismissed),
        (no_access(SsError::NoResult), FailureCause::NoDefaultKeyring),
        // No session bus at the address, or none set.
        (
            wrap(dbus("org.freedesktop.DBus.Error.FileNotFound")),
            FailureCause::ServiceMissing,
        ),
        (
            wrap(dbus("org.freedesktop.DBus.Error.NoServer")),
            FailureCause::ServiceMissing,
        ),
        (
            wrap(dbus("org.freedesktop.DBus.Error.BadAddress")),
            FailureCause::ServiceMissing,
        ),
        // A bus, but nothing provides the Secret Service.
        (
            wrap(dbus("org.freedesktop.DBus.Error.ServiceUnknown")),
            FailureCause::ServiceMissing,
        ),
        (
            wrap(dbus("org.freedesktop.DBus.Error.Spawn.ChildExited")),
            FailureCause::ServiceMissing,
        ),
        (
            wrap(dbus("org.freedesktop.DBus.Error.AccessDenied")),
            FailureCause::AccessDenied,
        ),
        (
            wrap(dbus("org.freedesktop.Secret.Error.IsLocked")),
            FailureCause::Locked,
        ),
        (
            wrap(dbus("org.freedesktop.Secret.Error.NoSuchObject")),
            FailureCause::NoDefaultKeyring,
        ),
        (
            wrap(SsError::Crypto("bad padding".into())),
            FailureCause::Other,
        ),
        // Not a Secret Service error: the store said it could not get in.
        (
            Error::NoStorageAccess(Box::new(io::Error::other("refused"))),
            FailureCause::Locked,
        ),
        (
            Error::PlatformFailure(Box::new(io::Error::other("odd"))),
            FailureCause::Other,
        ),
    ];
    for (err, expected) in cases {
        let failure = classify_keyring_error(&err);
        assert_eq!(failure.cause, expected, "{err}");
        assert!(failure.detail.is_some_and(|d| !d.is_empty()), "{err}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn secret_service_items_carry_the_documented_attributes() {
    let key = client_key();
    let attributes = super::keyring_store::layout_attributes(&key);
    assert_eq!(attributes.len(), 3, "{attributes:?}");
    assert_eq!(attributes["target"], "default");
    assert_eq!(
        attributes["account"],
        "acmeco/jumpcloud-client-secret/abc123-client"
    );
    assert_eq!(attributes["application"], "dev.c1setup.assistant");
}

#[test]
fn platform_codes_are_classified() {
    assert_eq!(
        classify_dbus_error_name("org.freedesktop.DBus.Error.ServiceUnknown"),
        FailureCause::ServiceMissing
    );
    assert_eq!(
        classify_dbus_error_name("org.freedesktop.DBus.Error.Spawn.ChildExited"),
        FailureCause::ServiceMissing
    );
    assert_eq!(
        classify_dbus_error_name("org.freedesktop.Secret.Error.IsLocked"),
        FailureCause::Locked
    );
    assert_eq!(
        classify_dbus_error_name("org.freedesktop.DBus.Error.AccessDenied"),
        FailureCause::AccessDenied
    );
    assert_eq!(
        classify_dbus_error_name("org.freedesktop.Secret.Error.NoSuchObject"),
        FailureCause::NoDefaultKeyring
    );
    assert_eq!(
        classify_dbus_error_name("org.freedesktop.DBus.Error.NoReply"),
        FailureCause::Other
    );
    assert_eq!(classify_macos_status(-128), FailureCause::PromptDismissed);
    assert_eq!(classify_macos_status(-25308), FailureCause::Locked);
    assert_eq!(classify_macos_status(-25291), FailureCause::ServiceMissing);
    assert_eq!(classify_macos_status(-25243), FailureCause::AccessDenied);
    assert_eq!(classify_macos_status(-25300), FailureCause::NotFound);
    assert_eq!(classify_macos_status(-1), FailureCause::Other);
    assert_eq!(classify_windows_code(1312), FailureCause::ServiceMissing);
    assert_eq!(classify_windows_code(5), FailureCause::AccessDenied);
    assert_eq!(classify_windows_code(1168), FailureCause::NotFound);
    assert_eq!(classify_windows_code(87), FailureCause::Other);
}

/// The shape of windows-native-keyring-store's (unexported) error type.
#[derive(Debug)]
struct PlatformError(u32);

impl std::fmt::Display for PlatformError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self.0 {
            1312 => write!(f, "Windows ERROR_NO_SUCH_LOGON_SESSION"),
            code => write!(f, "Windows error code {code}"),
        }
    }
}

impl std::error::Error for PlatformError {}

/// Only the message of an error, for the fallback.
#[derive(Debug)]
struct Message(&'static str);

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Message {}

#[test]
fn windows_codes_are_read_from_the_stores_error() {
    assert_eq!(windows_code_from_error(&PlatformError(5)), Some(5));
    assert_eq!(windows_code_from_error(&PlatformError(1312)), Some(1312));
    let boxed: keyring_core::error::PlatformError = Box::new(PlatformError(1168));
    assert_eq!(windows_code_from_error(boxed.as_ref()), Some(1168));
    assert_eq!(
        windows_code_from_error(&Message("Windows error code 5")),
        Some(5)
    );
    assert_eq!(
        windows_code_from_error(&Message("Windows ERROR_NO_SUCH_LOGON_SESSION")),
        Some(1312)
    );
    assert_eq!(windows_code_from_error(&Message("something else")), None);
    assert_eq!(
        windows_code_from_error(&std::io::Error::other("PlatformError")),
        None
    );
    assert_eq!(
        classify_windows_code(windows_code_from_error(&PlatformError(1312)).expect("code")),
        FailureCause::ServiceMissing
    );
}

#[test]
fn a_store_that_forgets_items_is_refused() {
    // keyring-core's mock keeps items only as long as the process: the
    // probe's persistence check must refuse it. (The platform stores pass
    // it; the real-keychain tests run the probe against them.)
    let mock = keyring_core::mock::Store::new().expect("mock store");
    assert!(!keeps_items(&*mock));
}

#[test]
fn store_names_are_the_platforms_own() {
    assert_eq!(Platform::MacOs.store_name(), "macOS Keychain");
    assert_eq!(Platform::Windows.store_name(), "Windows Credential Manager");
    assert_eq!(
        Platform::Linux.store_name(),
        "the Secret Service (GNOME Keyring or KWallet)"
    );
    assert_eq!(
        KeyringStore::new().store_name(),
        Platform::current().store_name()
    );
}

#[cfg(target_os = "linux")]
#[test]
fn secret_service_providers_are_named_by_process() {
    use super::keyring_store::provider_from_process_name;
    assert_eq!(
        provider_from_process_name("gnome-keyring-d"),
        Some("GNOME Keyring")
    );
    assert_eq!(provider_from_process_name("kwalletd6"), Some("KWallet"));
    assert_eq!(provider_from_process_name("keepassxc"), Some("KeePassXC"));
    assert_eq!(provider_from_process_name("bash"), None);
}

#[test]
fn a_store_is_usable_as_a_trait_object_across_threads() {
    let store: std::sync::Arc<dyn SecretStore> = std::sync::Arc::new(MemoryStore::new());
    let key = client_key();
    let writer = {
        let store = store.clone();
        let key = key.clone();
        std::thread::spawn(move || store.put(&key, &Secret::from(SECRET)))
    };
    writer.join().expect("thread").expect("put");
    assert_eq!(store.get(&key).expect("get").expose(), SECRET);
}
