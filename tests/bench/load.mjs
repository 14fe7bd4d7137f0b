// load.mjs: HTTP load benchmark of jupiter-server next to nginx (gzip_static) serving the same bytes (issue 19).
//
//   node tests/bench/load.mjs [--server BIN] [--compare BIN] [--seconds S] [--rounds N] [--web DIR] [--catalogue PATH]
//
// Starts jupiter-server (and, with --compare, a second build such as the previous front) on free ports with a
// fresh data folder, and nginx as an unprivileged user with a config written to a temp dir, whose root holds the
// server's own bytes for "/" and "/api/catalogue" (identity and gzip, gzip_static on). Then `ab -k` (apache2-utils)
// with Accept-Encoding: gzip at concurrency 1 and 64 for S seconds each (N interleaved rounds, best kept), and prints requests/s, p50 and p99 per
// target, the RSS of each jupiter-server after its runs, and PASS/MISS for: catalogue keep-alive >= 0.8x nginx
// (concurrency 64), p99 < 20 ms at concurrency 64, RSS < 64 MB. Needs `ab` and `nginx` on PATH (or /usr/sbin).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const serverBin = args.server ?? path.join(root, 'build/native/src/server/jupiter-server');
const compareBin = args.compare;
const seconds = Number(args.seconds ?? 5);
const rounds = Number(args.rounds ?? 2);
const webDir = args.web ?? path.join(root, 'build/web/site');
const catalogue = args.catalogue ?? path.join(root, 'assets/catalogue.json');
const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? 'nginx';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jupiter-load-'));
const children = [];
process.on('exit', () => {
  for (const c of children) { try { c.kill('SIGTERM'); } catch { /* gone */ } }
  fs.rmSync(tmp, { recursive: true, force: true });
});

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// A copy of the site's page (and its precompressed siblings), so a web build running meanwhile cannot change it.
function makeSite(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of ['index.html', 'index.html.gz', 'index.html.br']) {
    const from = path.join(webDir, name);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(dir, name));
  }
  if (!fs.existsSync(path.join(dir, 'index.html'))) fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
}

function startServer(bin, label) {
  const dir = path.join(tmp, label);
  makeSite(path.join(dir, 'web'));
  // The access log goes to a file: a pipe would fill while ab runs (spawnSync blocks this process).
  const logPath = path.join(dir, 'server.log');
  const log = fs.openSync(logPath, 'w');
  const child = spawn(bin, ['--port', '0', '--data', path.join(dir, 'data'), '--web', path.join(dir, 'web'),
    '--catalogue', catalogue], { stdio: ['ignore', log, log] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(fs.readFileSync(logPath, 'utf8'));
      if (m) { clearInterval(poll); resolve({ child, port: Number(m[1]), label }); }
      else if (Date.now() - started > 30000) { clearInterval(poll); reject(new Error(`${label}: no "listening on" line`)); }
    }, 100);
    child.on('exit', (code) => { clearInterval(poll); reject(new Error(`${label} exited with ${code}`)); });
  });
}

function rawGet(port, target, encoding) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.end(`GET ${target} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${encoding}\r\nConnection: close\r\n\r\n`));
    const parts = [];
    sock.on('data', (d) => parts.push(d));
    sock.on('end', () => {
      const all = Buffer.concat(parts);
      const end = all.indexOf('\r\n\r\n');
      resolve(all.subarray(end + 4));
    });
    sock.on('error', reject);
  });
}

