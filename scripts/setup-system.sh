#!/usr/bin/env bash
# Install the system packages for one purpose. Idempotent; Debian 12; run as root.
#   setup-system.sh demo   what `make demo` needs: Dovecot IMAP and OpenSSL (the demo's journal is SQLite)
#   setup-system.sh test   (the default) what the tests need besides: PostgreSQL server binaries,
#                          LibreOffice Calc (headless, opens the xlsx exports), Chromium (web pages),
#                          Tesseract with Russian and poppler (OCR of scans), systemd-analyze (the unit in deploy/)
# Tests and the demo only start private Dovecot/PostgreSQL instances, so the packaged services
# are not needed.
set -euo pipefail
PURPOSE="${1:-test}"
case "$PURPOSE" in demo|test) ;; *) echo "usage: $0 [demo|test]" >&2; exit 2 ;; esac

have_dovecot() { command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; }
have_initdb() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
have_openssl() { command -v openssl >/dev/null 2>&1; }
have_soffice() { command -v soffice >/dev/null 2>&1; }  # the xlsx export is checked in LibreOffice
have_chromium() { command -v chromium >/dev/null 2>&1; }  # the web pages are tested in a real browser
have_tesseract_rus() { compgen -G '/usr/share/tesseract-ocr/*/tessdata/rus.traineddata' >/dev/null; }  # OCR of scans
have_pdftoppm() { command -v pdftoppm >/dev/null 2>&1; }  # renders scanned PDF pages for OCR
have_postgres_user() { id -u postgres >/dev/null 2>&1; }
have_systemd_analyze() { command -v systemd-analyze >/dev/null 2>&1; }  # verifies deploy/*.service

missing_packages() {
    have_dovecot || echo dovecot-imapd
    have_openssl || echo openssl
    [ "$PURPOSE" = test ] || return 0
    have_initdb || echo postgresql
    have_systemd_analyze || echo systemd
    have_soffice || echo libreoffice-calc-nogui
    have_chromium || echo chromium
    have_tesseract_rus || printf '%s\n' tesseract-ocr tesseract-ocr-rus
    have_pdftoppm || echo poppler-utils
}

apt_lists_present() { compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; }

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt_lists_present || apt-get update -qq
    if ! apt-get install -y -qq --no-install-recommends "$@"; then
        apt-get update -qq  # stale lists: refresh once and retry
        apt-get install -y -qq --no-install-recommends "$@"
    fi
}

disable_system_dovecot() {
    # installing dovecot-imapd starts a system instance on 143/993; tests never use it
    if [ -d /run/systemd/system ]; then
        systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
    else
        service dovecot stop >/dev/null 2>&1 || true
    fi
}

main() {
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        # initdb/pg_ctl run as the postgres user when tests run as root
        if [ "$PURPOSE" = test ] && [ "$(id -u)" -eq 0 ] && ! have_postgres_user; then
            adduser --system --group --home /var/lib/postgresql --no-create-home postgres
        fi
        echo "setup-system ($PURPOSE): everything already present"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup-system: missing system packages; as root run:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        return 1
    fi
    echo "setup-system: installing ${missing[*]}"
    apt_install "${missing[@]}"
    if printf '%s\n' "${missing[@]}" | grep -qx dovecot-imapd; then
        disable_system_dovecot
    fi
}

main "$@"
