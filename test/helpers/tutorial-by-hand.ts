// The farm built the way a student builds it by hand from the Spanish tutorial (shared/docs/tutorial.md,
// steps T2 and T4–T11; the original text is shared/seed/000_f7d9c5710336f565.txt): each file typed with the
// tutorial's own text and comments, the tutorial's own commands run as root, and nothing of hafarm's roles
// or templates. The machines (T1) and their addresses (T3) already exist. The only departures from the
// text are the corrections tutorial.md says a working farm needs today, each marked "CORRECCIÓN" in the
// script it generates. TUTORIAL_MISTAKES turns the correct farm into a broken one the way the
// tutorial's known mistakes do, and back, for end-to-end tests.

/** What the tutorial leaves to the student: the passwords (its text shows placeholders). */
export interface ByHandFarm {
  /** `stats auth admin:PASSWORD` of haproxy.cfg (T8) */
  statsPassword: string;
  /** the password of /etc/ha.d/authkeys (T6) */
  authkey: string;
}

/** Runs `script` with /bin/sh as root on `host` and resolves with its stdout; rejects with stderr on non-zero exit. */
export type RunAsRoot = (host: string, script: string) => Promise<string>;

/** One step of the tutorial on one machine. */
export interface ByHandStep {
  /** the step's ID in tutorial.md: "T5" */
  step: string;
  host: string;
  script: string;
}

export const BALANCERS = ['haproxy1', 'haproxy2'] as const;
export const WEB_SERVERS = ['web1', 'web2', 'web3'] as const;
export const VIP = '192.168.1.100';
/** The LAN interface of the tutorial (chapter 2), where the VIP lives. */
export const LAN_INTERFACE = 'eth1';

/** Every script starts so: stop at the first failing command; apt asks nothing. */
const PROLOGUE = 'set -e\nexport DEBIAN_FRONTEND=noninteractive\n';

/** The lab's apt reads a local repository whose package lists start empty (not in the text: Ubuntu's were fresh). */
const APT_UPDATE = 'apt-get update -q\n';

/**
 * Starts a SysV service, or restarts it when it already runs (a package's postinst may have started
 * it with the package's own configuration).
 */
function startOrRestart(service: string): string {
  const init = `/etc/init.d/${service}`;
  return `if ${init} status >/dev/null 2>&1; then ${init} restart; else ${init} start; fi\n`;
}

