'use strict';
/**
 * PostgreSQL for n8n's queue mode: a private cluster in the project's data folder, made and run with
 * Debian's binaries (the `postgresql` package, installed with apt-get when missing — through sudo when
 * not root), or an existing database named by DB_POSTGRESDB_* in .env. Shared by `npm run start:queue`,
 * the queue-mode e2e stack (test/e2e/stack.js, `db: 'postgres'`), `npm test` and the benchmarks.
 *
 *   ensurePostgres()                  → { binDir } (installs Debian's postgresql when missing)
 *   externalDatabase(cfg)             → n8n's DB_* env when .env names an existing database, else undefined
 *   startCluster({ dir, port, ... })  → { env, port, dir, stop() }: initdb on first use, pg_ctl start,
 *                                       role + database created, n8n's DB_* env for it
 *   n8nDbEnv(conn)                    → DB_TYPE=postgresdb + DB_POSTGRESDB_* for n8n (pure)
 *   initdbArgs / pgCtlStartArgs / pgCtlStopArgs / asUser / clusterUser → argument building (pure, unit-tested)
 *
 * initdb and the server refuse to run as root: as root they run as the `postgres` user (created when
 * absent, as Debian's package does); as anyone else, as that user. The cluster folder then belongs to
 * that user (mode 700). When the data folder is not reachable for it (a home folder closed to others),
 * the cluster goes to /var/tmp/n8n-shopify-klaviyo-pg-<hash of the folder> instead, and we say so.
 *
 * The server listens on 127.0.0.1 only, on its own port, no Unix socket; logins need the password
 * generated on first use into <dir>.credentials.json (mode 600, beside the cluster folder, never printed).
 */
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'postgres';
const DB_NAME = 'n8n';
const DB_USER = 'n8n';

function log(msg) {
	process.stderr.write(`[postgres] ${msg}\n`);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function which(cmd) {
	const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : '';
}

/** The bin folders of every installed Debian PostgreSQL, newest major first. */
function debianBinDirs(root = '/usr/lib/postgresql') {
	let versions = [];
	try {
		versions = fs.readdirSync(root).filter((v) => /^\d+$/.test(v));
	} catch {
		return [];
	}
	return versions
		.sort((a, b) => Number(b) - Number(a))
		.map((v) => path.join(root, v, 'bin'))
		.filter((d) => fs.existsSync(path.join(d, 'initdb')));
}

/** Where initdb/pg_ctl/postgres are: POSTGRES_BIN_DIR, else Debian's 15, else the newest Debian one, else ''. */
function findBinDir(env = process.env) {
	if (env.POSTGRES_BIN_DIR) return env.POSTGRES_BIN_DIR;
	if (fs.existsSync(path.join(DEFAULT_BIN_DIR, 'initdb'))) return DEFAULT_BIN_DIR;
	return debianBinDirs()[0] || '';
}

/**
 * Debian's PostgreSQL binaries; installs the `postgresql` package when none is there:
 * `apt-get update && apt-get install -y --no-install-recommends postgresql` (through sudo when not root).
 * The package's own cluster/service is not used: startCluster() runs a private one.
 */
function ensurePostgres(env = process.env) {
	let binDir = findBinDir(env);
	if (binDir) {
		if (!fs.existsSync(path.join(binDir, 'pg_ctl'))) throw new Error(`POSTGRES_BIN_DIR=${binDir} has no pg_ctl`);
		return { binDir };
	}
	if (!which('apt-get')) throw new Error('PostgreSQL is missing and apt-get is not available: install PostgreSQL (>= 15) and set POSTGRES_BIN_DIR to its bin folder');
	if (!isRoot() && !which('sudo')) throw new Error('PostgreSQL is missing: run `sudo apt-get install -y postgresql` (not root and no sudo)');
	const prefix = isRoot() ? [] : ['sudo', '-n'];
	const run = (args) => {
		const cmd = [...prefix, 'apt-get', ...args];
		log(`installing PostgreSQL: ${cmd.join(' ')}`);
		const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (exit ${r.status})`);
	};
	run(['-o', 'DPkg::Lock::Timeout=600', 'update']);
	run(['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'postgresql']);
	binDir = findBinDir(env);
	if (!binDir) throw new Error('PostgreSQL binaries still not found after installing the postgresql package (looked in /usr/lib/postgresql/*/bin)');
	return { binDir };
}

/** The OS user that runs initdb and the server: `postgres` as root (they refuse root), else whoever we are. */
function clusterUser({ root = isRoot(), self = os.userInfo().username } = {}) {
	return root ? 'postgres' : self;
}

/** A command run as `user` (runuser as root; directly when we already are that user). Pure. */
function asUser(user, cmd, args, { root = isRoot(), self = os.userInfo().username } = {}) {
	if (!root || user === self) return { cmd, args };
	return { cmd: 'runuser', args: ['-u', user, '--', cmd, ...args] };
}

/** initdb's arguments: password logins only (SCRAM), UTF-8, superuser `postgres`. Pure. */
function initdbArgs({ dataDir, pwFile }) {
	return ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwFile}`, '--auth-local=scram-sha-256', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'];
}

/** pg_ctl start: 127.0.0.1 only, own port, no Unix socket, log in the cluster folder, wait until up. Pure. */
function pgCtlStartArgs({ dataDir, port, logFile = path.join(dataDir, 'server.log'), maxConnections = 100 }) {
	const opts = [`-p ${port}`, "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=''", `-c max_connections=${maxConnections}`];
	return ['-D', dataDir, '-l', logFile, '-o', opts.join(' '), '-w', '-t', '60', 'start'];
}

/** pg_ctl stop (fast: open transactions are rolled back, the cluster shuts down cleanly). Pure. */
function pgCtlStopArgs({ dataDir }) {
	return ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'];
}

/**
 * Connections per n8n process. n8n's default pool is 2: with 50 webhooks in flight main queues its
 * queries behind 2 connections, its own database ping (which needs a free connection within 5 s) fails,
 * and n8n then answers webhooks 503 until a ping succeeds again (measured: 1 334 of 2 000 deliveries of
 * a burst answered 503). Main + 2 workers × 10 stay far below the cluster's max_connections (100).
 */
const POOL_SIZE = 10;

/** n8n's settings for a PostgreSQL database. Pure. */
function n8nDbEnv({ host = '127.0.0.1', port = 5432, database = DB_NAME, user = DB_USER, password = '', schema, poolSize = POOL_SIZE }) {
	return {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: host,
		DB_POSTGRESDB_PORT: String(port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: user,
		DB_POSTGRESDB_PASSWORD: password,
		DB_POSTGRESDB_POOL_SIZE: String(poolSize),
		...(schema ? { DB_POSTGRESDB_SCHEMA: schema } : {}),
	};
}

/**
 * `DB_POSTGRESDB_*` given in .env (or the environment) point at an existing database: n8n's DB_* env
 * for it (DB_TYPE=postgresdb + those settings as given, the pool size ours unless given), or undefined when none is set. A DB_TYPE other
 * than postgresdb next to them is a contradiction and fails clearly. Pure.
 */
function externalDatabase(cfg) {
	const keys = Object.keys(cfg).filter((k) => k.startsWith('DB_POSTGRESDB_') && cfg[k] !== '');
	if (!keys.length) return undefined;
	if (cfg.DB_TYPE && cfg.DB_TYPE !== 'postgresdb') {
		throw new Error(`DB_TYPE=${cfg.DB_TYPE} but ${keys.join(', ')} set: use DB_TYPE=postgresdb (or remove the DB_POSTGRESDB_* settings)`);
	}
	// our pool size unless .env sets one (n8n's default of 2 is too small for a burst, see POOL_SIZE)
	const env = { DB_TYPE: 'postgresdb', DB_POSTGRESDB_POOL_SIZE: String(POOL_SIZE) };
	for (const k of keys) env[k] = cfg[k];
	return env;
}

function portFree(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host });
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(true));
	});
}

