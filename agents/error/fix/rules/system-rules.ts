/**
 * Operating-system and network failures: refused connections, ports in use, missing files and
 * commands, permissions, DNS, timeouts, and `fetch failed` with its cause.
 */
import { findCalls, inlineCode } from '../code-line.js';
import type { FixRule, RuleContext, RuleOutcome } from '../fix-rule.js';

/** Default ports of common services, to say what was probably meant to be running. */
const WELL_KNOWN_PORTS: Readonly<Record<string, string>> = {
  '5432': 'PostgreSQL',
  '3306': 'MySQL/MariaDB',
  '6379': 'Redis',
  '27017': 'MongoDB',
  '9200': 'Elasticsearch',
  '5672': 'RabbitMQ',
  '11211': 'Memcached',
  '1433': 'SQL Server',
  '9092': 'Kafka',
  '2181': 'ZooKeeper',
  '8500': 'Consul',
  '4222': 'NATS',
  '9000': 'a local dev server (or MinIO)',
  '4566': 'LocalStack',
};

function service(port: string | undefined): string {
  const name = port !== undefined ? WELL_KNOWN_PORTS[port] : undefined;
  return name !== undefined ? ` (${port} is ${name}'s default port)` : '';
}

/** Nothing listens at the address. */
export const connectionRefusedRule: FixRule = {
  id: 'econnrefused',
  title: 'Connection refused',
  covers: 'Node `connect ECONNREFUSED 127.0.0.1:5432` (also `::1`), Python `ConnectionRefusedError: [Errno 111] Connection refused`',
  confidence: 0.9,
  matcher: {
    message: [
      /connect ECONNREFUSED (?<host>[^\s]{1,100}):(?<port>\d{1,5})\b/,
      /(?:ConnectionRefusedError|Connection refused)/,
    ],
  },
  suggest: (ctx) => {
    const { host, port } = ctx.groups;
    if (host === undefined || port === undefined) {
      return {
        detail: 'Nothing accepts connections at the address used here: start the server or service first (in tests, wait until it listens), and check the host and port it reads from configuration or the environment.',
        confidence: 0.8,
      };
    }
    const address = inlineCode(`${host.includes(':') ? `[${host}]` : host}:${port}`);
    if (host === '::1') {
      return {
        title: `Connection refused on [::1]:${port}`,
        detail: `\`localhost\` resolved to IPv6 ${inlineCode('::1')}, but nothing listens there on port ${port} — the server probably listens on IPv4 only: connect to ${inlineCode(`127.0.0.1:${port}`)}, or make the server listen on \`::\` (both stacks).${service(port)}`,
        confidence: 0.9,
      };
    }
    return {
      title: `Connection refused on ${host}:${port}`,
      detail: `Nothing listens on ${address}${service(port)}: start that server first (in tests, wait until it is listening before connecting), or fix the host/port this code reads (config, environment variable). Inside a container, \`localhost\` is the container itself: use the service's name.`,
    };
  },
};

/** The port is taken. */
export const addressInUseRule: FixRule = {
  id: 'eaddrinuse',
  title: 'Address already in use',
  covers: 'Node `listen EADDRINUSE: address already in use :::3000`, Python `OSError: [Errno 98] Address already in use`',
  confidence: 0.95,
  matcher: {
    message: [/EADDRINUSE(?:: address already in use)? (?<addr>[^\s]{0,100}):(?<port>\d{1,5})\b/, /\[Errno (?:98|48)\] Address already in use|EADDRINUSE/],
  },
  suggest: (ctx) => {
    const port = ctx.groups.port;
    if (port === undefined) {
      return {
        detail: 'The port this server binds is already taken by another process (often an earlier run still alive): find and stop it (`lsof -iTCP:<port> -sTCP:LISTEN`), or choose another port; in tests bind port 0 and read the assigned port, and close servers after each test.',
        confidence: 0.85,
      };
    }
    const addr = ctx.groups.addr;
    const on = addr !== undefined && addr.length > 0 && addr !== '::' ? ` on ${inlineCode(addr)}` : '';
    return {
      title: `Port ${port} already in use`,
      detail: `Port ${port}${on} is already taken — an earlier run of this server still alive, a watcher restart, or another service: find it with ${inlineCode(`lsof -iTCP:${port} -sTCP:LISTEN`)} (or ${inlineCode(`ss -ltnp 'sport = :${port}'`)}) and stop it, or use another port; in tests listen on port 0 and read \`server.address().port\`, and close servers in \`afterAll\`.`,
    };
  },
};

