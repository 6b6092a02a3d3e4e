//! The setup report read back by a CommonMark parser (with the GitHub
//! extensions, math, sub- and superscript switched on): values full of
//! Markdown must show exactly as typed and must not change the document's
//! structure (no new heading, list, emphasis, link, HTML or code).

use c1_setup_core::endpoints::{Endpoints, Region};
use c1_setup_core::login::{CheckId, CheckResult};
use c1_setup_core::progress::{SavedState, VerificationOutcome, VerificationRecord};
use c1_setup_core::report::report_markdown;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use time::OffsetDateTime;

const CLIENT_ID: &str = "0a1b2c3d-client";

fn state(display_name: &str, email: &str, label: &str, client_id: &str) -> SavedState {
    SavedState {
        domain: "acmeco".into(),
        display_name: display_name.into(),
        region: Region::Us,
        client_id: Some(client_id.into()),
        verification: Some(VerificationRecord {
            at: OffsetDateTime::from_unix_timestamp(1_714_560_000).expect("valid"),
            issuer: Region::Us.issuer().into(),
            client_id: client_id.into(),
            outcome: VerificationOutcome::Passed {
                email: email.into(),
                email_verified: Some(true),
                checks: vec![CheckResult {
                    id: CheckId::Issuer,
                    label: label.into(),
                }],
            },
        }),
        ..SavedState::default()
    }
}

fn render(state: &SavedState) -> String {
    report_markdown(
        state,
        &Endpoints::real(Region::Us),
        OffsetDateTime::from_unix_timestamp(1_714_561_260).expect("valid"),
    )
}

fn options() -> Options {
    Options::all()
        - Options::ENABLE_SMART_PUNCTUATION
        - Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        - Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

/// The document's shape: every tag and every non-text event, without text.
fn structure(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, options())
        .filter_map(|event| match event {
            Event::Text(_) | Event::SoftBreak => None,
            Event::Code(_) => Some("code".to_owned()),
            Event::Start(tag) => Some(format!("start {}", tag_name(&tag))),
            Event::End(tag) => Some(format!("end {tag:?}")),
            other => Some(format!("{other:?}")),
        })
        .collect()
}

fn tag_name(tag: &Tag<'_>) -> String {
    match tag {
        // Links carry their target; the report has none of its own.
        Tag::Link { dest_url, .. } => format!("link {dest_url}"),
        other => format!("{other:?}"),
    }
}

/// The plain text of each heading, paragraph and list item (a nested list's
/// text stays with its own item). Code spans count as text.
fn blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::Item) => {
                stack.push(String::new());
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item) => {
                if let Some(text) = stack.pop() {
                    if !text.is_empty() {
                        out.push(text);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(current) = stack.last_mut() {
                    current.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(current) = stack.last_mut() {
                    current.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

fn block_starting<'a>(blocks: &'a [String], prefix: &str) -> &'a str {
    blocks
        .iter()
        .find_map(|b| b.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no block starts with {prefix:?} in {blocks:#?}"))
}

/// How a value should read: line breaks and other control characters
/// become spaces.
fn as_shown(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

const NASTY: [&str; 18] = [
    "Acme | Co | Ltd",
    "*Acme* **Co** _x_ __y__",
    "`code` ``two`` ```",
    "Acme\nCo",
    "Acme\r\n## Injected heading",
    "# Not a heading #",
    "<script>alert(1)</script>",
    "<b>bold</b> &amp; &lt;",
    "[click](https://evil.example) ![img](x.png)",
    "back\\slash \\* \\",
    "$x^2$ and $$y$$",
    "~~struck~~ ~sub~ ^sup^",
    "Acme {#anchor}",
    "[[wiki]] [^1]",
    "1. not a list",
    "- not an item",
    "> not a quote",
    "Acme\t\u{7}Co\u{1b}[31m",
];

#[test]
fn values_full_of_markdown_show_as_typed_and_keep_the_structure() {
    let baseline = structure(&render(&state(
        "Acme Co",
        "admin@acme.example",
        "A plain label.",
        CLIENT_ID,
    )));
    for nasty in NASTY {
        let report = render(&state(nasty, nasty, nasty, CLIENT_ID));
        assert_eq!(
            structure(&report),
            baseline,
            "{nasty:?} changed the structure of:\n{report}"
        );
        let blocks = blocks(&report);
        let shown = as_shown(nasty);
        assert_eq!(
            block_starting(&blocks, "ConductorOne setup report: "),
            shown,
            "title for {nasty:?}"
        );
        assert_eq!(
            block_starting(&blocks, "Display name: "),
            shown,
            "display name {nasty:?}"
        );
        assert_eq!(
            block_starting(&blocks, "Passed: Issuer: "),
            shown,
            "check label {nasty:?}"
        );
        let signed_in = block_starting(
            &blocks,
            "Passed on 2024-05-01 10:40 UTC. JumpCloud signed in ",
        );
        assert_eq!(
            signed_in,
            format!("{shown} (JumpCloud marks this address as verified)."),
            "email {nasty:?}"
        );
    }
}

#[test]
fn identifiers_with_backticks_stay_whole_code_spans() {
    let baseline = structure(&render(&state("Acme", "a@b.example", "x", CLIENT_ID)));
    for client_id in ["abc`def", "``abc", "abc``", "a```b`c", "`"] {
        let report = render(&state("Acme", "a@b.example", "x", client_id));
        assert_eq!(
            structure(&report),
            baseline,
            "{client_id:?} changed the structure of:\n{report}"
        );
        let blocks = blocks(&report);
        assert_eq!(
            block_starting(&blocks, "Client ID: "),
            client_id,
            "{report}"
        );
    }
}

#[test]
fn the_report_is_one_h1_and_five_sections() {
    let report = render(&state("Acme", "a@b.example", "x", CLIENT_ID));
    let headings: Vec<_> = Parser::new_ext(&report, options())
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(level as u8),
            _ => None,
        })
        .collect();
    assert_eq!(headings, [1, 2, 2, 2, 2, 2]);
    // Nothing renders as HTML or a link.
    assert!(!Parser::new_ext(&report, options()).any(|e| matches!(
        e,
        Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::Link { .. } | Tag::Image { .. })
    )));
}
