import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { checkFieldSelector, fieldSelectorMatches, fieldValue, formatFieldSelector, parseFieldSelector } from './fieldselector.js';
import type { KubeObject } from './types.js';

const pod = parse(`
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop}
spec: {nodeName: node-a, restartPolicy: Always, schedulerName: default-scheduler, serviceAccountName: default}
status: {phase: Running, podIP: 10.244.1.7}`) as KubeObject;

const pending = parse('kind: Pod\nmetadata: {name: web-2, namespace: shop}\nspec: {}\nstatus: {phase: Pending}') as KubeObject;

const event = parse(`
kind: Event
metadata: {name: web-1.17a, namespace: shop}
involvedObject: {kind: Pod, namespace: shop, name: web-1, uid: u-1, apiVersion: v1, resourceVersion: "42", fieldPath: "spec.containers{app}"}
reason: Started
source: {component: kubelet, host: node-a}
type: Normal`) as KubeObject;

const matchesText = (sel: string, obj: KubeObject) => fieldSelectorMatches(parseFieldSelector(sel), obj);

test('=, == and != on pod fields', () => {
  assert.equal(matchesText('spec.nodeName=node-a', pod), true);
  assert.equal(matchesText('spec.nodeName==node-a', pod), true);
  assert.equal(matchesText('spec.nodeName!=node-a', pod), false);
  assert.equal(matchesText('status.phase=Running,metadata.namespace=shop', pod), true);
  assert.equal(matchesText('status.phase=Running,metadata.namespace=other', pod), false);
  assert.equal(matchesText('status.podIP=10.244.1.7', pod), true);
  assert.equal(matchesText('spec.serviceAccountName=default,spec.schedulerName=default-scheduler,spec.restartPolicy=Always', pod), true);
});

test('an absent field compares as the empty string (unscheduled pods: spec.nodeName=)', () => {
  assert.equal(matchesText('spec.nodeName=', pending), true);
  assert.equal(matchesText('spec.nodeName=', pod), false);
  assert.equal(matchesText('spec.nodeName!=', pod), true);
});

test('the empty selector matches everything', () => {
  assert.deepEqual(parseFieldSelector('').requirements, []);
  assert.equal(matchesText('', pod), true);
});

test('event fields, as kubectl describe asks for them', () => {
  const sel = 'involvedObject.uid=u-1,involvedObject.name=web-1,involvedObject.namespace=shop,involvedObject.kind=Pod';
  assert.equal(fieldSelectorMatches(parseFieldSelector(sel, 'Event'), event), true);
  assert.equal(matchesText('reason=Started,type=Normal,source=kubelet', event), true);
  assert.equal(matchesText('involvedObject.fieldPath=spec.containers{app},involvedObject.resourceVersion=42,involvedObject.apiVersion=v1', event), true);
  assert.equal(matchesText('involvedObject.kind=Service', event), false);
});

test('secret type and booleans', () => {
  const secret = parse('kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/tls') as KubeObject;
  assert.equal(matchesText('type=kubernetes.io/tls', secret), true);
  assert.equal(fieldValue(pod, 'spec.hostNetwork'), 'false');
  assert.equal(fieldValue(parse('kind: Pod\nspec: {hostNetwork: true}') as KubeObject, 'spec.hostNetwork'), 'true');
});

test('escaped commas and equals signs in values', () => {
  const sel = parseFieldSelector('metadata.name=a\\,b\\=c,spec.nodeName!=x');
  assert.deepEqual(sel.requirements, [
    { field: 'metadata.name', operator: '=', value: 'a,b=c' },
    { field: 'spec.nodeName', operator: '!=', value: 'x' },
  ]);
  assert.equal(formatFieldSelector(sel), 'metadata.name=a\\,b\\=c,spec.nodeName!=x');
});

test('malformed selectors are SyntaxErrors', () => {
  assert.throws(() => parseFieldSelector('metadata.name'), { name: 'SyntaxError', message: "invalid selector: 'metadata.name'; can't understand 'metadata.name'" });
  assert.throws(() => parseFieldSelector('metadata.name=a\\x'), SyntaxError);
});

test('fields a kind cannot be selected on: field label not supported', () => {
  assert.throws(() => parseFieldSelector('spec.clusterIP=1.2.3.4', 'Pod'), { name: 'SyntaxError', message: 'field label not supported: spec.clusterIP' });
  assert.throws(() => parseFieldSelector('status.phase=Running', 'Deployment'), { message: 'field label not supported: status.phase' });
  assert.doesNotThrow(() => parseFieldSelector('metadata.name=web', 'Deployment'));
  assert.doesNotThrow(() => checkFieldSelector(parseFieldSelector('type=Opaque'), 'Secret'));
  assert.throws(() => checkFieldSelector(parseFieldSelector('reason=x'), 'Secret'), { message: 'field label not supported: reason' });
});
