'use strict';
/**
 * One stack for the whole e2e run. E2E_MODE=queue (set by `npm test` for its second e2e pass) starts
 * n8n in queue mode instead: PostgreSQL + Redis + main + 2 workers, on other ports (E2E_QUEUE_N8N_PORT,
 * default 5710; fake Klaviyo +1, workers' broker/health ports +2…+5, main's task-runner broker +9,
 * PostgreSQL +31 (E2E_QUEUE_POSTGRES_PORT), Redis 6391 (E2E_QUEUE_REDIS_PORT)) so both passes can run in one go.
 */
const { startStack } = require('./stack');

module.exports = async () => {
	if (process.env.E2E_MODE === 'queue') {
		const port = Number(process.env.E2E_QUEUE_N8N_PORT || 5710);
		process.env.E2E_STACK = 'e2e-queue';
		globalThis.__E2E_STACK__ = await startStack({
			name: 'e2e-queue',
			port,
			klaviyoPort: port + 1,
			mode: 'queue',
			db: 'postgres',
			postgresPort: Number(process.env.E2E_QUEUE_POSTGRES_PORT || port + 31),
			workers: 2,
			redisPort: Number(process.env.E2E_QUEUE_REDIS_PORT || 6391),
			workerBasePort: port + 2,
			n8nEnv: { N8N_RUNNERS_BROKER_PORT: String(port + 9) },
		});
		return;
	}
	const port = Number(process.env.E2E_N8N_PORT || 5700);
	globalThis.__E2E_STACK__ = await startStack({ name: 'e2e', port, klaviyoPort: port + 1 });
};
