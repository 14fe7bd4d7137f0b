// scale-out.mjs: the scaled-out shape's two targets (issue 17), as same-run ratios on this machine.
//
//   node tests/bench/scale-out.mjs [--seconds S] [--rounds N] [--buyers C] [--server BIN]
//
// Needs a PostgreSQL server: JUPITER_TEST_DATABASE (a postgresql:// URL whose user may CREATE DATABASE); without it
// the script runs itself again under tests/pg/cluster.sh, which starts a throwaway cluster (fsync off, see there)
// and removes it after. Then, on free loopback ports:
//   - "one": one jupiter-server on its own fresh database, behind nginx (one upstream);
//   - "three": three jupiter-server processes sharing another fresh database and data folder, behind nginx (three
//     upstreams, round robin), the shape of src/server/start-cluster.sh;
//   - nginx's own static server, whose root holds the bytes jupiter-server answers for /api/catalogue.
// Each front's nginx is src/server/nginx-cluster.conf.in, as start-cluster.sh renders it (so the catalogue through
// the cluster is nginx's 1 s micro-cache in front of the servers' answers).
// Orders: wrk (Debian's package; scale-out-orders.lua) with C connections (keep-alive, one request at a time each)
// POSTs /api/orders with a fresh Idempotency-Key for S seconds, through each front in turn, N interleaved rounds,
// median kept: orders created per second (2xx answers), p50/p99, other answers, and how busy the machine's cores
// were meanwhile (all processes: a ratio is bounded by what one server leaves idle). Catalogue: `ab -k -c 64` (apache2-utils), Accept-Encoding: gzip, through "three"'s nginx
// and from nginx's static file. Prints both ratios with PASS/MISS: orders/s three/one >= 1.5, catalogue
// cluster/static >= 0.8. nginx runs as nobody when this runs as root.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
if (!process.env.JUPITER_TEST_DATABASE) {
  const r = spawnSync(path.join(root, 'tests/pg/cluster.sh'), ['run', process.execPath, fileURLToPath(import.meta.url),
    ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const serverBin = args.server ?? path.join(root, 'build/native/src/server/jupiter-server');
const seconds = Number(args.seconds ?? 5);
const rounds = Number(args.rounds ?? 3);
const buyers = Number(args.buyers ?? 24);
const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? 'nginx';
const asRoot = process.getuid?.() === 0;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jupiter-scale-'));
fs.chmodSync(tmp, 0o755);
const children = [];
process.on('exit', () => {
  for (const c of children) { try { c.kill('SIGTERM'); } catch { /* gone */ } }
  fs.rmSync(tmp, { recursive: true, force: true });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// A fresh database next to the one JUPITER_TEST_DATABASE names; its URL.
function createDatabase(name) {
  const admin = process.env.JUPITER_TEST_DATABASE;
  const r = spawnSync('psql', [admin, '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`CREATE DATABASE ${name}: ${r.stderr}`);
  const url = new URL(admin);
  url.pathname = '/' + name;
  return url.toString();
}

function startServer(label, port, data, database) {
  const logPath = path.join(tmp, `${label}.log`);
  const log = fs.openSync(logPath, 'w');
  const child = spawn(serverBin, ['--port', String(port), '--data', data, '--web', path.join(tmp, 'web'),
    '--database', database, '--catalogue', path.join(root, 'assets/catalogue.json'), '--orders-per-minute', '1000000',
    '--trust-proxy', '127.0.0.1'], { stdio: ['ignore', log, log] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (/listening on http:/.test(fs.readFileSync(logPath, 'utf8'))) { clearInterval(poll); resolve(child); }
      else if (Date.now() - started > 30000) { clearInterval(poll); reject(new Error(`${label}: no "listening on" line`)); }
    }, 100);
    child.on('exit', (code) => { clearInterval(poll); reject(new Error(`${label} exited with ${code}: ${fs.readFileSync(logPath, 'utf8')}`)); });
  });
}

// Servers sharing one data folder and one database: the first migrates and imports, then the others start.
async function startFront(label, count) {
  const database = createDatabase(`bench_${label}`);
  const data = path.join(tmp, `data-${label}`);
  const ports = [];
  for (let i = 0; i < count; i++) {
    ports.push(await freePort());
    await startServer(`${label}-${i + 1}`, ports[i], data, database);
  }
  return ports;
}

function get(port, target, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: target, headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts) }));
    }).on('error', reject);
  });
}

