//! On Linux the window opens hidden (`"visible": false` in tauri.conf.json)
//! and the page shows it as its script starts (the `show_window` command, from
//! ui/src/main.ts); if the page never gets that far, the window shows itself
//! after [`FALLBACK`]. Elsewhere, and with WebKitGTK's DMA-BUF renderer, it
//! shows at once.
//!
//! Why: a WebKitGTK view drawn for the first time while its web process is
//! still starting can wait about half a second, the window's thread and the
//! web process each waiting for the other (docs/benchmarks.md). It hit about
//! one start in three on the test machines. By the time the page's script
//! runs, the web process is up and the first draw does not wait. With the
//! DMA-BUF renderer, a window shown that late waited longer for its first
//! frame instead, so it is shown at once there.

use std::ffi::OsStr;
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, WebviewWindow};

/// How long the window may stay hidden when its page never starts.
pub const FALLBACK: Duration = Duration::from_millis(1500);

/// What showing needs from a window: the real one, or a fake in the tests.
trait Shown {
    fn is_visible(&self) -> bool;
    fn show(&self);
}

impl<R: Runtime> Shown for WebviewWindow<R> {
    fn is_visible(&self) -> bool {
        // An unknown state counts as hidden: showing twice does no harm.
        WebviewWindow::is_visible(self).unwrap_or(false)
    }
    fn show(&self) {
        if let Err(err) = WebviewWindow::show(self) {
            tracing::warn!("the window could not be shown: {err}");
        }
    }
}

/// Shows `window` unless it already is, so a window the admin has since
/// moved or minimised is left alone.
fn reveal(window: &impl Shown) {
    if !window.is_visible() {
        window.show();
    }
}

/// For the `show_window` command: the page's script has started.
pub fn page_started<R: Runtime>(window: &WebviewWindow<R>) {
    reveal(window);
}

/// WebKitGTK reads `WEBKIT_DISABLE_DMABUF_RENDERER` as "off" when it is set
/// to anything but `0` (lib.rs sets it to `1` unless the admin set it).
fn dmabuf_renderer_off(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| v != "0")
}

/// Whether the window waits for its page before it shows (see the top).
fn waits_for_page(renderer_off: bool) -> bool {
    cfg!(target_os = "linux") && renderer_off
}

/// At set-up: shows the window now, or arranges the fallback while the page
/// is expected to show it.
pub fn at_setup<R: Runtime>(app: &AppHandle<R>, window: &WebviewWindow<R>) {
    let off = dmabuf_renderer_off(std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").as_deref());
    if !waits_for_page(off) {
        reveal(window);
        return;
    }
    let app = app.clone();
    let label = window.label().to_owned();
    let spawned = std::thread::Builder::new()
        .name("reveal-fallback".into())
        .spawn(move || {
            std::thread::sleep(FALLBACK);
            let handle = app.clone();
            let _ = app.run_on_main_thread(move || {
                let Some(window) = handle.get_webview_window(&label) else {
                    return;
                };
                if !Shown::is_visible(&window) {
                    tracing::warn!(
                        "the page did not start within {FALLBACK:?}; showing the window"
                    );
                    Shown::show(&window);
                }
            });
        });
    if let Err(err) = spawned {
        tracing::warn!("showing the window now, no fallback thread: {err}");
        reveal(window);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[derive(Default)]
    struct FakeWindow {
        visible: Cell<bool>,
        shows: Cell<u32>,
    }

    impl Shown for FakeWindow {
        fn is_visible(&self) -> bool {
            self.visible.get()
        }
        fn show(&self) {
            self.visible.set(true);
            self.shows.set(self.shows.get() + 1);
        }
    }

    #[test]
    fn a_hidden_window_is_shown_once() {
        let window = FakeWindow::default();
        reveal(&window);
        reveal(&window);
        assert!(window.visible.get());
        assert_eq!(window.shows.get(), 1);
    }

    #[test]
    fn a_window_already_shown_is_left_alone() {
        let window = FakeWindow {
            visible: Cell::new(true),
            ..FakeWindow::default()
        };
        reveal(&window);
        assert_eq!(window.shows.get(), 0);
    }

    #[test]
    fn the_window_waits_for_its_page_only_with_the_shared_memory_renderer_on_linux() {
        assert!(dmabuf_renderer_off(Some(OsStr::new("1"))));
        assert!(dmabuf_renderer_off(Some(OsStr::new("yes"))));
        assert!(!dmabuf_renderer_off(Some(OsStr::new("0"))));
        assert!(!dmabuf_renderer_off(None));
        assert_eq!(waits_for_page(true), cfg!(target_os = "linux"));
        assert!(!waits_for_page(false));
    }
}
