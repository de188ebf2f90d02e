'use strict';
/**
 * The two Data Tables the shipped sync workflow creates on publish and finds by name — one place for
 * their names and columns (the workflow build, the install steps, replay and tests read them here).
 * n8n reserves the column names id, createdAt and updatedAt.
 */
const DEAD_LETTER_TABLE = 'klaviyo_dead_letters';
const STATE_TABLE = 'shopify_object_state';
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
module.exports = { DEAD_LETTER_TABLE, STATE_TABLE, DEAD_LETTER_COLUMNS, STATE_COLUMNS };
