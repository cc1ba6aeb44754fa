/**
 * The rules and numbers of TakeCover-v0, in Doom map units (1 unit ≈ 1 texture pixel) and tics
 * (1/35 s; one env step is one tic, as in VizDoom's take_cover, whose timeout is 2100 tics).
 *
 * Doom figures used as they are: player radius 16, eye height 41, walking strafe thrust 0.75
 * units/tic² with ground friction 0.90625 (top speed 8 units/tic); imp radius 20, height 56;
 * imp fireball speed 10 units/tic, radius 6, launched 32 units up and aimed at the player's feet,
 * damage 3·(1d8) (3–24); the imp's attack is a 16-tic wind-up (two 8-tic A_FaceTarget frames),
 * then the fireball, then 6 tics before chasing again; while chasing it rolls for a missile
 * attack every 3 tics with chance 1 − min(dist − 64, 200)/256 (≈ 0.22 across the room) and never
 * twice in a row; the red damage flash follows the player's damage count (+damage, −1 per tic).
 * The room size and the pace at which imps arrive are not published; they are tuned so that a
 * random agent (uniform actions held 1–10 tics) survives about as long as in VizDoom (paper:
 * 210 ± 108 frames).
 */
export interface TakeCoverConfig {
  /** Room width along x; the room spans x ∈ [−width/2, width/2]. */
  roomWidth: number;
  /** Room depth along y, from the agent's wall (y = 0) to the monsters' wall. */
  roomDepth: number;
  ceilingHeight: number;
  /** The agent's distance from its wall (its centre's y). */
  agentY: number;
  agentRadius: number;
  eyeHeight: number;
  /** Sideways thrust per tic while a move button is held. */
  thrust: number;
  /** Momentum kept per tic (Doom's ORIG_FRICTION). */
  friction: number;
  startHealth: number;
  monsterRadius: number;
  monsterHeight: number;
  /** Monsters stand this far from the far wall (their centre's distance). */
  monsterWallGap: number;
  initialMonsters: number;
  /** A new monster appears every this many tics… */
  spawnInterval: number;
  /** …up to this many. */
  maxMonsters: number;
  /** Tics from the start of an attack to the fireball's launch. */
  attackWindup: number;
  /** Tics after the launch before the monster chases (and may attack) again. */
  attackRecover: number;
  /** Tics between attack rolls while chasing. */
  chaseInterval: number;
  /** Tics a freshly spawned monster waits before it may attack (Doom's reactiontime). */
  reactionTime: number;
  fireballSpeed: number;
  fireballRadius: number;
  fireballLaunchHeight: number;
  /** Damage is damageUnit × (1 + uniform integer in [0, damageDice)). */
  damageUnit: number;
  damageDice: number;
  /** Tics an explosion stays visible. */
  explosionTics: number;
  /** Episode length cap (truncation). */
  maxSteps: number;
}

export const DEFAULT_TAKE_COVER_CONFIG: Readonly<TakeCoverConfig> = Object.freeze({
  roomWidth: 896,
  roomDepth: 448,
  ceilingHeight: 160,
  agentY: 32,
  agentRadius: 16,
  eyeHeight: 41,
  thrust: 0.75,
  friction: 0.90625,
  startHealth: 100,
  monsterRadius: 20,
  monsterHeight: 56,
  monsterWallGap: 40,
  initialMonsters: 8,
  spawnInterval: 35,
  maxMonsters: 16,
  attackWindup: 16,
  attackRecover: 6,
  chaseInterval: 3,
  reactionTime: 8,
  fireballSpeed: 10,
  fireballRadius: 6,
  fireballLaunchHeight: 32,
  damageUnit: 3,
  damageDice: 8,
  explosionTics: 18,
  maxSteps: 2100,
});
