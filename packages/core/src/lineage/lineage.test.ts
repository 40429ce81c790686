import { describe, expect, it } from 'vitest';
import {
  anchorBeyondHead,
  AUDIT_GENESIS_HASH,
  auditEventHash,
  canonicalHash,
  canonicalJson,
  checkAnchor,
  checkAuditLink,
  configHash,
  configurationGroupKey,
  finalMetricsHash,
  InvalidLineageError,
  LINEAGE_LINKS,
  NonCanonicalValueError,
  recordHash,
  sealLineage,
  sha256Hex,
  verifyLineage,
  type ChainedAuditEvent,
  type LineageRecord,
} from '../index.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}',
    );
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    // U+00E9 (é) sorts after "z"; U+1F600 (a surrogate pair, 0xD83D...) after U+00E9; "Z" before "a".
    expect(canonicalJson({ '😀': 1, é: 2, z: 3, a: 4, Z: 5 })).toBe('{"Z":5,"a":4,"z":3,"é":2,"😀":1}');
  });

  it('writes numbers and strings as JSON.stringify does (the JCS number form)', () => {
    expect(canonicalJson([1.0, 0.1, 1e21, 1e-7, -0, 2 ** 53, 'a"\\\n\u0001'])).toBe(
      '[1,0.1,1e+21,1e-7,0,9007199254740992,"a\\"\\\\\\n\\u0001"]',
    );
  });

  it('gives the same text for the same value however it was built, and round-trips through JSON', () => {
    const value = { lr: 0.001, layers: [64, 128], opt: { name: 'adam', beta: [0.9, 0.999] } };
    const reordered = { opt: { beta: [0.9, 0.999], name: 'adam' }, layers: [64, 128], lr: 0.001 };
    expect(canonicalJson(reordered)).toBe(canonicalJson(value));
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });

  it.each([
    [{ a: NaN }, '$.a', 'is NaN'],
    [{ a: [1, Infinity] }, '$.a[1]', 'is Infinity'],
    [{ a: undefined }, '$.a', 'is undefined'],
    [[1, undefined], '$[1]', 'is undefined'],
    [{ n: 10n }, '$.n', 'is a bigint'],
    [{ at: new Date(0) }, '$.at', 'is a Date, not a plain object'],
    [{ m: new Map() }, '$.m', 'is a Map, not a plain object'],
    [{ f: () => 1 }, '$.f', 'is a function'],
    [{ s: Symbol('x') }, '$.s', 'is a symbol'],
    // eslint-disable-next-line no-sparse-arrays
    [[1, , 3], '$[1]', 'is an array hole'],
  ])('refuses %o, naming where (%s) and what (%s)', (value, path, problem) => {
    let error: unknown;
    try {
      canonicalJson(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonCanonicalValueError);
    expect(error).toMatchObject({ path, problem });
    expect((error as Error).message).toContain(`value at ${path} ${problem}; accepted:`);
  });

  it('refuses a cycle but accepts the same object twice side by side', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('value at $.self refers to itself (a cycle)');
  });
});

