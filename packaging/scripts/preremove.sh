#!/bin/sh
# Before removal (RPM %preun, deb prerm): on the last removal, not on an
# upgrade, stop and disable the service. RPM passes 0 then, dpkg "remove".
set -e
case "$1" in
0 | remove)
	if [ -d /run/systemd/system ]; then
		systemctl --no-reload disable --now booth.service || true
	fi
	;;
esac
exit 0
