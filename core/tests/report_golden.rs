//! The setup report against golden files in `tests/golden/`.
//!
//! Run with `UPDATE_GOLDEN=1` to rewrite the files after an intended change,
//! then review the difference in version control.

use std::fs;
use std::path::PathBuf;

use c1_setup_core::endpoints::{Endpoints, Region};
use c1_setup_core::login::{CheckId, CheckResult};
use c1_setup_core::progress::{
    AccessItem, SavedState, Signup, VerificationOutcome, VerificationRecord,
};
use c1_setup_core::report::report_markdown;
use c1_setup_core::step::StepId;
use c1_setup_core::ErrorKind;
use time::OffsetDateTime;

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).expect("valid time")
}

/// A finished setup, as the done screen sees it.
fn finished_setup() -> SavedState {
    let check = |id, label: &str| CheckResult {
        id,
        label: label.to_owned(),
    };
    SavedState {
        current_step: StepId::Access,
        domain: "acmeco".into(),
        display_name: "Acme Co".into(),
        region: Region::Eu,
        loopback_port: 38_710,
        client_id: Some("0a1b2c3d-4e5f-client".into()),
        verification: Some(VerificationRecord {
            at: at(1_714_560_000),
            issuer: "https://oauth.id.eu.jumpcloud.com/".into(),
            client_id: "0a1b2c3d-4e5f-client".into(),
            outcome: VerificationOutcome::Passed {
                email: "admin@acme.example".into(),
                email_verified: Some(true),
                checks: vec![
                    check(
                        CheckId::Issuer,
                        "JumpCloud's sign-in service at https://oauth.id.eu.jumpcloud.com/ answered and identified itself correctly.",
                    ),
                    check(
                        CheckId::RedirectUri,
                        "JumpCloud sent you back to http://127.0.0.1:38710/callback: the Redirect URI is registered.",
                    ),
                    check(
                        CheckId::GroupAssignment,
                        "JumpCloud let you sign in: you are in a user group assigned to the app.",
                    ),
                    check(
                        CheckId::ClientSecret,
                        "The Client ID and Client Secret are correct.",
                    ),
                    check(
                        CheckId::AuthType,
                        "The Client Authentication Type accepts Client Secret POST.",
                    ),
                    check(
                        CheckId::IdToken,
                        "The identity token is signed by JumpCloud and made for this app.",
                    ),
                    check(
                        CheckId::EmailMapping,
                        "Your email address (admin@acme.example) reaches the app through the ID token.",
                    ),
                ],
            },
        }),
        invite_code_stored: true,
        client_secret_stored: true,
        signup: Signup {
            opened_at: Some(at(1_714_560_300)),
            instance_live_at: Some(at(1_714_560_720)),
            ..Signup::default()
        },
        access_checklist: [
            AccessItem::PickGroup,
            AccessItem::TickApplication,
            AccessItem::SaveGroup,
        ]
        .into(),
        finished_at: Some(at(1_714_561_200)),
        updated_at: at(1_714_561_200),
        ..SavedState::default()
    }
}

/// A setup stopped half way: the last check failed (with another Client ID
/// than the one now entered), the instance never answered, a display name
/// full of Markdown, a port of its own.
fn unfinished_setup() -> SavedState {
    SavedState {
        current_step: StepId::Connect,
        domain: "acme-labs".into(),
        display_name: "Acme | *Labs* `beta` <b>&</b>\nsecond line #".into(),
        region: Region::Us,
        loopback_port: 40_123,
        client_id: Some("new-client-id".into()),
        verification: Some(VerificationRecord {
            at: at(1_714_560_000),
            issuer: "https://oauth.id.jumpcloud.com/".into(),
            client_id: "old-client-id".into(),
            outcome: VerificationOutcome::Failed {
                kind: ErrorKind::InvalidClient,
            },
        }),
        invite_code_stored: true,
        client_secret_stored: true,
        signup: Signup {
            opened_at: Some(at(1_714_560_300)),
            instance_live_at: None,
            ..Signup::default()
        },
        access_checklist: [AccessItem::RemoveLoopbackRedirect].into(),
        ..SavedState::default()
    }
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join(name)
}

