import { Polygon, Vec2, World, type Contact } from 'planck';
import { Rng } from '@worldmodels/core/rng';
import { checkBoxAction, EpisodeState } from '../action-check.js';
import type { Env, EnvDoc, Info, RenderFrame, RenderMode, ResetResult, StepResult } from '../env.js';
import { glChannel, RgbCanvas } from '../render/raster.js';
import { Box } from '../spaces.js';
import { Car, WHEEL_TAG, type RoadTile, type Wheel } from './car-dynamics.js';
import { CarRacingRenderer, type CarRacingPalette, type CarRacingScene } from './car-racing-renderer.js';
import { FPS, PLAYFIELD, STATE_H, STATE_W, VIDEO_H, VIDEO_W } from './constants.js';
import { colorizeLabels, LABEL_PALETTE, SEMANTIC_CLASSES, type SemanticMap } from './semantic.js';
import { carRacingTheme, themePalette, type CarRacingTheme, type CarRacingThemeName } from './themes.js';
import { generateTrack, type Track } from './track.js';

export interface CarRacingOptions {
  /** Steps after which an episode is truncated (gym registered CarRacing-v0 with 1000). */
  maxEpisodeSteps?: number;
  /** Seed used by the first `reset()` when it is given none. */
  seed?: number;
  /** Print track-generation messages as gym did. */
  verbose?: boolean;
  /** Colour theme of the frames (default 'default': gym's colours); geometry and physics are unchanged. */
  theme?: CarRacingThemeName;
}

export const CAR_RACING_DOC: EnvDoc = {
  description:
    'CarRacing-v0 of gym 0.9.5, ported faithfully: a top-down racing car (Box2D physics via planck, ' +
    'rear-wheel drive, tyre friction model, lower grip on grass) on a random closed track of road ' +
    'tiles. The camera follows the car, turned so that its velocity points up, zooming in during ' +
    'the first second. The bottom 12 rows show the score, true speed, the 4 wheel speeds, steering ' +
    'and gyroscope.',
  actionSpace:
    'Box([-1, 0, 0], [1, 1, 1], [3], float32): steer (−1 left … +1 right), gas, brake. Values ' +
    'outside the box are clipped to it; a wrong length or a non-finite value throws.',
  observationSpace: 'Box(0, 255, [96, 96, 3], uint8): the RGB frame, HWC.',
  rewards:
    '−0.1 every frame and +1000/N for every track tile visited for the first time (N tiles), so ' +
    'finishing in 732 frames scores 1000 − 73.2 = 926.8. Leaving the playfield gives −100.',
  episodeEnd:
    'terminated when every tile has been visited or when the car leaves the playfield ' +
    '(|x| or |y| > 2000/6); truncated after 1000 steps (option maxEpisodeSteps).',
};

/**
 * CarRacing-v0 (gym 0.9.5): "easiest continuous control task to learn from pixels". A faithful
 * port of car_racing.py / car_dynamics.py; see {@link CAR_RACING_DOC}.
 */
export class CarRacingEnv implements Env<Uint8Array, Float32Array | number[]> {
  readonly id = 'CarRacing-v0';
  readonly observationSpace = new Box({ low: 0, high: 255, shape: [STATE_H, STATE_W, 3], dtype: 'uint8' });
  readonly actionSpace = new Box({ low: [-1, 0, 0], high: [1, 1, 1], shape: [3], dtype: 'float32' });
  readonly doc = CAR_RACING_DOC;

  private readonly maxEpisodeSteps: number;
  private readonly verbose: boolean;
  private rng: Rng;
  private readonly episode = new EpisodeState(this.id);
  private readonly renderer = new CarRacingRenderer();
  private readonly stateCanvas = new RgbCanvas(STATE_W, STATE_H);
  private labelCanvas: RgbCanvas | null = null;
  private readonly theme: CarRacingTheme;
  private readonly palette: CarRacingPalette;
  private humanCanvas: RgbCanvas | null = null;

  private world: World | null = null;
  private car: Car | null = null;
  private track: Track | null = null;
  private tiles: RoadTile[] = [];
  private tileColors = new Uint8Array(0);
  private reward = 0;
  private prevReward = 0;
  private tileVisitedCount = 0;
  private t = 0;
  private elapsedSteps = 0;
  private trackRetries = 0;