function sh(cmd, args, { env, input, quiet = false } = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, input });
	if (r.status !== 0) {
		const out = `${r.stdout || ''}${r.stderr || ''}`.trim();
		throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})${out && !quiet ? `:\n${out.slice(-3000)}` : ''}`);
	}
	return r.stdout;
}

/** Create the OS user `postgres` (as Debian's package does) when we are root and it does not exist. */
function ensureOsUser(user) {
	if (spawnSync('id', ['-u', user]).status === 0) return;
	if (!isRoot()) throw new Error(`OS user ${user} does not exist`);
	log(`creating the system user ${user} (initdb and postgres refuse to run as root)`);
	sh('useradd', ['--system', '--user-group', '--home-dir', '/var/lib/postgresql', '--shell', '/bin/sh', user]);
}

/** Can `user` create and enter a folder at `dir`? (Every parent must be searchable for it.) */
function reachableFor(user, dir) {
	if (!isRoot() || user === os.userInfo().username) return true;
	let parent = path.dirname(dir);
	while (!fs.existsSync(parent)) parent = path.dirname(parent);
	return spawnSync('runuser', ['-u', user, '--', 'test', '-x', parent]).status === 0;
}

/** The folder the cluster lives in: `dir`, or under /var/tmp when `user` cannot reach `dir`. */
function clusterDirFor(dir, user) {
	if (reachableFor(user, dir)) return { dataDir: dir, fallback: false };
	const hash = crypto.createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 12);
	return { dataDir: path.join('/var/tmp', `n8n-shopify-klaviyo-pg-${hash}`), fallback: true };
}

function readOrCreateCredentials(file) {
	if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
	const creds = { superuserPassword: crypto.randomBytes(18).toString('base64url'), password: crypto.randomBytes(18).toString('base64url') };
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
	return creds;
}

/** psql as the superuser over TCP (the password from the environment, never on the command line). */
function psql(binDir, { port, password }, sql, database = 'postgres') {
	return sh(path.join(binDir, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER, '-d', database, '-v', 'ON_ERROR_STOP=1', '-tAq', '-c', sql], {
		env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' },
	});
}

const quoteLiteral = (s) => `'${String(s).replace(/'/g, "''")}'`;

