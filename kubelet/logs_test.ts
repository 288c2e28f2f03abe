import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContainerLog, selectLogText } from './logs.js';

test('container logs keep lines per run, the previous run after a restart, and tail/timestamps', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pn-logs-'));
  try {
    const log = new ContainerLog(dir);
    log.rotate();
    log.write('stdout', 'one\ntw');
    log.write('stderr', 'err\n');
    log.write('stdout', 'o\nthree');
    log.flush();
    assert.equal(selectLogText(log.read(false), {}), 'one\nerr\ntwo\nthree\n');
    assert.equal(selectLogText(log.read(false), { tailLines: 2 }), 'two\nthree\n');
    assert.match(selectLogText(log.read(false), { tailLines: 1, timestamps: true }), /^\d{4}-\d\d-\d\dT\S+Z three\n$/);
    log.rotate();
    log.write('stdout', 'again\n');
    assert.equal(selectLogText(log.read(true), { limitBytes: 4 }), 'one\n');
    assert.equal(selectLogText(log.read(false), {}), 'again\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
