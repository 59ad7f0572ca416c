#!/usr/bin/env bash
# Sets up what tests/ssh.rs needs: an OpenSSH server on 127.0.0.1 (high port) that takes one key
# for one test user, started by hand because our machines have no systemd. Idempotent: installs
# only what is missing, and starts sshd only when it is not running already.
#
# Everything lives in $ORDERDESK_SSH_DIR (default /var/tmp/orderdesk-sshd): sshd_config, host
# key, the client key, sshd's log and pid, and `ready`, which tells the test how to log in.
# Without root or sudo it does nothing, and the test says it was skipped.
set -euo pipefail

dir=${ORDERDESK_SSH_DIR:-/var/tmp/orderdesk-sshd}
port=${ORDERDESK_SSH_PORT:-22022}
user=orderdesk-ssh

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo)
else
    echo "setup-ssh: needs root or sudo; the SSH test will be skipped" >&2
    exit 0
fi

missing=()
for p in openssh-server openssh-client; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup-ssh: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# sshd refuses to start without its privilege-separation directory.
"${sudo[@]}" mkdir -p /run/sshd
"${sudo[@]}" chmod 0755 /run/sshd

# The test user: '*' in the password field is "no password" (sshd without PAM refuses an account
# locked with '!', even for key logins).
if ! id "$user" >/dev/null 2>&1; then
    "${sudo[@]}" useradd --create-home --shell /bin/sh "$user"
fi
"${sudo[@]}" usermod -p '*' "$user"

"${sudo[@]}" mkdir -p "$dir"
"${sudo[@]}" chmod 0755 "$dir"
[ -f "$dir/host_ed25519" ] || "${sudo[@]}" ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
[ -f "$dir/client_ed25519" ] || "${sudo[@]}" ssh-keygen -q -t ed25519 -N '' -f "$dir/client_ed25519"
home=$(getent passwd "$user" | cut -d: -f6)
"${sudo[@]}" install -d -m 0700 -o "$user" -g "$user" "$home/.ssh"
"${sudo[@]}" install -m 0600 -o "$user" -g "$user" "$dir/client_ed25519.pub" "$home/.ssh/authorized_keys"

"${sudo[@]}" tee "$dir/sshd_config" >/dev/null <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $user
AuthorizedKeysFile .ssh/authorized_keys
PrintMotd no
LogLevel VERBOSE
CONF

if [ -f "$dir/sshd.pid" ] && "${sudo[@]}" kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then
    echo "setup-ssh: sshd already running on 127.0.0.1:$port"
else
    "${sudo[@]}" /usr/sbin/sshd -t -f "$dir/sshd_config"
    "${sudo[@]}" /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
    echo "setup-ssh: sshd started on 127.0.0.1:$port"
fi

"${sudo[@]}" tee "$dir/ready" >/dev/null <<READY
user=$user
port=$port
key=$dir/client_ed25519
READY
