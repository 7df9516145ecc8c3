import { createHash } from 'node:crypto';

// Deterministic randomness for the simulator: a stream is a pure function of (seed, site, time), so a window can be
// regenerated exactly and the cursor is just the end of the simulated time already delivered.
export type Rng = () => number;

export type Seed = readonly [number, number, number, number];

// cyrb128: a string key to 128 bits. Hashed once per site, not per slot: Math.imul is not inlined in the vm contexts
// jest runs tests in, and hashing a long key per slot made a week of the demo estate take a second there.
export function seedOf(key: string): Seed {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < key.length; i++) {
    const k = key.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  return [h1 | 0, (h2 ^ h1) | 0, (h3 ^ h1) | 0, (h4 ^ h1) | 0];
}

export function prng(key: string): Rng {
  return sfc32(...seedOf(key));
}

// The slot number goes through murmur3's finalizer so that neighbouring slots start from unrelated states.
export function slotRng(seed: Seed, slot: number): Rng {
  return sfc32(seed[0], seed[1], seed[2] ^ fmix32(slot), seed[3] ^ fmix32(slot ^ 0x9e3779b9));
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sfc32(a: number, b: number, c: number, d: number): Rng {
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export function one<T>(r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

export function weighted<T>(r: Rng, items: readonly [T, number][]): T {
  let u = r() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) if ((u -= w) < 0) return item;
  return items[items.length - 1][0];
}

// Whole seconds, as the vendor's ISO timestamps have.
export function between(r: Rng, min: number, max: number): number {
  return Math.floor((min + r() * (max - min)) / 1000) * 1000;
}

export function hex(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

export function base58(r: Rng, n: number): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export function uuid(r: Rng): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(r() * 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

export function sha(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
