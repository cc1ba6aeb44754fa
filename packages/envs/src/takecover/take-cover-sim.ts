import type { Rng } from '@worldmodels/core/rng';
import type { TakeCoverConfig } from './take-cover-config.js';

/** What a monster is doing (Doom's imp states, reduced to what matters here). */
export type MonsterPhase = 'chase' | 'windup' | 'recover';

export interface Monster {
  x: number;
  y: number;
  phase: MonsterPhase;
  /** Tics left in the current phase (in `chase`: until the next attack roll). */
  timer: number;
  /** Doom's MF_JUSTATTACKED: the first roll after an attack is skipped. */
  justAttacked: boolean;
}

export interface Fireball {
  x: number;
  y: number;
  z: number;
  vx: number;
  vy: number;
  vz: number;
}

export interface Explosion {
  x: number;
  y: number;
  z: number;
  /** Tics since the explosion started. */
  age: number;
}

/** The whole game state of TakeCover; positions in map units (see take-cover-config.ts). */
export interface TakeCoverState {
  tick: number;
  agentX: number;
  agentVx: number;
  health: number;
  /** Doom's player damagecount: drives the red flash. */
  damageCount: number;
  hits: number;
  monsters: Monster[];
  fireballs: Fireball[];
  explosions: Explosion[];
}

/** Sideways move of the agent: −1 left, 0 stay, +1 right. */
export type Strafe = -1 | 0 | 1;

export function newTakeCoverState(rng: Rng, cfg: TakeCoverConfig): TakeCoverState {
  const state: TakeCoverState = {
    tick: 0,
    agentX: 0,
    agentVx: 0,
    health: cfg.startHealth,
    damageCount: 0,
    hits: 0,
    monsters: [],
    fireballs: [],
    explosions: [],
  };
  for (let i = 0; i < cfg.initialMonsters; i++) spawnMonster(state, rng, cfg);
  return state;
}

/**
 * One tic, in the order Doom runs its thinkers: the player moves (thrust, move, friction), each
 * monster thinks (attack rolls, wind-up, launch), missiles fly and collide, explosions age, the
 * damage flash fades, and on schedule a new monster arrives. Returns the damage taken this tic.
 */
export function stepTakeCover(state: TakeCoverState, strafe: Strafe, rng: Rng, cfg: TakeCoverConfig): number {
  state.tick++;

  strafeAgent(state, strafe, cfg);

  for (const m of state.monsters) thinkMonster(m, state, rng, cfg);

  let damage = 0;
  const kept: Fireball[] = [];
  for (const f of state.fireballs) {
    const fate = flyFireball(f, state.agentX, cfg);
    if (fate === 'hit') {
      const d = cfg.damageUnit * (1 + rng.int(cfg.damageDice));
      damage += d;
      state.hits++;
      state.explosions.push({ x: f.x, y: f.y, z: f.z, age: 0 });
      continue;
    }
    if (fate === 'gone') {
      state.explosions.push({ x: f.x, y: f.y, z: Math.max(0, f.z), age: 0 });
      continue;
    }
    kept.push(f);
  }
  state.fireballs = kept;

  for (const e of state.explosions) e.age++;
  state.explosions = state.explosions.filter((e) => e.age < cfg.explosionTics);

  if (state.damageCount > 0) state.damageCount--;
  if (damage > 0) {
    state.health -= damage;
    state.damageCount = Math.min(100, state.damageCount + damage);
  }

  if (state.tick % cfg.spawnInterval === 0 && state.monsters.length < cfg.maxMonsters) spawnMonster(state, rng, cfg);
  return damage;
}

/** The agent's strafe for one tic: v += thrust; x += v; v *= friction (P_Thrust, P_XYMovement), stopped by the side walls. */
export function strafeAgent(body: { agentX: number; agentVx: number }, strafe: Strafe, cfg: TakeCoverConfig): void {
  body.agentVx += strafe * cfg.thrust;
  body.agentX += body.agentVx;
  const limit = cfg.roomWidth / 2 - cfg.agentRadius;
  if (body.agentX > limit || body.agentX < -limit) {
    body.agentX = Math.max(-limit, Math.min(limit, body.agentX));
    body.agentVx = 0;
  }
  body.agentVx *= cfg.friction;
}