// nginx as an unprivileged user, root holding the server's bytes.
async function startNginx(sourcePort) {
  const dir = path.join(tmp, 'nginx');
  const www = path.join(dir, 'www');
  fs.mkdirSync(path.join(www, 'api'), { recursive: true });
  for (const [target, file] of [['/', 'index.html'], ['/api/catalogue', 'api/catalogue']]) {
    fs.writeFileSync(path.join(www, file), await rawGet(sourcePort, target, 'identity'));
    fs.writeFileSync(path.join(www, file + '.gz'), await rawGet(sourcePort, target, 'gzip'));
  }
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `daemon off;
worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  types { text/html html; }
  sendfile on; tcp_nodelay on; keepalive_requests 100000;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${www};
    gzip_static on;
    gzip_http_version 1.0;  # ab sends HTTP/1.0: without this nginx would answer it with the identity bytes
    location = /api/catalogue { default_type "application/json; charset=utf-8"; }
  }
}
`);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) spawnSync('chown', ['-R', 'nobody:nogroup', dir]);
  fs.chmodSync(tmp, 0o755);
  const cmd = asRoot ? ['runuser', ['-u', 'nobody', '--', nginxBin, '-p', dir, '-c', path.join(dir, 'nginx.conf')]]
                     : [nginxBin, ['-p', dir, '-c', path.join(dir, 'nginx.conf')]];
  const child = spawn(cmd[0], cmd[1], { stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 50; i++) {
    try { await rawGet(port, '/', 'identity'); return { child, port, label: 'nginx' }; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  throw new Error('nginx did not start: ' + (fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''));
}

function ab(port, target, concurrency) {
  const r = spawnSync('ab', ['-q', '-k', '-c', String(concurrency), '-t', String(seconds), '-n', '1000000', '-s', '10',
    '-H', 'Accept-Encoding: gzip', `http://127.0.0.1:${port}${target}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const out = r.stdout ?? '';
  const num = (re) => { const m = re.exec(out); return m ? Number(m[1]) : NaN; };
  return { rps: num(/Requests per second:\s+([\d.]+)/), p50: num(/^\s+50%\s+(\d+)/m), p99: num(/^\s+99%\s+(\d+)/m),
    failed: num(/Failed requests:\s+(\d+)/), done: num(/Complete requests:\s+(\d+)/),
    bytes: num(/Document Length:\s+(\d+)/) };
}

function rssMB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const targets = [{ name: '/', target: '/' }, { name: '/api/catalogue', target: '/api/catalogue' }];
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

async function main() {
  const servers = [await startServer(serverBin, 'jupiter')];
  if (compareBin) servers.push(await startServer(compareBin, 'compare'));
  const nginx = await startNginx(servers[0].port);
  // Rows are interleaved (each target and concurrency on every server in turn, `rounds` times, best kept), so
  // that load from elsewhere on the machine falls on all servers alike.
  const rows = [];
  const result = {};
  const all = [...servers, nginx];
  for (const t of targets) {
    for (const c of [1, 64]) {
      for (let round = 0; round < rounds; round++) {
        for (const s of round % 2 ? [...all].reverse() : all) {
          const r = ab(s.port, t.target, c);
          const key = `${s.label} ${t.name} ${c}`;
          if (!(result[key]?.rps >= r.rps)) result[key] = r;
        }
      }
      for (const s of all) {
        const r = result[`${s.label} ${t.name} ${c}`];
        rows.push(`${s.label.padEnd(8)} ${t.name.padEnd(15)} c=${String(c).padEnd(3)} ${fmt(r.rps).padStart(8)} req/s  p50 ${fmt(r.p50).padStart(4)} ms  p99 ${fmt(r.p99).padStart(5)} ms  ${String(r.bytes).padStart(7)} B body  (${r.done} done, ${r.failed} failed)`);
      }
    }
  }
  for (const s of servers) s.rss = rssMB(s.child.pid);
  console.log(`ab -k, Accept-Encoding: gzip, ${seconds} s per run, best of ${rounds} interleaved runs, loopback, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
  for (const r of rows) console.log(r);
  for (const s of servers) {
    const cat = result[`${s.label} /api/catalogue 64`], ng = result['nginx /api/catalogue 64'];
    const ratio = cat.rps / ng.rps;
    const p99 = Math.max(result[`${s.label} / 64`].p99, cat.p99);
    console.log(`${s.label}: RSS after the run ${fmt(s.rss, 1)} MB`);
    console.log(`${s.label}: ${ratio >= 0.8 ? 'PASS' : 'MISS'} catalogue keep-alive c=64 ${fmt(ratio, 2)}x nginx (target >= 0.8x)`);
    console.log(`${s.label}: ${p99 < 20 ? 'PASS' : 'MISS'} p99 at c=64 ${fmt(p99)} ms (target < 20 ms)`);
    console.log(`${s.label}: ${s.rss < 64 ? 'PASS' : 'MISS'} RSS ${fmt(s.rss, 1)} MB (target < 64 MB)`);
  }
  process.exit(0);
}

main().catch((e) => { console.error(e.message); process.exit(1); });
