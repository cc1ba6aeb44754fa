import { readFileSync } from 'node:fs';

/**
 * Nominal fp32 peak of this machine's cores: cores × GHz × 2 FMA units × 16 lanes (AVX-512) × 2.
 * The clock is /proc/cpuinfo's "cpu MHz" (nominal; turbo may exceed it).
 */
export function peakGflops(cores: number): number {
  let mhz = 2600;
  let avx512 = true;
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /cpu MHz\s*:\s*([\d.]+)/.exec(cpuinfo);
    if (m) mhz = Number(m[1]);
    avx512 = /\bavx512f\b/.test(cpuinfo);
  } catch {
    // keep defaults
  }
  const lanes = avx512 ? 16 : 8;
  return (cores * mhz * 2 * lanes * 2) / 1000;
}