/**
 * Moves a fireball one tic and says what became of it: 'hit' the agent at x = agentX (Doom's
 * missile-versus-thing test, a box test on the two radii), 'gone' into a wall or the floor, or
 * still 'flying'.
 */
export function flyFireball(f: Fireball, agentX: number, cfg: TakeCoverConfig): 'hit' | 'gone' | 'flying' {
  f.x += f.vx;
  f.y += f.vy;
  f.z += f.vz;
  const reach = cfg.agentRadius + cfg.fireballRadius;
  if (Math.abs(f.x - agentX) < reach && Math.abs(f.y - cfg.agentY) < reach) return 'hit';
  const halfWidth = cfg.roomWidth / 2;
  const hitWall = f.x - cfg.fireballRadius < -halfWidth || f.x + cfg.fireballRadius > halfWidth || f.y - cfg.fireballRadius < 0;
  return hitWall || f.z <= 0 ? 'gone' : 'flying';
}

/** Adds an imp at a free spot along the far wall. */
export function spawnMonster(state: TakeCoverState, rng: Rng, cfg: TakeCoverConfig): void {
  const margin = cfg.monsterRadius + 8;
  const half = cfg.roomWidth / 2 - margin;
  const minGap = 2 * cfg.monsterRadius + 8;
  let x = rng.uniform(-half, half);
  // A few tries to avoid standing inside another monster; crowding is allowed when the wall is full.
  for (let tries = 0; tries < 8 && state.monsters.some((m) => Math.abs(m.x - x) < minGap); tries++) x = rng.uniform(-half, half);
  state.monsters.push({
    x,
    y: cfg.roomDepth - cfg.monsterWallGap,
    phase: 'chase',
    timer: cfg.reactionTime + 1 + rng.int(cfg.chaseInterval),
    justAttacked: false,
  });
}

function thinkMonster(m: Monster, state: TakeCoverState, rng: Rng, cfg: TakeCoverConfig): void {
  m.timer--;
  if (m.timer > 0) return;
  switch (m.phase) {
    case 'chase': {
      m.timer = cfg.chaseInterval;
      if (m.justAttacked) {
        m.justAttacked = false;
        return;
      }
      // P_CheckMissileRange: dist (P_AproxDistance, less 64) capped at 200 against a byte roll.
      const dx = Math.abs(state.agentX - m.x);
      const dy = Math.abs(cfg.agentY - m.y);
      const dist = Math.min(200, dx + dy - Math.min(dx, dy) / 2 - 64);
      if (rng.int(256) >= dist) {
        m.phase = 'windup';
        m.timer = cfg.attackWindup;
      }
      return;
    }
    case 'windup':
      launchFireball(m, state, cfg);
      m.phase = 'recover';
      m.timer = cfg.attackRecover;
      return;
    case 'recover':
      m.phase = 'chase';
      m.timer = cfg.chaseInterval;
      m.justAttacked = true;
      return;
  }
}

/** P_SpawnMissile: aimed at where the agent stands now, descending to reach its feet there. */
function launchFireball(m: Monster, state: TakeCoverState, cfg: TakeCoverConfig): void {
  const dx = state.agentX - m.x;
  const dy = cfg.agentY - m.y;
  const dist = Math.hypot(dx, dy);
  const flightTics = Math.max(1, dist / cfg.fireballSpeed);
  state.fireballs.push({
    x: m.x,
    y: m.y,
    z: cfg.fireballLaunchHeight,
    vx: (cfg.fireballSpeed * dx) / dist,
    vy: (cfg.fireballSpeed * dy) / dist,
    vz: -cfg.fireballLaunchHeight / flightTics,
  });
}
