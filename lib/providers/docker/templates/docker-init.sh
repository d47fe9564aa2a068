# The start of a hafarm Docker machine, run by tini as PID 1 at every start (docker start makes
# its interfaces anew): names the interfaces as the tutorial does, whatever order Docker attached
# them in (the one holding each lab address gets that network's name, the other, the management
# network, eth0), installs the lab's SSH key for root, then does what a namespace machine's init
# does (hafarm-init: sshd, the enabled services) and stays until the machine is powered off.
# HAFARM_INTERFACES: "eth1=192.168.1.11 eth2=10.100.100.1"; HAFARM_AUTHORIZED_KEY: one public key.
set -u
gateway=$(ip -4 route show default | sed -n 's/^default via \([0-9.]*\).*/\1/p' | head -n 1)
n=0
for dev in $(ls /sys/class/net); do
  [ "$dev" = lo ] && continue
  ip link set dev "$dev" down && ip link set dev "$dev" name "hfr$n" && n=$((n + 1))
done
for pair in $HAFARM_INTERFACES; do
  name=${pair%%=*}
  address=${pair#*=}
  dev=$(ip -o -4 addr show | awk -v a="$address" '{ split($4, p, "/"); if (p[1] == a) print $2 }')
  [ -n "$dev" ] && ip link set dev "$dev" name "$name"
done
for dev in $(ls /sys/class/net); do
  case "$dev" in hfr*) ip link set dev "$dev" name eth0 ;; esac
done
for dev in $(ls /sys/class/net); do ip link set dev "$dev" up; done
[ -n "$gateway" ] && ip route replace default via "$gateway" dev eth0
mkdir -p -m 700 /root/.ssh
printf '%s\n' "$HAFARM_AUTHORIZED_KEY" > /root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
exec /usr/local/sbin/hafarm-init
