// Tell the benchmark the page is interactive, at the same moment the
// assistant does: once the first frame is painted (no API package: the
// internal bridge). The page's timeline is reported as the assistant's is.
const scriptStarted = performance.now();
// As the assistant's page does: show the window, which waits for this on Linux.
void window.__TAURI_INTERNALS__.invoke("plugin:window|show", { label: "main" });
requestAnimationFrame(() => {
  setTimeout(() => {
    void window.__TAURI_INTERNALS__.invoke("ready", {
      page: [
        ["origin", performance.timeOrigin],
        ["html", performance.getEntriesByType("navigation")[0]?.responseEnd ?? 0],
        ["script", scriptStarted],
        ["frame", performance.now()],
      ],
    });
  }, 0);
});
