#!/bin/sh
# Installs what `make test` needs on a fresh Debian machine: node runs the
# js/wasm tests, chromium the browser tests. Go itself is assumed.
set -e
need=""
command -v node >/dev/null 2>&1 || need="$need nodejs"
[ -x /usr/lib/chromium/chromium ] || need="$need chromium fonts-dejavu-core"
if [ -n "$need" ]; then
	echo "installing:$need"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need >/dev/null
fi
