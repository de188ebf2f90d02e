'use strict';
/**
 * Preloaded into n8n main and workers in queue mode on SQLite (NODE_OPTIONS=--require <this file>).
 *
 * n8n 2.41 opens SQLite without a busy timeout. With one process that is fine; with main + workers
 * writing the same database file, a write that meets another process's write fails at once with
 * SQLITE_BUSY — measured: 3 of 40 executions failed (their delivery lost from the execution) and 1 of 40
 * webhooks answered 500. This gives every connection n8n opens a busy timeout, so a writer waits for
 * the lock instead. Not needed (and not loaded) with PostgreSQL, which is what n8n supports for queue mode.
 */
const Module = require('node:module');

const TIMEOUT_MS = Number(process.env.N8N_SQLITE_BUSY_TIMEOUT_MS || 10000);
const originalLoad = Module._load;
let patched = false;

Module._load = function load(request, parent, isMain) {
	const exported = originalLoad.apply(this, arguments);
	if (!patched && request === 'sqlite3' && exported && typeof exported.Database === 'function') {
		patched = true;
		const Base = exported.Database;
		class Database extends Base {
			constructor(...args) {
				super(...args);
				this.configure('busyTimeout', TIMEOUT_MS);
			}
		}
		exported.Database = Database;
		Module._load = originalLoad;
	}
	return exported;
};
