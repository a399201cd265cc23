#!/bin/sh
# After removal (RPM %postun, deb postrm): systemd forgets the unit. The
# data directory, the booth user and (except on purge) /etc/booth stay: a
# database of an election is never deleted by a package manager.
set -e
case "$1" in
0 | remove | purge)
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload || true
	fi
	;;
esac
exit 0
