import { describe, expect, it } from 'vitest';
import { breastMnist } from '../training/test-support/tiny-run.js';
import { perceptualHash, pixelSha256 } from '@medsweep/core/records';

const breast = breastMnist().train;
const image = (i: number) => breast.images.subarray(i * 784, (i + 1) * 784);
const distance = (a: string, b: string) => {
  let d = 0;
  for (let k = 0; k < 16; k++) {
    for (let x = parseInt(a[k] as string, 16) ^ parseInt(b[k] as string, 16); x; x &= x - 1) d++;
  }
  return d;
};

describe('perceptualHash', () => {
  it('is 64 bits, half of them set, and tells different images apart', () => {
    const hashes = Array.from({ length: 20 }, (_, i) => perceptualHash(image(i), 28, 28, 1));
    for (const h of hashes) {
      expect(h).toMatch(/^[0-9a-f]{16}$/);
      expect(distance(h, '0000000000000000')).toBe(32);
    }
    expect(new Set(hashes).size).toBe(20);
  });

  it('ignores brightness and contrast, and grey stored as RGB', () => {
    const base = perceptualHash(image(3), 28, 28, 1);
    expect(
      perceptualHash(
        image(3).map((v) => Math.round(v * 0.8 + 20)),
        28,
        28,
        1,
      ),
    ).toBe(base);
    const rgb = new Uint8Array(784 * 3).map((_, p) => image(3)[Math.floor(p / 3)] as number);
    expect(perceptualHash(rgb, 28, 28, 3)).toBe(base);
  });

  it('stays close for the same image at another size', () => {
    const small = image(5);
    const large = new Uint8Array(56 * 56).map(
      (_, p) => small[Math.floor(Math.floor(p / 56) / 2) * 28 + Math.floor((p % 56) / 2)] as number,
    );
    expect(distance(perceptualHash(large, 56, 56, 1), perceptualHash(small, 28, 28, 1))).toBeLessThanOrEqual(
      4,
    );
  });

  it('pixelSha256 is the sha256 of the bytes', () => {
    expect(pixelSha256(new Uint8Array(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
