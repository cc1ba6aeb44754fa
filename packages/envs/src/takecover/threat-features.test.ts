import { Rng } from '@worldmodels/core/rng';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAKE_COVER_CONFIG as cfg } from './take-cover-config.js';
import { newTakeCoverState } from './take-cover-sim.js';
import { NO_THREAT, takeCoverThreatFeatures } from './threat-features.js';

describe('takeCoverThreatFeatures', () => {
  it('lists the soonest incoming fireballs by where and when they cross the agent line (hand-computed)', () => {
    const s = newTakeCoverState(new Rng(1), { ...cfg, initialMonsters: 0, maxMonsters: 0 });
    s.agentX = 20;
    s.agentVx = -4;
    s.fireballs = [
      { x: 50, y: cfg.agentY + 100, z: 20, vx: 1, vy: -10, vz: 0 }, // 10 steps, lands at 60: +40 units
      { x: -80, y: cfg.agentY + 40, z: 20, vx: 0, vy: -10, vz: 0 }, // 4 steps, lands at −80: −100 units
      { x: 0, y: cfg.agentY + 40, z: 20, vx: 0, vy: 10, vz: 0 }, // flying away: not a threat
    ];
    const f = Array.from(takeCoverThreatFeatures(s, cfg, 3));
    expect(f).toHaveLength(8);
    expect(f[0]).toBeCloseTo(20 / 448, 12);
    expect(f[1]).toBeCloseTo(-4 / 8, 12);
    expect(f.slice(2, 4).map((v) => +v.toFixed(9))).toEqual([-1, 0.1]); // soonest first
    expect(f.slice(4, 6).map((v) => +v.toFixed(9))).toEqual([0.4, 0.25]);
    expect(f.slice(6, 8)).toEqual([...NO_THREAT]);
  });
});