describe('hashes', () => {
  it('sha256Hex matches the FIPS 180-2 test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
    expect(canonicalHash({ b: 2, a: 1 })).toBe(sha256Hex('{"a":1,"b":2}'));
  });

  it('configurationGroupKey leaves out the seed and nothing else', () => {
    const identity = {
      architecture: 'resnet50',
      initialisation: 'imagenet',
      transferMode: 'full',
      config: { lr: 0.001, batchSize: 64, seed: 1 },
    };
    const key = configurationGroupKey(identity);
    expect(configurationGroupKey({ ...identity, config: { batchSize: 64, seed: 2, lr: 0.001 } })).toBe(key);
    expect(configurationGroupKey({ ...identity, config: { lr: 0.001, batchSize: 64 } })).toBe(key);
    expect(configurationGroupKey({ ...identity, config: { lr: 0.002, batchSize: 64, seed: 1 } })).not.toBe(
      key,
    );
    expect(configurationGroupKey({ ...identity, architecture: 'vgg16' })).not.toBe(key);
    expect(configurationGroupKey({ ...identity, initialisation: 'scratch' })).not.toBe(key);
    expect(configurationGroupKey({ ...identity, transferMode: 'linear-probe' })).not.toBe(key);
    // The exact config hash does include the seed.
    expect(configHash({ lr: 0.001, seed: 1 })).not.toBe(configHash({ lr: 0.001, seed: 2 }));
  });

  it('finalMetricsHash does not depend on row order and refuses a metric twice', () => {
    const rows = [
      { split: 'test', name: 'auc', value: 0.91 },
      { split: 'val', name: 'accuracy', value: 0.85 },
      { split: 'test', name: 'accuracy', value: 0.83 },
    ] as const;
    expect(finalMetricsHash([...rows].reverse())).toBe(finalMetricsHash(rows));
    expect(finalMetricsHash(rows)).toBe(
      canonicalHash([
        { split: 'test', name: 'accuracy', value: 0.83 },
        { split: 'test', name: 'auc', value: 0.91 },
        { split: 'val', name: 'accuracy', value: 0.85 },
      ]),
    );
    expect(() => finalMetricsHash([...rows, { split: 'test', name: 'auc', value: 0.5 }])).toThrow(
      'lineage: finalMetrics is "test/auc twice"; expected one value per (split, name)',
    );
  });
});

const h = (c: string) => c.repeat(64);
/** A record as written before the split assignment and leakage acknowledgement were links (format 1). */
const formatOne: LineageRecord = {
  datasetManifestHash: h('a'),
  specHash: h('b'),
  configHash: h('c'),
  codeVersion: '0123456789abcdef0123456789abcdef01234567',
  codeDirty: false,
  lockHash: h('d'),
  backend: 'tensorflow',
  backendVersions: { tfjs: '4.22.0', tensorflow: '2.21.0', node: '20.19.8' },
  weightsInHash: h('e'),
  weightsOutHash: h('f'),
  predictionsHash: h('1'),
  metricsHash: h('2'),
};
const lineage: LineageRecord = { ...formatOne, splitAssignmentHash: h('3'), leakageAcknowledgement: null };

describe('lineage records', () => {
  it('seals a record with a hash over every link, and any changed link changes it', () => {
    const sealed = sealLineage({ ...lineage, trialId: 'not a link' } as LineageRecord);
    expect(Object.keys(sealed)).toEqual([...LINEAGE_LINKS, 'recordHash']);
    expect(sealed.recordHash).toBe(recordHash(lineage));
    const altered: Partial<Record<keyof LineageRecord, unknown>> = {
      datasetManifestHash: h('9'),
      splitAssignmentHash: h('9'),
      specHash: h('9'),
      leakageAcknowledgement: 'the duplicates are re-crops of one frame',
      configHash: h('9'),
      codeVersion: 'f'.repeat(40),
      codeDirty: true,
      lockHash: h('9'),
      backend: 'wasm',
      backendVersions: { ...lineage.backendVersions, tfjs: '4.22.1' },
      weightsInHash: null,
      weightsOutHash: h('9'),
      predictionsHash: h('9'),
      metricsHash: h('9'),
    };
    const hashes = new Set([sealed.recordHash]);
    for (const link of LINEAGE_LINKS) hashes.add(recordHash({ ...lineage, [link]: altered[link] }));
    expect(hashes.size).toBe(LINEAGE_LINKS.length + 1);
  });

  it.each([
    ['weightsOutHash', 'sha256:' + h('f'), '64 lowercase hex digits'],
    ['specHash', h('B'), '64 lowercase hex digits'],
    ['weightsInHash', '', 'or null for scratch'],
    ['codeVersion', 'v1.2.3-dirty', 'a full git commit hash'],
    ['backendVersions', {}, 'an object of component → version strings'],
    ['backend', '', 'a backend name'],
    ['splitAssignmentHash', 'generated', 'or null for a dataset without per-sample records'],
    ['leakageAcknowledgement', ' ', 'the non-empty reason of dataset.allowLeakage, or null'],
  ] as const)('refuses %s = %o', (field, value, expected) => {
    expect(() => sealLineage({ ...lineage, [field]: value })).toThrow(InvalidLineageError);
    expect(() => sealLineage({ ...lineage, [field]: value })).toThrow(expected);
  });
});

