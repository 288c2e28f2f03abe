// The kubectl acceptance suite and the restart test on the SQLite store (a file per test run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { kubectlSuite } from '../apiserver/kubectl_suite.js';
import { restartSuite } from '../apiserver/restart_suite.js';
import { openSqlite } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'pn-kubectl-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

kubectlSuite('SQLite storage', () => openSqlite(join(dir, 'kubectl.db')));
restartSuite('SQLite storage', () => openSqlite(join(dir, 'restart.db')));
