// Tell the benchmark the page is interactive (no API package: the internal bridge).
window.__TAURI_INTERNALS__.invoke("ready");
