#!/usr/bin/env bash
# The real parts the tests drive, from Debian: redis-server (shared rate limits and quotas),
# chromium (end-to-end tests of the preview) and a CJK font (without one Chromium draws every
# Chinese character as a box). Installs what is missing when it can (root + apt-get); otherwise
# says exactly what to install. Runs before `npm test` and in `.ci/run`; `npm run bench` adds nginx
# (the relay benchmark's reference proxy) as an argument: extra arguments are more packages whose
# command has the package's name.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
for extra in "$@"; do
  command -v "$extra" >/dev/null 2>&1 || [ -x "/usr/sbin/$extra" ] || need+=("$extra")
done
if ! fc-list 2>/dev/null | grep -i 'noto sans cjk\|wenquanyi' >/dev/null; then need+=(fonts-noto-cjk); fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "system-deps: missing ${need[*]}; install them, e.g. sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
