import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthorityStatus, CertificateAuthority } from '../ports/authority-store.js';
import { generationOf, rolloverTransitions, signerAt, successorName } from './rollover.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const ca = (name: string, status: AuthorityStatus, signsFrom: Date | null = T0): CertificateAuthority => ({
  name,
  status,
  keyType: 'ec-p256',
  key: { backend: 'software', sealed: 'x' },
  rootKey: null,
  certificate: status === 'pending' ? null : new Uint8Array([1]),
  chain: [],
  csr: null,
  signsFrom,
  createdAt: T0,
});

test('generations are named NAME, NAME--r2, NAME--r3', () => {
  assert.deepEqual(generationOf('edge'), { family: 'edge', generation: 1 });
  assert.deepEqual(generationOf('edge--r12'), { family: 'edge', generation: 12 });
  assert.equal(successorName('edge'), 'edge--r2');
  assert.equal(successorName('edge--r2'), 'edge--r3');
});

test('the newest generation that signs at the time signs', () => {
  const old = ca('edge', 'active');
  const next = ca('edge--r2', 'next', at(10));
  assert.equal(signerAt([old, next], at(9))?.name, 'edge');
  assert.equal(signerAt([old, next], at(10))?.name, 'edge--r2');
  assert.equal(
    signerAt([ca('edge', 'retiring'), ca('edge--r2', 'active', at(10))], at(11))?.name,
    'edge--r2',
  );
  assert.equal(signerAt([ca('edge', 'pending', null)], at(1)), undefined);
  assert.equal(signerAt([ca('edge', 'retired')], at(1)), undefined);
});

const cases: {
  name: string;
  authorities: CertificateAuthority[];
  valid: [string, number][];
  now: Date;
  expected: ReturnType<typeof rolloverTransitions>;
}[] = [
  {
    name: 'nothing is due during the overlap',
    authorities: [ca('edge', 'active'), ca('edge--r2', 'next', at(10))],
    valid: [],
    now: at(9),
    expected: [],
  },
  {
    name: 'the overlap passed: the next one activates, the old one retires',
    authorities: [ca('edge', 'active'), ca('edge--r2', 'next', at(10)), ca('other', 'active')],
    valid: [],
    now: at(10),
    expected: [{ kind: 'activate', name: 'edge--r2', retiring: ['edge'] }],
  },
  {
    name: 'a retiring CA with valid certificates stays',
    authorities: [ca('edge', 'retiring'), ca('edge--r2', 'active')],
    valid: [['edge', 3]],
    now: at(20),
    expected: [],
  },
  {
    name: 'a retiring CA not counted stays',
    authorities: [ca('edge', 'retiring'), ca('edge--r2', 'active')],
    valid: [],
    now: at(20),
    expected: [],
  },
  {
    name: 'a retiring CA with none valid is retired',
    authorities: [ca('edge', 'retiring'), ca('edge--r2', 'active')],
    valid: [['edge', 0]],
    now: at(20),
    expected: [{ kind: 'retire', name: 'edge' }],
  },
  {
    name: 'a third generation retires only the active one before it',
    authorities: [ca('edge', 'retired'), ca('edge--r2', 'active'), ca('edge--r3', 'next', at(5))],
    valid: [],
    now: at(5),
    expected: [{ kind: 'activate', name: 'edge--r3', retiring: ['edge--r2'] }],
  },
];

for (const c of cases)
  test(`rollover: ${c.name}`, () => {
    assert.deepEqual(rolloverTransitions(c.authorities, new Map(c.valid), c.now), c.expected);
  });