/** A password written as is into a configuration file line: one word, no comment character. */
function checkedPassword(what: string, value: string): string {
  if (!/^[\x21-\x7e]+$/.test(value) || /[#'"\\]/.test(value))
    throw new Error(
      `${what}: printable ASCII without spaces, #, quotes or backslashes, one word (got ${value.length} characters)`,
    );
  return value;
}

/** T2: the lines the tutorial adds to every machine's /etc/hosts, as its text has them. */
const HOSTS_LINES = [
  '192.168.1.100      trabajoswap.com #Esta es nuestra IP flotante (IP virtual) para nuestra granja web.',
  '192.168.1.101      haproxy1',
  '192.168.1.102      haproxy2',
  '192.168.1.103      web1',
  '192.168.1.104      web2',
  '192.168.1.105      web3',
  '10.100.100.1       haproxy1',
  '10.100.100.2       haproxy2',
];

function hostsScript(): string {
  return (
    PROLOGUE +
    '# T2: añadimos lo siguiente en cada uno de los archivos /etc/hosts (each line once: the step may run again)\n' +
    HOSTS_LINES.map((line) => `grep -qxF '${line}' /etc/hosts || echo '${line}' >> /etc/hosts\n`).join('')
  );
}

function heartbeatInstallScript(): string {
  return PROLOGUE + APT_UPDATE + '# T4: instalar heartbeat en ambos balanceadores\napt-get install -y heartbeat\n';
}

/** T5's ha.cf as the tutorial's text has it (its comments rejoined on their lines), with bcast eth2. */
const HA_CF = `logfile          /var/log/ha-log # Fichero que almacenará los logs
debugfile        /var/log/ha-debug # Fichero debug
deadtime         5 # Tras 5 segundos sin recibir respuesta del otro nodo, se considera como muerto.
warntime         10 # Si durante 10 segundos no responde el otro nodo, este nodo está en alerta
initdead         15 # Establece el intervalo inicial de detección de tiempo muerto.
bcast            eth2 # Indica la interfaz de red donde se levantará heartbeat
auto_failback    on # Permite que un nodo vuelva a ser maestro automáticamente.
node             haproxy1 # Añade el nodo haproxy1 al cluster
node             haproxy2 # Añade el nodo haproxy2 al cluster
`;

function haCfScript(): string {
  return (
    PROLOGUE +
    '# T5: /etc/ha.d/ha.cf en ambos balanceadores, el contenido del tutorial.\n' +
    '# CORRECCIÓN (tutorial.md T5): bcast eth2, the dedicated heartbeat network of chapter 2 and of the\n' +
    '# screenshots; the prose says eth1.\n' +
    `cat > /etc/ha.d/ha.cf <<'EOF'\n${HA_CF}EOF\n`
  );
}

function authkeysScript(authkey: string): string {
  const key = checkedPassword('authkey', authkey);
  return (
    PROLOGUE +
    '# T6: /etc/ha.d/authkeys en ambos balanceadores, y los permisos a 600.\n' +
    '# CORRECCIÓN (tutorial.md T6): the lab\'s password, not the placeholder "yourpasswordhere".\n' +
    `cat > /etc/ha.d/authkeys <<'EOF'\nauth 3\n1 crc\n2 sha1 ${key}\n3 md5 ${key}\nEOF\n` +
    'chmod 600 /etc/ha.d/authkeys\n'
  );
}

function haresourcesScript(): string {
  return (
    PROLOGUE +
    '# T7: /etc/ha.d/haresources, la misma línea en ambos balanceadores.\n' +
    `cat > /etc/ha.d/haresources <<'EOF'\nhaproxy1 IPaddr::${VIP}/24/${LAN_INTERFACE}\nEOF\n`
  );
}

/** T8's correction for the backup balancer, a line of /etc/sysctl.conf (TUTORIAL_MISTAKES removes it and puts it back). */
const NONLOCAL_BIND = 'net.ipv4.ip_nonlocal_bind=1';
const NONLOCAL_BIND_APPEND = `grep -qxF '${NONLOCAL_BIND}' /etc/sysctl.conf || echo '${NONLOCAL_BIND}' >> /etc/sysctl.conf\nsysctl -p\n`;

/**
 * T8's haproxy.cfg: the global and defaults sections Debian 12's package ships (kept, as a student
 * editing the file keeps them), then the tutorial's listen block.
 */
function haproxyCfg(statsPassword: string): string {
  return `global
	log /dev/log	local0
	log /dev/log	local1 notice
	chroot /var/lib/haproxy
	stats socket /run/haproxy/admin.sock mode 660 level admin
	stats timeout 30s
	user haproxy
	group haproxy
	daemon

	# Default SSL material locations
	ca-base /etc/ssl/certs
	crt-base /etc/ssl/private

defaults
	log	global
	mode	http
	option	httplog
	option	dontlognull
        timeout connect 5000
        timeout client  50000
        timeout server  50000
	errorfile 400 /etc/haproxy/errors/400.http
	errorfile 403 /etc/haproxy/errors/403.http
	errorfile 408 /etc/haproxy/errors/408.http
	errorfile 500 /etc/haproxy/errors/500.http
	errorfile 502 /etc/haproxy/errors/502.http
	errorfile 503 /etc/haproxy/errors/503.http
	errorfile 504 /etc/haproxy/errors/504.http

listen web-cluster
    bind ${VIP}:80
    mode http
    stats enable
    stats auth admin:${statsPassword} # Aquí ponemos nuestro usuario y contraseña
    balance roundrobin
    option httpclose
    option forwardfor
    cookie JSESSIONID prefix
    server web1 192.168.1.103:80 cookie A check
    server web2 192.168.1.104:80 cookie B check
    server web3 192.168.1.105:80 cookie C check
`;
}

function haproxyScript(statsPassword: string): string {
  const password = checkedPassword('statsPassword', statsPassword);
  return (
    PROLOGUE +
    APT_UPDATE +
    '# T8: HAProxy en ambos balanceadores.\n' +
    'apt-get install -y haproxy\n' +
    '# CORRECCIÓN (tutorial.md T8): net.ipv4.ip_nonlocal_bind=1, so that HAProxy on the balancer that\n' +
    '# does not hold the VIP can bind it (the English tutorial this one follows sets it; this one forgot).\n' +
    NONLOCAL_BIND_APPEND +
    "# T8: /etc/haproxy/haproxy.cfg: the package's global section stays, the tutorial's listen block is added.\n" +
    '# CORRECCIÓN (tutorial.md T8): HAProxy 2.x form: the address on a bind line under "listen web-cluster"\n' +
    '# (not "listen web-cluster 192.168.1.100:80", refused since 1.6), and a defaults section with mode http\n' +
    "# and timeout connect/client/server (1.4's contimeout/clitimeout/srvtimeout are fatal since 2.1):\n" +
    "# Debian 12's own defaults section, kept as shipped, has them.\n" +
    "# CORRECCIÓN (tutorial.md T8): stats auth admin:<the lab's password>, not admin:password. No stats uri\n" +
    "# line: HAProxy 2.6's default is /haproxy?stats, the URI the tutorial opens.\n" +
    `cat > /etc/haproxy/haproxy.cfg <<'EOF'\n${haproxyCfg(password)}EOF\n` +
    'haproxy -c -f /etc/haproxy/haproxy.cfg\n'
  );
}

function haproxyEnableScript(): string {
  return (
    PROLOGUE +
    "# T9: cambiamos ENABLED=0 a ENABLED=1 en /etc/default/haproxy (Debian 12's file has no ENABLED line:\n" +
    '# appended; its init script no longer reads it), then iniciamos haproxy.\n' +
    "if grep -q '^ENABLED=' /etc/default/haproxy; then sed -i 's/^ENABLED=.*/ENABLED=1/' /etc/default/haproxy;\n" +
    "else echo 'ENABLED=1' >> /etc/default/haproxy; fi\n" +
    '# /etc/init.d/haproxy start (restart when the package already started it with its own configuration)\n' +
    startOrRestart('haproxy')
  );
}

function nginxPage(host: string): string {
  return `<html>
<head>
<title>Bienvenido a nginx!</title>
</head>
<body>
<center><h1>Bienvenido a nginx! (${host}) </h1></center>
</body>
</html>
`;
}

function nginxScript(host: string): string {
  return (
    PROLOGUE +
    APT_UPDATE +
    '# T10: instalar nginx en cada uno de los servidores web\n' +
    'apt-get install -y nginx\n' +
    "# CORRECCIÓN (tutorial.md T10): the page goes where Debian 12's nginx really serves it\n" +
    '# (/etc/nginx/sites-enabled/default: root /var/www/html; index index.html index.htm\n' +
    '# index.nginx-debian.html), not /usr/share/nginx/html/www/index.html.\n' +
    `cat > /var/www/html/index.html <<'EOF'\n${nginxPage(host)}EOF\n` +
    "# The tutorial relies on the package's postinst starting nginx; on a machine with no init system\n" +
    "# (hafarm's namespace machines) invoke-rc.d blocks that start: started here when it did not.\n" +
    '/etc/init.d/nginx status >/dev/null 2>&1 || /etc/init.d/nginx start\n'
  );
}

function heartbeatStartScript(): string {
  return (
    PROLOGUE +
    '# T11: iniciamos heartbeat (haproxy1 first). Left alone when it already runs.\n' +
    '/etc/init.d/heartbeat status >/dev/null 2>&1 || /etc/init.d/heartbeat start\n'
  );
}

/** Every step of the tutorial, in its order, on the machines it names. */
export function byHandSteps(farm: ByHandFarm): ByHandStep[] {
  const on = (step: string, hosts: readonly string[], script: (host: string) => string): ByHandStep[] =>
    hosts.map((host) => ({ step, host, script: script(host) }));
  const everyHost = [...BALANCERS, ...WEB_SERVERS];
  return [
    ...on('T2', everyHost, hostsScript),
    ...on('T4', BALANCERS, heartbeatInstallScript),
    ...on('T5', BALANCERS, haCfScript),
    ...on('T6', BALANCERS, () => authkeysScript(farm.authkey)),
    ...on('T7', BALANCERS, haresourcesScript),
    ...on('T8', BALANCERS, () => haproxyScript(farm.statsPassword)),
    ...on('T9', BALANCERS, haproxyEnableScript),
    ...on('T10', WEB_SERVERS, nginxScript),
    ...on('T11', BALANCERS, heartbeatStartScript),
  ];
}

/** A shell test that succeeds when the machine holds the VIP on its LAN interface. */
export const HOLDS_VIP = `ip -4 -o addr show dev ${LAN_INTERFACE} | grep -q ' ${VIP}/'`;

/** Resolves when `host` holds the VIP; rejects after `timeoutMs`. */
export async function waitForVip(run: RunAsRoot, host: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await run(host, `if ${HOLDS_VIP}; then echo yes; else echo no; fi`);
    if (answer.trim() === 'yes') return;
    if (Date.now() > deadline) throw new Error(`${host} does not hold ${VIP} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Builds the farm by hand, step after step as the tutorial orders them, and resolves once
 * haproxy1 holds the VIP (T11). A failing step rejects with its ID, its machine and what it said.
 */
export async function buildFarmByHand(run: RunAsRoot, farm: ByHandFarm): Promise<void> {
  for (const { step, host, script } of byHandSteps(farm)) {
    try {
      await run(host, script);
    } catch (error) {
      throw new Error(`${step} on ${host}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  await waitForVip(run, BALANCERS[0]);
}

/** One of the tutorial's known mistakes: made on the correct farm, and undone back to it. */
export interface TutorialMistake {
  name: string;
  /** the step of tutorial.md the mistake belongs to */
  step: string;
  /** what to run to make it, in order */
  apply: Array<[host: string, script: string]>;
  /** what to run to undo it, in order: the correct farm again, what it stopped started again */
  undo: Array<[host: string, script: string]>;
}

/**
 * A daemon the mistake keeps from starting: its init script fails, which is the point, so the
 * script goes on, with what the init script said in its output.
 */
function mayFail(command: string): string {
  return `${command} 2>&1 || echo "(exit $?)"\n`;
}

const HEARTBEAT = '/etc/init.d/heartbeat';
const HAPROXY = '/etc/init.d/haproxy';

/**
 * Heartbeat started again after a mistake is undone: stopped (if it runs) and started, not the
 * init script's restart, which sleeps deadtime + 10 s between the two; a stop may still take its
 * 30 s (Heartbeat's emergency shutdown when it is busy with a resource that fails).
 */
const HEARTBEAT_AGAIN = `${HEARTBEAT} stop >/dev/null 2>&1 || true\n${HEARTBEAT} start\n`;
const onBalancers = (script: string): Array<[string, string]> => BALANCERS.map((host) => [host, script]);

export const TUTORIAL_MISTAKES: TutorialMistake[] = [
  {
    name: 'bcast eth1, as the prose says: heartbeats on the LAN instead of the heartbeat network',
    step: 'T5',
    apply: onBalancers(
      "set -e\nsed -i 's/^\\(bcast[[:space:]]*\\)eth2 /\\1eth1 /' /etc/ha.d/ha.cf\n" + `${HEARTBEAT} restart\n`,
    ),
    undo: onBalancers("set -e\nsed -i 's/^\\(bcast[[:space:]]*\\)eth1 /\\1eth2 /' /etc/ha.d/ha.cf\n" + HEARTBEAT_AGAIN),
  },
  {
    name: 'node names that are not uname -n (node balanceador1, node balanceador2)',
    step: 'T5',
    apply: onBalancers(
      "set -e\nsed -i 's/^\\(node[[:space:]]*\\)haproxy\\([12]\\) /\\1balanceador\\2 /' /etc/ha.d/ha.cf\n" +
        mayFail(`${HEARTBEAT} restart`),
    ),
    undo: onBalancers(
      "set -e\nsed -i 's/^\\(node[[:space:]]*\\)balanceador\\([12]\\) /\\1haproxy\\2 /' /etc/ha.d/ha.cf\n" +
        HEARTBEAT_AGAIN,
    ),
  },
  {
    name: 'authkeys left mode 644 (on haproxy2)',
    step: 'T6',
    apply: [['haproxy2', 'set -e\nchmod 644 /etc/ha.d/authkeys\n' + mayFail(`${HEARTBEAT} restart`)]],
    undo: [['haproxy2', 'set -e\nchmod 600 /etc/ha.d/authkeys\n' + HEARTBEAT_AGAIN]],
  },
  {
    name: 'haresources naming an interface the machines lack (eth3)',
    step: 'T7',
    apply: onBalancers(
      `set -e\nsed -i 's|^\\(haproxy1 IPaddr::${VIP}/24/\\)${LAN_INTERFACE}$|\\1eth3|' /etc/ha.d/haresources\n` +
        mayFail(`${HEARTBEAT} restart`),
    ),
    undo: onBalancers(
      `set -e\nsed -i 's|^\\(haproxy1 IPaddr::${VIP}/24/\\)eth3$|\\1${LAN_INTERFACE}|' /etc/ha.d/haresources\n` +
        HEARTBEAT_AGAIN,
    ),
  },
  {
    name: `listen web-cluster ${VIP}:80 with no bind line (HAProxy 1.4's form)`,
    step: 'T8',
    apply: onBalancers(
      `set -e\n${HAPROXY} stop\n` +
        `sed -i -e 's/^listen web-cluster$/listen web-cluster ${VIP}:80/' -e '/^    bind ${VIP}:80$/d' /etc/haproxy/haproxy.cfg\n` +
        mayFail(`${HAPROXY} start`),
    ),
    undo: onBalancers(
      `set -e\nsed -i 's/^listen web-cluster ${VIP}:80$/listen web-cluster\\n    bind ${VIP}:80/' /etc/haproxy/haproxy.cfg\n` +
        startOrRestart('haproxy'),
    ),
  },
  {
    name: 'no net.ipv4.ip_nonlocal_bind on haproxy2: HAProxy cannot bind the VIP it does not hold',
    step: 'T8',
    apply: [
      [
        'haproxy2',
        `set -e\nsed -i '/^${NONLOCAL_BIND}$/d' /etc/sysctl.conf\nsysctl -w net.ipv4.ip_nonlocal_bind=0\n` +
          mayFail(`${HAPROXY} restart`),
      ],
    ],
    undo: [['haproxy2', `set -e\n${NONLOCAL_BIND_APPEND}${startOrRestart('haproxy')}`]],
  },
];