  constructor(options: Record<string, unknown> | CarRacingOptions = {}) {
    const o = options as CarRacingOptions;
    const max = o.maxEpisodeSteps ?? 1000;
    if (!Number.isInteger(max) || max <= 0) throw new Error(`CarRacing-v0: maxEpisodeSteps must be a positive integer, got ${String(max)}`);
    this.maxEpisodeSteps = max;
    this.verbose = o.verbose === true;
    const seed = o.seed ?? randomSeed();
    if (!Number.isInteger(seed)) throw new Error(`CarRacing-v0: seed must be an integer, got ${String(seed)}`);
    this.rng = new Rng(seed).derive('CarRacing-v0');
    const themeName = o.theme ?? 'default';
    if (typeof themeName !== 'string') throw new Error(`CarRacing-v0: theme must be a theme name, got ${String(themeName)}`);
    this.theme = carRacingTheme(themeName);
    this.palette = themePalette(this.theme);
  }

  reset(options: { seed?: number } = {}): ResetResult<Uint8Array> {
    this.episode.assertCanReset();
    if (options.seed !== undefined) {
      if (!Number.isInteger(options.seed)) throw new Error(`CarRacing-v0: reset seed must be an integer, got ${String(options.seed)}`);
      this.rng = new Rng(options.seed).derive('CarRacing-v0');
    }
    this.destroy();
    this.reward = 0;
    this.prevReward = 0;
    this.tileVisitedCount = 0;
    this.t = 0;
    this.elapsedSteps = 0;
    this.trackRetries = 0;

    let track: Track | null = null;
    for (;;) {
      track = generateTrack(this.rng);
      if (track) break;
      this.trackRetries++;
      if (this.verbose) console.log('retry to generate track (normal if there are not many of this messages)');
    }
    if (this.verbose) console.log(`Track generation: ${track.tiles.length}-tiles track`);
    this.track = track;
    this.buildWorld(track);
    const start = track.points[0]!;
    this.car = new Car(this.world!, start.beta, start.x, start.y);
    this.episode.started();
    // gym's reset ran one physics step without an action and returned its frame.
    this.physicsStep();
    return { observation: this.renderState(), info: this.info() };
  }

  step(action: Float32Array | number[]): StepResult<Uint8Array> {
    this.episode.assertCanStep();
    const a = checkBoxAction(this.id, this.actionSpace, action);
    const car = this.car!;
    car.steer(-a[0]!);
    car.gas(a[1]!);
    car.brake(a[2]!);
    this.physicsStep();
    const observation = this.renderState();

    this.reward -= 0.1;
    // gym does not count fuel: the agent should simply be fast.
    car.fuelSpent = 0.0;
    let stepReward = this.reward - this.prevReward;
    this.prevReward = this.reward;
    let terminated = false;
    if (this.tileVisitedCount === this.tiles.length) terminated = true;
    const { x, y } = car.hull.getPosition();
    if (Math.abs(x) > PLAYFIELD || Math.abs(y) > PLAYFIELD) {
      terminated = true;
      stepReward = -100;
    }
    this.elapsedSteps++;
    const truncated = !terminated && this.elapsedSteps >= this.maxEpisodeSteps;
    this.episode.stepped(terminated, truncated);
    return { observation, reward: stepReward, terminated, truncated, info: this.info() };
  }

  /**
   * `rgb_array`: the observation frame; `human`: a 600×400 frame; `semantic`: the colourised
   * semantic map of the observation frame (see {@link renderSemantic}).
   */
  render(mode: RenderMode | 'semantic' = 'rgb_array'): RenderFrame {
    if (!this.car) throw new Error(`${this.id}: render() called before reset()`);
    if (mode === 'rgb_array') {
      const data = this.renderState();
      return { data, width: STATE_W, height: STATE_H, channels: 3 };
    }
    if (mode === 'semantic') {
      const map = this.renderSemantic();
      return { data: map.colors, width: map.width, height: map.height, channels: 3 };
    }
    if (mode !== 'human') throw new Error(`${this.id}: render mode must be 'rgb_array', 'human' or 'semantic', got ${JSON.stringify(mode)}`);
    this.humanCanvas ??= new RgbCanvas(VIDEO_W, VIDEO_H);
    this.renderer.render(this.humanCanvas, { ...this.scene(), skidMarks: this.car.particles }, this.palette);
    return { data: this.humanCanvas.data.slice(), width: VIDEO_W, height: VIDEO_H, channels: 3 };
  }

