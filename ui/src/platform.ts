// Which desktop the window runs on, from WebKit's user agent: styles.css
// picks that platform's system font by it (data-os on the root element).

export type Platform = "macos" | "windows" | "linux";

export function platformOf(userAgent: string): Platform {
  if (/Macintosh|Mac OS X/.test(userAgent)) return "macos";
  if (/Windows/.test(userAgent)) return "windows";
  return "linux";
}
