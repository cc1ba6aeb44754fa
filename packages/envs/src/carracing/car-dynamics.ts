import { Polygon, RevoluteJoint, Vec2, type Body, type World } from 'planck';
import {
  BRAKE_FORCE,
  ENGINE_POWER,
  MUD_COLOR,
  FRICTION_LIMIT,
  HULL_POLYS,
  SIZE,
  TYRE_FORCE_GAIN,
  WHEEL_COLOR,
  WHEEL_MOMENT_OF_INERTIA,
  WHEEL_R,
  WHEEL_W,
  WHEELPOS,
  type Rgb,
} from './constants.js';

/** A skid mark: a polyline of wheel positions while the tyre slid (drawn only in 'human' frames). */
export interface SkidParticle {
  points: number[];
  color: Rgb;
  grass: boolean;
}

/** A road tile as the tyres see it: its friction and whether a wheel has touched it yet. */
export interface RoadTile {
  readonly index: number;
  readonly roadFriction: number;
  visited: boolean;
  /** Colour the tile is drawn in; set to the plain road colour on any contact (as gym did). */
  colorIndex: number;
}

/** A wheel: a Box2D body plus the tyre state of gym's car_dynamics. */
export interface Wheel {
  readonly body: Body;
  readonly joint: RevoluteJoint;
  readonly wheelRad: number;
  gas: number;
  brake: number;
  steer: number;
  /** Wheel rotation angle (radians), drawn as the moving grey stripe. */
  phase: number;
  /** Angular velocity of the wheel about its axle (rad/s). */
  omega: number;
  /** Road tiles the wheel currently overlaps. */
  readonly tiles: Set<RoadTile>;
  skidStart: { x: number; y: number } | null;
  skidParticle: SkidParticle | null;
}

/** Marks a body as a wheel for the contact listener. */
export const WHEEL_TAG = 'wheel';

const FORWARD = Vec2(0, 1);
const SIDEWAYS = Vec2(1, 0);

/**
 * The top-down car of gym 0.9.5 (car_dynamics.py): a hull of 4 polygons and 4 wheels on revolute
 * motor joints (steering limits ±0.4 rad), rear-wheel drive, and a tyre model that pushes each
 * wheel towards rolling without slip, with force clipped to a friction limit that is lower on
 * grass. Ideas from the iforce2d top-down car tutorial.
 */
export class Car {
  readonly hull: Body;
  readonly wheels: Wheel[] = [];
  /** Kept for parity with gym; the reward ignores it. */
  fuelSpent = 0;
  /** The last 30 skid marks. */
  readonly particles: SkidParticle[] = [];

  constructor(
    private readonly world: World,
    initAngle: number,
    initX: number,
    initY: number,
  ) {
    this.hull = world.createBody({ type: 'dynamic', position: Vec2(initX, initY), angle: initAngle });
    for (const poly of HULL_POLYS) {
      this.hull.createFixture({ shape: new Polygon(poly.map(([x, y]) => Vec2(x * SIZE, y * SIZE))), density: 1.0 });
    }
    const wheelPoly = [
      Vec2(-WHEEL_W * SIZE, +WHEEL_R * SIZE),
      Vec2(+WHEEL_W * SIZE, +WHEEL_R * SIZE),
      Vec2(+WHEEL_W * SIZE, -WHEEL_R * SIZE),
      Vec2(-WHEEL_W * SIZE, -WHEEL_R * SIZE),
    ];
    for (const [wx, wy] of WHEELPOS) {
      const body = world.createBody({
        type: 'dynamic',
        position: Vec2(initX + wx * SIZE, initY + wy * SIZE),
        angle: initAngle,
      });
      body.createFixture({
        shape: new Polygon(wheelPoly),
        density: 0.1,
        filterCategoryBits: 0x0020,
        filterMaskBits: 0x001,
        restitution: 0.0,
      });
      const joint = world.createJoint(
        new RevoluteJoint({
            bodyA: this.hull,
            bodyB: body,
            localAnchorA: Vec2(wx * SIZE, wy * SIZE),
            localAnchorB: Vec2(0, 0),
            referenceAngle: 0,
            enableMotor: true,
            enableLimit: true,
            maxMotorTorque: 180 * 900 * SIZE * SIZE,
            motorSpeed: 0,
            lowerAngle: -0.4,
            upperAngle: +0.4,
        }),
      )!;
      const wheel: Wheel = {
        body,
        joint,
        wheelRad: WHEEL_R * SIZE,
        gas: 0,
        brake: 0,
        steer: 0,
        phase: 0,
        omega: 0,
        tiles: new Set(),
        skidStart: null,
        skidParticle: null,
      };
      body.setUserData({ tag: WHEEL_TAG, wheel });
      this.wheels.push(wheel);
    }
  }