describe('lineage record formats', () => {
  it('hashes a record without the format 2 links exactly as format 1 records were hashed', () => {
    const formatOneHash = canonicalHash({ format: 'medsweep-lineage/1', ...formatOne });
    expect(recordHash(formatOne)).toBe(formatOneHash);
    expect(recordHash({ ...formatOne, splitAssignmentHash: null, leakageAcknowledgement: null })).toBe(
      formatOneHash,
    );
    expect(sealLineage(formatOne)).toMatchObject({ splitAssignmentHash: null, leakageAcknowledgement: null });
  });

  it('hashes a record with a split assignment or a leakage acknowledgement over every link (format 2)', () => {
    const acknowledged = { ...lineage, leakageAcknowledgement: 'pilot: duplicates are re-crops' };
    expect(recordHash(lineage)).toBe(canonicalHash({ format: 'medsweep-lineage/2', ...lineage }));
    expect(recordHash(acknowledged)).toBe(canonicalHash({ format: 'medsweep-lineage/2', ...acknowledged }));
    expect(recordHash({ ...formatOne, leakageAcknowledgement: 'why' })).not.toBe(recordHash(formatOne));
  });

  it('verifies a format 1 record, its split assignment unchecked, and catches a split hash removed later', () => {
    const old = sealLineage(formatOne);
    const result = verifyLineage(old, { ...lineage });
    expect(result).toMatchObject({ ok: true, unchecked: ['splitAssignmentHash'] });
    const stripped = { ...sealLineage(lineage), splitAssignmentHash: null };
    expect(verifyLineage(stripped, {})).toMatchObject({ ok: false, link: 'recordHash' });
  });

  it('breaks on a split assignment or a leakage acknowledgement that differs from the data and spec', () => {
    const stored = sealLineage(lineage);
    expect(verifyLineage(stored, { splitAssignmentHash: h('4') })).toMatchObject({
      ok: false,
      link: 'splitAssignmentHash',
    });
    expect(verifyLineage(stored, { leakageAcknowledgement: 'added later' })).toMatchObject({
      ok: false,
      link: 'leakageAcknowledgement',
      stored: null,
    });
  });
});

describe('verifyLineage', () => {
  const stored = sealLineage(lineage);

  it('passes when every recomputed link matches, and says which links were not recomputed', () => {
    const result = verifyLineage(stored, { ...lineage, codeVersion: undefined, lockHash: undefined });
    expect(result).toEqual({
      ok: true,
      recordHash: stored.recordHash,
      checked: LINEAGE_LINKS.filter((l) => l !== 'codeVersion' && l !== 'lockHash'),
      unchecked: ['codeVersion', 'lockHash'],
    });
  });

  it('names the link that breaks when an artifact was changed', () => {
    expect(verifyLineage(stored, { ...lineage, predictionsHash: h('7') })).toMatchObject({
      ok: false,
      link: 'predictionsHash',
      stored: h('1'),
      recomputed: h('7'),
    });
  });

  it('reports the first break in link order: inputs before outputs', () => {
    const result = verifyLineage(stored, { ...lineage, metricsHash: h('7'), configHash: h('7') });
    expect(result).toMatchObject({ ok: false, link: 'configHash' });
  });

  it('compares structured links by value, not key order', () => {
    const reordered = { node: '20.19.8', tensorflow: '2.21.0', tfjs: '4.22.0' };
    expect(verifyLineage(stored, { backendVersions: reordered }).ok).toBe(true);
    expect(verifyLineage(stored, { backendVersions: { ...reordered, tfjs: '4.0.0' } })).toMatchObject({
      ok: false,
      link: 'backendVersions',
    });
  });

  it('names recordHash when the stored links were edited after sealing, though they match the evidence', () => {
    const edited = { ...stored, weightsOutHash: h('8') };
    expect(verifyLineage(edited, { weightsOutHash: h('8') })).toMatchObject({
      ok: false,
      link: 'recordHash',
      stored: stored.recordHash,
      recomputed: recordHash(edited),
    });
  });
});