// nginx in front of `ports`: src/server/nginx-cluster.conf.in rendered as start-cluster.sh does. With `staticFrom`,
// also a static server whose root holds the catalogue bytes (identity and gzip) that port answers. Its ports.
async function startNginx(label, ports, staticFrom) {
  const dir = path.join(tmp, `nginx-${label}`);
  const www = path.join(dir, 'www');
  fs.mkdirSync(path.join(www, 'api'), { recursive: true });
  const listen = { front: await freePort() };
  let staticServer = '';
  if (staticFrom) {
    for (const [file, encoding] of [['catalogue', 'identity'], ['catalogue.gz', 'gzip']]) {
      const r = await get(staticFrom, '/api/catalogue', { 'Accept-Encoding': encoding });
      fs.writeFileSync(path.join(www, 'api', file), r.body);
    }
    listen.static = await freePort();
    staticServer = `  server {
    listen 127.0.0.1:${listen.static} backlog=4096;
    sendfile on; tcp_nodelay on;
    root ${www};
    gzip_static on;
    gzip_http_version 1.0;  # ab sends HTTP/1.0
    location = /api/catalogue { default_type "application/json; charset=utf-8"; }
  }\n`;
  }
  const front = fs.readFileSync(path.join(root, 'src/server/nginx-cluster.conf.in'), 'utf8')
    .replace('@UPSTREAMS@\n', ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;\n`).join(''))
    .replaceAll('@PORT@', String(listen.front)).replaceAll('@SITE@', www).replaceAll('@CACHE@', path.join(dir, 'cache'));
  fs.writeFileSync(path.join(dir, 'cluster.conf'), front);
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
${asRoot ? 'user nobody nogroup;\n' : ''}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${dir}/cluster.conf;
${staticServer}}
`);
  if (asRoot) spawnSync('chown', ['-R', 'nobody:nogroup', dir]);
  const child = spawn(nginxBin, ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 50; i++) {
    try { if ((await get(listen.front, '/healthz')).status === 200) return listen; } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error('nginx did not start: ' + fs.readFileSync(path.join(dir, 'error.log'), 'utf8'));
}

function newestPolicyVersion() {
  const versions = fs.readdirSync(path.join(root, 'assets/policy'))
    .map((f) => /^privacy-policy-v([\d.]+)\.txt$/.exec(f)?.[1]).filter(Boolean)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return versions.at(-1);
}

// wrk (2 threads, `buyers` keep-alive connections, one request at a time each) creating orders for `seconds`, each
// with a fresh Idempotency-Key (scale-out-orders.lua). Orders created per second counts 2xx answers only.
function createOrders(port, body, runLabel) {
  const before = cpuTimes();
  const r = spawnSync('wrk', ['-t', '2', '-c', String(buyers), '-d', `${seconds}s`, '--timeout', '10s', '-s',
    path.join(here, 'scale-out-orders.lua'), `http://127.0.0.1:${port}/api/orders`],
  { encoding: 'utf8', env: { ...process.env, WRK_ORDER_BODY: body, WRK_KEY_PREFIX: runLabel } });
  const after = cpuTimes();
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('{"requests"'));
  if (!line) throw new Error(`wrk: ${r.stderr || r.stdout}`);
  const w = JSON.parse(line);
  const others = {};
  if (w.status) others['not 2xx'] = w.status;
  if (w.socket) others['socket errors'] = w.socket;
  return { rate: (w.requests - w.status) / (w.duration_us / 1e6), p50: w.p50_us / 1000, p99: w.p99_us / 1000, others,
    busy: 1 - (after.idle - before.idle) / (after.total - before.total) };
}

// The machine's CPU time so far (/proc/stat, all cores): idle (idle + iowait) and total, in clock ticks.
function cpuTimes() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}

