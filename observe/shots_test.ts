import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshotDir } from './shots.js';

test('screenshots go to the checkout only with PODNET_SCREENSHOTS=1, else to a temp folder', () => {
  assert.equal(screenshotDir({}), join(tmpdir(), 'podnet-screenshots'));
  assert.match(screenshotDir({ PODNET_SCREENSHOTS: '1' }), /observe[/\\]screenshots$/);
  assert.notEqual(screenshotDir({ PODNET_SCREENSHOTS: '1' }), join(tmpdir(), 'podnet-screenshots'));
});