  /** Rear-wheel drive: the throttle follows `gas` (clipped to [0, 1]), rising by at most 0.1 per step. */
  gas(gas: number): void {
    const g = Math.min(1, Math.max(0, gas));
    for (const w of this.wheels.slice(2, 4)) {
      let diff = g - w.gas;
      if (diff > 0.1) diff = 0.1; // gradually increase, but stop immediately
      w.gas += diff;
    }
  }

  /** Brake 0..1 on all wheels; 0.9 or more locks them. */
  brake(b: number): void {
    for (const w of this.wheels) w.brake = b;
  }

  /** Target steering position −1..1 of the front wheels (the motor turns them towards it). */
  steer(s: number): void {
    this.wheels[0]!.steer = s;
    this.wheels[1]!.steer = s;
  }

  /** Applies steering motors, engine, brakes and tyre forces for one time step `dt`. */
  step(dt: number): void {
    for (const w of this.wheels) {
      // Steer each wheel.
      const jointAngle = w.joint.getJointAngle();
      const dir = Math.sign(w.steer - jointAngle);
      const val = Math.abs(w.steer - jointAngle);
      w.joint.setMotorSpeed(dir * Math.min(50.0 * val, 3.0));

      // Position => friction limit (grass if no tile under the wheel).
      let grass = true;
      let frictionLimit = FRICTION_LIMIT * 0.6;
      for (const tile of w.tiles) {
        frictionLimit = Math.max(frictionLimit, FRICTION_LIMIT * tile.roadFriction);
        grass = false;
      }

      const forw = w.body.getWorldVector(FORWARD);
      const side = w.body.getWorldVector(SIDEWAYS);
      const v = w.body.getLinearVelocity();
      const vf = forw.x * v.x + forw.y * v.y; // forward speed
      const vs = side.x * v.x + side.y * v.y; // side speed

      // I·ω·dω/dt = power  ⇒  dω = dt·P/I/ω; +5 keeps it finite at rest.
      w.omega += (dt * ENGINE_POWER * w.gas) / WHEEL_MOMENT_OF_INERTIA / (Math.abs(w.omega) + 5.0);
      this.fuelSpent += dt * ENGINE_POWER * w.gas;

      if (w.brake >= 0.9) {
        w.omega = 0;
      } else if (w.brake > 0) {
        const brakeDir = -Math.sign(w.omega);
        let brakeVal = BRAKE_FORCE * w.brake;
        if (Math.abs(brakeVal) > Math.abs(w.omega)) brakeVal = Math.abs(w.omega); // low speed => same as = 0
        w.omega += brakeDir * brakeVal;
      }
      w.phase += w.omega * dt;

      const vr = w.omega * w.wheelRad; // rotating wheel speed
      // Force along the speed difference; the gain damps oscillation at finite dt.
      let fForce = (-vf + vr) * TYRE_FORCE_GAIN;
      let pForce = -vs * TYRE_FORCE_GAIN;
      let force = Math.sqrt(fForce * fForce + pForce * pForce);

      // Skid trace.
      if (Math.abs(force) > 2.0 * frictionLimit) {
        const p = w.body.getPosition();
        if (w.skidParticle && w.skidParticle.grass === grass && w.skidParticle.points.length < 60) {
          w.skidParticle.points.push(p.x, p.y);
        } else if (w.skidStart === null) {
          w.skidStart = { x: p.x, y: p.y };
        } else {
          w.skidParticle = this.createParticle(w.skidStart, p, grass);
          w.skidStart = null;
        }
      } else {
        w.skidStart = null;
        w.skidParticle = null;
      }

      if (Math.abs(force) > frictionLimit) {
        fForce /= force;
        pForce /= force;
        force = frictionLimit;
        fForce *= force;
        pForce *= force;
      }
      w.omega -= (dt * fForce * w.wheelRad) / WHEEL_MOMENT_OF_INERTIA;
      w.body.applyForceToCenter(
        Vec2(pForce * side.x + fForce * forw.x, pForce * side.y + fForce * forw.y),
        true,
      );
    }
  }

  private createParticle(p1: { x: number; y: number }, p2: { x: number; y: number }, grass: boolean): SkidParticle {
    const particle: SkidParticle = { points: [p1.x, p1.y, p2.x, p2.y], color: grass ? MUD_COLOR : WHEEL_COLOR, grass };
    this.particles.push(particle);
    while (this.particles.length > 30) this.particles.shift();
    return particle;
  }

  destroy(): void {
    for (const w of this.wheels) this.world.destroyBody(w.body);
    this.world.destroyBody(this.hull);
    this.wheels.length = 0;
  }
}
