import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goText, goValue } from './field.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, nameIsDNSSubdomain } from './names.js';

test('DNS-1123 labels: 63 characters at most, no dots, lowercase alphanumerics and inner dashes', () => {
  assert.deepEqual(isDNS1123Label('a'.repeat(63)), []);
  assert.deepEqual(isDNS1123Label('0-web'), []);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.equal(isDNS1123Label('web-').length, 1);
  assert.equal(isDNS1123Label('').length, 1);
});

test('DNS-1035 labels must start with a letter', () => {
  assert.deepEqual(isDNS1035Label('web1'), []);
  assert.equal(isDNS1035Label('1web').length, 1);
});

test('DNS-1123 subdomains: 253 characters at most', () => {
  const label = 'a'.repeat(63);
  assert.deepEqual(isDNS1123Subdomain([label, label, label, 'a'.repeat(61)].join('.')), []);
  assert.deepEqual(isDNS1123Subdomain([label, label, label, 'a'.repeat(62)].join('.')), ['must be no more than 253 characters']);
  assert.equal(isDNS1123Subdomain('a..b').length, 1);
});

test('generateName may end with a dash', () => {
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
});

test('qualified names: optional DNS prefix, 63-character name part', () => {
  assert.deepEqual(isQualifiedName('app.kubernetes.io/name'), []);
  assert.deepEqual(isQualifiedName('My_Name.1'), []);
  assert.deepEqual(isQualifiedName(`x/${'a'.repeat(64)}`), [
    'name part must be no more than 63 characters',
  ]);
  assert.equal(isQualifiedName('Example.com/x')[0]!.startsWith('prefix part a lowercase RFC 1123 subdomain'), true);
});

test('IANA service names (port names)', () => {
  assert.deepEqual(isValidPortName('http-alt'), []);
  assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
  assert.deepEqual(isValidPortName('-ab'), ['must not begin or end with a hyphen']);
  assert.deepEqual(isValidPortName('123'), ['must contain at least one letter (a-z)']);
});

test('bad values render as Go renders them', () => {
  assert.equal(goValue(0), '0');
  assert.equal(goValue('x"y'), '"x\\"y"');
  assert.equal(goValue(true), 'true');
  assert.equal(goValue(null), '"null"');
  assert.equal(goValue(['a', 'b']), '[]string{"a", "b"}');
  assert.equal(goValue({ b: '2', a: '1' }), 'map[string]string{"a":"1", "b":"2"}');
  assert.equal(goValue(goText('&X{}')), '&X{}');
});