function missingFile(ctx: RuleContext): RuleOutcome | undefined {
  const { path, syscall, cmd } = ctx.groups;
  if (cmd !== undefined) {
    return {
      title: `Command ${cmd} not found`,
      detail: `${inlineCode(cmd)} is not on the PATH of this process (or the \`cwd\` given to spawn does not exist): install it, call it by absolute path, or on Windows spawn \`.cmd\` scripts (npm, npx) with \`shell: true\`.`,
      confidence: 0.9,
    };
  }
  if (path === undefined) return undefined;
  const absolute = path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
  if (syscall === 'mkdir' || syscall === 'scandir' || syscall === 'opendir') {
    return {
      title: `${path} does not exist`,
      detail: `${inlineCode(path)} (or a parent folder of it) does not exist: create it first (${inlineCode(`fs.mkdirSync(dir, { recursive: true })`)} / \`mkdir -p\`) or fix the path.`,
    };
  }
  if (!absolute) {
    return {
      title: `${path} not found`,
      detail: `${inlineCode(path)} is relative, so it is resolved against the working directory (\`process.cwd()\` / \`os.getcwd()\`), not against this source file: build it from the file's folder (${inlineCode(`path.join(import.meta.dirname, '${path.replace(/^\.\//, '')}')`)} in Node, \`Path(__file__).parent / '…'\` in Python), or run from the folder that contains it.`,
      confidence: 0.9,
    };
  }
  return {
    title: `${path} not found`,
    detail: `${inlineCode(path)} does not exist: check the path and its letter case, that a build/setup step creates it before this line runs, or handle its absence (catch \`ENOENT\` / \`FileNotFoundError\`).`,
  };
}

/** A file, folder or executable that does not exist. */
export const fileNotFoundRule: FixRule = {
  id: 'enoent',
  title: 'File not found',
  covers: "Node `ENOENT: no such file or directory, open 'x'`, `spawn git ENOENT`, Python `FileNotFoundError: [Errno 2] No such file or directory: 'x'`",
  confidence: 0.9,
  matcher: {
    message: [
      /ENOENT: no such file or directory, (?<syscall>[a-z]{1,20}) '(?<path>[^'\n]{1,400})'/,
      /spawn(?:Sync)? (?<cmd>[^\s]{1,300}) ENOENT/,
      /\[Errno 2\] No such file or directory: '(?<path>[^'\n]{1,400})'/,
    ],
  },
  suggest: missingFile,
};

/** Index of the shell's `cmd: Permission denied` pattern in {@link permissionDeniedRule}. */
const SHELL_PATTERN = 5;

