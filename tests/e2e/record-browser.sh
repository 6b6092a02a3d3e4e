#!/bin/sh
# A stand-in for the admin's web browser: records the URL it was asked to
# open (the last argument) in $C1_TEST_BROWSER_LOG, one per line.
for url; do :; done
printf '%s\n' "$url" >> "${C1_TEST_BROWSER_LOG:?set C1_TEST_BROWSER_LOG}"
