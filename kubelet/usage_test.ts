import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStat } from './usage.js';

test('a /proc stat line is read after the last parenthesis, so a command with spaces and ")" parses', () => {
  const fields = ['S', '1', '4242', '4242', '0', '-1', '4194560', '100', '0', '0', '0', '250', '50', '0', '0', '20', '0', '1', '0', '12345', '1000000', '300'];
  assert.deepEqual(parseStat(`4243 (sh -c (x) y) ${fields.join(' ')} 0 0`), { pgrp: 4242, ticks: 300, rssPages: 300 });
  assert.equal(parseStat('garbage'), undefined);
});