function permissionDenied(ctx: RuleContext): RuleOutcome | undefined {
  const { path, cmd, port, syscall } = ctx.groups;
  if (ctx.groups.ssh !== undefined) {
    const host = ctx.groups.sshHost;
    return {
      title: 'SSH key refused',
      detail: `The SSH server${host !== undefined ? ` ${inlineCode(host)}` : ''} refused every key offered: check that the key is loaded (\`ssh-add -l\`) and registered for this account or repository (a deploy key in CI), test with \`ssh -T ${host ?? 'git@github.com'}\`, or use an HTTPS URL with a token.`,
      confidence: 0.9,
    };
  }
  if (ctx.pattern === SHELL_PATTERN && cmd !== undefined && !cmd.includes('/')) return undefined; // `Error: Permission denied` names no command
  if (port !== undefined) {
    const n = Number(port);
    return {
      title: `No permission to listen on port ${port}`,
      detail:
        n < 1024
          ? `Ports below 1024 need root: listen on a port ≥ 1024 (e.g. 8080) behind a reverse proxy, or grant the capability (\`setcap 'cap_net_bind_service=+ep' $(which node)\`).`
          : `The system refused port ${port}: it may be reserved or excluded (Windows/Hyper-V reserves ranges; see \`netsh int ipv4 show excludedportrange protocol=tcp\`) — choose another port.`,
      confidence: 0.9,
    };
  }
  if (cmd !== undefined) {
    return {
      title: `${cmd} is not executable`,
      detail: `${inlineCode(cmd)} has no execute permission: ${inlineCode(`chmod +x ${cmd}`)} (and record it in git: ${inlineCode(`git update-index --chmod=+x ${cmd}`)}), or run it through its interpreter (${inlineCode(`sh ${cmd}`)}).`,
      confidence: 0.9,
    };
  }
  if (path === undefined) return undefined;
  const looksExecutable = /\.(?:sh|bash|py|pl|rb)$|(?:^|\/)(?:gradlew|mvnw)$/.test(path) || syscall === 'spawn';
  if (looksExecutable && ctx.errorType === 'PermissionError') {
    return {
      title: `${path} is not executable`,
      detail: `${inlineCode(path)} has no execute permission: ${inlineCode(`chmod +x ${path}`)} (and ${inlineCode(`git update-index --chmod=+x ${path}`)}), or run it through its interpreter.`,
      confidence: 0.85,
    };
  }
  const write = syscall === 'mkdir' || syscall === 'unlink' || syscall === 'rename' || syscall === 'rmdir' || syscall === 'copyfile';
  return {
    title: `Permission denied: ${path}`,
    detail: `The process's user may not ${write ? 'change' : 'access'} ${inlineCode(path)}: check its owner and mode (\`ls -l\`), write to a folder the user owns instead of a system or root-owned one (global \`node_modules\`, \`/usr\`, a volume mounted by root), and do not fix it with \`sudo\` for the whole app${ctx.groups.eperm !== undefined ? '; on Windows EPERM often means the file is open in another program or an antivirus holds it' : ''}.`,
  };
}

/** Permission denied on a file, an executable or a port. */
export const permissionDeniedRule: FixRule = {
  id: 'permission-denied',
  title: 'Permission denied',
  covers: "Node `EACCES: permission denied, open 'x'`, `EPERM: operation not permitted`, `spawn ./x.sh EACCES`, `listen EACCES: permission denied 0.0.0.0:80`, shell `./x.sh: Permission denied`, Python `PermissionError: [Errno 13]`",
  confidence: 0.85,
  matcher: {
    message: [
      /(?:(?<sshHost>[^\s:]{1,200}): )?(?<ssh>Permission denied \(publickey)/,
      /listen EACCES: permission denied (?<addr>[^\s]{0,100}):(?<port>\d{1,5})\b/,
      /spawn(?:Sync)? (?<cmd>[^\s]{1,300}) EACCES/,
      /(?:EACCES: permission denied|(?<eperm>EPERM): operation not permitted), (?<syscall>[a-z]{1,20}) '(?<path>[^'\n]{1,400})'/,
      /\[Errno (?:13|1)\] (?:Permission denied|Operation not permitted): '(?<path>[^'\n]{1,400})'/,
      /(?:^|\n)(?:[^\s:]{1,100}: (?:\d{1,6}: )?(?:line \d{1,6}: )?)?(?<cmd>[^\s:]{1,300}): Permission denied/,
    ],
  },
  suggest: permissionDenied,
};

/** A host name that does not resolve. */
export const hostNotFoundRule: FixRule = {
  id: 'enotfound',
  title: 'Host name not found',
  covers: 'Node `getaddrinfo ENOTFOUND api.example.com`, `getaddrinfo EAI_AGAIN host`, Python `socket.gaierror: [Errno -2] Name or service not known`',
  confidence: 0.9,
  matcher: { message: [/getaddrinfo (?<code>ENOTFOUND|EAI_AGAIN) (?<host>[^\s]{1,253})/, /Name or service not known|nodename nor servname provided/] },
  suggest: (ctx) => {
    const { code, host } = ctx.groups;
    if (host === undefined) {
      return { detail: 'A host name used here does not resolve: check the spelling (and the environment variable or config it comes from), that a URL includes its scheme, and the network/DNS; in Docker use the service name.', confidence: 0.8 };
    }
    if (code === 'EAI_AGAIN') {
      return {
        title: `DNS lookup of ${host} failed temporarily`,
        detail: `DNS did not answer for ${inlineCode(host)} (a temporary failure): check the network/DNS of this machine or container (offline CI, a sandbox without network); retry with backoff if it is transient.`,
      };
    }
    return {
      title: `Host ${host} not found`,
      detail: `${inlineCode(host)} does not resolve: check its spelling and the config or environment variable it comes from (a URL without \`https://\` puts the scheme in the host), that the machine has network/DNS, and in Docker Compose use the service's name.`,
    };
  },
};