/// Compares `actual` with the golden file, or rewrites the file when
/// `UPDATE_GOLDEN` is set.
fn assert_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0") {
        fs::create_dir_all(path.parent().expect("has a parent")).expect("golden dir");
        fs::write(&path, actual).expect("golden file written");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}. Run with UPDATE_GOLDEN=1 to create it.",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let want_lines: Vec<&str> = expected.lines().collect();
    let got_lines: Vec<&str> = actual.lines().collect();
    let n = (0..want_lines.len().max(got_lines.len()))
        .find(|&i| want_lines.get(i) != got_lines.get(i))
        .unwrap_or(want_lines.len());
    let (want, got) = (want_lines.get(n), got_lines.get(n));
    let n = n + 1;
    panic!(
        "{} differs from the report at line {n}:\n  golden: {want:?}\n  report: {got:?}\nIf the change is intended, run with UPDATE_GOLDEN=1 and review the difference.\n--- full report ---\n{actual}",
        path.display()
    );
}

#[test]
fn the_report_of_a_finished_setup_matches_the_golden_file() {
    let report = report_markdown(
        &finished_setup(),
        &Endpoints::real(Region::Eu),
        at(1_714_561_260),
    );
    assert_golden("setup-report.md", &report);
}

#[test]
fn the_report_of_an_unfinished_setup_matches_the_golden_file() {
    let report = report_markdown(
        &unfinished_setup(),
        &Endpoints::real(Region::Us),
        at(1_714_561_260),
    );
    assert_golden("setup-report-unfinished.md", &report);
}

#[test]
fn the_report_has_every_value_the_admin_needs() {
    let report = report_markdown(
        &finished_setup(),
        &Endpoints::real(Region::Eu),
        at(1_714_561_260),
    );
    for needle in [
        "`acmeco`",
        "Acme Co",
        "Europe",
        "`https://oauth.id.eu.jumpcloud.com/`",
        "`0a1b2c3d-4e5f-client`",
        "`https://accounts.conductor.one/auth/callback`",
        "`http://127.0.0.1:38710/callback`",
        "`https://acmeco.conductor.one/login?sso_operation=initiate_login`",
        "`https://acmeco.conductor.one/`",
        "**Passed** on 2024-05-01 10:40 UTC",
        "admin@acme.example",
        "answered on 2024-05-01 10:52 UTC",
        "Connect your user directory",
        "- [x] Saved the group",
        "- [ ] Removed the assistant's redirect URI from the JumpCloud app (optional)",
    ] {
        assert!(report.contains(needle), "missing {needle:?} in:\n{report}");
    }
    // Seven checks, each with its result.
    assert_eq!(report.matches("- Passed: **").count(), 7, "{report}");
    assert!(!report.contains("Not confirmed"));
}

#[test]
fn a_missing_or_partial_verification_is_stated_plainly() {
    let endpoints = Endpoints::real(Region::Eu);
    let mut state = finished_setup();
    state.verification = None;
    let report = report_markdown(&state, &endpoints, at(1_714_561_260));
    assert!(report.contains("**Not run.**"), "{report}");
    assert!(!report.contains("**Passed**"));

    let mut state = finished_setup();
    if let Some(VerificationOutcome::Passed { checks, .. }) =
        state.verification.as_mut().map(|v| &mut v.outcome)
    {
        checks.retain(|c| c.id != CheckId::EmailMapping);
    }
    let report = report_markdown(&state, &endpoints, at(1_714_561_260));
    assert!(
        report.contains("- Not confirmed: **Email attribute mapping**"),
        "{report}"
    );
    assert_eq!(report.matches("- Passed: **").count(), 6);

    let mut state = finished_setup();
    if let Some(VerificationOutcome::Passed { checks, .. }) =
        state.verification.as_mut().map(|v| &mut v.outcome)
    {
        checks.clear();
    }
    let report = report_markdown(&state, &endpoints, at(1_714_561_260));
    assert!(
        report.contains("The result of each check was not recorded."),
        "{report}"
    );
}

#[test]
fn an_empty_state_still_gives_a_readable_report() {
    let report = report_markdown(
        &SavedState::default(),
        &Endpoints::real(Region::Us),
        at(1_714_561_260),
    );
    assert!(
        report.starts_with("# ConductorOne setup report\n"),
        "{report}"
    );
    assert!(
        report.contains("- **Domain:** *not entered yet*"),
        "{report}"
    );
    assert!(
        report.contains("- **Client ID:** *not entered yet*"),
        "{report}"
    );
    assert!(report.contains("**Not run.**"));
    assert!(report.contains("--client-id <client-id>"));
}
