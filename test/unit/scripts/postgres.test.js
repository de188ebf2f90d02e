'use strict';
/** scripts/lib/postgres.js: the pure parts (arguments, env → n8n's database settings). */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const pg = require('../../../scripts/lib/postgres');

describe('postgres: argument building', () => {
	it('initdb: superuser postgres, password from a file, SCRAM for local and TCP logins (never trust)', () => {
		const args = pg.initdbArgs({ dataDir: '/d/pg', pwFile: '/tmp/pw' });
		expect(args.slice(0, 4)).toEqual(['-D', '/d/pg', '-U', 'postgres']);
		expect(args).toContain('--pwfile=/tmp/pw');
		expect(args).toContain('--auth-local=scram-sha-256');
		expect(args).toContain('--auth-host=scram-sha-256');
		expect(args.join(' ')).not.toMatch(/trust/);
	});

	it('pg_ctl start: own port, loopback only, no Unix socket, log in the cluster folder, waits', () => {
		const args = pg.pgCtlStartArgs({ dataDir: '/d/pg', port: 5941 });
		expect(args[args.length - 1]).toBe('start');
		expect(args).toEqual(expect.arrayContaining(['-D', '/d/pg', '-l', '/d/pg/server.log', '-w']));
		const o = args[args.indexOf('-o') + 1];
		expect(o).toContain('-p 5941');
		expect(o).toContain('listen_addresses=127.0.0.1');
		expect(o).toContain("unix_socket_directories=''");
	});

	it('pg_ctl stop: fast mode, waits', () => {
		expect(pg.pgCtlStopArgs({ dataDir: '/d/pg' })).toEqual(['-D', '/d/pg', '-m', 'fast', '-w', '-t', '60', 'stop']);
	});

	it('as root the cluster runs as the postgres user through runuser; otherwise as ourselves, directly', () => {
		expect(pg.clusterUser({ root: true, self: 'root' })).toBe('postgres');
		expect(pg.clusterUser({ root: false, self: 'ci' })).toBe('ci');
		expect(pg.asUser('postgres', '/bin/initdb', ['-D', 'x'], { root: true, self: 'root' })).toEqual({ cmd: 'runuser', args: ['-u', 'postgres', '--', '/bin/initdb', '-D', 'x'] });
		expect(pg.asUser('ci', '/bin/initdb', ['-D', 'x'], { root: false, self: 'ci' })).toEqual({ cmd: '/bin/initdb', args: ['-D', 'x'] });
	});

	it('the bin folder: POSTGRES_BIN_DIR wins, else Debian 15, else the newest Debian major installed', () => {
		expect(pg.findBinDir({ POSTGRES_BIN_DIR: '/opt/pg/bin' })).toBe('/opt/pg/bin');
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbins-'));
		for (const v of ['13', '16', 'common']) {
			fs.mkdirSync(path.join(root, v, 'bin'), { recursive: true });
			if (v !== 'common') fs.writeFileSync(path.join(root, v, 'bin', 'initdb'), '');
		}
		fs.mkdirSync(path.join(root, '17', 'bin'), { recursive: true }); // no initdb: not a server install
		expect(pg.debianBinDirs(root)).toEqual([path.join(root, '16', 'bin'), path.join(root, '13', 'bin')]);
		expect(pg.debianBinDirs(path.join(root, 'none'))).toEqual([]);
		fs.rmSync(root, { recursive: true, force: true });
	});
});

describe('postgres: env → n8n database settings', () => {
	it('the private cluster: DB_TYPE=postgresdb and every DB_POSTGRESDB_* n8n needs', () => {
		expect(pg.n8nDbEnv({ port: 5941, password: 'pw' })).toEqual({
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: '5941',
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'pw',
			DB_POSTGRESDB_POOL_SIZE: '10',
		});
	});

	it('DB_POSTGRESDB_* in .env name an existing database: used as given, no private cluster', () => {
		const cfg = { DB_POSTGRESDB_HOST: 'db.internal', DB_POSTGRESDB_DATABASE: 'shop', DB_POSTGRESDB_PASSWORD: 's3cret', DB_POSTGRESDB_SCHEMA: '', N8N_PORT: '5678' };
		expect(pg.externalDatabase(cfg)).toEqual({ DB_TYPE: 'postgresdb', DB_POSTGRESDB_HOST: 'db.internal', DB_POSTGRESDB_DATABASE: 'shop', DB_POSTGRESDB_PASSWORD: 's3cret', DB_POSTGRESDB_POOL_SIZE: '10' });
		// a pool size given in .env wins over ours (n8n's default, 2, is too small for a burst)
		expect(pg.externalDatabase({ ...cfg, DB_POSTGRESDB_POOL_SIZE: '25' }).DB_POSTGRESDB_POOL_SIZE).toBe('25');
		expect(pg.externalDatabase({ ...cfg, DB_TYPE: 'postgresdb' }).DB_TYPE).toBe('postgresdb');
	});

	it('nothing set (or only empty values): undefined, the private cluster is used', () => {
		expect(pg.externalDatabase({})).toBeUndefined();
		expect(pg.externalDatabase({ DB_POSTGRESDB_HOST: '', DB_TYPE: 'sqlite' })).toBeUndefined();
	});

	it('DB_TYPE=sqlite next to DB_POSTGRESDB_* is a contradiction, named clearly', () => {
		expect(() => pg.externalDatabase({ DB_TYPE: 'sqlite', DB_POSTGRESDB_HOST: 'x' })).toThrow(/DB_TYPE=sqlite but DB_POSTGRESDB_HOST set/);
	});

	it('a folder the cluster user can reach is used as is (we are that user here, or root)', () => {
		const dir = path.join(os.tmpdir(), 'pg-reach', 'postgres');
		expect(pg.clusterDirFor(dir, os.userInfo().username)).toEqual({ dataDir: dir, fallback: false });
	});
});