function ab(port) {
  const r = spawnSync('ab', ['-q', '-k', '-c', '64', '-t', String(seconds), '-n', '1000000', '-s', '10',
    '-H', 'Accept-Encoding: gzip', `http://127.0.0.1:${port}/api/catalogue`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const num = (re) => Number(re.exec(r.stdout ?? '')?.[1] ?? NaN);
  return { rps: num(/Requests per second:\s+([\d.]+)/), p99: num(/^\s+99%\s+(\d+)/m), failed: num(/Failed requests:\s+(\d+)/),
    bytes: num(/Document Length:\s+(\d+)/) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

async function main() {
  fs.mkdirSync(path.join(tmp, 'web'));
  fs.writeFileSync(path.join(tmp, 'web', 'index.html'), '<!doctype html><title>bench</title>');
  const fronts = { one: await startFront('one', 1), three: await startFront('three', 3) };
  const one = await startNginx('one', fronts.one);
  const three = await startNginx('three', fronts.three, fronts.three[0]);
  const lb = { one: one.front, three: three.front, static: three.static };
  const body = JSON.stringify({ plan: 'jp-5gb-30d', currency: 'USD', email: 'bench@example.com', name: 'Bench Buyer',
    phone: '+4915112345678', adult: true, terms_version: newestPolicyVersion(), marketing: false, language: 'en' });
  const orders = { one: [], three: [] };
  const catalogue = { cluster: [], static: [] };
  for (let round = 0; round < rounds; round++) {
    for (const label of round % 2 ? ['three', 'one'] : ['one', 'three']) orders[label].push(createOrders(lb[label], body, `${label}-${round}`));
    for (const label of round % 2 ? ['static', 'cluster'] : ['cluster', 'static']) catalogue[label].push(ab(lb[label === 'cluster' ? 'three' : 'static']));
  }
  console.log(`scale-out: ${seconds} s per run, ${rounds} interleaved rounds (median), ${buyers} buyers, loopback, ` +
    `${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; PostgreSQL ${process.env.JUPITER_TEST_DATABASE.replace(/\/[^/]*$/, '')}`);
  const pick = (runs) => runs.find((r) => r.rate === median(runs.map((x) => x.rate)));
  for (const label of ['one', 'three']) {
    const r = pick(orders[label]);
    console.log(`orders ${label.padEnd(5)} server(s) behind nginx: ${fmt(r.rate, 1).padStart(7)} orders/s  p50 ${fmt(r.p50, 1)} ms  ` +
      `p99 ${fmt(r.p99, 1)} ms  CPU busy ${fmt(r.busy * 100)}%  other answers ${JSON.stringify(r.others)}  (runs: ${orders[label].map((x) => fmt(x.rate)).join(', ')})`);
  }
  for (const label of ['cluster', 'static']) {
    const rps = median(catalogue[label].map((r) => r.rps));
    const r = catalogue[label].find((x) => x.rps === rps);
    console.log(`catalogue ${label.padEnd(7)}: ${fmt(rps).padStart(7)} req/s  p99 ${fmt(r.p99)} ms  ${r.bytes} B body  ` +
      `${r.failed} failed  (runs: ${catalogue[label].map((x) => fmt(x.rps)).join(', ')})`);
  }
  const orderRatio = median(orders.three.map((r) => r.rate)) / median(orders.one.map((r) => r.rate));
  const catRatio = median(catalogue.cluster.map((r) => r.rps)) / median(catalogue.static.map((r) => r.rps));
  console.log(`${orderRatio >= 1.5 ? 'PASS' : 'MISS'} orders/s, three servers / one server on PostgreSQL: ${fmt(orderRatio, 2)}x (target >= 1.5x)`);
  console.log(`${catRatio >= 0.8 ? 'PASS' : 'MISS'} catalogue through the cluster / nginx static file: ${fmt(catRatio, 2)}x (target >= 0.8x)`);
  process.exit(0);
}

main().catch((e) => { console.error(e.stack ?? e.message); process.exit(1); });
