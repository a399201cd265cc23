#!/bin/sh
# After install and upgrade (RPM %post, deb postinst): the booth user and
# its data directory from the package's own sysusers.d and tmpfiles.d
# entries, and systemd told about the unit. The service is neither enabled
# nor restarted: booth takes port 22 only once the admin has moved sshd, and
# a restart during an election ends every voter's session, so both are the
# admin's call (docs/operations.md).
set -e
systemd-sysusers /usr/lib/sysusers.d/booth.conf
systemd-tmpfiles --create /usr/lib/tmpfiles.d/booth.conf
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload
	if systemctl is-active --quiet booth.service; then
		echo "booth: the running service is the old version until 'systemctl restart booth'"
	fi
fi
exit 0
