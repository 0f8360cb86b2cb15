#!/usr/bin/env bash
# Installs the DNS lab's servers (and Chromium for the browser tests) when missing and starts Redis when none answers.
# Safe to run again: it does nothing when everything is already there.
set -euo pipefail

missing=()
command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] || missing+=(knot)
command -v unbound >/dev/null 2>&1 || [ -x /usr/sbin/unbound ] || missing+=(unbound)
command -v dig >/dev/null 2>&1 || missing+=(dnsutils)
# Only to validate docker-compose.yml (test/unit/deploy-files.test.ts); no Docker engine is needed.
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
# The test-mail listener's tests send real mail with swaks (test/integration/smtp/); the failover
# tests run real Sentinels (test/integration/redis-ha/).
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
# swaks speaks STARTTLS and IPv6 only with these Perl modules (the listener tests use both).
perl -MNet::SSLeay -MIO::Socket::SSL -MIO::Socket::INET6 -e1 >/dev/null 2>&1 || missing+=(libnet-ssleay-perl libio-socket-ssl-perl libio-socket-inet6-perl)
command -v redis-sentinel >/dev/null 2>&1 || [ -x /usr/bin/redis-sentinel ] || missing+=(redis-sentinel)
# The servers page's browser tests (test/integration/web/) drive Debian's Chromium with
# puppeteer-core; nothing downloads a browser.
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The packages start system services on install; the lab runs its own copies on high ports,
# and port 53 must stay free, so stop any the install started.
for svc in knot unbound redis-sentinel; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
done

# Debian confines /usr/sbin/unbound with AppArmor to /etc/unbound; the test lab (test/lab/) runs
# it with a config in a temporary folder, so allow that folder through the profile's local
# include when AppArmor is enforcing.
aa_local=/etc/apparmor.d/local/usr.sbin.unbound
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && [ -f /etc/apparmor.d/usr.sbin.unbound ] \
  && ! grep -q rdns-lab "$aa_local" 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    printf '%s\n' "# rdns-bot test lab (scripts/ensure-test-services.sh)" "/tmp/rdns-lab-*/** rwk," >>"$aa_local"
    apparmor_parser -r /etc/apparmor.d/usr.sbin.unbound >/dev/null 2>&1 || true
  else
    echo "AppArmor confines unbound; allow the lab with: echo '/tmp/rdns-lab-*/** rwk,' | sudo tee -a $aa_local && sudo apparmor_parser -r /etc/apparmor.d/usr.sbin.unbound" >&2
  fi
fi

redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${redis_url#*://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port=6379
if ! redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
  echo "no Redis answering at $host:$port; starting one" >&2
  mkdir -p /tmp/rdns-bot-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir /tmp/rdns-bot-redis --logfile /tmp/rdns-bot-redis/redis.log
  for _ in $(seq 1 50); do redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h "$host" -p "$port" ping >/dev/null
fi
