import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditRecord } from './audit-event.js';
import { emptyEventState, foldEvent, sightingId } from './state-from-events.js';
import { compareState, type StoredState } from './verify-state.js';

let seq = 0;
const record = (type: string, subject: string, data: Record<string, unknown>): AuditRecord => ({
  seq: ++seq,
  type,
  actor: 'test',
  subject,
  at: new Date(0),
  data,
  prevHash: '',
  hash: '',
  mac: null,
});

const file = { kind: 'file', path: '/etc/tls/a.pem' };
const empty = (): StoredState => ({
  openSightings: new Set(),
  owners: new Map(),
  assignments: new Map(),
  objects: new Map(),
});

test('a sighting ended by its location key (no location object) closes the one started', () => {
  const state = emptyEventState();
  foldEvent(state, record('sighting.started', 'aa', { object: 'certificate', location: file }));
  foldEvent(state, record('sighting.started', 'bb', { object: 'key', location: file }));
  foldEvent(
    state,
    record('sighting.ended', 'aa', { object: 'certificate', location: 'file:/etc/tls/a.pem' }),
  );
  const [open] = [...state.openSightings];
  assert.equal(state.openSightings.size, 1);
  assert.match(open ?? '', /\|key\|bb$/);
  assert.equal(state.incomplete.size, 0);
});

test('the last event wins per certificate and per object; other records change nothing', () => {
  const state = emptyEventState();
  foldEvent(state, record('owner.changed', 'f1', { oldOwner: null, newOwner: 'plant' }));
  foldEvent(state, record('owner.changed', 'f1', { oldOwner: 'plant', newOwner: null }));
  foldEvent(state, record('object.created', 'Owner/a', { kind: 'Owner', name: 'a', specSha256: '01' }));
  foldEvent(state, record('object.configured', 'Owner/a', { kind: 'Owner', name: 'a', specSha256: '02' }));
  foldEvent(state, record('scan.completed', 'x', {}));
  assert.deepEqual([...state.owners], [['f1', null]]);
  assert.deepEqual([...state.objects], [['Owner/a', '02']]);
  const stored = { ...empty(), objects: new Map([['Owner/a', '02']]) };
  assert.equal(compareState(state, stored).ok, true, 'a null owner matches no recorded row');
});

test('object.deleted takes the object out of the folded state (managed delete)', () => {
  const state = emptyEventState();
  const web = { kind: 'ManagedCertificate', name: 'web' };
  foldEvent(state, record('object.created', 'ManagedCertificate/web', { ...web, specSha256: '01' }));
  foldEvent(state, record('object.deleted', 'ManagedCertificate/web', web));
  assert.deepEqual([...state.objects], []);
  assert.equal(compareState(state, empty()).ok, true);
  foldEvent(state, record('object.deleted', 'ManagedCertificate/web', {}));
  assert.equal(state.incomplete.get('objects'), 1);
});

test('an area whose events lack its data is reported as not checked, and does not fail', () => {
  const state = emptyEventState();
  foldEvent(state, record('sighting.started', 'aa', { object: 'certificate' }));
  const stored = { ...empty(), openSightings: new Set([sightingId('file:/x', 'certificate', 'cc')]) };
  const result = compareState(state, stored);
  assert.equal(result.ok, true);
  const inventory = result.areas.find((a) => a.area === 'inventory');
  assert.equal(inventory?.checked, false);
  assert.match(inventory?.note ?? '', /not checked: 1 event was written before/);
});

test('differences are named both ways', () => {
  const state = emptyEventState();
  foldEvent(state, record('object.created', 'Owner/a', { kind: 'Owner', name: 'a', specSha256: '01' }));
  const stored = { ...empty(), objects: new Map([['Owner/b', '03']]) };
  const objects = compareState(state, stored).areas.find((a) => a.area === 'objects');
  assert.deepEqual(objects?.mismatches, [
    'Owner/a was created by the events but is not stored',
    'Owner/b is stored but no object event created it',
  ]);
});