/**
 * A private PostgreSQL cluster in `dir` (initdb on first use) on 127.0.0.1:`port`, with role and
 * database `n8n`. Returns { env (n8n's DB_* settings), port, dataDir, user, stop() }.
 * A server left running in `dir` by an earlier, killed run is stopped first.
 */
async function startCluster({ dir, port = 5433, binDir = ensurePostgres().binDir, say = log } = {}) {
	const user = clusterUser();
	ensureOsUser(user);
	const { dataDir, fallback } = clusterDirFor(path.resolve(dir), user);
	if (fallback) say(`${path.dirname(path.resolve(dir))} is not reachable for the OS user ${user}: the PostgreSQL cluster lives in ${dataDir} instead`);
	const credsFile = `${path.resolve(dir)}.credentials.json`;
	const credsExisted = fs.existsSync(credsFile);
	const creds = readOrCreateCredentials(credsFile);
	if (!credsExisted && fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
		// a cluster whose password file is gone (e.g. a fallback folder outliving its data folder): unusable, start afresh
		say(`${dataDir} holds a cluster without its password file ${credsFile}: removing it and starting afresh`);
		const c = asUser(user, path.join(binDir, 'pg_ctl'), pgCtlStopArgs({ dataDir }));
		spawnSync(c.cmd, c.args);
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
	const pgCtl = path.join(binDir, 'pg_ctl');
	const run = (cmd, args, opts) => {
		const c = asUser(user, cmd, args);
		return sh(c.cmd, c.args, opts);
	};

	if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
		fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
		if (isRoot() && user !== 'root') sh('chown', [`${user}:`, dataDir]);
		fs.chmodSync(dataDir, 0o700);
		// initdb reads the superuser's password from a file the cluster user can read; removed right after
		const pwFile = path.join(os.tmpdir(), `pg-pw-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
		fs.writeFileSync(pwFile, `${creds.superuserPassword}\n`, { mode: 0o600 });
		try {
			if (isRoot() && user !== 'root') sh('chown', [`${user}:`, pwFile]);
			say(`initdb ${dataDir} (${path.basename(path.dirname(binDir))}, as OS user ${user})`);
			run(path.join(binDir, 'initdb'), initdbArgs({ dataDir, pwFile }));
		} finally {
			fs.rmSync(pwFile, { force: true });
		}
	} else if (spawnSync(asUser(user, pgCtl, ['-D', dataDir, 'status']).cmd, asUser(user, pgCtl, ['-D', dataDir, 'status']).args).status === 0) {
		// pg_ctl status exits 0 only while a server runs in that folder
		say(`a PostgreSQL server left running in ${dataDir}: stopping it first`);
		run(pgCtl, pgCtlStopArgs({ dataDir }));
	}
	if (!(await portFree(port))) throw new Error(`port ${port} is already in use: set POSTGRES_PORT to a free port`);
	run(pgCtl, pgCtlStartArgs({ dataDir, port }));
	const stop = async () => {
		const c = asUser(user, pgCtl, pgCtlStopArgs({ dataDir }));
		const r = spawnSync(c.cmd, c.args, { encoding: 'utf8' });
		if (r.status !== 0 && !/not running|No such file|does not exist/i.test(`${r.stdout}${r.stderr}`)) throw new Error(`pg_ctl stop failed: ${`${r.stdout}${r.stderr}`.trim()}`);
	};
	try {
		const conn = { port, password: creds.superuserPassword };
		const hasRole = psql(binDir, conn, `SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(DB_USER)}`).trim() === '1';
		psql(binDir, conn, `${hasRole ? 'ALTER' : 'CREATE'} ROLE ${DB_USER} LOGIN PASSWORD ${quoteLiteral(creds.password)}`);
		const hasDb = psql(binDir, conn, `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(DB_NAME)}`).trim() === '1';
		if (!hasDb) psql(binDir, conn, `CREATE DATABASE ${DB_NAME} OWNER ${DB_USER}`);
	} catch (err) {
		await stop().catch(() => {});
		throw err;
	}
	return { env: n8nDbEnv({ port, password: creds.password }), port, dataDir, user, fallback, logFile: path.join(dataDir, 'server.log'), stop };
}

module.exports = {
	DEFAULT_BIN_DIR,
	POOL_SIZE,
	findBinDir,
	debianBinDirs,
	ensurePostgres,
	clusterUser,
	asUser,
	initdbArgs,
	pgCtlStartArgs,
	pgCtlStopArgs,
	n8nDbEnv,
	externalDatabase,
	clusterDirFor,
	startCluster,
};

if (require.main === module) {
	// `node scripts/lib/postgres.js` installs PostgreSQL if missing (what the queue-mode tests need)
	process.stdout.write(`${ensurePostgres().binDir}\n`);
}
