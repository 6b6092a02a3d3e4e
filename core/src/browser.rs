//! Opening a URL in the admin's browser: `$BROWSER` if set, else the platform opener.
