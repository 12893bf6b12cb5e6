// T5's bucketed relative position, computed exactly as Hugging Face's _relative_position_bucket
// (float32 arithmetic emulated with Math.fround so the buckets match bit for bit).
const f = Math.fround;

export function relativePositionBucket(
  relPos: number,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
): number {
  let bucket = 0;
  let n = numBuckets;
  let rp = relPos;
  if (bidirectional) {
    n = Math.floor(n / 2);
    if (rp > 0) bucket += n;
    rp = Math.abs(rp);
  } else {
    rp = -Math.min(rp, 0);
  }
  const maxExact = Math.floor(n / 2);
  if (rp < maxExact) return bucket + rp;
  const scaled = f(f(f(Math.log(f(rp / maxExact))) / f(Math.log(maxDistance / maxExact))) * (n - maxExact));
  return bucket + Math.min(maxExact + Math.trunc(scaled), n - 1);
}

/** Bucket ids for every (query, key) pair, row-major [qLen, kLen]; queries sit at offset qStart. */
export function bucketGrid(
  qLen: number,
  kLen: number,
  bidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
  qStart = 0,
): Int32Array {
  const out = new Int32Array(qLen * kLen);
  for (let i = 0; i < qLen; i++)
    for (let j = 0; j < kLen; j++)
      out[i * kLen + j] = relativePositionBucket(j - (i + qStart), bidirectional, numBuckets, maxDistance);
  return out;
}
