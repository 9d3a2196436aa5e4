/** Chromium comes from the system (Debian's /usr/bin/chromium, CHROMIUM_PATH): never download one. */
module.exports = { skipDownload: true };
