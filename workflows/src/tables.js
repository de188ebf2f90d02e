'use strict';
/**
 * The Data Tables the shipped sync workflow creates (on publish; the backfill's when it first runs) and finds by name — one place for
 * their names and columns (the workflow build, the install steps, replay and tests read them here).
 * n8n reserves the column names id, createdAt and updatedAt.
 */
const DEAD_LETTER_TABLE = 'klaviyo_dead_letters';
const STATE_TABLE = 'shopify_object_state';
/** Reconciliation's checkpoint and the sync's health figures: one row, name "reconciliation". */
const SYNC_STATE_TABLE = 'shopify_sync_state';
/** One row per backfill run: its range, where it is (phase, byte offset), progress and errors. */
const BACKFILL_TABLE = 'shopify_backfill';
const DEAD_LETTER_COLUMNS = [
	['letterId', 'string'],
	['status', 'string'],
	['kind', 'string'],
	['topic', 'string'],
	['idempotencyKey', 'string'],
	['summary', 'string'],
	['payload', 'string'],
	['request', 'string'],
	['error', 'string'],
	['failedNode', 'string'],
	['executionId', 'string'],
	['attempts', 'number'],
	['replays', 'number'],
	['lastTriedAt', 'string'],
];
const STATE_COLUMNS = [
	['objectKey', 'string'],
	['objectUpdatedAtMs', 'number'],
	['objectUpdatedAt', 'string'],
	['topic', 'string'],
	['idempotencyKey', 'string'],
	['receivedAt', 'string'],
];

const SYNC_STATE_COLUMNS = [
	['name', 'string'],
	['checkpoint', 'string'],
	['firstRunAt', 'string'],
	['lastRunAt', 'string'],
	['lastRunStatus', 'string'],
	['lastRunError', 'string'],
	['lastRunObjects', 'number'],
	['lastRunSent', 'number'],
	['lastRunShopifyCalls', 'number'],
	['lastRunSeconds', 'number'],
	['lastLiveDeliveryAt', 'string'],
	['deadLettersWaiting', 'number'],
	['oldestDeadLetterAt', 'string'],
	['alerts', 'string'],
];

const BACKFILL_COLUMNS = [
	['runId', 'string'],
	['status', 'string'],
	['since', 'string'],
	['until', 'string'],
	['phase', 'string'],
	['offset', 'number'],
	['customersOperation', 'string'],
	['ordersOperation', 'string'],
	['customersTotal', 'number'],
	['ordersTotal', 'number'],
	['objectsDone', 'number'],
	['objectsTotal', 'number'],
	['chunks', 'number'],
	['eventsSent', 'number'],
	['profilesSent', 'number'],
	['consentSent', 'number'],
	['errors', 'number'],
	['lastError', 'string'],
	['startedAt', 'string'],
	['lastProgressAt', 'string'],
	['finishedAt', 'string'],
	['leaseUntilMs', 'number'],
];

/**
 * Other tables n8n could pick instead of ours. n8n 2.41 finds a Data Table "by name" with a
 * case-insensitive contains match (SQL LIKE '%name%', "_" matching any character) and takes the most
 * recently updated one, so e.g. a copy "klaviyo_dead_letters_backup" would get this workflow's rows.
 * Self-contained: the workflow's on-publish check carries a copy of it (workflows/src/build.js).
 */
function tableNameClashes(tableNames, ours) {
	const like = (name) => new RegExp(name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '.').replace(/%/g, '.*'));
	const clashes = [];
	for (const name of tableNames) {
		if (typeof name !== 'string') continue;
		for (const own of ours) if (name !== own && like(own).test(name.toLowerCase())) clashes.push(`"${name}" (matches "${own}")`);
	}
	return clashes;
}

module.exports = {
	DEAD_LETTER_TABLE,
	STATE_TABLE,
	SYNC_STATE_TABLE,
	BACKFILL_TABLE,
	DEAD_LETTER_COLUMNS,
	STATE_COLUMNS,
	SYNC_STATE_COLUMNS,
	BACKFILL_COLUMNS,
	tableNameClashes,
};
