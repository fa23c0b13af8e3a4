#!/bin/sh
# Installs the Debian 12 packages claimwatch needs to build, test and run
# its demo, skipping those already installed.  Needs root for apt-get.
set -eu
PKGS="make gcc pkg-config libc6-dev man-db mandoc libcurl4-openssl-dev libxml2-dev
libxml2-utils libevent-dev libhiredis-dev libinih-dev libjansson-dev
libsystemd-dev libcmocka-dev redis-server redis-tools jq valgrind time
python3 python3-jsonschema curl clang libclang-rt-14-dev nginx-light systemd chromium"
missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
