// The synthetic trainer, plus the outputs the real trainer stores when it evaluates a trial: val and test
// predictions (in the real predictions format) and a Grad-CAM image, put in the object store and named by
// the trial's lineage, with the test AUC computed from those predictions. So the trial page's ROC curve,
// confusion matrix, calibration plot, Grad-CAM gallery and signed downloads, and the leaderboard's paired
// tests, all run on stored bytes as they do for real trials, without TensorFlow.
import { deflateSync, crc32 } from 'node:zlib';
import { auc, canonicalJson, finalMetricsHash, predictionsDocument, Rng } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import type { ObjectStore } from '@medsweep/storage';
import { createSyntheticTrainActivities } from '@medsweep/worker';
import type { ArtifactRef, SegmentTrainer } from '@medsweep/workflows';

export const CLASS_NAMES = ['normal', 'abnormal'] as const;
/** Images per split; the same labels for every trial, so any two trials are comparable. */
const IMAGES = 160;

function splitPredictions(split: 'val' | 'test', trialKey: string, skill: number) {
  const labels = new Uint8Array(IMAGES);
  const truth = Rng.fromSeed(split === 'val' ? 1 : 2);
  for (let i = 0; i < IMAGES; i++) labels[i] = truth.nextFloat() < 0.4 ? 1 : 0;
  // A per-trial noise stream: the positive-class score leans towards the label by `skill`.
  let seed = 0;
  for (const ch of `${trialKey}:${split}`) seed = (seed * 31 + ch.charCodeAt(0)) % 2 ** 31;
  const noise = Rng.fromSeed(seed);
  const values = new Float32Array(IMAGES * 2);
  for (let i = 0; i < IMAGES; i++) {
    const logit = (labels[i] === 1 ? skill : -skill) + 2 * (noise.nextFloat() - 0.5) * 2;
    const positive = 1 / (1 + Math.exp(-logit));
    values[i * 2] = 1 - positive;
    values[i * 2 + 1] = positive;
  }
  return { labels, scores: { values, numColumns: 2 }, loss: 0 };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small RGB heatmap PNG (a warm blob on a cool background), as Grad-CAM overlays look. */
export function heatmapPng(size = 32): Uint8Array {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then RGB
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size * 0.6, y - size * 0.4) / size;
      const heat = Math.max(0, 1 - 2.5 * d);
      row[1 + x * 3] = Math.round(255 * heat);
      row[2 + x * 3] = Math.round(80 * (1 - heat));
      row[3 + x * 3] = Math.round(200 * (1 - heat));
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', new Uint8Array()),
  ]);
}

export interface TrainerWithOutputsDeps {
  durationMs: number;
  db: Db;
  store: ObjectStore;
  /** Key prefix of everything it stores (the test removes nothing: keys are unique per sweep). */
  prefix: string;
}

export function createTrainerWithOutputs({
  durationMs,
  db,
  store,
  prefix,
}: TrainerWithOutputsDeps): SegmentTrainer {
  const synthetic = createSyntheticTrainActivities({ durationMs, db });
  return {
    async trainSegment(input) {
      const result = await synthetic.trainSegment(input);
      const { evaluation } = result;
      if (evaluation === undefined) return result;
      const { trial } = input;
      const key = `${prefix}/${trial.sweepId}/${trial.plan.index}`;
      // Skill follows the trial's validation AUC, so better trials predict better.
      const skill = 4 * (evaluation.primaryMetricValue - 0.5) + 0.5;
      const predictions = {
        val: splitPredictions('val', trial.trialKey, skill),
        test: splitPredictions('test', trial.trialKey, skill),
      };
      const document = predictionsDocument(predictions, 'binary-class', CLASS_NAMES);
      const [stored, gradcam] = await Promise.all([
        store.put(
          `${key}/predictions.json`,
          new TextEncoder().encode(canonicalJson(document)),
          'application/json',
        ),
        store.put(`${key}/gradcam-0.png`, heatmapPng(), 'image/png'),
      ]);
      const ref = (kind: ArtifactRef['kind'], object: typeof stored, contentType: string): ArtifactRef => ({
        kind,
        uri: object.uri,
        sha256: object.sha256,
        sizeBytes: object.sizeBytes,
        contentType,
      });
      const testAuc = auc(predictions.test.labels, predictions.test.scores, 'binary-class');
      const finalMetrics = evaluation.finalMetrics.map((m) =>
        m.split === 'test' && m.name === 'auc' ? { ...m, value: testAuc } : m,
      );
      return {
        ...result,
        evaluation: {
          ...evaluation,
          finalMetrics,
          artifacts: [
            ...evaluation.artifacts,
            ref('predictions', stored, 'application/json'),
            ref('gradcam', gradcam, 'image/png'),
          ],
          lineage: {
            ...evaluation.lineage,
            predictionsHash: stored.sha256,
            metricsHash: finalMetricsHash(finalMetrics),
          },
        },
      };
    },
  };
}