  /**
   * The semantic map of the current observation: class indices ({@link SEMANTIC_CLASSES}:
   * background, grass, road, kerb, car, indicator) [96, 96] and their colours [96, 96, 3]. It is
   * drawn by the same renderer from the same scene as the frame, with every part painted in its
   * class, so map and frame align pixel for pixel (in every theme).
   */
  renderSemantic(): SemanticMap {
    if (!this.car) throw new Error(`${this.id}: renderSemantic() called before reset()`);
    this.labelCanvas ??= new RgbCanvas(STATE_W, STATE_H);
    this.renderer.render(this.labelCanvas, this.scene(), LABEL_PALETTE);
    const rgb = this.labelCanvas.data;
    const labels = new Uint8Array(STATE_W * STATE_H);
    for (let i = 0; i < labels.length; i++) labels[i] = rgb[3 * i]!;
    return { labels, colors: colorizeLabels(labels), width: STATE_W, height: STATE_H, classes: SEMANTIC_CLASSES };
  }

  close(): void {
    this.destroy();
    this.episode.closed();
  }

  private destroy(): void {
    this.car = null;
    this.world = null;
    this.track = null;
    this.tiles = [];
  }

  /** Static sensor tiles for the road, and the contact listener that marks visits. */
  private buildWorld(track: Track): void {
    const world = new World({ gravity: Vec2(0, 0) });
    const n = track.tiles.length;
    this.tiles = [];
    this.tileColors = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      const q = track.tiles[i]!;
      const body = world.createBody({ type: 'static' });
      body.createFixture({
        shape: new Polygon([Vec2(q[0], q[1]), Vec2(q[2], q[3]), Vec2(q[4], q[5]), Vec2(q[6], q[7])]),
        isSensor: true,
      });
      const tile: RoadTile = { index: i, roadFriction: 1.0, visited: false, colorIndex: i % 3 };
      body.setUserData({ tag: 'tile', tile });
      this.tiles.push(tile);
      const road = this.theme.road;
      for (let ch = 0; ch < 3; ch++) this.tileColors[3 * i + ch] = glChannel(road[ch]! + 0.01 * (i % 3));
    }
    world.on('begin-contact', (contact) => this.onContact(contact, true));
    world.on('end-contact', (contact) => this.onContact(contact, false));
    this.world = world;
  }

  /** gym's FrictionDetector: any contact repaints the tile; a wheel's first touch scores it. */
  private onContact(contact: Contact, begin: boolean): void {
    const u1 = contact.getFixtureA().getBody().getUserData() as BodyTag | null;
    const u2 = contact.getFixtureB().getBody().getUserData() as BodyTag | null;
    let tile: RoadTile | null = null;
    let other: BodyTag | null = null;
    if (u1 && u1.tag === 'tile') {
      tile = u1.tile;
      other = u2;
    }
    if (u2 && u2.tag === 'tile') {
      tile = u2.tile;
      other = u1;
    }
    if (!tile) return;
    const road = this.theme.road;
    for (let ch = 0; ch < 3; ch++) this.tileColors[3 * tile.index + ch] = glChannel(road[ch]!);
    if (!other || other.tag !== WHEEL_TAG) return;
    if (begin) {
      other.wheel.tiles.add(tile);
      if (!tile.visited) {
        tile.visited = true;
        this.reward += 1000.0 / this.tiles.length;
        this.tileVisitedCount += 1;
      }
    } else {
      other.wheel.tiles.delete(tile);
    }
  }

  private physicsStep(): void {
    this.car!.step(1.0 / FPS);
    this.world!.step(1.0 / FPS, 6 * 30, 2 * 30);
    this.t += 1.0 / FPS;
  }

  private scene(): CarRacingScene {
    const car = this.car!;
    const w = car.wheels;
    return {
      track: this.track!,
      tileColors: this.tileColors,
      car,
      t: this.t,
      indicators: {
        trueSpeed: speedOf(car),
        wheelOmegas: [w[0]!.omega, w[1]!.omega, w[2]!.omega, w[3]!.omega],
        steeringAngle: w[0]!.joint.getJointAngle(),
        gyro: car.hull.getAngularVelocity(),
        score: this.reward,
      },
    };
  }

  private renderState(): Uint8Array {
    this.renderer.render(this.stateCanvas, this.scene(), this.palette);
    return this.stateCanvas.data.slice();
  }

  private info(): Info {
    const car = this.car!;
    const p = car.hull.getPosition();
    return {
      tiles: this.tiles.length,
      tilesVisited: this.tileVisitedCount,
      position: [p.x, p.y],
      angle: car.hull.getAngle(),
      speed: speedOf(car),
      totalReward: this.reward,
      trackRetries: this.trackRetries,
      elapsedSteps: this.elapsedSteps,
    };
  }
}

type BodyTag = { tag: 'tile'; tile: RoadTile } | { tag: typeof WHEEL_TAG; wheel: Wheel };

function speedOf(car: Car): number {
  const v = car.hull.getLinearVelocity();
  return Math.sqrt(v.x * v.x + v.y * v.y);
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
}
