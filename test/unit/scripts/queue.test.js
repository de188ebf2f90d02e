'use strict';
/** scripts/lib/queue.js: Redis's arguments and the queue-mode environment (pure parts). */
const queue = require('../../../scripts/lib/queue');

describe('queue mode: Redis and n8n settings', () => {
	it('Redis keeps the queue in an append-only file written through on every write, on loopback only', () => {
		const args = queue.redisArgs({ port: 6591, dir: '/d/redis' });
		const opt = (name) => args[args.indexOf(`--${name}`) + 1];
		expect(opt('port')).toBe('6591');
		expect(opt('bind')).toBe('127.0.0.1');
		expect(opt('dir')).toBe('/d/redis');
		expect(opt('appendonly')).toBe('yes');
		expect(opt('appendfsync')).toBe('always');
		expect(opt('protected-mode')).toBe('yes');
	});

	it('main and workers ride out a Redis outage longer than n8n\'s 10 s default before exiting', () => {
		const env = queue.queueEnv({ redisPort: 6591 });
		expect(env).toMatchObject({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: '6591' });
		expect(Number(env.QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD)).toBeGreaterThanOrEqual(60000);
	});

	it('the SQLite busy-timeout preload only on SQLite (PostgreSQL, the default, needs none)', () => {
		expect(queue.queueEnv({ redisPort: 1 }).NODE_OPTIONS).toBeUndefined();
		expect(queue.queueEnv({ redisPort: 1, sqlite: false }).NODE_OPTIONS).toBeUndefined();
		expect(queue.queueEnv({ redisPort: 1, sqlite: true }).NODE_OPTIONS).toMatch(/--require ".*sqlite-busy-timeout\.js"/);
	});

	it('each worker gets its own task-runner broker and health ports', () => {
		const w1 = queue.workerEnv({ A: '1' }, { index: 1, basePort: 5912 });
		const w2 = queue.workerEnv({ A: '1' }, { index: 2, basePort: 5912 });
		expect([w1.N8N_RUNNERS_BROKER_PORT, w1.QUEUE_HEALTH_CHECK_PORT, w2.N8N_RUNNERS_BROKER_PORT, w2.QUEUE_HEALTH_CHECK_PORT]).toEqual(['5912', '5913', '5914', '5915']);
		expect(w1.A).toBe('1');
	});
});
