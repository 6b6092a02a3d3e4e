//! The core's modules import one way: no module (or step module) reaches,
//! directly or through others, back to a module that imports it. Read from
//! the source, so a new `use` that closes a loop fails here with the loop.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// `steps::step1_instance` and the like count on their own; any other path
/// counts as its first segment (`login`, `keychain`, ...).
fn unit(path: &[&str]) -> String {
    match path {
        ["steps", step, ..] => format!("steps::{step}"),
        [first, ..] => (*first).to_owned(),
        [] => "crate".to_owned(),
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without its `#[cfg(test)]` items (test code may reach
/// anywhere), wherever they stand in the file: each is skipped up to the
/// end of its braces or its `;`.
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 1 => {
                    end = i + 1;
                    break;
                }
                '}' => depth = depth.saturating_sub(1),
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Which unit imports which, outside tests.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file
            .strip_prefix(&root)
            .expect("inside src")
            .with_extension("");
        let mut own: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if matches!(own.last().map(String::as_str), Some("mod" | "lib")) {
            own.pop();
        }
        let own_ref: Vec<&str> = own.iter().map(String::as_str).collect();
        let from = unit(&own_ref);
        let text = fs::read_to_string(&file).expect("readable");
        let code = without_tests(&text);
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let path: Vec<&str> = rest
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or_default()
                    .split("::")
                    .filter(|s| s.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                    .collect();
                let to = unit(&path);
                if to != from && to != "crate" {
                    graph.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    graph
}

fn find_loop(
    graph: &BTreeMap<String, BTreeSet<String>>,
    node: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut found = path[at..].to_vec();
        found.push(node.to_owned());
        return Some(found);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_owned());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(found) = find_loop(graph, next, path, done) {
            return Some(found);
        }
    }
    path.pop();
    done.insert(node.to_owned());
    None
}

#[test]
fn test_items_are_left_out_wherever_they_stand() {
    let text = "use crate::a;\n#[cfg(test)]\nmod tests { fn f() { crate::b::x(); } }\nuse crate::c;\n#[cfg(test)]\nuse crate::d;\n";
    let code = without_tests(text);
    assert!(
        code.contains("crate::a") && code.contains("crate::c"),
        "{code}"
    );
    assert!(
        !code.contains("crate::b") && !code.contains("crate::d"),
        "{code}"
    );
}

#[test]
fn core_modules_import_one_way() {
    let graph = imports();
    assert!(graph.contains_key("steps::step3_connect"), "{graph:?}");
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(found) = find_loop(&graph, node, &mut Vec::new(), &mut done) {
            panic!("an import loop: {}", found.join(" -> "));
        }
    }
}

#[test]
fn the_engines_and_leaves_know_nothing_of_the_steps() {
    let graph = imports();
    for low in [
        "login", "liveness", "net", "keychain", "error", "step", "fields", "progress",
    ] {
        let reaches: Vec<_> = graph
            .get(low)
            .into_iter()
            .flatten()
            .filter(|to| to.starts_with("steps") || *to == "setup" || *to == "session")
            .collect();
        assert!(reaches.is_empty(), "{low} imports {reaches:?}");
    }
}
