//! Least privilege: the window's one capability grants exactly the app's own
//! commands (as declared in build.rs) and nothing of any plugin: the Paste
//! buttons read the clipboard in Rust, so the window cannot read it.

use std::collections::BTreeSet;

fn declared_commands() -> BTreeSet<String> {
    let build = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/build.rs"))
        .expect("build.rs");
    let list = build
        .split_once("const COMMANDS: &[&str] = &[")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(list, _)| list)
        .expect("the COMMANDS list");
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn the_window_may_call_exactly_the_apps_commands_and_no_plugin() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/capabilities/main.json"
    ))
    .expect("capability file");
    let capability: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_owned())
        .collect();
    let expected: BTreeSet<String> = declared_commands()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(granted, expected);
    assert!(granted
        .iter()
        .all(|p| !p.contains(':') && !p.contains("default")));
}

#[test]
fn every_declared_command_is_registered() {
    let handler =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/commands/mod.rs"))
            .expect("commands/mod.rs");
    for command in declared_commands() {
        assert!(
            handler.contains(&format!("::{command},")),
            "{command} is declared in build.rs but not registered in all_commands!"
        );
    }
}