/** A connection attempt that got no answer. */
export const connectTimeoutRule: FixRule = {
  id: 'etimedout',
  title: 'Connection timed out',
  covers: 'Node `connect ETIMEDOUT 10.0.0.5:443`, undici `UND_ERR_CONNECT_TIMEOUT`',
  confidence: 0.85,
  matcher: { message: [/connect ETIMEDOUT (?<host>[^\s]{1,100}):(?<port>\d{1,5})\b/, /UND_ERR_CONNECT_TIMEOUT|Connect Timeout Error/] },
  suggest: (ctx) => {
    const { host, port } = ctx.groups;
    const target = host !== undefined && port !== undefined ? inlineCode(`${host}:${port}`) : 'the server';
    return {
      detail: `No answer from ${target} before the timeout: a firewall or security group drops the packets, the host/port is wrong, or the server is down or overloaded; check reachability from this machine (\`nc -vz ${host ?? 'host'} ${port ?? 'port'}\`) and set an explicit timeout with a retry.`,
    };
  },
};

/** `fetch failed`: the reason is in the cause. */
export const fetchFailedRule: FixRule = {
  id: 'fetch-failed',
  title: 'fetch failed',
  covers: 'Node/undici `TypeError: fetch failed` (the reason is in `error.cause`: ECONNREFUSED, ENOTFOUND, certificate, bad port)',
  confidence: 0.85,
  matcher: { message: [/\bfetch failed\b/] },
  suggest: (ctx) => {
    const cause = /\[cause\]: (?<cause>[^\n]{1,300})|\bcause: (?<cause2>[^\n{]{1,300})/.exec(ctx.message)?.groups;
    const reason = (cause?.cause ?? cause?.cause2)?.trim();
    const call = ctx.codeLine !== undefined ? findCalls(ctx.codeLine).find((c) => c.callee === 'fetch' || c.callee.endsWith('.fetch')) : undefined;
    const where = call !== undefined ? `${inlineCode(call.text)} got no HTTP response` : '`fetch` got no HTTP response';
    if (reason === undefined) {
      return {
        detail: `${where}; the real reason is in \`error.cause\` (log \`err.cause\`): usually nothing listening (ECONNREFUSED), an unknown host (ENOTFOUND), a TLS certificate problem, or a port fetch refuses.`,
        confidence: 0.8,
      };
    }
    let hint = '';
    if (/bad port/i.test(reason)) hint = ' — fetch refuses some ports outright (1, 6000, 6665-6669 and other "bad ports"): use another port';
    else if (/ECONNREFUSED/.test(reason)) hint = ' — nothing listens at that address: start the server or fix the URL';
    else if (/ENOTFOUND|EAI_AGAIN/.test(reason)) hint = ' — the host name does not resolve: check the URL';
    else if (/certificate|CERT_|self[- ]signed/i.test(reason)) hint = ' — the TLS certificate is not trusted: add the CA with `NODE_EXTRA_CA_CERTS=ca.pem`, never disable verification';
    else if (/ETIMEDOUT|Timeout/i.test(reason)) hint = ' — no answer in time: check reachability and set a timeout (`AbortSignal.timeout(ms)`)';
    return { detail: `${where}; its cause is ${inlineCode(reason)}${hint}.`, confidence: 0.9 };
  },
};

/** The rules of this file, in knowledge-base order. */
export const SYSTEM_RULES: readonly FixRule[] = [
  connectionRefusedRule,
  addressInUseRule,
  fileNotFoundRule,
  permissionDeniedRule,
  hostNotFoundRule,
  connectTimeoutRule,
  fetchFailedRule,
];
