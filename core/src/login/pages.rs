//! The small HTML pages the loopback listener answers with. Every text is
//! escaped, every answer closes the connection, and none promises that the
//! tab closes by itself.

use crate::error::AppError;

/// A complete HTTP/1.1 response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub status: u16,
    pub title: String,
    pub paragraphs: Vec<String>,
    /// For the start address: where to send the browser.
    pub location: Option<String>,
}

impl Page {
    fn new(status: u16, title: &str, paragraphs: &[&str]) -> Self {
        Self {
            status,
            title: title.to_owned(),
            paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
            location: None,
        }
    }

    /// The response bytes: status line, headers, escaped HTML body.
    pub fn to_http(&self) -> Vec<u8> {
        let mut body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
             <style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}}</style>\
             </head><body><h1>{}</h1>",
            escape_html(&self.title),
            escape_html(&self.title)
        );
        for p in &self.paragraphs {
            body.push_str("<p>");
            body.push_str(&escape_html(p));
            body.push_str("</p>");
        }
        if let Some(location) = &self.location {
            body.push_str("<p><a href=\"");
            body.push_str(&escape_html(location));
            body.push_str("\">Continue to JumpCloud</a></p>");
        }
        body.push_str("</body></html>\n");
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Connection: close\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
             X-Content-Type-Options: nosniff\r\n\
             Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n",
            self.status,
            reason(self.status),
            body.len()
        );
        if let Some(location) = &self.location {
            head.push_str("Location: ");
            head.push_str(&location.replace(|c: char| c.is_control(), ""));
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const BACK: &str = "Return to the ConductorOne Setup Assistant; you can close this tab.";

pub fn start(authorization_url: &str) -> Page {
    let mut page = Page::new(
        302,
        "Continuing to JumpCloud",
        &["The assistant is sending you to JumpCloud to sign in."],
    );
    // A URL never contains control characters; dropping them rules out header injection.
    page.location = Some(
        authorization_url
            .chars()
            .filter(|c| !c.is_control())
            .collect(),
    );
    page
}

pub fn not_found() -> Page {
    Page::new(
        404,
        "Not found",
        &["This address is only used by the ConductorOne Setup Assistant's sign-in check."],
    )
}

pub fn bad_request(why: &str) -> Page {
    Page::new(
        400,
        "This answer could not be read",
        &[
            &format!("The assistant could not read this address: {why}."),
            "Start the check again from the assistant.",
        ],
    )
}

pub fn incomplete_callback() -> Page {
    Page::new(
        400,
        "Nothing to check",
        &[
            "This address carried neither a sign-in code nor an error from JumpCloud.",
            "Start the check again from the assistant.",
        ],
    )
}

pub fn wrong_host() -> Page {
    Page::new(
        421,
        "Refused",
        &["The assistant only answers at its own address, 127.0.0.1 with its port."],
    )
}

pub fn method_not_allowed() -> Page {
    Page::new(
        405,
        "Not allowed",
        &["The assistant's sign-in check only accepts page loads."],
    )
}

pub fn too_large() -> Page {
    Page::new(
        431,
        "Request too large",
        &["The request was larger than the assistant accepts."],
    )
}

pub fn not_this_sign_in() -> Page {
    Page::new(
        400,
        "Not the sign-in the assistant is waiting for",
        &[
            "This answer belongs to an older or another sign-in (its state value differs), so it was ignored.",
            "The assistant keeps waiting for the sign-in it started: finish it in the tab the assistant opened.",
        ],
    )
}

pub fn already_handled() -> Page {
    Page::new(
        409,
        "Already received",
        &[
            "The assistant already received an answer for this sign-in.",
            BACK,
        ],
    )
}

pub fn verified(email: &str) -> Page {
    Page::new(
        200,
        "Sign-in verified",
        &[
            &format!("JumpCloud signed you in as {email} and every check passed."),
            BACK,
        ],
    )
}

pub fn failed(error: &AppError) -> Page {
    Page::new(
        200,
        "The sign-in check failed",
        &[&error.message, &format!("What to do: {}", error.fix), BACK],
    )
}

pub fn stopped() -> Page {
    Page::new(
        200,
        "The assistant stopped waiting",
        &[
            "The sign-in check was cancelled or ran out of time before this answer could be checked.",
            "Start the check again from the assistant.",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn text(page: &Page) -> String {
        String::from_utf8(page.to_http()).expect("utf-8")
    }

    #[test]
    fn pages_are_escaped_and_close_the_connection() {
        let err = AppError::new(
            ErrorKind::IdpError,
            "JumpCloud said <script>alert(1)</script>",
            "Check \"x\" & 'y'",
        );
        let t = text(&failed(&err));
        assert!(t.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(t.contains("\r\nConnection: close\r\n"));
        assert!(t.contains("Content-Type: text/html; charset=utf-8"));
        assert!(!t.contains("<script>"));
        assert!(t.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(t.contains("&quot;x&quot; &amp; &#39;y&#39;"));
        assert!(!t.to_lowercase().contains("will close"));
        let (head, body) = t.split_once("\r\n\r\n").expect("head and body");
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
    }

    #[test]
    fn the_start_page_redirects_without_header_injection() {
        let t = text(&start(
            "https://idp.example/auth?a=1&b=\"2\"\r\nSet-Cookie: x=1",
        ));
        assert!(t.starts_with("HTTP/1.1 302 Found\r\n"));
        assert!(t.contains("\r\nLocation: https://idp.example/auth?a=1&b=\"2\"Set-Cookie: x=1\r\n"));
        assert!(!t.contains("\r\nSet-Cookie"));
        assert!(t.contains("href=\"https://idp.example/auth?a=1&amp;b=&quot;2&quot;"));
    }

    #[test]
    fn status_lines_match_their_pages() {
        assert!(text(&not_found()).starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text(&wrong_host()).starts_with("HTTP/1.1 421 "));
        assert!(text(&too_large()).starts_with("HTTP/1.1 431 "));
        assert!(text(&method_not_allowed()).starts_with("HTTP/1.1 405 "));
        assert!(text(&bad_request("x")).starts_with("HTTP/1.1 400 "));
        assert!(text(&already_handled()).starts_with("HTTP/1.1 409 "));
        assert!(text(&verified("a@b.c")).contains("a@b.c"));
        assert!(text(&stopped()).starts_with("HTTP/1.1 200 "));
        assert!(text(&incomplete_callback()).starts_with("HTTP/1.1 400 "));
    }
}
