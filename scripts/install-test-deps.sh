#!/bin/sh
# Installs what the mail integration tests need (tests/support): Dovecot
# (IMAP + LMTP), Postfix and openssl, on Debian 12, as root.
#
# Idempotent. The test harness runs its own throwaway instances from a
# temporary directory, so the system services that the packages start are
# stopped and disabled here: they would only hold ports and spool files.
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps.sh: must run as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Postfix asks how to configure itself; "No configuration" leaves main.cf
# alone (the harness writes its own).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections

# Keep apt from starting services during the install where policy-rc.d is
# honoured; removed again below if we created it.
created_policy=no
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=yes
fi
cleanup() {
    if [ "$created_policy" = yes ]; then
        rm -f /usr/sbin/policy-rc.d
    fi
}
trap cleanup EXIT

apt-get update
apt-get install -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    dovecot-imapd dovecot-lmtpd postfix openssl ca-certificates

# Stop and disable the system instances if anything started them anyway.
for svc in dovecot postfix; do
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl stop "$svc" >/dev/null 2>&1 || true
        systemctl disable "$svc" >/dev/null 2>&1 || true
    fi
    if command -v service >/dev/null 2>&1; then
        service "$svc" stop >/dev/null 2>&1 || true
    fi
    if command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
done
# Without systemd or init scripts the daemons may still run: stop the
# system-wide ones by their own pid files (the harness's instances use
# their own directories and are not touched).
if [ -f /run/dovecot/master.pid ]; then
    kill "$(cat /run/dovecot/master.pid)" 2>/dev/null || true
fi
postfix stop >/dev/null 2>&1 || true

for bin in /usr/sbin/dovecot /usr/sbin/postfix /usr/bin/openssl; do
    if [ ! -x "$bin" ]; then
        echo "install-test-deps.sh: $bin missing after install" >&2
        exit 1
    fi
done
echo "install-test-deps.sh: dovecot, postfix and openssl are installed"
