"""Debian's chromium, driven headless by Playwright (never `playwright install`: no browser download)."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = "Debian's chromium is missing: make test installs it (scripts/install-chromium.sh)"
