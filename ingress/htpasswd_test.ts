import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBasic, parseHtpasswd, verifyPassword } from './htpasswd.js';

test('apr1 hashes verify as Apache and OpenSSL compute them', () => {
  // `openssl passwd -apr1 -salt abcdefgh secret`
  assert.equal(verifyPassword('$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/', 'secret'), true);
  assert.equal(verifyPassword('$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/', 'Secret'), false);
});

test('{SHA} and plain entries verify; bcrypt entries never do and are reported', () => {
  // `htpasswd -nbs user secret`
  assert.equal(verifyPassword('{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=', 'secret'), true);
  assert.equal(verifyPassword('plainpw', 'plainpw'), true);
  const { users, unsupported } = parseHtpasswd('# comment\nbob:$2y$05$abcdefghijklmnopqrstuuQ0ovk7fU4m1pUZhzJ8j2RJh0Z1l2I7u\nann:plainpw\n');
  assert.deepEqual(unsupported, ['bob']);
  assert.equal(checkBasic(users, 'Basic ' + Buffer.from('bob:x').toString('base64')), false);
  assert.equal(checkBasic(users, 'Basic ' + Buffer.from('ann:plainpw').toString('base64')), true);
  assert.equal(checkBasic(users, 'Bearer abc'), false);
});