describe('audit hash chain', () => {
  function chain(count: number): ChainedAuditEvent[] {
    const events: ChainedAuditEvent[] = [];
    for (let seq = 1; seq <= count; seq++) {
      const prevHash = events.at(-1)?.hash ?? AUDIT_GENESIS_HASH;
      const content = {
        seq,
        projectId: null,
        actor: 'system:test',
        action: 'trial.result',
        subjectType: 'trial',
        subjectId: `t${seq}`,
        payload: { n: seq },
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      };
      events.push({ ...content, prevHash, hash: auditEventHash(prevHash, content) });
    }
    return events;
  }
  const walk = (events: ChainedAuditEvent[]) => {
    let previous: ChainedAuditEvent | null = null;
    for (const event of events) {
      const broken = checkAuditLink(previous, event);
      if (broken) return broken;
      previous = event;
    }
    return null;
  };

  it('links each event to its predecessor', () => {
    const events = chain(3);
    expect(events[0]!.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(walk(events)).toBeNull();
  });

  it('detects an edited field at its own seq', () => {
    const events = chain(4);
    events[2] = { ...events[2]!, payload: { n: 99 } };
    expect(walk(events)).toMatchObject({ brokenAt: 3, reason: 'hash-mismatch', found: chain(4)[2]!.hash });
  });

  it('detects a removed event as a gap, and a re-hashed edit at the next link', () => {
    const events = chain(4);
    expect(walk([...events.slice(0, 1), ...events.slice(2)])).toEqual({
      brokenAt: 3,
      reason: 'seq-gap',
      expected: '2',
      found: '3',
    });
    const forged = { ...events[1]!, actor: 'user:mallory' };
    forged.hash = auditEventHash(forged.prevHash, forged);
    expect(walk([events[0]!, forged, ...events.slice(2)])).toMatchObject({
      brokenAt: 3,
      reason: 'prev-hash-mismatch',
      expected: forged.hash,
      found: events[1]!.hash,
    });
  });

  it('requires the chain to start at seq 1 from the genesis hash', () => {
    expect(checkAuditLink(null, chain(2)[1]!)).toMatchObject({
      reason: 'seq-gap',
      expected: '1',
      found: '2',
    });
  });

  it('catches a rewritten chain, which links up again, with an anchor recorded before the rewrite', () => {
    const events = chain(5);
    const anchor = { seq: 4, hash: events[3]!.hash };
    // Edit seq 2 and re-hash everything after it: every link checks out again.
    const rewritten: ChainedAuditEvent[] = [events[0]!];
    for (const event of events.slice(1)) {
      const content = {
        ...event,
        prevHash: rewritten.at(-1)!.hash,
        ...(event.seq === 2 ? { actor: 'user:mallory' } : {}),
      };
      rewritten.push({ ...content, hash: auditEventHash(content.prevHash, content) });
    }
    expect(walk(rewritten)).toBeNull();
    expect(checkAnchor(anchor, rewritten[3]!)).toEqual({
      brokenAt: 4,
      reason: 'anchor-mismatch',
      expected: events[3]!.hash,
      found: rewritten[3]!.hash,
    });
    expect(checkAnchor(anchor, events[3]!)).toBeNull();
    expect(checkAnchor(undefined, rewritten[1]!)).toBeNull();
  });

  it('catches a removed tail with an anchor past the last event', () => {
    const anchors = [
      { seq: 2, hash: 'a' },
      { seq: 7, hash: 'c' },
      { seq: 5, hash: 'b' },
    ];
    expect(anchorBeyondHead(anchors, { seq: 7 })).toBeNull();
    expect(anchorBeyondHead(anchors, { seq: 4 })).toEqual({
      brokenAt: 5,
      reason: 'anchor-beyond-head',
      expected: '5',
      found: '4',
    });
    expect(anchorBeyondHead(anchors, null)).toMatchObject({ brokenAt: 2, found: '0' });
  });
});
